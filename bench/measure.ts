// Timing one command: wall time (median of n runs), CPU time (user + sys, median) and peak
// resident memory (the largest of the runs), from GNU time's `%U %S %M` for the child.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const GNU_TIME = '/usr/bin/time';

export interface Measured {
  /** Median wall seconds. */
  wall: number;
  /** Median user + sys seconds of the child (all its threads). */
  cpu: number;
  /** Peak resident set, MB (10^6 bytes), the largest of the runs; null without GNU time. */
  rssMB: number | null;
  runs: number;
  /** Set when a run failed (exit code outside `okCodes`, or the time limit). */
  error?: string;
}

export interface Command {
  cmd: string;
  args: string[];
  /** Exit codes that count as a normal run (kerascope: 0 consistent, 1 findings). */
  okCodes?: number[];
  timeoutMs?: number;
  cwd?: string;
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

interface Run {
  wall: number;
  cpu: number;
  rssMB: number | null;
}

// coreutils `timeout` ends the command itself at its limit (killing GNU time alone would leave
// the command running); GNU time still reports the command's CPU and peak RSS through it.
const TIMEOUT = '/usr/bin/timeout';
const TIMED_OUT = 124;

function runOnce(c: Command, dir: string): Run | string {
  const out = join(dir, 'time.txt');
  const useTime = existsSync(GNU_TIME);
  const limit = c.timeoutMs ?? 600_000;
  const bounded = existsSync(TIMEOUT) ? [TIMEOUT, '-k', '5', `${limit / 1000}`, c.cmd, ...c.args] : [c.cmd, ...c.args];
  const argv = useTime ? [GNU_TIME, '-f', '%U %S %M', '-o', out, ...bounded] : bounded;
  const t0 = process.hrtime.bigint();
  const r = spawnSync(argv[0]!, argv.slice(1), { stdio: ['ignore', 'ignore', 'pipe'], timeout: limit + 15_000, cwd: c.cwd, maxBuffer: 1 << 26 });
  const wall = Number(process.hrtime.bigint() - t0) / 1e9;
  if (r.error || r.signal) return `${r.error?.message ?? `killed by ${r.signal}`}`;
  if (r.status === TIMED_OUT && bounded[0] === TIMEOUT) return `no exit within ${limit / 1000} s`;
  if (!(c.okCodes ?? [0]).includes(r.status ?? -1)) return `exit ${r.status}: ${lastLine(r.stderr?.toString() ?? '')}`;
  if (!useTime) return { wall, cpu: NaN, rssMB: null };
  const [user, sys, kb] = readFileSync(out, 'utf8').trim().split('\n').pop()!.split(' ').map(Number);
  return { wall, cpu: user! + sys!, rssMB: (kb! * 1024) / 1e6 };
}

function lastLine(text: string): string {
  return text.trim().split('\n').filter(Boolean).pop()?.slice(0, 200) ?? '';
}

/** Runs `c` `runs` times (after one unmeasured warm-up run when `warmup`). */
export function measure(c: Command, runs: number, warmup = true): Measured {
  const dir = mkdtempSync(join(tmpdir(), 'kerascope-bench-time-'));
  try {
    const got: Run[] = [];
    for (let i = warmup ? -1 : 0; i < runs; i++) {
      const r = runOnce(c, dir);
      if (typeof r === 'string') return { wall: NaN, cpu: NaN, rssMB: null, runs: got.length, error: r };
      if (i >= 0) got.push(r);
    }
    const rss = got.map((r) => r.rssMB).filter((x): x is number => x !== null);
    return {
      wall: median(got.map((r) => r.wall)),
      cpu: median(got.map((r) => r.cpu)),
      rssMB: rss.length ? Math.max(...rss) : null,
      runs: got.length,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export interface Pair {
  a: Measured;
  b: Measured;
  /** Medians of the per-pair ratios A/B: each pair ran back to back, so drift in the machine's speed cancels. */
  wallRatio: number;
  cpuRatio: number;
  /** Largest peak RSS of A over that of B. */
  rssRatio: number | null;
}

/** A and B run in turn (A B A B …, after one warm-up of each), `pairs` times; ratios taken pair by pair. */
export function measurePair(a: Command, b: Command, pairs: number): Pair | { error: string } {
  const dir = mkdtempSync(join(tmpdir(), 'kerascope-bench-time-'));
  try {
    const got: [Run, Run][] = [];
    for (let i = -1; i < pairs; i++) {
      const ra = runOnce(a, dir);
      if (typeof ra === 'string') return { error: `A: ${ra}` };
      const rb = runOnce(b, dir);
      if (typeof rb === 'string') return { error: `B: ${rb}` };
      if (i >= 0) got.push([ra, rb]);
    }
    const summary = (k: 0 | 1): Measured => {
      const rss = got.map((p) => p[k].rssMB).filter((x): x is number => x !== null);
      return { wall: median(got.map((p) => p[k].wall)), cpu: median(got.map((p) => p[k].cpu)), rssMB: rss.length ? Math.max(...rss) : null, runs: got.length };
    };
    const [sa, sb] = [summary(0), summary(1)];
    return {
      a: sa,
      b: sb,
      wallRatio: median(got.map(([x, y]) => x.wall / y.wall)),
      cpuRatio: median(got.map(([x, y]) => x.cpu / y.cpu)),
      rssRatio: sa.rssMB !== null && sb.rssMB !== null ? sa.rssMB / sb.rssMB : null,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
