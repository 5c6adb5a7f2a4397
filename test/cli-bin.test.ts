// The installed command: bin/kerascope.js runs dist/cli/main.js (built by `npm run build`).
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
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
});
