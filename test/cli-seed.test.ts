// The seed's five models (fixtures/seed, written by the project) through the real CLI: the seed
// notebook's figures, and byte sizes worked out by hand as Keras does (4 bytes a float32, 1 KB = 1024 B).
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { run } from './cli-harness.js';
import { parseSummary } from './report-keras-layout.js';

const cli = (argv: string[]) => run(argv);
const SEED_DIR = join(resolve(dirname(fileURLToPath(import.meta.url)), '..'), 'fixtures', 'seed');
const seed = (name: string) => join(SEED_DIR, `${name}.json`);

const SEED: [string, string[], string][] = [
  // file, Param # column (seed), Total line (573 × 4 = 2,292 B = 2.238 KB, …)
  ['mlp-softmax', ['147', '0', '104', '0', '322'], 'Total params: 573 (2.24 KB)'],
  ['mlp-binary', ['147', '0', '104', '0', '14'], 'Total params: 265 (1.04 KB)'],
  ['lstm', ['91', '2,108', '0', '18'], 'Total params: 2,217 (8.66 KB)'],
  ['conv1d', ['6,708', '901', '0', '2,280', '2,645', '0', '0', '24'], 'Total params: 12,558 (49.05 KB)'],
  // vgg-like: conv, conv, pool, dropout, conv, conv, pool, dropout, flatten (9196 long, no weights), dense, dropout, dense
  ['vgg-like', ['196', '832', '0', '0', '2,006', '2,926', '0', '0', '0', '211,531', '0', '696'], 'Total params: 218,187 (852.29 KB)'],
];

describe('kerascope on the seed models', () => {
  for (const [name, params, total] of SEED) {
    it(`${name}: the seed's per-layer counts and total`, async () => {
      const r = await cli([seed(name)]);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      const parsed = parseSummary(r.stdout);
      expect(parsed.rows.map((row) => row[2])).toEqual(params);
      expect(parsed.totals[0]).toBe(total);
    });
  }

  it("vgg-like: the seed's spatial sizes 98, 96, 48, 46, 44, 22 and flatten 9196", async () => {
    const rows = parseSummary((await cli([seed('vgg-like')])).stdout).rows;
    const spatial = rows.map((row) => /^\(None, (\d+), \1,/.exec(row[1]!)?.[1]).filter(Boolean);
    expect([...new Set(spatial)]).toEqual(['98', '96', '48', '46', '44', '22']);
    expect(rows.find((row) => row[0]!.includes('(Flatten)'))![1]).toBe('(None, 9196)');
  });

  it('conv1d: output lengths 66, 63, 21, 15, 10', async () => {
    const rows = parseSummary((await cli([seed('conv1d')])).stdout).rows;
    expect(rows.slice(0, 5).map((row) => /^\(None, (\d+),/.exec(row[1]!)![1])).toEqual(['66', '63', '21', '15', '10']);
  });

  it('explain lstm_5 gives the formula the seed could not', async () => {
    const r = await cli(['explain', seed('lstm'), 'lstm_5']);
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')[0]).toBe('lstm_5 (LSTM): 4 gates × 17 units × (13 inputs + 17 recurrent + 1 bias) = 2,108');
    expect(r.stdout).toMatch(/kernel\s+\(13, 68\): 13 inputs × 4 gates·17 units/);
    expect(r.stdout).toMatch(/recurrent_kernel\s+\(17, 68\): 17 units fed back × 4 gates·17 units/);
  });
});
