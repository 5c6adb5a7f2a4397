// Pooling rules against Keras's own numbers: the seed (Keras 2), corpus SOURCE.md summaries,
// keras-formats.md §4 (checked with Keras 3.15.1) and every pooling layer of ../shared/keras3-zoo.
import { describe, expect, it } from 'vitest';
import { RuleError } from '../src/layers/types.js';
import { hasZoo } from './helpers/zoo.js';
import { K1, K2, expectZooCase, run, zooCasesOf } from './helpers/rules.js';

const pool2 = (p: number[], s: number[] | null, padding = 'valid', extra: Record<string, unknown> = {}) => ({
  pool_size: p,
  strides: s,
  padding,
  data_format: 'channels_last',
  ...extra,
});

describe('pooling lengths Keras printed', () => {
  it('seed VGG: MaxPooling2D((2, 2)) takes 96 to 48 and 44 to 22', () => {
    expect(run('MaxPooling2D', pool2([2, 2], [2, 2]), [[null, 96, 96, 13]], K2).outputShapes).toEqual([[null, 48, 48, 13]]);
    expect(run('MaxPooling2D', pool2([2, 2], [2, 2]), [[null, 44, 44, 19]], K2).outputShapes).toEqual([[null, 22, 22, 19]]);
  });
  it('seed Conv1D stack: MaxPooling1D(3) takes 63 to 21, GlobalAveragePooling1D gives (None, 23)', () => {
    // Keras 2 serialized strides null → pool_size
    expect(run('MaxPooling1D', { pool_size: [3], strides: null, padding: 'valid' }, [[null, 63, 17]], K2).outputShapes).toEqual([[null, 21, 17]]);
    expect(run('GlobalAveragePooling1D', {}, [[null, 10, 23]], K2).outputShapes).toEqual([[null, 23]]);
  });
  it('keras-formats §4: MaxPool2D(3, 2, same) on 9 gives 5; default 2×2 on 9 gives 4', () => {
    expect(run('MaxPool2D', pool2([3, 3], [2, 2], 'same'), [[null, 9, 9, 1]]).outputShapes).toEqual([[null, 5, 5, 1]]);
    expect(run('MaxPool2D', { data_format: 'channels_last' }, [[null, 9, 9, 1]]).outputShapes).toEqual([[null, 4, 4, 1]]);
  });
  it('corpus k2-3-1: AveragePooling2D((1, 4)) (None, 60, 318, 3) → (None, 60, 79, 3); MaxPooling2D 29×39 → 14×19', () => {
    expect(run('AveragePooling2D', pool2([1, 4], [1, 4]), [[null, 60, 318, 3]], K2).outputShapes).toEqual([[null, 60, 79, 3]]);
    expect(run('MaxPooling2D', pool2([2, 2], [2, 2]), [[null, 29, 39, 24]], K2).outputShapes).toEqual([[null, 14, 19, 24]]);
  });
  it('corpus k1-2-0: Keras 1 AveragePooling2D pool 23 on (23, 80, 32) → (1, 3, 32)', () => {
    expect(run('AveragePooling2D', pool2([23, 23], [23, 23]), [[null, 23, 80, 32]], K1).outputShapes).toEqual([[null, 1, 3, 32]]);
  });
  it('Keras 1 MaxPooling1D pool_length=2, stride=None (mapped to pool_size / strides)', () => {
    expect(run('MaxPooling1D', { pool_size: 2, strides: null, padding: 'valid' }, [[null, 9, 4]], K1).outputShapes).toEqual([[null, 4, 4]]);
  });
  it('channels_first keeps the channels at axis 1; None stays None', () => {
    expect(run('AvgPool2D', pool2([2, 2], null, 'valid', { data_format: 'channels_first' }), [[null, 3, null, 8]]).outputShapes).toEqual([[null, 3, null, 4]]);
  });
  it('refuses a pool larger than the input', () => {
    expect(() => run('MaxPooling2D', pool2([3, 3], [1, 1]), [[null, 2, 2, 1]])).toThrow(RuleError);
  });
});

describe('global and adaptive pooling', () => {
  it('keepdims keeps 1s where the spatial dims were, in data_format order', () => {
    expect(run('GlobalMaxPool2D', { data_format: 'channels_last', keepdims: true }, [[null, 5, 5, 7]]).outputShapes).toEqual([[null, 1, 1, 7]]);
    expect(run('GlobalAvgPool3D', { data_format: 'channels_first', keepdims: true }, [[null, 7, 2, 2, 2]]).outputShapes).toEqual([[null, 7, 1, 1, 1]]);
  });
  it('adaptive pooling gives output_size', () => {
    expect(run('AdaptiveMaxPooling2D', { output_size: [2, 3], data_format: 'channels_last' }, [[null, null, 9, 4]]).outputShapes).toEqual([[null, 2, 3, 4]]);
  });
  it('weights: none, formula says 0', () => {
    const out = run('GlobalAveragePooling2D', {}, [[null, 4, 4, 3]]);
    expect(out.weights).toEqual([]);
    expect(out.formula).toBe('no weights: 0');
  });
});

describe.runIf(hasZoo)('keras3-zoo: every pooling layer equals truth.json (Keras 3.15.1)', () => {
  const cases = zooCasesOf('pooling');
  it('has pooling cases', () => expect(cases.length).toBeGreaterThan(15));
  it.each(cases.map((c) => [`${c.slug}/${c.name} (${c.className})`, c] as const))('%s', (_label, c) => expectZooCase(c));
});
