// `check` on worker threads (issue 15: 10,000 small files in ≤ 5 s on 2 cores). Each worker runs
// the CLI's own code (check-worker.ts) and analyses the files the main thread hands it, a few in
// flight at once; the main thread walks the PATHs, keeps the order, prints and judges, so the
// output is the same bytes as in one thread. A worker's heap is bounded (resourceLimits): a batch's
// memory stays flat however many files go through it.
//
// A worker that ends under its files (a crash: nothing kerascope throws does that, checkOne turns
// every error into the file's row) is replaced; each file it held is tried again alone in a fresh
// worker, and the one that ends that one too gets its one-line error (exit 4). A file that runs a
// worker out of memory is checked in the main thread instead, as without workers.
import { Worker, type ResourceLimits } from 'node:worker_threads';
import { EXIT } from '../errors.js';
import { makeTempDir, removeTempDir } from '../formats/temp.js';
import { doneOf, type Done } from './check-one.js';
import type { Job, Reply, WorkerInit } from './check-worker.js';
import type { Out } from './io.js';
import type { Entry } from './paths.js';
import { shownAs } from './stdin.js';

/**
 * A worker's heap: room for the biggest model's metadata we know (a 2,000-layer file peaks near
 * 100 MB in one thread), bounded so that V8 collects garbage before it piles up.
 */
export const WORKER_LIMITS: ResourceLimits = { maxOldGenerationSizeMb: 256, maxYoungGenerationSizeMb: 16 };

export type Spawn = (init: WorkerInit, limits: ResourceLimits) => Worker;

export interface ThreadsOptions {
  count: number;
  init: Omit<WorkerInit, 'tempRoot'>;
  /** Where a worker's --debug stack traces go. */
  stderr: Out;
  /** A file that ran its worker out of memory, checked in this thread. */
  inMain: (entry: Entry) => Promise<Done>;
  /** Tests start their own workers. */
  spawn?: Spawn;
  limits?: ResourceLimits;
}

interface Pending {
  entry: Entry;
  resolve: (d: Done) => void;
}

interface Thread {
  worker: Worker;
  jobs: Map<number, Pending>;
  error: (Error & { code?: string }) | null;
}

/**
 * The worker's code: from the bundle or dist/, bin/check-worker.js (which loads the CLI as
 * bin/kerascope.js does: the bundle with its code cache); from the TypeScript sources (tests, tsx),
 * check-worker.ts through tsx's loader.
 */
export const spawnWorker: Spawn = (init, resourceLimits) => {
  const here = import.meta.url;
  if (here.endsWith('.ts')) {
    const ts = JSON.stringify(new URL('./check-worker.ts', here).href);
    const boot = `import('tsx/esm/api').then((m) => m.register()).then(() => import(${ts})).then((m) => m.runCheckWorker())`;
    return new Worker(boot, { eval: true, workerData: init, resourceLimits });
  }
  return new Worker(new URL('../../bin/check-worker.js', here), { workerData: init, resourceLimits });
};

export class CheckThreads {
  private readonly threads: (Thread | null)[];
  private readonly tempRoot = makeTempDir();
  private nextId = 0;

  constructor(private readonly o: ThreadsOptions) {
    this.threads = new Array<Thread | null>(o.count).fill(null);
  }

  /** The file's outcome, from the least busy worker. */
  check(entry: Entry): Promise<Done> {
    const thread = this.leastBusy();
    return new Promise<Done>((resolve) => this.post(thread, entry, resolve));
  }

  /** Ends the workers and removes their temporary folders. */
  async close(): Promise<void> {
    const running = this.threads.filter((t): t is Thread => t !== null);
    this.threads.fill(null);
    await Promise.all(running.map((t) => t.worker.terminate()));
    removeTempDir(this.tempRoot);
  }

  private leastBusy(): Thread {
    let best = -1;
    for (let k = 0; k < this.threads.length; k++) {
      const t = this.threads[k];
      if (!t) {
        best = k;
        break;
      }
      if (best < 0 || t.jobs.size < this.threads[best]!.jobs.size) best = k;
    }
    const found = this.threads[best];
    if (found) return found;
    const t = this.start();
    this.threads[best] = t;
    return t;
  }

  private start(): Thread {
    const worker = (this.o.spawn ?? spawnWorker)({ ...this.o.init, tempRoot: this.tempRoot }, this.o.limits ?? WORKER_LIMITS);
    const t: Thread = { worker, jobs: new Map(), error: null };
    worker.on('message', (r: Reply) => {
      if ('stderr' in r) return void this.o.stderr.write(r.stderr);
      const p = t.jobs.get(r.id);
      t.jobs.delete(r.id);
      p?.resolve(r.done);
    });
    worker.on('error', (e) => (t.error = e));
    worker.on('exit', () => this.lost(t));
    return t;
  }

  private post(t: Thread, entry: Entry, resolve: (d: Done) => void): void {
    const id = this.nextId++;
    t.jobs.set(id, { entry, resolve });
    t.worker.postMessage({ id, entry } satisfies Job);
  }

  /** A worker ended: it is replaced on the next file; each file it held is tried again alone. */
  private lost(t: Thread): void {
    const k = this.threads.indexOf(t);
    if (k >= 0) this.threads[k] = null;
    for (const p of t.jobs.values()) void this.alone(p.entry).then(p.resolve);
    t.jobs.clear();
  }

  /** One file in a worker of its own: the file that ends this one too is the cause. */
  private async alone(entry: Entry): Promise<Done> {
    const t = this.start();
    t.worker.removeAllListeners('exit');
    const done = await new Promise<Done | Error | number>((resolve) => {
      this.post(t, entry, resolve);
      t.worker.once('exit', (code) => resolve(t.error ?? code));
    });
    void t.worker.terminate();
    if (!(done instanceof Error) && typeof done !== 'number') return done;
    if (done instanceof Error && (done as { code?: string }).code === 'ERR_WORKER_OUT_OF_MEMORY') return this.o.inMain(entry);
    const why = done instanceof Error ? done.message.split('\n')[0] : `exit code ${done}`;
    const error = `internal error: its check worker thread stopped on this file (${why})`;
    return doneOf({ file: shownAs(entry.path), exitCode: EXIT.internal, error }, this.o.init.keep);
  }
}
