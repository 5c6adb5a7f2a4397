// The HDF5 engine from a browser page: client.ts's twin (same exports), which the page's build uses
// in its place (web/build.ts). The engine is h5wasm's browser build in a module Worker of the page's
// own origin (web/engine-worker.ts, where the page puts it: page-engine.ts), driven by driver.ts as
// the command line's worker thread is: one worker, started on the first file that needs it, jobs
// one at a time, a deadline that ends the worker, a fresh worker after a hang or an abort. Each job
// carries the Blob its path names (src/formats/browser.ts), which the worker mounts. A page that
// cannot start a worker (opened from disk) gets one clear line for a file that needs the engine.
import { UnreadableError } from '../../errors.js';
import { blobAt } from '../browser.js';
import { oneLine } from '../text.js';
import type { H5Contents } from './contents.js';
import { EngineDriver, type EngineWorker, type Limit, type Reply, type WorkerEvents } from './driver.js';
import { pageEngine } from './page-engine.js';
import type { H5Job } from './run-job.js';

export type { Limit } from './driver.js';

/** Seconds a single HDF5 file may take in the engine (the page's `?h5-timeout=S`, else 30). */
export function h5Deadline(): number {
  return pageEngine().seconds;
}

const driver = new EngineDriver(startWorker, h5Deadline);

/** True once an HDF5 payload started the engine. */
export function h5EngineLoaded(): boolean {
  return driver.starts > 0;
}

/** How many engine workers were started (1 + restarts after a hang or an abort). */
export function h5EngineStarts(): number {
  return driver.starts;
}

/** Bytes the engine read from files so far, across worker restarts. */
export function engineBytesRead(): number {
  return driver.bytesRead;
}

/** Reads one HDF5 payload with the engine, in its worker, within `limit`. */
export function runEngineJob(job: H5Job, limit?: Limit): Promise<H5Contents> {
  const path = job.kind === 'host' ? job.file : job.host;
  if (!blobAt(path)) return Promise.reject(new UnreadableError(job.label, 'the page no longer holds this file for the HDF5 engine'));
  return driver.runJob(job, limit);
}

/** The page's engine worker, ready once its engine is loaded. */
async function startWorker(events: WorkerEvents, label: string): Promise<EngineWorker> {
  const { url, absent } = pageEngine();
  if (!url) throw noEngine(label, absent);
  let w: Worker;
  try {
    w = new Worker(url, { type: 'module', name: 'kerascope HDF5 engine' });
  } catch (e) {
    throw noEngine(label, `the browser refused to start it (${oneLine(e)})`);
  }
  const ready = new Promise<void>((resolve, reject) => {
    const first = (e: MessageEvent<Reply>) => {
      w.removeEventListener('message', first);
      if (e.data.ready) resolve();
      else reject(noEngine(label, `it failed to start (${oneLine(e.data.message)})`));
    };
    w.addEventListener('message', first);
    // Before it is ready, an error is its script failing to load or to run.
    w.addEventListener('error', () => reject(noEngine(label, `its script ${url.pathname.split('/').pop()} failed to load`)), { once: true });
  });
  w.addEventListener('message', (e: MessageEvent<Reply>) => events.reply(e.data));
  w.addEventListener('error', (e) => events.lost(e.message || 'worker error'));
  w.addEventListener('messageerror', () => events.lost('a reply could not be read'));
  return {
    ready,
    send: (id, job) => {
      const path = job.kind === 'host' ? job.file : job.host;
      w.postMessage({ id, job, blobs: [[path, blobAt(path)]] });
    },
    end: () => w.terminate(),
  };
}

function noEngine(label: string, why: string): UnreadableError {
  return new UnreadableError(label, `this HDF5 file needs the HDF5 engine (h5wasm), and ${why}: the command line reads it`);
}
