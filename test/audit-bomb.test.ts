// A zip bomb end to end: a real .keras whose extra member DEFLATEs 32 MiB of zeros into a few kB
// (the archive is built with jszip, the compressor real zips use). The audit flags its ratio from the
// central directory alone; the member is never inflated.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { analyze } from '../src/index.js';
import { buildKerasZip } from '../fixtures/builder/zip.js';
import { readSource } from '../src/index.js';

test('a .keras with a 32 MiB member packed into a few kB is flagged as a zip bomb', async () => {
  const real = await readSource('fixtures/keras/models/seed_mlp_binary.keras');
  const file = join(mkdtempSync(join(tmpdir(), 'kerascope-bomb-')), 'bomb.keras');
  await buildKerasZip(file, {
    config: real.config,
    weightsH5: null,
    extraMembers: [{ name: 'assets/padding.bin', data: Buffer.alloc(32 * 1024 * 1024), compress: true }],
  });
  const r = await analyze(file);
  const bomb = r.findings.find((f) => f.code === 'zip-bomb-ratio');
  expect(bomb?.severity).toBe('high');
  expect(bomb?.message).toMatch(/assets\/padding\.bin/);
  expect(bomb?.message).toMatch(/33554432/);
});
