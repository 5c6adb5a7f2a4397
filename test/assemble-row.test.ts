// `check`'s table row made without the rest of the report (src/report/assemble.ts assembleRow,
// issue 15) must be the row the whole report gives: same verdict, layer count, parameter count and
// findings (codes, messages with counts of 1 in the singular, order). Compared on every fixture
// model Keras and the builders wrote, and on the shared corpus and the Keras 3 zoo when present;
// in the zoo the row's parameter count is also Keras's own `count_params()` (truth.json).
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyzeSource, analyzeSourceRow } from '../src/analyze-source.js';
import { readSource } from '../src/formats/index.js';
import { batchRow } from '../src/report/row.js';

const ROOT = join(import.meta.dirname, '..');
const SHARED = join(ROOT, '..', 'shared');
const MODEL_EXT = /\.(h5|hdf5|keras|json)$/;

function modelFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...modelFiles(path));
    else if (MODEL_EXT.test(name) && name !== 'truth.json' && name !== 'coverage.json') out.push(path);
  }
  return out;
}

/** Both rows of a file, or null when it is not read as a model (its error is the same either way: the read comes first). */
async function rows(file: string): Promise<{ fast: ReturnType<typeof batchRow> | null; whole: ReturnType<typeof batchRow> } | null> {
  let source;
  try {
    source = await readSource(file);
  } catch {
    return null;
  }
  return { fast: analyzeSourceRow(source), whole: batchRow(analyzeSource(source)) };
}

async function compareAll(files: string[]): Promise<number> {
  let compared = 0;
  for (const file of files) {
    const r = await rows(file);
    if (!r || !r.fast) continue;
    expect(r.fast, file).toEqual(r.whole);
    compared++;
  }
  return compared;
}

describe('check row without the whole report', () => {
  it('equals the row of the whole report on every fixture model', async () => {
    const compared = await compareAll(modelFiles(join(ROOT, 'fixtures')));
    expect(compared).toBeGreaterThan(200);
  }, 120_000);

  it.runIf(existsSync(join(SHARED, 'corpus')))('equals it on the shared corpus', async () => {
    expect(await compareAll(modelFiles(join(SHARED, 'corpus')))).toBeGreaterThan(10);
  }, 120_000);

  it.runIf(existsSync(join(SHARED, 'keras3-zoo', 'truth.json')))('equals it on the Keras 3 zoo, with Keras\'s own parameter count', async () => {
    const zoo = join(SHARED, 'keras3-zoo');
    const truth = JSON.parse(readFileSync(join(zoo, 'truth.json'), 'utf8')) as { files: Record<string, string>; total_params: number }[];
    let counted = 0;
    for (const t of truth) {
      const file = t.files['keras'] ? join(zoo, t.files['keras']) : null;
      if (!file || !existsSync(file)) continue;
      const r = await rows(file);
      if (!r?.fast || r.fast.atLeast || r.fast.verdict !== 'consistent') continue;
      expect(r.fast.params, file).toBe(t.total_params);
      counted++;
    }
    expect(counted).toBeGreaterThan(50);
    expect(await compareAll(modelFiles(zoo))).toBeGreaterThan(100);
  }, 300_000);

  it('is null for a KerasHub preset (its report is needed whole: the weights files it read)', async () => {
    const presets = join(ROOT, 'fixtures', 'keras-hub', 'presets');
    const folder = readdirSync(presets).map((n) => join(presets, n)).find((p) => statSync(p).isDirectory() && existsSync(join(p, 'config.json')));
    expect(folder).toBeDefined();
    expect(analyzeSourceRow(await readSource(folder!))).toBeNull();
  });
});
