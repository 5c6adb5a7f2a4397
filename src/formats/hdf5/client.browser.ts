// The HDF5 engine from a browser page: client.ts's twin (same exports), which the page's build uses
// in its place (web/build.ts). The engine is h5wasm's browser build in a Web Worker that the page
// starts (useEngineWorker); a page that starts none gets one clear line for a file that needs it.
import { UnreadableError } from '../../errors.js';
import type { H5Contents } from './contents.js';
import type { H5Job } from './run-job.js';

/** How long a job may take, and what to say when it does not finish. */
export interface Limit {
  seconds: number;
  onTimeout: string;
}

/** Seconds a single HDF5 file may take in the engine. */
export function h5Deadline(): number {
  return 30;
}

export function h5EngineLoaded(): boolean {
  return false;
}

export function h5EngineStarts(): number {
  return 0;
}

export function engineBytesRead(): number {
  return 0;
}

/** Reads one HDF5 payload with the engine, within `limit`. */
export async function runEngineJob(job: H5Job, _limit?: Limit): Promise<H5Contents> {
  throw new UnreadableError(job.label, 'this HDF5 file needs the HDF5 engine (h5wasm), which this page does not run: the command line reads it');
}
