// Drives an HDF5 engine worker, whatever runs it: a Node worker thread (client.ts) or a page's Web
// Worker (client.browser.ts). One worker, started on the first job (a file the native reader reads
// never pays for it); jobs one at a time; a deadline: a job that does not finish in time (HDF5
// looping on a hostile file) ends the worker, the file is reported unreadable, and the next job
// starts a fresh worker. A worker lost under a job (an emscripten abort, a crash) is replaced and
// the job tried once more; one that says its engine aborted is given no other job.
// Nothing here touches Node or the DOM.
import { UnreadableError } from '../../errors.js';
import { oneLine } from '../text.js';
import type { H5Contents } from './contents.js';
import type { H5Job, H5JobDone } from './run-job.js';

/** How long a job may take, and what to say when it does not finish. */
export interface Limit {
  seconds: number;
  onTimeout: string;
}

/** What a worker posts (worker.ts, web/engine-worker.ts): `ready` once, then one reply per job. */
export interface Reply {
  ready?: boolean;
  id: number;
  ok: boolean;
  done?: H5JobDone;
  unreadable?: boolean;
  message?: string;
  /** Its engine aborted: this worker must be given no other job. */
  retire?: boolean;
}

/** What a worker tells the driver. */
export interface WorkerEvents {
  reply(msg: Reply): void;
  /** It ended, or broke, under its jobs. */
  lost(why: string): void;
}

/** One started worker, as the driver uses it. */
export interface EngineWorker {
  /** Settles once its engine is loaded (or failed to load): a job's deadline counts HDF5 work only. */
  ready: Promise<void>;
  send(id: number, job: H5Job): void;
  end(): void;
}

/** Starts a worker that reports to `events`; `label`: the file that needs it (named by errors). */
export type StartWorker = (events: WorkerEvents, label: string) => Promise<EngineWorker>;

interface Pending {
  resolve: (d: H5JobDone) => void;
  reject: (e: Error) => void;
  timer: ReturnType<typeof setTimeout>;
  label: string;
  limit: Limit;
}

/** A worker started by the driver: `worker` is set once it exists, `ready` once its engine loaded. */
interface Run {
  ready: Promise<EngineWorker>;
  worker: EngineWorker | null;
}

/** The worker was lost under a job: the job may be retried once on a fresh one. */
class EngineLost extends Error {}

export class EngineDriver {
  /** How many workers were started (1 + restarts after a hang or an abort). */
  starts = 0;
  /** Bytes the engine read from files so far, across worker restarts. */
  bytesRead = 0;
  private bytesReadBase = 0;
  private run: Run | null = null;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  /** One job in flight at a time, so a job's deadline counts its own HDF5 work, not the wait. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly start: StartWorker,
    /** Seconds a job may take by default. */
    private readonly deadline: () => number,
  ) {}

  /** Reads one HDF5 payload with the engine, in its worker, within `limit`. */
  async runJob(job: H5Job, limit = this.defaultLimit()): Promise<H5Contents> {
    for (let attempt = 1; ; attempt++) {
      try {
        const done = await this.post(job, limit);
        this.bytesRead = this.bytesReadBase + done.bytesRead;
        return done.contents;
      } catch (e) {
        if (!(e instanceof EngineLost)) throw e;
        if (attempt === 2) throw new UnreadableError(job.label, `HDF5 engine stopped on this file (${e.message})`);
      }
    }
  }

  private defaultLimit(): Limit {
    const seconds = this.deadline();
    return { seconds, onTimeout: `HDF5 engine gave no answer within ${seconds} s: the file is corrupt or hostile` };
  }

  private post(job: H5Job, limit: Limit): Promise<H5JobDone> {
    const run = this.queue.then(() => this.postNow(job, limit));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async postNow(job: H5Job, limit: Limit): Promise<H5JobDone> {
    const w = await this.ensureWorker(job.label);
    const id = this.nextId++;
    return new Promise<H5JobDone>((resolve, reject) => {
      const timer = setTimeout(() => this.giveUp(id), limit.seconds * 1000);
      this.pending.set(id, { resolve, reject, timer, label: job.label, limit });
      w.send(id, job);
    });
  }

  /** The running worker, once its engine is loaded. */
  private ensureWorker(label: string): Promise<EngineWorker> {
    if (this.run) return this.run.ready;
    this.starts++;
    const run: Run = { ready: Promise.resolve(null as unknown as EngineWorker), worker: null };
    const events: WorkerEvents = { reply: (msg) => this.answer(run, msg), lost: (why) => this.lost(run, why) };
    run.ready = this.start(events, label).then(async (w) => {
      run.worker = w;
      await w.ready;
      return w;
    });
    run.ready.catch(() => this.retire(run));
    this.run = run;
    return run.ready;
  }

  private answer(run: Run, msg: Reply): void {
    if (msg.ready !== undefined) return;
    if (msg.retire) this.retire(run);
    const p = this.pending.get(msg.id);
    if (!p) return;
    this.pending.delete(msg.id);
    clearTimeout(p.timer);
    if (msg.ok) p.resolve(msg.done!);
    else p.reject(msg.unreadable ? new UnreadableError(p.label, oneLine(msg.message)) : new Error(msg.message));
  }

  /** Ends `run`'s worker if it is the running one: the next job starts a fresh one. */
  private retire(run: Run): boolean {
    if (this.run !== run) return false;
    this.run = null;
    this.bytesReadBase = this.bytesRead;
    run.worker?.end();
    return true;
  }

  /** The worker broke under its jobs: each may try once more on a fresh one. */
  private lost(run: Run, why: string): void {
    if (this.retire(run)) this.failAll(() => new EngineLost(why));
  }

  /** The job ran past the deadline: end the worker, fail what it held, start afresh next time. */
  private giveUp(id: number): void {
    const p = this.pending.get(id);
    if (!p || !this.run || !this.retire(this.run)) return;
    this.failAll((label, pid) => (pid === id ? new UnreadableError(label, p.limit.onTimeout) : new EngineLost('restarted while this file waited')));
  }

  private failAll(make: (label: string, id: number) => Error): void {
    for (const [id, p] of this.pending) {
      clearTimeout(p.timer);
      this.pending.delete(id);
      p.reject(make(p.label, id));
    }
  }
}
