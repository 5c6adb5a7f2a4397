// Fault injection on a real TensorFlow.js export (fixtures/tfjs/seed-lstm, written by tfjs-layers 4.22):
// each fault must give its exact finding. Expected shapes come from the model tfjs itself saved
// (Embedding(7, 13), LSTM(17), Dense(1)); the faults are ours.
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { analyze } from '../src/index.js';
import type { Finding } from '../src/types.js';

const SRC = 'fixtures/tfjs/seed-lstm';

type Json = Record<string, any>;

/** A copy of the fixture with `edit` applied to its model.json. */
function variant(edit: (m: Json) => void): string {
  const dir = mkdtempSync(join(tmpdir(), 'kerascope-fault-'));
  const model = JSON.parse(readFileSync(join(SRC, 'model.json'), 'utf8')) as Json;
  edit(model);
  writeFileSync(join(dir, 'model.json'), JSON.stringify(model));
  copyFileSync(join(SRC, 'weights.bin'), join(dir, 'weights.bin'));
  return join(dir, 'model.json');
}

const errorsOf = (fs: Finding[]): Finding[] => fs.filter((f) => f.severity === 'error');
const layer = (m: Json, name: string): Json => m['modelTopology'].config.layers.find((l: Json) => l.config.name === name);
const manifest = (m: Json): Json[] => m['weightsManifest'][0].weights;

describe('faults injected into a tfjs export', () => {
  test('the untouched export is consistent', async () => {
    const r = await analyze(join(SRC, 'model.json'));
    expect(errorsOf(r.findings)).toEqual([]);
    expect(r.verdict).toBe('consistent');
    expect(r.totals.params).toBe(2217); // the seed's total
  });

  test('a changed units: LSTM(17) → LSTM(16)', async () => {
    const r = await analyze(variant((m) => (layer(m, 'lstm_5').config.units = 16)));
    expect(r.verdict).toBe('inconsistent');
    const mismatch = errorsOf(r.findings).filter((f) => f.code === 'weight-shape-mismatch');
    expect(mismatch.map((f) => f.layer)).toContain('lstm_5');
    expect(mismatch.find((f) => f.message.startsWith('lstm_5/lstm_cell/kernel:'))?.message).toMatch(/^lstm_5\/lstm_cell\/kernel: expected \(13, 64\) from .*, stored \(13, 68\)/);
    // the Dense after it now sees 16 features: its kernel disagrees too
    expect(mismatch.some((f) => f.message.startsWith('dense_29/kernel: expected (16, 1)'))).toBe(true);
  });

  test('a dropped tensor: dense_29/bias removed from the manifest', async () => {
    const r = await analyze(variant((m) => m['weightsManifest'][0].weights.splice(manifest(m).findIndex((w) => w.name === 'dense_29/bias'), 1)));
    const missing = errorsOf(r.findings).find((f) => f.code === 'weight-missing');
    expect(missing?.message).toBe('dense_29/bias: expected (1,) from units=1, not stored');
  });

  test('two tensors swapped: the names of lstm_5 kernel and recurrent_kernel exchanged', async () => {
    // tfjs loads weights by name, so the bytes of the kernel now load as the recurrent kernel.
    const r = await analyze(
      variant((m) => {
        const ws = manifest(m);
        const a = ws.find((w) => w.name === 'lstm_5/kernel')!;
        const b = ws.find((w) => w.name === 'lstm_5/recurrent_kernel')!;
        [a.name, b.name] = [b.name, a.name];
      }),
    );
    const mismatch = errorsOf(r.findings).filter((f) => f.code === 'weight-shape-mismatch').map((f) => f.message);
    expect(mismatch).toHaveLength(2);
    expect(mismatch[0]).toMatch(/^lstm_5\/lstm_cell\/kernel: expected \(13, 68\) from .*, stored \(17, 68\)$/);
    expect(mismatch[1]).toMatch(/^lstm_5\/lstm_cell\/recurrent_kernel: expected \(17, 68\) from .*, stored \(13, 68\)$/);
  });

  test('manifest entries reordered with their names: still consistent, as tfjs loads by name', async () => {
    const r = await analyze(variant((m) => manifest(m).reverse()));
    expect(errorsOf(r.findings).filter((f) => f.code.startsWith('weight-'))).toEqual([]);
  });

  test('a wrong shard size: one byte cut from weights.bin', async () => {
    const file = variant(() => undefined);
    const bin = join(file, '..', 'weights.bin');
    writeFileSync(bin, readFileSync(bin).subarray(0, 8867));
    const r = await analyze(file);
    const f = errorsOf(r.findings).find((x) => x.code === 'tfjs-shard-size');
    expect(f?.message).toMatch(/weights\.bin/);
    expect(f?.message).toMatch(/8,?868/);
    expect(f?.message).toMatch(/8,?867/);
  });
});
