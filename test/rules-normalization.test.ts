// Normalization rules. Numbers: keras-formats.md §4 (BN center=False gives 18, LayerNorm 12 / rms 6,
// checked with Keras 3.15.1), the corpus k1-2-0-functional-merge summary (Keras 1 BN over axis=1:
// 92 params for (None, 23, 80, 32)), Keras 3.15 normalization/*.py.
import { describe, expect, it } from 'vitest';
import { run, params, shapes, K1, K3, TFK } from './helpers/rules.js';
import { RuleError } from '../src/layers/types.js';

describe('BatchNormalization', () => {
  it('gamma, beta trainable; moving_mean, moving_variance not', () => {
    const out = run('BatchNormalization', { axis: -1 }, [[null, 8]]);
    expect(out.weights.map((w) => [w.name, w.shape, w.trainable])).toEqual([
      ['gamma', [8], true],
      ['beta', [8], true],
      ['moving_mean', [8], false],
      ['moving_variance', [8], false],
    ]);
    expect(out.outputShapes).toEqual([[null, 8]]);
  });
  it('center=False on 6 channels gives 18', () => {
    expect(params(run('BatchNormalization', { axis: -1, center: false }, [[null, 4, 4, 6]]))).toBe(18);
  });
  it('tf.keras axis lists: [3] is the channel axis; several axes keep 1 elsewhere', () => {
    expect(shapes(run('BatchNormalization', { axis: [3] }, [[null, 5, 5, 7]], TFK))[0]).toEqual(['gamma', [7]]);
    expect(shapes(run('BatchNormalization', { axis: [1, 3] }, [[null, 5, 4, 7]], TFK))[0]).toEqual(['gamma', [1, 5, 1, 7]]);
  });
  it('renorm adds moving_stddev, renorm_mean, renorm_stddev (not trainable)', () => {
    const out = run('BatchNormalization', { axis: -1, renorm: true }, [[null, 3]]);
    expect(out.weights.filter((w) => !w.trainable).map((w) => w.name)).toEqual(['moving_mean', 'moving_variance', 'moving_stddev', 'renorm_mean', 'renorm_stddev']);
    expect(params(out)).toBe(21);
  });
  it('Keras 1 BN over axis=1 on (None, 23, 80, 32) gives 92 = 4 × 23 (corpus k1-2-0-functional-merge bn0)', () => {
    const out = run('BatchNormalization', { axis: 1, mode: 2, epsilon: 0.001, momentum: 0.99 }, [[null, 23, 80, 32]], K1);
    expect(params(out)).toBe(92);
    expect(out.weights.map((w) => [w.name, w.trainable])).toEqual([
      ['gamma', true],
      ['beta', true],
      ['running_mean', false],
      ['running_std', false],
    ]);
  });
  it('answers to the tf.keras V1/V2 class names', () => {
    expect(params(run('BatchNormalizationV1', { axis: 3 }, [[null, 2, 2, 5]], TFK))).toBe(20);
    expect(params(run('BatchNormalizationV2', { axis: -1 }, [[null, 5]], TFK))).toBe(20);
  });
  it('refuses an axis outside the input', () => {
    expect(() => run('BatchNormalization', { axis: 4 }, [[null, 3]])).toThrow(RuleError);
  });
});

describe('LayerNormalization', () => {
  it('gamma and beta over the last axis: 6 features give 12; rms_scaling gives gamma only, 6', () => {
    expect(params(run('LayerNormalization', { axis: [-1] }, [[null, 6]]))).toBe(12);
    expect(shapes(run('LayerNormalization', { axis: [-1], rms_scaling: true }, [[null, 6]]))).toEqual([['gamma', [6]]]);
  });
  it('scale=False keeps beta', () => {
    expect(shapes(run('LayerNormalization', { axis: [-1], scale: false }, [[null, 3, 5]]))).toEqual([['beta', [5]]]);
  });
  it('several axes: Keras 3 sorts the values as given, tf.keras keeps their order', () => {
    expect(shapes(run('LayerNormalization', { axis: [2, 1] }, [[null, 3, 5]], K3))[0]).toEqual(['gamma', [3, 5]]);
    expect(shapes(run('LayerNormalization', { axis: [2, 1] }, [[null, 3, 5]], TFK))[0]).toEqual(['gamma', [5, 3]]);
  });
});

describe('GroupNormalization, RMSNormalization, UnitNormalization', () => {
  it('GroupNormalization: gamma and beta per channel; groups must divide channels', () => {
    expect(params(run('GroupNormalization', { groups: 4, axis: -1 }, [[null, 3, 3, 8]]))).toBe(16);
    expect(() => run('GroupNormalization', { groups: 3, axis: -1 }, [[null, 8]])).toThrow(/divide/);
    expect(params(run('GroupNormalization', { groups: -1, axis: -1, center: false }, [[null, 8]]))).toBe(8);
  });
  it('RMSNormalization: one scale per feature', () => {
    expect(shapes(run('RMSNormalization', { axis: [-1] }, [[null, 10]]))).toEqual([['scale', [10]]]);
  });
  it('UnitNormalization owns nothing', () => {
    expect(run('UnitNormalization', { axis: 1 }, [[null, 3, 4]]).weights).toEqual([]);
  });
});

describe('SpectralNormalization', () => {
  it("wraps a layer: its weights under the wrapped layer's name (store `layer`) + vector_u (1, units)", () => {
    const inner = { class_name: 'Dense', config: { name: 'dense_1', units: 3, use_bias: true } };
    const out = run('SpectralNormalization', { layer: inner, power_iterations: 1 }, [[null, 4]]);
    expect(out.outputShapes).toEqual([[null, 3]]);
    // zoo dz_spectralnorm_dense stores layers/spectral_normalization/vars/0 = the kernel again, vars/1 = vector_u;
    // model.weights (and the legacy .h5) list the kernel once.
    expect(out.weights.map((w) => [w.name, w.shape, w.trainable, w.store, w.storeIndex ?? null, w.duplicateOf ?? null])).toEqual([
      ['dense_1/kernel', [4, 3], true, 'layer', null, null],
      ['dense_1/bias', [3], true, 'layer', null, null],
      ['kernel', [4, 3], true, '', 0, 'dense_1/kernel'],
      ['vector_u', [1, 3], false, '', 1, null],
    ]);
  });
  it('refuses a wrapped layer with neither kernel nor embeddings', () => {
    expect(() => run('SpectralNormalization', { layer: { class_name: 'Dropout', config: { rate: 0.1 } } }, [[null, 4]])).toThrow(/kernel/);
  });
});
