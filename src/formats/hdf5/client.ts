// The main thread's side of the HDF5 engine on Node: its worker thread (worker.ts), driven by
// driver.ts — one worker for the whole process, started on the first HDF5 payload the native reader
// hands over (a JSON input never pays for it), jobs one at a time, a deadline that ends a worker
// HDF5 loops in, a worker that ends under a job (emscripten abort) replaced and the job tried once
// more. The page's twin is client.browser.ts.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Worker } from 'node:worker_threads';
import type { H5Contents } from './contents.js';
import { EngineDriver, type EngineWorker, type Limit, type Reply, type WorkerEvents } from './driver.js';
import type { H5Job } from './jobs.js';

export type { Limit } from './driver.js';

/** Seconds a single HDF5 file may take (metadata of a 2,000-layer model takes well under one). */
export function h5Deadline(): number {
  const v = Number(process.env['KERASCOPE_H5_TIMEOUT']);
  return Number.isFinite(v) && v > 0 ? v : 30;
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

/** Bytes the engine read from files so far, across worker restarts (tests: no weight bytes read). */
export function engineBytesRead(): number {
  return driver.bytesRead;
}

/** Reads one HDF5 payload with the engine, in its worker, within `limit`. */
export function runEngineJob(job: H5Job, limit?: Limit): Promise<H5Contents> {
  return driver.runJob(job, limit);
}

/** A worker thread, ready once its engine is loaded. */
async function startWorker(events: WorkerEvents): Promise<EngineWorker> {
  // Loaded here, not at the top: the files the native reader reads never pay for worker_threads.
  const { Worker } = await import('node:worker_threads');
  const w = spawn(Worker);
  const ready = new Promise<void>((resolve, reject) => {
    w.once('message', (msg: Reply) => {
      // From now on an idle engine never keeps the process alive; a pending job's timer does.
      w.unref();
      if (msg.ready) resolve();
      else reject(new Error(`HDF5 engine failed to start: ${msg.message}`));
    });
    w.once('exit', (code) => reject(new Error(`HDF5 engine failed to start (exit code ${code})`)));
  });
  w.on('message', (msg: Reply) => events.reply(msg));
  w.on('error', (e) => events.lost(e.message.split('\n')[0]!));
  w.on('exit', (code) => events.lost(`exit code ${code}`));
  return {
    ready,
    send: (id, job) => w.postMessage({ id, job }),
    end: () => void w.terminate(),
  };
}

/**
 * The built worker (dist/formats/hdf5/worker.js), or, when running from the TypeScript sources
 * (tests, tsx), the .ts file loaded through tsx's loader. h5wasm is imported before tsx is
 * registered: through tsx's loader its 4 MB hdf5_util.js costs ≈ 4 s of CPU at every engine start
 * (source-map work), natively 0.3 s; the worker's own import then finds it already loaded.
 */
function spawn(Worker: typeof import('node:worker_threads').Worker): Worker {
  const js = new URL('./worker.js', import.meta.url);
  if (existsSync(fileURLToPath(js))) return new Worker(js);
  const ts = new URL('./worker.ts', import.meta.url).href;
  const boot = `import('h5wasm/node').then(() => import('tsx/esm/api')).then((m) => m.register()).then(() => import(${JSON.stringify(ts)}))`;
  return new Worker(boot, { eval: true });
}
