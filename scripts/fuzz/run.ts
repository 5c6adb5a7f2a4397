// Runs one case in-process (a worker thread running analyze) or as the CLI (node bin/kerascope.js
// FILE --json) and classifies what happened.
//
// A hang is told from a slow machine by the CPU time a case uses, never by the harness's wall
// clock: on a loaded 2-core machine a case that needs 0.5 s of CPU can take 10 s of wall time
// (issue 10: 19 false "hangs" in 120 cases under load). A case is a hang when
//  - it used more than the CPU budget (all threads of the process: the analysis and the HDF5
//    engine's worker; for the CLI, the child and its children), or
//  - the product's own deadline fired: the HDF5 engine gave no answer within its 30 s (the worker
//    reports it, scripts/fuzz/worker.ts), or
//  - it neither answered nor used the budget for --stall ms of wall time (a deadlock: waiting on
//    something that never comes). Only this last check reads the wall clock, and at a scale (ten
//    minutes) no honest case approaches on any machine.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { ENGINE_DEADLINE } from './deadline.js';
import type { WorkerResult } from './worker.js';

export type Outcome = 'ok' | 'unreadable' | 'crash' | 'hang';

export interface RunResult {
  outcome: Outcome;
  detail: string;
  /** Wall time: reported, never judged. */
  ms: number;
  /** CPU time the case used (ms), or null where it cannot be measured. */
  cpuMs: number | null;
  /** Peak resident memory in MB (in-process: the worker's process after the case; CLI: the child's max RSS). */
  rssMb: number | null;
}

/** When a case counts as a hang. */
export interface HangLimits {
  /** CPU milliseconds a case may use. */
  cpuMs: number;
  /** Wall milliseconds a case may spend without answering and without using its CPU budget. */
  stallMs: number;
}

export { ENGINE_DEADLINE };

/** How often a running case's CPU time is sampled. */
const POLL_MS = 100;

/** CPU time of this process so far (every thread), in ms. */
function processCpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/**
 * Calls `onHang` once a running case passes its limits; returns a function that stops watching
 * and gives the CPU time used. `cpuNow` reads a CPU clock in ms (null: cannot be read).
 */
export function watch(limits: HangLimits, cpuNow: () => number | null, onHang: (detail: string) => void): () => number | null {
  const t0 = performance.now();
  const c0 = cpuNow();
  let last: number | null = c0 === null ? null : 0;
  const timer = setInterval(() => {
    const c = cpuNow();
    if (c !== null && c0 !== null) last = c - c0;
    const wall = Math.round(performance.now() - t0);
    let why: string | null = null;
    if (last !== null && last > limits.cpuMs) why = `used ${Math.round(last)} ms of CPU (budget ${limits.cpuMs} ms) in ${wall} ms`;
    else if (wall > limits.stallMs) why = `no answer after ${wall} ms, ${last === null ? 'CPU time unknown' : `${Math.round(last)} ms of CPU`}`;
    if (why === null) return;
    stop();
    onHang(why);
  }, POLL_MS);
  const stop = (): number | null => {
    clearInterval(timer);
    const c = cpuNow();
    if (c !== null && c0 !== null) last = c - c0;
    return last === null ? null : Math.round(last);
  };
  return stop;
}

const WORKER_URL = new URL('./worker-boot.mjs', import.meta.url);

/** A reusable worker; replaced after a hang or a crash of the thread itself. */
export class InProcess {
  private worker: Worker | null = null;
  private ready: Promise<void> | null = null;
  private next = 0;
  constructor(
    private readonly limits: HangLimits,
    private readonly heapMb: number,
    /** A good HDF5 file each new worker analyses before its first case (engine start-up). */
    private readonly warm: string | null = null,
    /**
     * TMPDIR of the worker: kerascope's own temporary folders (an inflated member) go there, so
     * they go with the fuzzer's folder even when a worker is stopped mid-case or the fuzzer by a signal.
     */
    private readonly tmp: string | null = null,
  ) {}

  private spawnWorker(): Worker {
    // worker-boot.mjs registers tsx again: worker threads do not inherit its loader
    const w = new Worker(WORKER_URL, { workerData: { warm: this.warm }, resourceLimits: { maxOldGenerationSizeMb: this.heapMb }, stdout: true, stderr: true, env: this.tmp ? { ...process.env, TMPDIR: this.tmp } : process.env });
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
      const done = (r: Omit<RunResult, 'cpuMs'>, kill: boolean): void => {
        const cpuMs = stop();
        w.off('message', onMessage);
        w.off('error', onError);
        w.off('exit', onExit);
        if (kill) {
          void w.terminate();
          this.worker = null;
        }
        resolve({ ...r, cpuMs });
      };
      const ms = (): number => Math.round(performance.now() - t0);
      const onMessage = (m: WorkerResult): void => {
        if (m.id === id) done({ outcome: m.outcome, detail: m.detail, ms: m.ms, rssMb: m.rssMb }, false);
      };
      const onError = (e: Error): void => done({ outcome: 'crash', detail: `thread died: ${e.name}: ${e.message.slice(0, 300)}`, ms: ms(), rssMb: null }, true);
      const onExit = (code: number): void => done({ outcome: 'crash', detail: `thread exited with code ${code}`, ms: ms(), rssMb: null }, true);
      const stop = watch(this.limits, processCpuMs, (detail) => done({ outcome: 'hang', detail, ms: ms(), rssMb: null }, true));
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

/** CPU time (ms) of a process and its descendants, from /proc (Linux); null where there is no /proc. */
export function treeCpuMs(pid: number): number | null {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
  } catch {
    return null;
  }
  // fields after the command name (which may hold spaces): state is field 3, utime 14 … cstime 17
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // utime + stime of the process, cutime + cstime of its children already ended, in clock ticks
  // (USER_HZ: 100 on Linux)
  let ms = (Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14])) * 10;
  for (const child of childrenOf(pid)) ms += treeCpuMs(child) ?? 0;
  return ms;
}

function childrenOf(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'latin1').split(' ').filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

/** Process groups of the CLI runs under way (each its own group: a Ctrl-C to the fuzzer does not reach them). */
const running = new Set<number>();

/** SIGTERM to every CLI run under way (kerascope then removes its own temporary files, as it promises). */
export function stopCliRuns(): void {
  for (const pid of running) {
    try {
      process.kill(-pid, 'SIGTERM');
    } catch {
      // already gone
    }
  }
  running.clear();
}

/** `node bin/kerascope.js FILE --json`, killed when it passes `limits` (CPU time of the child's tree). */
export function runCli(bin: string, file: string, limits: HangLimits): Promise<RunResult> {
  const useTime = existsSync(TIME);
  const argv = [process.execPath, bin, file, '--json'];
  // its own process group, so that a hang kills kerascope and not only /usr/bin/time
  const child = useTime ? spawn(TIME, ['-f', `${MARK} %M %U %S`, ...argv], { detached: true }) : spawn(argv[0]!, argv.slice(1), { detached: true });
  if (child.pid !== undefined) running.add(child.pid);
  const t0 = performance.now();
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => void (stdout.length < MAX_OUT && (stdout += d.toString('utf8'))));
  child.stderr.on('data', (d: Buffer) => void (stderr.length < MAX_OUT && (stderr += d.toString('utf8'))));
  return new Promise((resolve) => {
    let hung: string | null = null;
    const stop = watch(limits, () => treeCpuMs(child.pid!), (detail) => {
      hung = detail;
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        child.kill('SIGKILL');
      }
    });
    child.on('close', (code, signal) => {
      running.delete(child.pid!);
      // the last sample, unless /usr/bin/time measured the whole run
      let cpuMs = stop();
      const ms = Math.round(performance.now() - t0);
      const m = /KERASCOPE_FUZZ_MAXRSS_KB (\d+) ([\d.]+) ([\d.]+)/.exec(stderr);
      const rssMb = m ? Math.round(Number(m[1]) / 1024) : null;
      if (m) cpuMs = Math.round((Number(m[2]) + Number(m[3])) * 1000);
      if (hung) return resolve({ outcome: 'hang', detail: `killed: ${hung}`, ms, cpuMs, rssMb });
      // /usr/bin/time turns the child's exit code into its own
      const [outcome, detail] = classifyCli(code, signal, stdout, stderr);
      resolve({ outcome, detail, ms, cpuMs, rssMb });
    });
  });
}
