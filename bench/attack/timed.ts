// One timed run of the kerascope CLI for the attack script: GNU time (`-v`) gives the peak
// resident memory and the exit status; the run gets its own TMPDIR, whose disk use is sampled
// while it runs (peak) and after it ends (left behind); a deadline kills a run that hangs; a
// signal can be sent to kerascope once its first temporary file appears (issue 10, item 2).
import { spawn } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export const GNU_TIME = '/usr/bin/time';

export interface Plan {
  args: string[];
  /** Seconds before the run is killed (SIGKILL) as hung. */
  deadline: number;
  /** Send this signal to kerascope as soon as a file appears in its TMPDIR. */
  signalOnTemp?: NodeJS.Signals;
}

export interface Run {
  /** Wall seconds from start to exit. */
  wall: number;
  /**
   * CPU seconds (user + system, every thread) from GNU time; null without it. The time goals are
   * judged on this: it does not grow when other processes share the cores, as the wall time does.
   */
  cpu: number | null;
  /** Peak resident set, MB (10^6 bytes); null without GNU time. */
  rssMB: number | null;
  /** Exit status, or null when a signal ended the process. */
  exit: number | null;
  /** The signal that ended the process, if one did. */
  signal: number | null;
  stdout: string;
  stderr: string;
  /** Bytes on disk (allocated blocks) in the run's TMPDIR: the most seen while it ran, and at the end. */
  tmpPeak: number;
  tmpLeft: number;
  /** Files and folders left in the run's TMPDIR. */
  tmpEntriesLeft: number;
  hung: boolean;
  /** For a signal plan: bytes on disk in TMPDIR when the signal was sent, or null if no file ever appeared. */
  signalledAt: number | null;
}

/** Allocated bytes, files, and files and folders under `dir` (never following links). */
function diskUse(dir: string): { bytes: number; files: number; entries: number } {
  let bytes = 0;
  let files = 0;
  let entries = 0;
  const visit = (d: string) => {
    let names: string[];
    try {
      names = readdirSync(d);
    } catch {
      return;
    }
    for (const n of names) {
      try {
        const st = lstatSync(join(d, n));
        entries++;
        if (st.isDirectory()) visit(join(d, n));
        else {
          files++;
          bytes += st.blocks * 512;
        }
      } catch {
        // removed while we looked
      }
    }
  };
  visit(dir);
  return { bytes, files, entries };
}

/** The pid of GNU time's child (kerascope itself), from /proc. */
function childOf(pid: number): number | null {
  try {
    const first = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/)[0];
    return first ? Number(first) : null;
  } catch {
    return null;
  }
}

function parseTime(text: string): { rssMB: number | null; cpu: number | null; exit: number | null; signal: number | null } {
  const num = (re: RegExp) => {
    const m = re.exec(text);
    return m ? Number(m[1]) : null;
  };
  const kb = num(/Maximum resident set size \(kbytes\): (\d+)/);
  const user = num(/User time \(seconds\): ([\d.]+)/);
  const sys = num(/System time \(seconds\): ([\d.]+)/);
  return { rssMB: kb === null ? null : (kb * 1024) / 1e6, cpu: user === null || sys === null ? null : user + sys, exit: num(/Exit status: (\d+)/), signal: num(/Command terminated by signal (\d+)/) };
}

/** Runs `node bin/kerascope.js ...plan.args` from `root`, its TMPDIR in `tmp` (created). */
export async function runTimed(root: string, plan: Plan, tmp: string): Promise<Run> {
  mkdirSync(tmp, { recursive: true });
  const timeOut = join(tmp, '..', `${tmp.split('/').pop()}.time.txt`);
  const argv = [process.execPath, 'bin/kerascope.js', ...plan.args];
  const useTime = existsSync(GNU_TIME);
  const cmd = useTime ? [GNU_TIME, '-v', '-o', timeOut, ...argv] : argv;
  const env = { ...process.env, TMPDIR: tmp, NO_COLOR: '1', FORCE_COLOR: undefined };
  const t0 = process.hrtime.bigint();
  const child = spawn(cmd[0]!, cmd.slice(1), { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  child.stdout.on('data', (b: Buffer) => out.push(b));
  child.stderr.on('data', (b: Buffer) => err.push(b));
  let tmpPeak = 0;
  let signalledAt: number | null = null;
  let hung = false;
  const target = () => (useTime ? childOf(child.pid!) : child.pid!);
  const sample = setInterval(() => {
    const use = diskUse(tmp);
    tmpPeak = Math.max(tmpPeak, use.bytes);
    if (plan.signalOnTemp && signalledAt === null && use.files > 0) {
      const pid = target();
      if (pid) {
        signalledAt = use.bytes;
        process.kill(pid, plan.signalOnTemp);
      }
    }
  }, 5);
  const deadline = setTimeout(() => {
    hung = true;
    const pid = target();
    if (pid) process.kill(pid, 'SIGKILL');
  }, plan.deadline * 1000);
  const [code, sig] = await new Promise<[number | null, NodeJS.Signals | null]>((res) => child.on('close', (c, s) => res([c, s])));
  const wall = Number(process.hrtime.bigint() - t0) / 1e9;
  clearInterval(sample);
  clearTimeout(deadline);
  const timed = useTime && existsSync(timeOut) ? parseTime(readFileSync(timeOut, 'utf8')) : { rssMB: null, cpu: null, exit: code, signal: sig ? 1 : null };
  const left = diskUse(tmp);
  return {
    wall,
    cpu: timed.cpu,
    rssMB: timed.rssMB,
    exit: timed.signal !== null ? null : timed.exit,
    signal: timed.signal,
    stdout: Buffer.concat(out).toString('utf8'),
    stderr: Buffer.concat(err).toString('utf8'),
    tmpPeak: Math.max(tmpPeak, left.bytes),
    tmpLeft: left.bytes,
    tmpEntriesLeft: left.entries,
    hung,
    signalledAt,
  };
}
