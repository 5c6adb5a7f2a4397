// A `check` worker thread (issue 15: 10,000 files on every core). It runs the CLI's own code
// (bin/check-worker.js loads the bundle as bin/kerascope.js does), takes files from the main
// thread and answers each with its outcome: the row when only the table is wanted, the whole
// report for --json and the CI formats, the JSON line for --jsonl (made here: the main thread only
// writes it). The main thread keeps the order, prints and judges (check-threads.ts).
import { parentPort, workerData } from 'node:worker_threads';
import { setTempRoot } from '../formats/temp.js';
import { checkOne, doneOf, failureOf, type Done, type Failure, type Keep, type OneOptions } from './check-one.js';
import type { ModelSource } from '../types.js';
import type { Ctx } from './context.js';
import { defaultEngine } from './engine.js';
import type { Expected } from './expectations.js';
import type { Entry } from './paths.js';

export interface WorkerInit {
  /** 'analyse' (the default): each file's whole outcome (--threads); 'read': only its model, read (check-read-ahead.ts). */
  role?: 'analyse' | 'read';
  options: OneOptions;
  expected: Expected;
  /** What the main thread wants back for a file: its row, its report, or its --jsonl line. */
  keep: Keep;
  /** Where this thread makes its temporary folders: a folder the main thread removes, on a signal too. */
  tempRoot: string;
}

export interface Job {
  id: number;
  entry: Entry;
}

export type Reply = { id: number; done: Done } | { stderr: string };

/** A read-ahead worker's answer: the model read, or why not (as plain data). */
export type ReadReply = { id: number; source: ModelSource } | { id: number; failure: Failure };
/** Files go to a read-ahead worker, and come back, a few to a message: each message wakes a thread. */
export interface ReadBatch {
  jobs: Job[];
}
export interface ReadReplies {
  reads: ReadReply[];
}
/** A read-ahead worker answers at least this often (in files), so the analysis never waits on a whole batch. */
export const READ_REPLY_EVERY = 8;

export function runCheckWorker(): void {
  const port = parentPort;
  if (!port) throw new Error('a check worker runs in a worker thread');
  const init = workerData as WorkerInit;
  setTempRoot(init.tempRoot);
  const send = (r: Reply) => port.postMessage(r);
  // --debug stack traces go to the main thread's standard error.
  const ctx: Ctx = { io: { stdout: { write: () => true }, stderr: { write: (s: string) => send({ stderr: s }) }, isTTY: false, env: process.env }, engine: defaultEngine() };
  if (init.role === 'read') return void port.on('message', (batch: ReadBatch) => void readBatch(ctx, batch, init.options.debug ?? false, (r) => port.postMessage(r)));
  port.on('message', (job: Job) => {
    // checkOne turns every error into the file's outcome; anything else ends this thread, and the
    // main thread says so on the file's row.
    void checkOne(ctx, job.entry, init.options, init.expected, init.keep === 'row').then((outcome) => send({ id: job.id, done: doneOf(outcome, init.keep) }));
  });
}

/** A batch of files read one after another, answered READ_REPLY_EVERY files at a time. */
async function readBatch(ctx: Ctx, batch: ReadBatch, debug: boolean, post: (r: ReadReplies) => void): Promise<void> {
  let reads: ReadReply[] = [];
  for (const job of batch.jobs) {
    reads.push(await readOne(ctx, job, debug));
    if (reads.length >= READ_REPLY_EVERY) {
      post({ reads });
      reads = [];
    }
  }
  if (reads.length) post({ reads });
}

/** One file read, for the main thread to analyse (check-read-ahead.ts). */
async function readOne(ctx: Ctx, job: Job, debug: boolean): Promise<ReadReply> {
  try {
    return { id: job.id, source: await ctx.engine.readSource!(job.entry.path) };
  } catch (err) {
    return { id: job.id, failure: failureOf(err, debug) };
  }
}
