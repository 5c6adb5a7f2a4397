// Preprocessing rules. Numbers: keras-formats.md §4 (Normalization: 15 for (B,7), checked with Keras
// 3.15.1) and the compute_output_shape methods of Keras 3.15 keras/src/layers/preprocessing/*.py.
import { describe, expect, it } from 'vitest';
import { run, params, shapes, TFK } from './helpers/rules.js';
import { parseKerasVersion } from '../src/layers/evaluate.js';

describe('Normalization', () => {
  it('adapted (no mean/variance given): mean, variance and count, none trainable; 15 for (B, 7)', () => {
    const out = run('Normalization', { axis: [-1], mean: null, variance: null }, [[null, 7]]);
    expect(out.weights.map((w) => [w.name, w.shape, w.trainable])).toEqual([
      ['mean', [7], false],
      ['variance', [7], false],
      ['count', [], false],
    ]);
    expect(params(out)).toBe(15);
  });
  it('mean and variance given: no weights', () => {
    expect(run('Normalization', { axis: [3], mean: [0.4, 0.4, 0.4], variance: [0.05, 0.05, 0.05] }, [[null, 9, 9, 3]]).weights).toEqual([]);
  });
  it('kept axes in order; axis None keeps none (scalar statistics)', () => {
    expect(shapes(run('Normalization', { axis: [-1, 1] }, [[null, 4, 5]]))[0]).toEqual(['mean', [4, 5]]);
    expect(shapes(run('Normalization', { axis: null }, [[null, 4]]))[0]).toEqual(['mean', []]);
  });
});

describe('image size layers', () => {
  it('Resizing, CenterCrop, RandomCrop replace height and width (channels_last and channels_first)', () => {
    expect(run('Resizing', { height: 7, width: 9 }, [[null, 5, 5, 2]]).outputShapes).toEqual([[null, 7, 9, 2]]);
    expect(run('CenterCrop', { height: 3, width: 3, data_format: 'channels_first' }, [[null, 2, 6, 6]]).outputShapes).toEqual([[null, 2, 3, 3]]);
    expect(run('RandomCrop', { height: 4, width: 4 }, [[null, 6, 6, 1]]).outputShapes).toEqual([[null, 4, 4, 1]]);
    expect(run('Resizing', { height: 2, width: 3 }, [[10, 10, 3]]).outputShapes).toEqual([[2, 3, 3]]);
  });
  it('tf.keras RandomHeight / RandomWidth leave that axis unknown', () => {
    expect(run('RandomHeight', { factor: 0.2 }, [[null, 8, 8, 3]], TFK).outputShapes).toEqual([[null, null, 8, 3]]);
    expect(run('RandomWidth', { factor: 0.2 }, [[null, 8, 8, 3]], TFK).outputShapes).toEqual([[null, 8, null, 3]]);
  });
  it('augmentations keep the shape and own nothing', () => {
    for (const cls of ['Rescaling', 'RandomFlip', 'RandomRotation', 'RandomZoom', 'AugMix', 'MixUp', 'CutMix', 'RandAugment', 'Solarization', 'Equalization', 'AutoContrast', 'ContrastLimitedAdaptiveHistogramEqualization']) {
      const out = run(cls, {}, [[null, 6, 6, 3]]);
      expect(out.outputShapes, cls).toEqual([[null, 6, 6, 3]]);
      expect(out.weights, cls).toEqual([]);
    }
  });
});

describe('encodings', () => {
  it('CategoryEncoding: multi_hot replaces the last dim; one_hot appends unless it is 1', () => {
    expect(run('CategoryEncoding', { num_tokens: 3, output_mode: 'multi_hot' }, [[null, 2]]).outputShapes).toEqual([[null, 3]]);
    expect(run('CategoryEncoding', { num_tokens: 3, output_mode: 'one_hot' }, [[null, 2]]).outputShapes).toEqual([[null, 2, 3]]);
    expect(run('CategoryEncoding', { num_tokens: 3, output_mode: 'one_hot' }, [[null, 1]]).outputShapes).toEqual([[null, 3]]);
  });
  it('Discretization: len(bin_boundaries) + 1 bins; multi_hot drops the sample axis', () => {
    expect(run('Discretization', { bin_boundaries: [-1, 0, 1, 2], output_mode: 'one_hot' }, [[null, 1]]).outputShapes).toEqual([[null, 5]]);
    expect(run('Discretization', { bin_boundaries: [0], output_mode: 'int' }, [[null, 4]]).outputShapes).toEqual([[null, 4]]);
    expect(run('Discretization', { num_bins: 6, bin_boundaries: null, output_mode: 'multi_hot' }, [[null, 4, 2]]).outputShapes).toEqual([[null, 2, 6]]);
  });
  it('Hashing and HashedCrossing', () => {
    expect(run('Hashing', { num_bins: 3, output_mode: 'int' }, [[null, 2]]).outputShapes).toEqual([[null, 2]]);
    expect(run('Hashing', { num_bins: 3, output_mode: 'multi_hot' }, [[null, 2]]).outputShapes).toEqual([[null, 3]]);
    expect(run('HashedCrossing', { num_bins: 4, output_mode: 'one_hot' }, [[null], [null]]).outputShapes).toEqual([[null, 4]]);
    expect(() => run('HashedCrossing', { num_bins: 4 }, [[null]])).toThrow(/two inputs/);
  });
  it('StringLookup / IntegerLookup: depth = vocabulary_size, or the inline vocabulary plus OOV indices', () => {
    expect(run('StringLookup', { output_mode: 'multi_hot', vocabulary: ['x', 'y', 'z'], vocabulary_size: 4 }, [[null, 3]]).outputShapes).toEqual([[null, 4]]);
    expect(run('StringLookup', { output_mode: 'count', vocabulary: ['a', 'b'], num_oov_indices: 2 }, [[null, 3]], TFK).outputShapes).toEqual([[null, 4]]);
    // tf_keras index_lookup.py: non-int modes give (batch, depth) whatever the input rank.
    expect(run('StringLookup', { output_mode: 'multi_hot', vocabulary: ['a', 'b'] }, [[null, 5, 3]], TFK).outputShapes).toEqual([[null, 3]]);
    expect(run('StringLookup', { output_mode: 'multi_hot', vocabulary_size: 3 }, [[null, 5, 3]]).outputShapes).toEqual([[null, 5, 3]]);
    // No keras_version in the file (a Keras 3 to_json / config.json): Keras 3's rule.
    expect(run('StringLookup', { output_mode: 'multi_hot', vocabulary_size: 3 }, [[null, 5, 3]], parseKerasVersion(null)).outputShapes).toEqual([[null, 5, 3]]);
    expect(run('IntegerLookup', { output_mode: 'int', vocabulary: [3, 5] }, [[null, 2]]).outputShapes).toEqual([[null, 2]]);
    const asset = run('StringLookup', { output_mode: 'one_hot', vocabulary: 'vocab.txt' }, [[null, 2]], TFK);
    expect(asset.outputShapes).toEqual([[null, null]]);
    expect(asset.notes?.[0]).toMatch(/asset/);
  });
  it('TextVectorization: int gives (batch, output_sequence_length); multi_hot gives vocabulary_size', () => {
    expect(run('TextVectorization', { output_mode: 'int', output_sequence_length: 12 }, [[null, 1]]).outputShapes).toEqual([[null, 12]]);
    expect(run('TextVectorization', { output_mode: 'multi_hot', split: 'whitespace', vocabulary_size: 4 }, [[null, 1]]).outputShapes).toEqual([[null, 1, 4]]);
  });
});

describe('audio', () => {
  it('MelSpectrogram: (B, num_mel_bins, (T + stride + 1) // stride)', () => {
    expect(run('MelSpectrogram', { num_mel_bins: 20, sequence_stride: 64 }, [[null, 1024]]).outputShapes).toEqual([[null, 20, 17]]);
  });
  it('STFTSpectrogram: real and imag kernels (frame_length, 1, fft_length // 2 + 1)', () => {
    const out = run('STFTSpectrogram', { mode: 'magnitude', frame_length: 20, frame_step: 10, fft_length: 32, padding: 'valid' }, [[null, 200, 1]]);
    expect(out.outputShapes).toEqual([[null, 19, 17]]);
    expect(shapes(out)).toEqual([['real_kernel', [20, 1, 17]], ['imag_kernel', [20, 1, 17]]]);
    expect(params(out)).toBe(680);
    expect(shapes(run('STFTSpectrogram', { mode: 'real', frame_length: 16, fft_length: null }, [[null, 64, 1]]))).toEqual([['real_kernel', [16, 1, 9]]]);
  });
});

describe('Pipeline and MaxNumBoundingBoxes', () => {
  it('Pipeline runs its layers in order and nests their weights', () => {
    const out = run('Pipeline', {
      layers: [
        { class_name: 'Rescaling', config: { name: 'rescaling_1', scale: 0.5 } },
        { class_name: 'Resizing', config: { name: 'resizing_1', height: 4, width: 4 } },
        { class_name: 'Normalization', config: { name: 'norm', axis: [-1] } },
      ],
    }, [[null, 6, 6, 3]]);
    expect(out.outputShapes).toEqual([[null, 4, 4, 3]]);
    expect(out.weights.map((w) => [w.name, w.store])).toEqual([
      ['norm/mean', 'layers/normalization'],
      ['norm/variance', 'layers/normalization'],
      ['norm/count', 'layers/normalization'],
    ]);
  });
  it('MaxNumBoundingBoxes returns its inputs', () => {
    expect(run('MaxNumBoundingBoxes', { max_number: 2 }, [[null, 4, 4], [null, 4]]).outputShapes).toEqual([[null, 4, 4], [null, 4]]);
  });
});
