// How the page runs the HDF5 engine (client.browser.ts): where its worker script is, and how long
// one file may take in it. The page sets both (web/main.ts: `engine-worker.js` beside the page,
// `?h5-timeout=S`); the command line has its own worker (client.ts) and KERASCOPE_H5_TIMEOUT.
// Nothing here touches Node or the DOM.

export interface PageEngine {
  /** The engine worker's script (a module Worker of the page's own origin), or null: no engine. */
  url: URL | null;
  /** Why there is no engine, when `url` is null (ends the one line a file that needs it gets). */
  absent: string;
  /** Seconds one HDF5 file may take in the engine before its worker is ended. */
  seconds: number;
}

/** The deadline by default, as on the command line (client.ts). */
export const PAGE_ENGINE_SECONDS = 30;

let current: PageEngine = { url: null, absent: 'this page runs none', seconds: PAGE_ENGINE_SECONDS };

/**
 * Sets the engine's worker script (or null, and why there is none) and its deadline; a deadline
 * that is not a positive number keeps the default.
 */
export function useEngineWorker(url: URL | null, absent: string, seconds?: number): void {
  const ok = seconds !== undefined && Number.isFinite(seconds) && seconds > 0;
  current = { url, absent, seconds: ok ? seconds : PAGE_ENGINE_SECONDS };
}

export function pageEngine(): PageEngine {
  return current;
}
