// Counts too large for a double: a layer whose MACs, FLOPs or output bytes pass 2^53 at the batch
// asked is "unknown" with the reason (never a rounded number shown as exact), and totals past 2^53
// are said only as "about" their scale. The counts here follow from the config alone (Keras's Dense:
// positions × inputs × units MACs, 2 × MACs + a bias add per output FLOPs).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { analyze } from '../src/index.js';
import { scaled } from '../src/report/compute-lines.js';

const dir = mkdtempSync(join(tmpdir(), 'kerascope-limits-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A Keras 3 to_json() Sequential: an input of `shape` (batch left open) and one Dense per entry of `units`. */
function model(shape: number[], units: number[]): string {
  const layers = [
    { class_name: 'InputLayer', config: { name: 'in', batch_shape: [null, ...shape] } },
    ...units.map((u, i) => ({ class_name: 'Dense', config: { name: `d${i}`, units: u } })),
  ];
  const file = join(dir, `m${shape.join('x')}-${units.join('-')}.json`);
  writeFileSync(file, JSON.stringify({ class_name: 'Sequential', config: { name: 's', layers }, keras_version: '3.5.0', backend: 'jax' }));
  return file;
}

describe('counts past 2^53', () => {
  it('a Dense of 10^16 MACs per sample is unknown, its output bytes still known', async () => {
    const r = await analyze(model([10_000_000, 10_000], [100_000]));
    expect(r.layers[0]!.compute).toEqual({ macs: null, flops: null, activationBytes: 4 * 10_000_000 * 100_000, unknown: 'more than 2^53 operations: too large to count exactly' });
    expect(r.compute!.unknownLayers).toEqual(['d0']);
  });

  it('exact below 2^53, unknown at a batch that passes it', async () => {
    const file = model([1000, 1000], [1000]);
    const one = (await analyze(file)).layers[0]!.compute!;
    expect([one.macs, one.flops]).toEqual([1e9, 2e9 + 1e6]);
    const many = (await analyze(file, { batch: 10_000_000 })).layers[0]!.compute!;
    expect(many.macs).toBeNull();
    expect(many.unknown).toMatch(/^more than 2\^53/);
  });

  it('output bytes past 2^53 at the batch asked are unknown', async () => {
    const c = (await analyze(model([1000, 1000], [1000]), { batch: 3_000_000 })).layers[0]!.compute!;
    // 10^6 outputs × 4 bytes × 3·10^6 = 1.2·10^13 bytes: exact; MACs 3·10^15: exact too.
    expect([c.macs, c.activationBytes]).toEqual([3e15, 1.2e13]);
    // Dense(1000) on one feature: 10^9 outputs × 4 bytes × 3·10^6 = 1.2·10^16 bytes, past 2^53; its
    // MACs 3·10^15 and FLOPs 9·10^15 are not.
    const big = (await analyze(model([1_000_000, 1], [1000]), { batch: 3_000_000 })).layers[0]!.compute!;
    expect(big).toEqual({ macs: 3e15, flops: 9e15, activationBytes: null, unknown: 'more than 2^53 output bytes: too large to count exactly' });
  });

  it('totals: P and E scales, only "about" past 2^53', () => {
    expect(scaled(1.5e15)).toBe('1,500,000,000,000,000 (1.50 P)');
    expect(scaled(2 ** 53 + 2)).toBe('about 9.01 P');
    expect(scaled(3.3e17)).toBe('about 330.00 P');
    expect(scaled(2e18)).toBe('about 2.00 E');
  });
});
