// `check` over many files on both cores without paying V8's warm-up twice (issue 15: 10,000 small
// files in ≤ 5 s on 2 cores). One worker thread reads the files (the readers: open, zip directory,
// HDF5 metadata, JSON) a few files ahead; this thread analyses what it read (graph, rules, check,
// report) and prints. Each thread runs, and so compiles, only its own half of the code: two threads
// that each analysed whole files (--threads 2) took 1.7× the CPU of one, most of it V8 compiling
// the same functions twice (docs/bench.md). A model read is plain data (types.ts ModelSource), sent
// to this thread as it is; a file the reader could not read comes as its one line (check-one.ts
// Failure). The output is the same bytes as in one thread.
//
// If the worker ends (a crash: the readers throw only kerascope's own errors, which come back as
// the file's line), every file it held and every later one is read in this thread instead.
import type { ResourceLimits, Worker } from 'node:worker_threads';
import { makeTempDir, removeTempDir } from '../formats/temp.js';
import type { Failure } from './check-one.js';
import { spawnWorker, type Spawn } from './check-threads.js';
import type { Job, ReadBatch, ReadReplies, WorkerInit } from './check-worker.js';
import type { Out } from './io.js';
import type { Entry } from './paths.js';
import type { ModelSource } from '../types.js';

export { READ_AHEAD_MIN } from './threads.js';
/** Files the reader may be ahead of the analysis: enough that it never waits, few enough to hold. */
export const READ_AHEAD_WINDOW = 32;

/**
 * The reader's young generation held at 8 MB: it keeps almost nothing from one file to the next,
 * yet V8 grows a young generation to its maximum (2 × 16 MB semi-spaces) over a long run, as it
 * does in any busy thread. Capped, `check` over 10,000 files peaks ≈ 20 MB lower (134 against 154
 * MiB) for the same CPU; at 4 MB the CPU went up 10 % (docs/bench.md).
 */
export const READER_LIMITS: ResourceLimits = { maxYoungGenerationSizeMb: 8 };

/** A file's model, why it could not be read, or null: the worker is gone, read it here. */
export type ReadResult = { source: ModelSource } | { failure: Failure } | null;

export interface ReadAheadOptions {
  init: Omit<WorkerInit, 'tempRoot' | 'role'>;
  /** Where the worker's --debug lines go. */
  stderr: Out;
  /** Tests start their own worker. */
  spawn?: Spawn;
}

export class ReadAhead {
  private worker: Worker | null;
  private readonly pending = new Map<number, (r: ReadResult) => void>();
  /** Files asked for in this turn of the event loop, sent together at its end. */
  private queue: Job[] = [];
  private readonly tempRoot = makeTempDir();
  private nextId = 0;

  constructor(o: ReadAheadOptions) {
    const worker = (o.spawn ?? spawnWorker)({ ...o.init, role: 'read', tempRoot: this.tempRoot }, READER_LIMITS);
    worker.on('message', (m: ReadReplies | { stderr: string }) => {
      if ('stderr' in m) return void o.stderr.write(m.stderr);
      for (const r of m.reads) this.settle(r.id, 'source' in r ? { source: r.source } : { failure: r.failure });
    });
    // An 'error' event is followed by 'exit': the files it held are read here.
    worker.on('error', () => {});
    worker.on('exit', () => this.lost());
    this.worker = worker;
  }

  /** The file read by the worker: asked for with the others asked for in the same turn of the event loop. */
  read(entry: Entry): Promise<ReadResult> {
    if (!this.worker) return Promise.resolve(null);
    const id = this.nextId++;
    return new Promise<ReadResult>((resolve) => {
      this.pending.set(id, resolve);
      if (this.queue.length === 0) setImmediate(() => this.flush());
      this.queue.push({ id, entry });
    });
  }

  private flush(): void {
    const jobs = this.queue;
    this.queue = [];
    if (this.worker) this.worker.postMessage({ jobs } satisfies ReadBatch);
    else for (const j of jobs) this.settle(j.id, null);
  }

  private settle(id: number, r: ReadResult): void {
    const resolve = this.pending.get(id);
    this.pending.delete(id);
    resolve?.(r);
  }

  /** Ends the worker and removes its temporary folder. */
  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = null;
    if (worker) {
      worker.removeAllListeners('exit');
      await worker.terminate();
    }
    this.lost();
    removeTempDir(this.tempRoot);
  }

  private lost(): void {
    this.worker = null;
    for (const resolve of this.pending.values()) resolve(null);
    this.pending.clear();
  }
}
