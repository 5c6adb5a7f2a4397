// Reshaping rules against Keras's own numbers: the seed (Keras 2), corpus SOURCE.md summaries,
// keras-formats.md §4 (checked with Keras 3.15.1) and every reshaping layer of ../shared/keras3-zoo.
import { describe, expect, it } from 'vitest';
import { RuleError } from '../src/layers/types.js';
import { hasZoo } from './helpers/zoo.js';
import { K1, K2, expectZooCase, run, zooCasesOf } from './helpers/rules.js';

describe('Flatten', () => {
  it('seed VGG: (22, 22, 19) flattens to 9196', () => {
    expect(run('Flatten', {}, [[null, 22, 22, 19]], K2).outputShapes).toEqual([[null, 9196]]);
  });
  it('corpus: (2, 3, 48) → 288 (k2-3-1), Keras 1 (1, 3, 32) → 96 (k1-2-0), (3, 8, 64) → 1536 (k1-1-2)', () => {
    expect(run('Flatten', { data_format: 'channels_last' }, [[null, 2, 3, 48]], K2).outputShapes).toEqual([[null, 288]]);
    expect(run('Flatten', {}, [[null, 1, 3, 32]], K1).outputShapes).toEqual([[null, 96]]);
    expect(run('Flatten', {}, [[null, 3, 8, 64]], K1).outputShapes).toEqual([[null, 1536]]);
  });
  it('None if any dim is None; a rank-1 input gives 1 (flatten.py compute_output_shape)', () => {
    expect(run('Flatten', {}, [[null, null, 4]]).outputShapes).toEqual([[null, null]]);
    expect(run('Flatten', {}, [[null]]).outputShapes).toEqual([[null, 1]]);
  });
});

describe('Reshape', () => {
  it('keras-formats §4: (3, 4, 5) → (-1, 5) gives (None, 12, 5)', () => {
    expect(run('Reshape', { target_shape: [-1, 5] }, [[null, 3, 4, 5]]).outputShapes).toEqual([[null, 12, 5]]);
  });
  it('a None input dim leaves -1 as None; a size that does not divide is refused', () => {
    expect(run('Reshape', { target_shape: [-1, 5] }, [[null, null, 5]]).outputShapes).toEqual([[null, null, 5]]);
    expect(() => run('Reshape', { target_shape: [-1, 7] }, [[null, 3, 4, 5]])).toThrow(RuleError);
    expect(() => run('Reshape', { target_shape: [6, 7] }, [[null, 3, 4, 5]])).toThrow(RuleError);
    expect(() => run('Reshape', { target_shape: [-1, -1] }, [[null, 3, 4, 5]])).toThrow(RuleError);
  });
});

describe('Permute and RepeatVector', () => {
  it('Permute dims are 1-based', () => {
    expect(run('Permute', { dims: [2, 1] }, [[null, 30, 7]]).outputShapes).toEqual([[null, 7, 30]]);
    expect(run('Permute', { dims: [3, 1, 2] }, [[null, 2, 3, 4]]).outputShapes).toEqual([[null, 4, 2, 3]]);
    expect(() => run('Permute', { dims: [0, 1] }, [[null, 2, 3]])).toThrow(RuleError);
  });
  it('RepeatVector gives (batch, n, features)', () => {
    expect(run('RepeatVector', { n: 4 }, [[null, 6]]).outputShapes).toEqual([[null, 4, 6]]);
  });
});

describe('ZeroPadding, Cropping, UpSampling: every argument form', () => {
  it('corpus k2-3-1: Cropping2D(((80, 20), (1, 1))) on (160, 320, 3) → (60, 318, 3)', () => {
    expect(run('Cropping2D', { cropping: [[80, 20], [1, 1]], data_format: 'channels_last' }, [[null, 160, 320, 3]], K2).outputShapes).toEqual([[null, 60, 318, 3]]);
  });
  it('an int, one symmetric int per dim, and pairs of pairs', () => {
    expect(run('ZeroPadding2D', { padding: 2 }, [[null, 5, 6, 1]]).outputShapes).toEqual([[null, 9, 10, 1]]);
    expect(run('ZeroPadding2D', { padding: [1, 3] }, [[null, 5, 6, 1]]).outputShapes).toEqual([[null, 7, 12, 1]]);
    expect(run('ZeroPadding2D', { padding: [[0, 1], [2, 0]] }, [[null, 5, 6, 1]]).outputShapes).toEqual([[null, 6, 8, 1]]);
    expect(run('ZeroPadding3D', { padding: [1, 0, 2] }, [[null, 2, 2, 2, 3]]).outputShapes).toEqual([[null, 4, 2, 6, 3]]);
    expect(run('Cropping3D', { cropping: 1 }, [[null, 4, 5, 6, 2]]).outputShapes).toEqual([[null, 2, 3, 4, 2]]);
  });
  it('1D: an int is symmetric, a pair is (left, right)', () => {
    expect(run('ZeroPadding1D', { padding: 2 }, [[null, 4, 3]]).outputShapes).toEqual([[null, 8, 3]]);
    expect(run('ZeroPadding1D', { padding: [0, 3] }, [[null, 4, 3]]).outputShapes).toEqual([[null, 7, 3]]);
    expect(run('Cropping1D', { cropping: [1, 2] }, [[null, 9, 3]]).outputShapes).toEqual([[null, 6, 3]]);
  });
  it('Keras 1.2 padding dicts and flat (top, bottom, left, right)', () => {
    expect(run('ZeroPadding2D', { padding: [1, 0, 2, 2] }, [[null, 5, 5, 1]], K1).outputShapes).toEqual([[null, 6, 9, 1]]);
    expect(run('ZeroPadding1D', { padding: { left_pad: 3 } }, [[null, 5, 1]], K1).outputShapes).toEqual([[null, 8, 1]]);
    expect(run('ZeroPadding2D', { padding: { top_pad: 1, bottom_pad: 0, left_pad: 2, right_pad: 2 } }, [[null, 5, 5, 1]], K1).outputShapes).toEqual([[null, 6, 9, 1]]);
  });
  it('channels_first pads and crops the dims after the channels; None stays None', () => {
    expect(run('ZeroPadding2D', { padding: 1, data_format: 'channels_first' }, [[null, 3, 5, null]]).outputShapes).toEqual([[null, 3, 7, null]]);
    expect(run('UpSampling2D', { size: [2, 3], data_format: 'channels_first' }, [[null, 3, 5, 4]]).outputShapes).toEqual([[null, 3, 10, 12]]);
  });
  it('UpSampling: int and tuple sizes; Keras 1 UpSampling1D `length`', () => {
    expect(run('UpSampling1D', { size: 3 }, [[null, 4, 2]]).outputShapes).toEqual([[null, 12, 2]]);
    expect(run('UpSampling1D', { length: 2 }, [[null, 4, 2]], K1).outputShapes).toEqual([[null, 8, 2]]);
    expect(run('UpSampling3D', { size: 2 }, [[null, 1, 2, 3, 4]]).outputShapes).toEqual([[null, 2, 4, 6, 4]]);
  });
  it('refuses a crop that leaves nothing', () => {
    expect(() => run('Cropping2D', { cropping: [[3, 3], [0, 0]] }, [[null, 6, 6, 1]])).toThrow(RuleError);
  });
});

describe.runIf(hasZoo)('keras3-zoo: every reshaping layer equals truth.json (Keras 3.15.1)', () => {
  const cases = zooCasesOf('reshaping');
  it('has reshaping cases', () => expect(cases.length).toBeGreaterThan(15));
  it.each(cases.map((c) => [`${c.slug}/${c.name} (${c.className})`, c] as const))('%s', (_label, c) => expectZooCase(c));
});
