// Convolution rules against numbers Keras itself printed or computed: the seed notebook (Keras 2),
// corpus SOURCE.md summaries (Keras 1.1/1.2 and 2.3), keras-formats.md §4 cases checked with
// Keras 3.15.1, tf-keras docstrings, and every conv layer of ../shared/keras3-zoo.
import { describe, expect, it } from 'vitest';
import { RuleError } from '../src/layers/types.js';
import { hasZoo } from './helpers/zoo.js';
import { K1, K2, K3, TFK, expectZooCase, params, run, shapes, zooCasesOf } from './helpers/rules.js';
import { parseKerasVersion } from '../src/layers/evaluate.js';

/** A Keras 2 to_json() Conv config (keras/layers/convolutional.py get_config). */
function k2conv(filters: number, kernel: number[], extra: Record<string, unknown> = {}) {
  const ones = kernel.map(() => 1);
  return { filters, kernel_size: kernel, strides: ones, padding: 'valid', data_format: 'channels_last', dilation_rate: ones, use_bias: true, ...extra };
}

describe('seed: VGG-like convnet on (100, 100, 3) (Keras 2)', () => {
  // seed asserts 7*(3*(3*3)+1) == 196, 13*(7*9+1) == 832, 17*(13*9+1) == 2006, 19*(17*9+1) == 2926;
  // spatial sizes 98, 96, (pool 48), 46, 44.
  const cases: [number, number, number, number, number][] = [
    [3, 100, 7, 98, 196],
    [7, 98, 13, 96, 832],
    [13, 48, 17, 46, 2006],
    [17, 46, 19, 44, 2926],
  ];
  it.each(cases)('Conv2D on %i channels of %i → %i filters', (cin, size, filters, outSize, count) => {
    const out = run('Conv2D', k2conv(filters, [3, 3]), [[null, size, size, cin]], K2);
    expect(out.outputShapes).toEqual([[null, outSize, outSize, filters]]);
    expect(params(out)).toBe(count);
    expect(shapes(out)).toEqual([
      ['kernel', [3, 3, cin, filters]],
      ['bias', [filters]],
    ]);
  });
  it('explains 196 with the model numbers', () => {
    expect(run('Conv2D', k2conv(7, [3, 3]), [[null, 100, 100, 3]], K2).formula).toBe('7 filters × (3×3 × 3 inputs + 1 bias) = 196');
  });
});

describe('seed: Conv1D stack on (70, 103) (Keras 2)', () => {
  const cases: [number, number, number, number, number, number][] = [
    [103, 70, 13, 5, 66, 6708],
    [13, 66, 17, 4, 63, 901],
    [17, 21, 19, 7, 15, 2280],
    [19, 15, 23, 6, 10, 2645],
  ];
  it.each(cases)('Conv1D on %i features of %i steps', (cin, steps, filters, k, outSteps, count) => {
    const out = run('Conv1D', k2conv(filters, [k]), [[null, steps, cin]], K2);
    expect(out.outputShapes).toEqual([[null, outSteps, filters]]);
    expect(params(out)).toBe(count);
  });
  it('explains 6708 as the brief words it', () => {
    expect(run('Conv1D', k2conv(13, [5]), [[null, 70, 103]], K2).formula).toBe('13 filters × (5 × 103 inputs + 1 bias) = 6,708');
  });
});

describe('Keras 3.15.1 length cases (keras-formats.md §4)', () => {
  it('Conv2D(3, strides 2, same) on 15 gives 8', () => {
    expect(run('Conv2D', k2conv(1, [3, 3], { strides: [2, 2], padding: 'same' }), [[null, 15, 15, 1]]).outputShapes).toEqual([[null, 8, 8, 1]]);
  });
  it('Conv1D(3, strides 2, valid) on 11 gives 5', () => {
    expect(run('Conv1D', k2conv(1, [3], { strides: [2] }), [[null, 11, 1]]).outputShapes).toEqual([[null, 5, 1]]);
  });
  it('Conv2DTranspose(3, strides 2) on 7: same 14, valid with output_padding 1 gives 16', () => {
    const same = run('Conv2DTranspose', k2conv(2, [3, 3], { strides: [2, 2], padding: 'same', output_padding: null }), [[null, 7, 7, 1]]);
    expect(same.outputShapes).toEqual([[null, 14, 14, 2]]);
    const op = run('Conv2DTranspose', k2conv(2, [3, 3], { strides: [2, 2], output_padding: [1, 1] }), [[null, 7, 7, 1]]);
    expect(op.outputShapes).toEqual([[null, 16, 16, 2]]);
    expect(shapes(op)).toEqual([
      ['kernel', [3, 3, 2, 1]],
      ['bias', [2]],
    ]);
  });
  it('Conv1DTranspose(4, strides 3) on 7 gives 22', () => {
    expect(run('Conv1DTranspose', k2conv(1, [4], { strides: [3] }), [[null, 7, 1]]).outputShapes).toEqual([[null, 22, 1]]);
  });
  it('causal Conv1D keeps the length; dilation counts in valid', () => {
    expect(run('Conv1D', k2conv(4, [3], { padding: 'causal', dilation_rate: [4] }), [[null, 20, 2]]).outputShapes).toEqual([[null, 20, 4]]);
    // valid: 20 − 4·(3 − 1) = 12
    expect(run('Conv1D', k2conv(4, [3], { dilation_rate: [4] }), [[null, 20, 2]]).outputShapes).toEqual([[null, 12, 4]]);
  });
  it('unknown spatial dims stay None, unknown channels leave the kernel unknown', () => {
    const out = run('Conv2D', k2conv(4, [3, 3]), [[null, null, 9, null]]);
    expect(out.outputShapes).toEqual([[null, null, 7, 4]]);
    expect(shapes(out)).toEqual([
      ['kernel', null],
      ['bias', [4]],
    ]);
  });
  it('tf.keras keeps extra leading batch dims (base_conv.py batch_rank); Keras 3 refuses them', () => {
    expect(run('Conv1D', k2conv(4, [3]), [[null, 7, 10, 2]], TFK).outputShapes).toEqual([[null, 7, 8, 4]]);
    expect(() => run('Conv1D', k2conv(4, [3]), [[null, 7, 10, 2]], K3)).toThrow(RuleError);
  });
  it('lora_rank: LoRA kernels are noted (never stored) and the kernel is expected frozen (base_conv.py enable_lora)', () => {
    const out = run('Conv2D', k2conv(4, [3, 3], { lora_rank: 2 }), [[null, 9, 9, 5]]);
    expect(out.weights.map((w) => [w.name, w.trainable])).toEqual([
      ['kernel', false],
      ['bias', true],
    ]);
    expect(out.notes?.[0]).toMatch(/lora_kernel_a \(3, 3, 5, 2\) and lora_kernel_b \(2, 4\).*90 \+ 8 params/);
  });
  it('refuses groups that do not divide the channels and a kernel larger than the input', () => {
    expect(() => run('Conv2D', k2conv(4, [3, 3], { groups: 3 }), [[null, 9, 9, 8]])).toThrow(RuleError);
    expect(() => run('Conv1D', k2conv(4, [5]), [[null, 4, 2]])).toThrow(RuleError);
    expect(() => run('Conv2D', k2conv(4, [3, 3]), [[null, 9, 2]])).toThrow(RuleError);
  });
});

describe('DepthwiseConv kernel name by version', () => {
  const cfg = { kernel_size: [3, 3], strides: [1, 1], padding: 'same', depth_multiplier: 2, data_format: 'channels_last', dilation_rate: [1, 1], use_bias: true };
  it('is kernel in Keras 3 and depthwise_kernel in tf.keras / Keras 2', () => {
    expect(shapes(run('DepthwiseConv2D', cfg, [[null, 8, 8, 5]], K3))).toEqual([
      ['kernel', [3, 3, 5, 2]],
      ['bias', [10]],
    ]);
    const k2 = run('DepthwiseConv2D', cfg, [[null, 8, 8, 5]], TFK);
    expect(shapes(k2)).toEqual([
      ['depthwise_kernel', [3, 3, 5, 2]],
      ['bias', [10]],
    ]);
    expect(k2.outputShapes).toEqual([[null, 8, 8, 10]]);
  });
});

describe('Keras 1 convolutions (mapped arguments, Keras 1 kernel layouts)', () => {
  // corpus k1-2-0-functional-merge-weights-json: Keras 1.2.0 summary conv0 (None, 23, 80, 32) 2400,
  // conv1b 9216, conv1c 1056.
  const k1 = (filters: number, k: number, strides: number, padding: string, useBias: boolean, extra: Record<string, unknown> = {}) => ({
    filters,
    kernel_size: [k, k],
    strides: [strides, strides],
    padding,
    use_bias: useBias,
    data_format: 'channels_last',
    ...extra,
  });
  it('Convolution2D 5×5 subsample 2, same, no bias on (46, 160, 3) owns 2400', () => {
    const out = run('Convolution2D', k1(32, 5, 2, 'same', false), [[null, 46, 160, 3]], K1);
    expect(out.outputShapes).toEqual([[null, 23, 80, 32]]);
    expect(params(out)).toBe(2400);
  });
  it('conv1b 3×3 same no bias 9216, conv1c 1×1 with bias 1056', () => {
    expect(params(run('Convolution2D', k1(32, 3, 1, 'same', false), [[null, 23, 80, 32]], K1))).toBe(9216);
    expect(params(run('Convolution2D', k1(32, 1, 1, 'valid', true), [[null, 23, 80, 32]], K1))).toBe(1056);
  });
  it('corpus json-k1-1-2-carnd-doubleencoded (Keras 1.1.2): 1824, 21636, 43248, 27712', () => {
    const a = run('Convolution2D', k1(24, 5, 1, 'valid', true), [[null, 40, 80, 3]], parseKerasVersion('1.1.2'));
    expect(a.outputShapes).toEqual([[null, 36, 76, 24]]);
    expect(params(a)).toBe(1824);
    expect(params(run('Convolution2D', k1(36, 5, 1, 'valid', true), [[null, 18, 38, 24]], K1))).toBe(21636);
    const c = run('Convolution2D', k1(48, 5, 1, 'same', true), [[null, 7, 17, 36]], K1);
    expect(c.outputShapes).toEqual([[null, 7, 17, 48]]);
    expect(params(c)).toBe(43248);
    expect(params(run('Convolution2D', k1(64, 3, 1, 'same', true), [[null, 3, 8, 48]], K1))).toBe(27712);
  });
  it('corpus k1-carnd steering_angle (Keras 1.1.2): a th-shaped input under tf ordering really stored (8, 8, 320, 16)', () => {
    // Input (3, 160, 320) with dim_ordering tf: Keras took 320 as the channels; the weights file agrees.
    const out = run('Convolution2D', k1(16, 8, 4, 'same', true), [[null, 3, 160, 320]], parseKerasVersion('1.1.2'));
    expect(out.outputShapes).toEqual([[null, 1, 40, 16]]);
    expect(shapes(out)[0]).toEqual(['kernel', [8, 8, 320, 16]]);
  });
  it('Theano ordering keeps (filters, in, rows, cols) and says so', () => {
    const out = run('Convolution2D', k1(8, 3, 1, 'valid', true, { data_format: 'channels_first' }), [[null, 3, 10, 12]], K1);
    expect(out.outputShapes).toEqual([[null, 8, 8, 10]]);
    expect(shapes(out)).toEqual([
      ['kernel', [8, 3, 3, 3]],
      ['bias', [8]],
    ]);
    expect(out.weights[0]!.why).toMatch(/Theano/);
  });
  it('Convolution1D is a 4D kernel: (k, 1, in, filters) in 1.2, (filters, in, k, 1) in 1.0/1.1', () => {
    const cfg = { filters: 13, kernel_size: 5, strides: 1, padding: 'valid', use_bias: true };
    expect(shapes(run('Convolution1D', cfg, [[null, 70, 103]], K1))[0]).toEqual(['kernel', [5, 1, 103, 13]]);
    expect(shapes(run('Convolution1D', cfg, [[null, 70, 103]], parseKerasVersion('1.1.0')))[0]).toEqual(['kernel', [13, 103, 5, 1]]);
    expect(params(run('Convolution1D', cfg, [[null, 70, 103]], K1))).toBe(6708);
  });
  it('a Keras-1-only class name in a file without keras_version uses the Keras 1 layout', () => {
    const out = run('Convolution2D', k1(8, 3, 1, 'valid', true, { data_format: 'channels_first' }), [[null, 3, 10, 12]], parseKerasVersion(null));
    expect(shapes(out)[0]).toEqual(['kernel', [8, 3, 3, 3]]);
  });
  it('Deconvolution2D takes its output size from output_shape', () => {
    const cfg = { filters: 4, kernel_size: [3, 3], strides: [2, 2], padding: 'valid', use_bias: true, data_format: 'channels_last', output_shape: [null, 15, 15, 4] };
    const out = run('Deconvolution2D', cfg, [[null, 7, 7, 2]], K1);
    expect(out.outputShapes).toEqual([[null, 15, 15, 4]]);
    expect(shapes(out)).toEqual([
      ['kernel', [3, 3, 2, 4]],
      ['bias', [4]],
    ]);
  });
  // Keras 1.2 keras/layers/convolutional.py docstrings (input_shape=(3, 12, 12) etc. are Theano ordering).
  it('docstring: Deconvolution2D(3, 3, 3, output_shape=(None, 3, 14, 14)) on (3, 12, 12); subsample 2 → 25', () => {
    const th = (extra: Record<string, unknown>) => ({ filters: 3, kernel_size: [3, 3], padding: 'valid', use_bias: true, data_format: 'channels_first', ...extra });
    const out = run('Deconvolution2D', th({ strides: [1, 1], output_shape: [null, 3, 14, 14] }), [[null, 3, 12, 12]], K1);
    expect(out.outputShapes).toEqual([[null, 3, 14, 14]]);
    expect(shapes(out)).toEqual([
      ['kernel', [3, 3, 3, 3]],
      ['bias', [3]],
    ]);
    expect(run('Deconvolution2D', th({ strides: [2, 2], output_shape: [null, 3, 25, 25] }), [[null, 3, 12, 12]], K1).outputShapes).toEqual([[null, 3, 25, 25]]);
  });
  it('docstring: AtrousConvolution2D(64, 3, 3, atrous_rate=(2, 2)) on (3, 256, 256) gives (None, 64, 252, 252)', () => {
    const cfg = { filters: 64, kernel_size: [3, 3], strides: [1, 1], dilation_rate: [2, 2], padding: 'valid', use_bias: true, data_format: 'channels_first' };
    expect(run('AtrousConvolution2D', cfg, [[null, 3, 256, 256]], K1).outputShapes).toEqual([[null, 64, 252, 252]]);
  });
  it('Deconvolution2D in a Keras 2 file is Conv2DTranspose', () => {
    const out = run('Deconvolution2D', k2conv(4, [3, 3], { strides: [2, 2] }), [[null, 7, 7, 2]], K2);
    expect(out.outputShapes).toEqual([[null, 15, 15, 4]]);
    expect(shapes(out)[0]).toEqual(['kernel', [3, 3, 4, 2]]);
  });
  it("border_mode 'full' (Keras 1 conv_output_length: (n + k − 1 + s − 1) // s)", () => {
    expect(run('Convolution2D', k1(2, 3, 1, 'full', true), [[null, 10, 10, 1]], K1).outputShapes).toEqual([[null, 12, 12, 2]]);
    expect(run('Convolution2D', k1(2, 3, 2, 'full', true), [[null, 10, 10, 1]], K1).outputShapes).toEqual([[null, 6, 6, 2]]);
  });
  it('AtrousConvolution2D: dilation_rate (from atrous_rate) widens the kernel', () => {
    const out = run('AtrousConvolution2D', k1(4, 3, 1, 'valid', true, { dilation_rate: [2, 2] }), [[null, 10, 10, 1]], K1);
    expect(out.outputShapes).toEqual([[null, 6, 6, 4]]);
    expect(params(out)).toBe(40);
  });
});

describe('LocallyConnected (tf-keras docstrings)', () => {
  it('LocallyConnected1D(64, 3) on (10, 32) gives (None, 8, 64)', () => {
    const out = run('LocallyConnected1D', { filters: 64, kernel_size: [3], strides: [1], padding: 'valid', data_format: 'channels_last', use_bias: true, implementation: 1 }, [[null, 10, 32]], TFK);
    expect(out.outputShapes).toEqual([[null, 8, 64]]);
    expect(shapes(out)).toEqual([
      ['kernel', [8, 96, 64]],
      ['bias', [8, 64]],
    ]);
  });
  it('LocallyConnected2D(64, (3, 3)) on (32, 32, 3) consumes (30*30)*(3*3*3*64) + (30*30)*64', () => {
    const cfg = { filters: 64, kernel_size: [3, 3], strides: [1, 1], padding: 'valid', data_format: 'channels_last', use_bias: true };
    const out = run('LocallyConnected2D', cfg, [[null, 32, 32, 3]], TFK);
    expect(out.outputShapes).toEqual([[null, 30, 30, 64]]);
    expect(params(out)).toBe(30 * 30 * (3 * 3 * 3 * 64) + 30 * 30 * 64);
    // implementation 2 is a dense masked kernel; implementation 3 keeps only the connected entries,
    // which for valid padding are exactly implementation 1's.
    expect(shapes(run('LocallyConnected2D', { ...cfg, implementation: 2 }, [[null, 32, 32, 3]], TFK))[0]).toEqual(['kernel', [32, 32, 3, 30, 30, 64]]);
    expect(shapes(run('LocallyConnected2D', { ...cfg, implementation: 3 }, [[null, 32, 32, 3]], TFK))[0]).toEqual(['kernel', [30 * 30 * 3 * 3 * 3 * 64]]);
  });
});

describe.runIf(hasZoo)('keras3-zoo: every conv layer equals truth.json (Keras 3.15.1)', () => {
  const cases = zooCasesOf('conv');
  it('has conv cases', () => expect(cases.length).toBeGreaterThan(10));
  it.each(cases.map((c) => [`${c.slug}/${c.name} (${c.className})`, c] as const))('%s', (_label, c) => expectZooCase(c));
});
