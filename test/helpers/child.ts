// A child process a test starts (the CLI from the sources, a script) must end by itself: the test
// asserts that. Two rules keep such tests independent of the machine's speed:
//  - the time a child is given is a safety net against a real hang, never a speed check: a
//    `node --import tsx` child compiles the sources and may start the HDF5 engine, which on a
//    loaded 2-core machine takes tens of seconds. It stays under vitest's own timeout
//    (vitest.config.ts), so a hang is reported as this child's, with its output;
//  - the child runs asynchronously (never spawnSync): a test that blocks its worker's event loop
//    for a minute makes vitest's own worker-to-runner messages time out ("Timeout calling
//    onTaskUpdate"), which fails the run on a busy machine.
import { spawn } from 'node:child_process';

export const CHILD_SAFETY_NET_MS = 240_000;

export interface ChildResult {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** Killed by the safety net. */
  timedOut: boolean;
  /** The command could not be started (ENOENT…). */
  error: Error | null;
}

/** Runs `cmd args` to its end (or the safety net), collecting its output as UTF-8. */
export function runChild(cmd: string, args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<ChildResult> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: opts.cwd, env: opts.env ?? process.env });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    let error: Error | null = null;
    child.stdout.setEncoding('utf8').on('data', (d: string) => void (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => void (stderr += d));
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, CHILD_SAFETY_NET_MS);
    child.on('error', (e) => void (error = e));
    child.on('close', (status, signal) => {
      clearTimeout(timer);
      resolve({ status, signal, stdout, stderr, timedOut, error });
    });
  });
}
