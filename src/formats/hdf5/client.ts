// The main thread's side of the HDF5 engine: one worker for the whole process, started on the
// first HDF5 payload (a JSON input never pays for it), jobs run one at a time, and a deadline:
// a job that does not finish in time (HDF5 looping on a hostile file) ends the worker, the file
// is reported unreadable, and the next job starts a fresh worker. A worker that ends under a job
// (emscripten abort) is replaced and the job tried once more.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Worker } from 'node:worker_threads';
import { UnreadableError } from '../../errors.js';
import { oneLine } from '../text.js';
import type { H5Contents } from './contents.js';
import type { H5Job, H5JobDone } from './jobs.js';

interface Pending {
  resolve: (d: H5JobDone) => void;
  reject: (e: Error) => void;
  timer: NodeJS.Timeout;
  label: string;
  limit: Limit;
}

/** How long a job may take, and what to say when it does not finish. */
export interface Limit {
  seconds: number;
  onTimeout: string;
}

let worker: Worker | null = null;
let ready: Promise<Worker> | null = null;
let starts = 0;
let nextId = 1;
let bytesReadTotal = 0;
let bytesReadBase = 0;
const pending = new Map<number, Pending>();

/** Seconds a single HDF5 file may take (metadata of a 2,000-layer model takes well under one). */
export function h5Deadline(): number {
  const v = Number(process.env['KERASCOPE_H5_TIMEOUT']);
  return Number.isFinite(v) && v > 0 ? v : 30;
}

/** True once an HDF5 payload started the engine. */
export function h5EngineLoaded(): boolean {
  return starts > 0;
}

/** How many engine workers were started (1 + restarts after a hang or an abort). */
export function h5EngineStarts(): number {
  return starts;
}

/** Bytes the engine read from files so far, across worker restarts (tests: no weight bytes read). */
export function engineBytesRead(): number {
  return bytesReadTotal;
}

/** The worker ended under a job (an abort, a crash): the job may be retried once on a fresh one. */
class EngineLost extends Error {}

function defaultLimit(): Limit {
  const seconds = h5Deadline();
  return { seconds, onTimeout: `HDF5 engine gave no answer within ${seconds} s: the file is corrupt or hostile` };
}

/** Reads one HDF5 payload with the engine, in its worker, within `limit`. */
export async function runEngineJob(job: H5Job, limit = defaultLimit()): Promise<H5Contents> {
  for (let attempt = 1; ; attempt++) {
    try {
      const done = await post(job, limit);
      bytesReadTotal = bytesReadBase + done.bytesRead;
      return done.contents;
    } catch (e) {
      if (!(e instanceof EngineLost)) throw e;
      if (attempt === 2) throw new UnreadableError(job.label, `HDF5 engine stopped on this file (${e.message})`);
    }
  }
}

/**
 * One job in flight at a time (the engine is single-threaded anyway), so a job's deadline counts
 * its own HDF5 work, never the wait behind other files of a batch.
 */
let queue: Promise<unknown> = Promise.resolve();

function post(job: H5Job, limit: Limit): Promise<H5JobDone> {
  const run = queue.then(() => postNow(job, limit));
  queue = run.catch(() => undefined);
  return run;
}

async function postNow(job: H5Job, limit: Limit): Promise<H5JobDone> {
  const w = await ensureWorker();
  const id = nextId++;
  return new Promise<H5JobDone>((resolve, reject) => {
    const timer = setTimeout(() => giveUp(id), limit.seconds * 1000);
    pending.set(id, { resolve, reject, timer, label: job.label, limit });
    w.postMessage({ id, job });
  });
}

interface Reply {
  ready?: boolean;
  id: number;
  ok: boolean;
  done?: H5JobDone;
  unreadable?: boolean;
  message?: string;
}

/** The running worker, once its engine is loaded. */
async function ensureWorker(): Promise<Worker> {
  if (worker && ready) return ready;
  starts++;
  // Loaded here, not at the top: the files the native reader reads never pay for worker_threads.
  const { Worker } = await import('node:worker_threads');
  const w = spawn(Worker);
  worker = w;
  ready = new Promise<Worker>((resolve, reject) => {
    w.once('message', (msg: Reply) => {
      // From now on an idle engine never keeps the process alive; a pending job's timer does.
      w.unref();
      if (msg.ready) resolve(w);
      else reject(new Error(`HDF5 engine failed to start: ${msg.message}`));
    });
    w.once('exit', (code) => reject(new Error(`HDF5 engine failed to start (exit code ${code})`)));
  });
  ready.catch(() => {
    worker = null;
    ready = null;
  });
  w.on('message', (msg: Reply) => {
    if (msg.ready !== undefined) return;
    const p = pending.get(msg.id);
    if (!p) return;
    pending.delete(msg.id);
    clearTimeout(p.timer);
    if (msg.ok) p.resolve(msg.done!);
    else p.reject(msg.unreadable ? new UnreadableError(p.label, oneLine(msg.message)) : new Error(msg.message));
  });
  const lost = (why: string) => {
    if (worker !== w) return;
    worker = null;
    ready = null;
    bytesReadBase = bytesReadTotal;
    failAll(() => new EngineLost(why));
  };
  w.on('error', (e) => lost(e.message.split('\n')[0]!));
  w.on('exit', (code) => lost(`exit code ${code}`));
  return ready;
}

/** The job ran past the deadline: end the worker, fail what it held, start afresh next time. */
function giveUp(id: number): void {
  const w = worker;
  const p = pending.get(id);
  if (!p || !w) return;
  worker = null;
  ready = null;
  bytesReadBase = bytesReadTotal;
  failAll((label, pid) => (pid === id ? new UnreadableError(label, p.limit.onTimeout) : new EngineLost('restarted while this file waited')));
  void w.terminate();
}

function failAll(make: (label: string, id: number) => Error): void {
  for (const [id, p] of pending) {
    clearTimeout(p.timer);
    pending.delete(id);
    p.reject(make(p.label, id));
  }
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
