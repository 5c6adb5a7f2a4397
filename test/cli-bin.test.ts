// The installed command: bin/kerascope.js runs dist/cli/main.js (built by `npm run build`).
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { main } from '../src/cli/main.js';
import { runChild } from './helpers/child.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const built = existsSync(join(root, 'dist', 'cli', 'main.js'));

describe.runIf(built)('node bin/kerascope.js', () => {
  it('--help prints the usage and exits 0', async () => {
    const r = await runChild(process.execPath, [join(root, 'bin', 'kerascope.js'), '--help']);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('Usage: kerascope FILE');
    expect(r.stdout).toContain('Exit codes:');
  });

  it('a missing file is one line on stderr and exit 3', async () => {
    const r = await runChild(process.execPath, [join(root, 'bin', 'kerascope.js'), join(root, 'no-such-model.h5')]);
    expect(r.status).toBe(3);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^kerascope: .*no-such-model\.h5: /);
  });

  // bin/kerascope.js ends with process.exit once nothing is pending: output larger than a pipe's
  // buffer (64 kB on Linux) must still arrive whole, with the run's own exit code.
  it('a report larger than a pipe buffer arrives whole through a pipe, as the CLI writes it in-process', async () => {
    const argv = ['check', join(root, 'fixtures/keras/models/[a-d]*.keras'), '--json'];
    let written = '';
    const io = { stdout: { write: (s: string) => (written += s) }, stderr: { write: () => true }, isTTY: false, env: {} };
    const code = await main(argv, io);
    const r = await runChild(process.execPath, [join(root, 'bin', 'kerascope.js'), ...argv]);
    expect(written.length).toBeGreaterThan(100_000);
    expect(r.stdout).toBe(written);
    expect(r.status).toBe(code);
  });
});
