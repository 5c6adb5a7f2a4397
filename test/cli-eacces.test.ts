// An unreadable file (EACCES) ends as one line naming the file, exit code 3, no stack trace.
// Tests usually run as root, who may read any file, so the real thing runs the CLI as an
// unprivileged user (setpriv to nobody) when that is possible; as another user a mode-000 file is
// enough. The message mapping and the reader's path to it are tested everywhere: the error object
// is a real one from node:fs where procfs has a write-only sysctl (it refuses even root), served to
// the reader by a mocked openSync for one path.
import * as realFs from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { fileSystemError, UnreadableError } from '../src/errors.js';
import { run } from './cli-harness.js';
import { runChild } from './helpers/child.js';

const ROOT = resolve(import.meta.dirname, '..');
const FIXTURE = join(ROOT, 'fixtures/audit/h5-external-dataset.h5');
const dir = realFs.mkdtempSync(join(tmpdir(), 'kerascope-eacces-'));
afterAll(() => realFs.rmSync(dir, { recursive: true, force: true }));
const DENIED = join(dir, 'denied.h5');

/** A real EACCES from node:fs: /proc/sys/vm/drop_caches is write-only, for root too. */
function realEacces(): NodeJS.ErrnoException | null {
  try {
    realFs.closeSync(realFs.openSync('/proc/sys/vm/drop_caches', 'r'));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EACCES') return e as NodeJS.ErrnoException;
  }
  return null;
}
/** Where procfs is missing, an error built as Node's uvException builds it. */
const EACCES: NodeJS.ErrnoException =
  realEacces() ?? Object.assign(new Error("EACCES: permission denied, open '/x'"), { errno: -13, code: 'EACCES', syscall: 'open', path: '/x' });

// The reader opens files with node:fs openSync; one path is refused with the real error above.
vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs')>();
  const openSync = ((path: realFs.PathLike, ...rest: unknown[]) => {
    if (String(path) === DENIED) throw EACCES;
    return (fs.openSync as (...a: unknown[]) => number)(path, ...rest);
  }) as typeof fs.openSync;
  return { ...fs, default: { ...fs, openSync }, openSync };
});

describe('fileSystemError: one line for a file system error', () => {
  it('maps real errors from node:fs by code, never quoting their multi-part message', () => {
    let missing: unknown;
    try {
      realFs.statSync(join(dir, 'no-such-file'));
    } catch (e) {
      missing = e;
    }
    expect(fileSystemError('m.h5', missing)).toEqual(new UnreadableError('m.h5', 'no such file'));
    expect(fileSystemError('m.h5', missing).file).toBe('m.h5');
    let isDir: unknown;
    try {
      realFs.readFileSync(dir);
    } catch (e) {
      isDir = e;
    }
    expect(fileSystemError('d', isDir).message).toBe('is a directory');
    expect(fileSystemError('x', Object.assign(new Error('EIO: i/o error, read'), { code: 'EIO' })).message).toBe('cannot read: EIO');
    expect(fileSystemError('x', new Error('two\nlines')).message).toBe('cannot read: two');
  });

  it('EACCES is "permission denied" (the error node:fs raised for /proc/sys/vm/drop_caches)', () => {
    expect(EACCES.code).toBe('EACCES');
    expect(EACCES.syscall).toBe('open');
    expect(fileSystemError('m.h5', EACCES).message).toBe('permission denied');
  });
});

describe('the CLI on a file it may not open (reader given the real EACCES)', () => {
  realFs.copyFileSync(FIXTURE, DENIED);

  it('one line naming the file, exit 3, nothing on stdout (with --json: the error object, issue 13)', async () => {
    for (const argv of [[DENIED], ['audit', DENIED], ['--json', DENIED]]) {
      const r = await run(argv);
      expect(r.code, argv.join(' ')).toBe(3);
      expect(r.stderr, argv.join(' ')).toBe(`kerascope: ${DENIED}: permission denied\n`);
      if (argv[0] === '--json') expect(JSON.parse(r.stdout)).toEqual({ schemaVersion: 1, file: DENIED, error: { exitCode: 3, message: 'permission denied' } });
      else expect(r.stdout, argv.join(' ')).toBe('');
    }
  });

  it("check: the file's row says it, exit 3", async () => {
    const r = await run(['check', DENIED]);
    expect(r.code).toBe(3);
    expect(r.stdout).toMatch(/denied\.h5.*unreadable.*permission denied/);
  });

  it('in a batch the next file is still analysed', async () => {
    const r = await run(['audit', DENIED, FIXTURE]);
    expect(r.code).toBe(3);
    expect(r.stderr).toBe(`kerascope: ${DENIED}: permission denied\n`);
    expect(r.stdout).toContain('h5-external-dataset');
  });

  it('a --weights file it may not open', async () => {
    const arch = join(dir, 'arch.json');
    realFs.writeFileSync(arch, JSON.stringify({ class_name: 'Sequential', config: { name: 's', layers: [{ class_name: 'Dense', config: { name: 'dense', units: 2, batch_input_shape: [null, 3] } }] } }));
    const r = await run([arch, '--weights', DENIED]);
    expect(r.code).toBe(3);
    expect(r.stderr).toBe(`kerascope: ${DENIED}: permission denied\n`);
  });
});

/**
 * How to run a command as a user who may not read a 0600 root file: null when this process is
 * not root (a mode-000 file is then unreadable to us already), or why it cannot be done.
 */
async function asNobody(): Promise<{ prefix: string[] } | { skip: string } | null> {
  if (process.getuid?.() !== 0) return null;
  const probe = await runChild('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, '--import', 'tsx', '-e', 'process.exit(7)'], { cwd: ROOT });
  if (probe.error) return { skip: `setpriv cannot be run (${probe.error.message})` };
  if (probe.status !== 7) return { skip: `node with tsx does not run as uid 65534 here (${(probe.stderr || '').split('\n')[0]})` };
  return { prefix: ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups'] };
}
const how = await asNobody();
const skip = how && 'skip' in how ? how.skip : null;
if (skip) console.warn(`cli-eacces: the real EACCES test is skipped: ${skip}`);

describe.skipIf(skip !== null)(`the CLI in a real process that may not read the file${skip ? ` — SKIPPED: ${skip}` : ''}`, () => {
  it('kerascope FILE: one line naming the file, exit 3, no stack trace', async () => {
    const folder = join(dir, 'real');
    realFs.mkdirSync(folder, { recursive: true });
    realFs.chmodSync(dir, 0o755);
    realFs.chmodSync(folder, 0o755);
    const file = join(folder, 'model.h5');
    realFs.copyFileSync(FIXTURE, file);
    realFs.chmodSync(file, how ? 0o600 : 0o000);
    // The CLI from the sources (bin/kerascope.js runs the built copy of the same main).
    const code = "const { main } = await import('./src/cli/main.ts'); process.exitCode = await main(process.argv.slice(1));";
    const cmd = [...(how && 'prefix' in how ? how.prefix : []), process.execPath, '--import', 'tsx', '-e', code, file];
    const r = await runChild(cmd[0]!, cmd.slice(1), { cwd: ROOT });
    expect(r.status).toBe(3);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(`kerascope: ${file}: permission denied\n`);
  });
});
