// Runs one case in-process (a worker thread running analyze) or as the CLI (node bin/kerascope.js
// FILE --json) and classifies what happened.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import type { WorkerResult } from './worker.js';

export type Outcome = 'ok' | 'unreadable' | 'crash' | 'hang';

export interface RunResult {
  outcome: Outcome;
  detail: string;
  ms: number;
  /** Peak resident memory in MB (in-process: the worker's process after the case; CLI: the child's max RSS). */
  rssMb: number | null;
}

const WORKER_URL = new URL('./worker-boot.mjs', import.meta.url);

/** A reusable worker; replaced after a hang or a crash of the thread itself. */
export class InProcess {
  private worker: Worker | null = null;
  private ready: Promise<void> | null = null;
  private next = 0;
  constructor(
    private readonly timeoutMs: number,
    private readonly heapMb: number,
    /** A good HDF5 file each new worker analyses before its first case (engine start-up). */
    private readonly warm: string | null = null,
  ) {}

  private spawnWorker(): Worker {
    // worker-boot.mjs registers tsx again: worker threads do not inherit its loader
    const w = new Worker(WORKER_URL, { workerData: { warm: this.warm }, resourceLimits: { maxOldGenerationSizeMb: this.heapMb }, stdout: true, stderr: true });
    // a thread that dies after its case was given up on (a hang, then out of memory) must not take
    // the fuzzer down with it
    w.on('error', () => undefined);
    w.stdout.resume(); // HDF5 diagnostics and the like: not the fuzzer's output
    w.stderr.resume();
    this.ready = new Promise((resolve) => {
      const onReady = (m: { ready?: boolean }): void => void (m.ready && (w.off('message', onReady), resolve()));
      w.on('message', onReady);
      w.once('exit', () => resolve());
    });
    return w;
  }

  async run(file: string): Promise<RunResult> {
    const w = (this.worker ??= this.spawnWorker());
    await this.ready;
    const id = this.next++;
    const t0 = performance.now();
    return new Promise((resolve) => {
      const done = (r: RunResult, kill: boolean): void => {
        clearTimeout(timer);
        w.off('message', onMessage);
        w.off('error', onError);
        w.off('exit', onExit);
        if (kill) {
          void w.terminate();
          this.worker = null;
        }
        resolve(r);
      };
      const ms = (): number => Math.round(performance.now() - t0);
      const onMessage = (m: WorkerResult): void => {
        if (m.id === id) done({ outcome: m.outcome, detail: m.detail, ms: m.ms, rssMb: m.rssMb }, false);
      };
      const onError = (e: Error): void => done({ outcome: 'crash', detail: `thread died: ${e.name}: ${e.message.slice(0, 300)}`, ms: ms(), rssMb: null }, true);
      const onExit = (code: number): void => done({ outcome: 'crash', detail: `thread exited with code ${code}`, ms: ms(), rssMb: null }, true);
      const timer = setTimeout(() => done({ outcome: 'hang', detail: `no answer after ${this.timeoutMs} ms`, ms: ms(), rssMb: null }, true), this.timeoutMs);
      w.on('message', onMessage);
      w.once('error', onError);
      w.once('exit', onExit);
      w.postMessage({ id, file });
    });
  }

  async close(): Promise<void> {
    await this.worker?.terminate();
    this.worker = null;
  }
}

const TIME = '/usr/bin/time';
const MARK = 'KERASCOPE_FUZZ_MAXRSS_KB';
const STACK = /^\s+at .+:\d+:\d+\)?$/m;
/** Output kept for the JSON check; a longer report is only checked to start like JSON. */
const MAX_OUT = 64 * 2 ** 20;

function classifyCli(code: number | null, signal: string | null, stdout: string, stderr: string): [Outcome, string] {
  const lines = stderr.split('\n').filter((l) => l && !l.startsWith(MARK) && !/^Command (exited|terminated)/.test(l));
  if (signal || code === null) return ['crash', `killed by ${signal ?? 'unknown signal'}`];
  if (![0, 1, 3].includes(code)) return ['crash', `exit code ${code}: ${lines.slice(0, 3).join(' | ').slice(0, 300)}`];
  if (STACK.test(stderr)) return ['crash', `stack trace on stderr: ${lines.slice(0, 2).join(' | ').slice(0, 300)}`];
  if (code === 3) {
    if (lines.length !== 1 || !lines[0]!.startsWith('kerascope: ')) return ['crash', `exit 3 without one error line: ${lines.length} lines: ${lines.slice(0, 3).join(' | ').slice(0, 300)}`];
    return ['unreadable', lines[0]!];
  }
  try {
    if (stdout.length >= MAX_OUT) {
      if (!/^\s*[[{]/.test(stdout)) throw new Error('not JSON');
    } else JSON.parse(stdout);
  } catch {
    return ['crash', `exit ${code} but stdout is not JSON (${stdout.length} chars)`];
  }
  return ['ok', `exit ${code}`];
}

/** `node bin/kerascope.js FILE --json`, killed after `timeoutMs`. */
export function runCli(bin: string, file: string, timeoutMs: number): Promise<RunResult> {
  const useTime = existsSync(TIME);
  const argv = [process.execPath, bin, file, '--json'];
  // its own process group, so that a hang kills kerascope and not only /usr/bin/time
  const child = useTime ? spawn(TIME, ['-f', `${MARK} %M`, ...argv], { detached: true }) : spawn(argv[0]!, argv.slice(1), { detached: true });
  const t0 = performance.now();
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => void (stdout.length < MAX_OUT && (stdout += d.toString('utf8'))));
  child.stderr.on('data', (d: Buffer) => void (stderr.length < MAX_OUT && (stderr += d.toString('utf8'))));
  return new Promise((resolve) => {
    let hung = false;
    const timer = setTimeout(() => {
      hung = true;
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        child.kill('SIGKILL');
      }
    }, timeoutMs);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const ms = Math.round(performance.now() - t0);
      const kb = Number(/KERASCOPE_FUZZ_MAXRSS_KB (\d+)/.exec(stderr)?.[1] ?? NaN);
      const rssMb = Number.isFinite(kb) ? Math.round(kb / 1024) : null;
      if (hung) return resolve({ outcome: 'hang', detail: `killed after ${timeoutMs} ms`, ms, rssMb });
      // /usr/bin/time turns the child's exit code into its own
      const [outcome, detail] = classifyCli(code, signal, stdout, stderr);
      resolve({ outcome, detail, ms, rssMb });
    });
  });
}
