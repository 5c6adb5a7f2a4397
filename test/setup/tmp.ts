// Before each test file: TMPDIR points at a folder of its own inside the run's root
// (test/setup/global.ts), so everything made with `os.tmpdir()` — by a test, by the product in
// library mode, by a child process the test starts — lands there and is removed after the file.
// The product's own temporary folders (`kerascope-XXXXXX`, an inflated weights member) must be
// gone by then: a left one fails the file.
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, inject } from 'vitest';

/** What src/ names its temporary folders (src/formats/kerasZip.ts: `mkdtemp(tmpdir()/kerascope-)`). */
export const PRODUCT_TMP = /^kerascope-[A-Za-z0-9]{6}$/;

const systemTmp = inject('systemTmp');
const dir = mkdtempSync(join(inject('tmpRoot'), 'file-'));
// like /tmp: a child the test runs as another user (test/cli-eacces.test.ts) may write here too
chmodSync(dir, 0o1777);
// tsx keeps its compile cache in TMPDIR/tsx-<uid>: children started with `--import tsx` share the
// machine's warm cache instead of compiling every source again.
const tsxCache = `tsx-${process.geteuid?.() ?? 'user'}`;
mkdirSync(join(systemTmp, tsxCache), { recursive: true });
symlinkSync(join(systemTmp, tsxCache), join(dir, tsxCache));
process.env['TMPDIR'] = dir;

afterAll(() => {
  process.env['TMPDIR'] = systemTmp;
  const left = readdirSync(dir).filter((n) => PRODUCT_TMP.test(n));
  rmSync(dir, { recursive: true, force: true });
  if (left.length) throw new Error(`kerascope left ${left.length} temporary folder(s) behind in library mode: ${left.join(', ')}`);
});
