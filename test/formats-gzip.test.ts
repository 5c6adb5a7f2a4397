// gzip-compressed inputs (issue 12 part 4): a `.json.gz` config (the project's own keras-apps
// fixtures) and a `.h5.gz` model read as the file inside, inflated with the zip reader's caps into
// a temporary file that is removed after; a stream past the cap or cut short is one line.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, expect, test } from 'vitest';
import { analyze } from '../src/index.js';
import { readGunzipped } from '../src/formats/gzip/index.js';
import { MemorySource } from '../src/formats/source.js';
import { liveTempDirs } from '../src/formats/temp.js';
import type { Report } from '../src/types.js';

const FIX = resolve(dirname(fileURLToPath(import.meta.url)), '../fixtures');
const dir = mkdtempSync(join(tmpdir(), 'kerascope-gz-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The parts of a report that do not name the file or how it was packed. */
const core = (r: Report) => ({ layers: r.layers, totals: r.totals, verdict: r.verdict, findings: r.findings.filter((f) => f.code !== 'gzip-inflated') });

test('a keras-apps .json.gz reads as its inflated JSON does, and says it was gzip-compressed', async () => {
  const gz = join(FIX, 'keras-apps/all_convnextbase.json.gz');
  const plain = join(dir, 'convnext.json');
  writeFileSync(plain, gunzipSync(readFileSync(gz)));
  const [a, b] = [await analyze(gz), await analyze(plain)];
  expect(core(a)).toEqual(core(b));
  expect(a.file).toBe(gz);
  expect(a.formatLabel).toBe(`${b.formatLabel}, gzip-compressed`);
  expect(a.findings.find((f) => f.code === 'gzip-inflated')!.message).toMatch(/^gzip-compressed: 253,523 bytes inflated from 5,705/);
  expect(liveTempDirs()).toEqual([]);
});

test('a .h5.gz full model reads as the .h5 does (weights paired, verdict kept)', async () => {
  const h5 = join(FIX, 'keras/models/activations.h5');
  const gz = join(dir, 'activations.h5.gz');
  writeFileSync(gz, gzipSync(readFileSync(h5)));
  const [a, b] = [await analyze(gz), await analyze(h5)];
  expect(core(a)).toEqual(core(b));
  expect(a.verdict).toBe('consistent');
  expect(liveTempDirs()).toEqual([]);
});

test('past the inflation cap, or cut short: one line naming the stream, and no temporary file left', async () => {
  const zeros = gzipSync(Buffer.alloc(4 << 20));
  const src = new MemorySource(zeros, 'big.json.gz');
  await expect(readGunzipped(src, 'big.json', async () => 0, 1 << 20)).rejects.toThrow('gzip stream big.json.gz inflates past the 1048576 bytes kerascope inflates from one file');
  const cut = join(dir, 'cut.json.gz');
  writeFileSync(cut, gzipSync(Buffer.from('{"class_name": "Sequential", "config": {"layers": []}}')).subarray(0, 20));
  await expect(analyze(cut)).rejects.toThrow(/^gzip stream .*cut\.json\.gz: unexpected end of file/);
  expect(liveTempDirs()).toEqual([]);
});
