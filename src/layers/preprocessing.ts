// Preprocessing layers (Keras 3 keras/src/layers/preprocessing/**; tf.keras
// tf_keras/layers/preprocessing/**). Only Normalization and STFTSpectrogram own weights; the rest
// change the shape at most (crops, resizes, encodings). Vocabularies of lookup layers are assets,
// not weights.
import type { LayerRule, RuleInput, RuleOutput, InnerLayerConfig } from './types.js';
import { RuleError } from './types.js';
import { one, weight, fmtShape, num, str, bool, convLength, nest, channelsFirst, show } from './util.js';
import { passThrough, total, kerasMajor } from './common.js';
import type { Dim, Shape } from '../types.js';
import { toSnakeCase, uniqueNamer } from '../keras/naming.js';

function rule(classes: string[], summary: string, source: string, apply: (i: RuleInput) => RuleOutput): LayerRule {
  return { classes, family: 'preprocessing', summary, source, apply };
}

const IMG = 'keras/src/layers/preprocessing/image_preprocessing/';

/** Image augmentations whose output has the input's shape (they never own weights). */
const sameShape = [
  'AugMix', 'AutoContrast', 'CutMix', 'Equalization', 'MixUp', 'RandAugment', 'Solarization',
  'ContrastLimitedAdaptiveHistogramEqualization', 'RandomBrightness', 'RandomColorDegeneration', 'RandomColorJitter',
  'RandomContrast', 'RandomElasticTransform', 'RandomErasing', 'RandomFlip', 'RandomGaussianBlur', 'RandomGrayscale',
  'RandomHue', 'RandomInvert', 'RandomPerspective', 'RandomPosterization', 'RandomRotation', 'RandomSaturation',
  'RandomSharpness', 'RandomShear', 'RandomTranslation', 'RandomZoom',
];

/** Index of the height axis for a batched (rank 4) or unbatched (rank 3) image. */
function heightAxis(input: Shape, cfg: Record<string, unknown>): number {
  if (input.length !== 4 && input.length !== 3) throw new RuleError(`expects an image of rank 3 or 4, got ${fmtShape(input)}`);
  return input.length - (channelsFirst(cfg) ? 2 : 3);
}

/** Resizing, CenterCrop, RandomCrop: height and width replaced (resizing.py compute_output_shape). */
function toSize({ config, inputShapes }: RuleInput): RuleOutput {
  const input = one(inputShapes);
  const h = heightAxis(input, config);
  const out = [...input];
  out[h] = num(config, 'height');
  out[h + 1] = num(config, 'width');
  return { outputShapes: [out], weights: [], formula: 'no weights: 0' };
}

/** tf.keras RandomHeight / RandomWidth: the resized axis is unknown until called. */
function randomAxis(offset: 0 | 1) {
  return ({ config, inputShapes }: RuleInput): RuleOutput => {
    const input = one(inputShapes);
    const out = [...input];
    out[heightAxis(input, config) + offset] = null;
    return { outputShapes: [out], weights: [], formula: 'no weights: 0' };
  };
}

/**
 * Normalization: mean, variance (the input dims at the kept axes) and a scalar count, all
 * non-trainable, only when mean and variance were not given (preprocessing/normalization.py build).
 */
function normalization({ config, inputShapes }: RuleInput): RuleOutput {
  const input = one(inputShapes);
  if (config['mean'] !== null && config['mean'] !== undefined) {
    return { outputShapes: [input], weights: [], formula: 'mean and variance given in the config: no weights, 0' };
  }
  const raw = config['axis'] === null || config['axis'] === undefined ? [] : Array.isArray(config['axis']) ? config['axis'] : [config['axis']];
  const keep = (raw as number[]).map((a) => (a < 0 ? a + input.length : a)).sort((a, b) => a - b);
  if (keep.some((a) => a < 0 || a >= input.length)) throw new RuleError(`axis ${show(config['axis'])} out of range for ${fmtShape(input)}`);
  const shape: Dim[] = keep.map((a) => input[a] ?? null);
  const why = `input ${fmtShape(input)} at kept axes ${show(keep)}`;
  const ws = [
    weight('mean', shape, why, { trainable: false }),
    weight('variance', shape, why, { trainable: false }),
    // Created with dtype "int" (int64; int32 under JAX without x64), so no float dtype is claimed.
    weight('count', [], 'scalar count of adapted samples', { trainable: false }),
  ];
  const n = shape.map((d) => d ?? '?').join(' × ') || '1';
  return { outputShapes: [input], weights: ws, formula: `mean ${n} + variance ${n} + count 1 = ${total(ws)}` };
}

/** Output of an encoding with `depth` bins: int keeps the shape; one_hot appends (or replaces a last 1); others replace the last dim. */
function encoded(input: Shape, mode: string, depth: Dim): Shape {
  if (mode === 'int') return input;
  if (mode === 'one_hot') return input.length > 1 && input[input.length - 1] === 1 ? [...input.slice(0, -1), depth] : [...input, depth];
  return [...input.slice(0, -1), depth];
}

function categoryEncoding({ config, inputShapes }: RuleInput): RuleOutput {
  const input = one(inputShapes);
  const n = num(config, 'num_tokens');
  const mode = str(config, 'output_mode', 'multi_hot');
  // category_encoding.py: one_hot appends unless the last dim is 1; the other modes replace it.
  const out = mode === 'one_hot' ? encoded(input, 'one_hot', n) : [...input.slice(0, -1), n];
  return { outputShapes: [out], weights: [], formula: 'no weights: 0' };
}

/** Discretization (discretization.py): multi_hot/count drop the second dim (the sample axis). */
function discretization({ config, inputShapes }: RuleInput): RuleOutput {
  const input = one(inputShapes);
  const mode = str(config, 'output_mode', 'int');
  const bins = Array.isArray(config['bin_boundaries']) ? (config['bin_boundaries'] as unknown[]).length + 1 : num(config, 'num_bins');
  let out: Shape;
  if (mode === 'int' || mode === 'one_hot') out = encoded(input, mode, bins);
  else out = input.length >= 2 ? [input[0] ?? null, ...input.slice(2), bins] : [bins];
  return { outputShapes: [out], weights: [], formula: 'no weights: 0' };
}

function hashing({ config, inputShapes }: RuleInput): RuleOutput {
  const input = one(inputShapes);
  const mode = str(config, 'output_mode', 'int');
  const bins = num(config, 'num_bins');
  return { outputShapes: [mode === 'int' ? input : [...input.slice(0, -1), bins]], weights: [], formula: 'no weights: 0' };
}

function hashedCrossing({ config, inputShapes }: RuleInput): RuleOutput {
  const [a, b] = inputShapes;
  if (!a || !b || inputShapes.length !== 2) throw new RuleError('HashedCrossing expects two inputs');
  const mode = str(config, 'output_mode', 'int');
  const bins = num(config, 'num_bins');
  let out: Shape;
  if (mode === 'int') out = a;
  else if (mode === 'one_hot' && a[a.length - 1] !== 1) out = [...a, bins];
  else out = [...a.slice(0, -1), bins];
  return { outputShapes: [out], weights: [], formula: 'no weights: 0' };
}

/**
 * Vocabulary size of a lookup layer: Keras 3 stores `vocabulary_size`; otherwise an inline
 * vocabulary plus its OOV indices; unknown when the vocabulary is an asset file.
 */
function lookupDepth(config: Record<string, unknown>): Dim {
  if (bool(config, 'pad_to_max_tokens', false) && typeof config['max_tokens'] === 'number') return config['max_tokens'];
  if (typeof config['vocabulary_size'] === 'number') return config['vocabulary_size'];
  if (Array.isArray(config['vocabulary'])) return config['vocabulary'].length + num(config, 'num_oov_indices', 1);
  return null;
}

/** tf.keras IndexLookup.compute_output_shape gives (batch, depth) for every encoding; Keras 3 keeps the inner dims. */
function lookup({ config, inputShapes, kerasVersion }: RuleInput): RuleOutput {
  const input = one(inputShapes);
  const mode = str(config, 'output_mode', 'int');
  const depth = lookupDepth(config);
  const notes = mode !== 'int' && depth === null ? ['vocabulary size not in the config (an asset file): output depth unknown'] : undefined;
  const out = kerasMajor(kerasVersion) < 3 && mode !== 'int' ? [input[0] ?? null, depth] : encoded(input, mode, depth);
  return { outputShapes: [out], weights: [], formula: 'no weights (the vocabulary is an asset): 0', ...(notes ? { notes } : {}) };
}

/** TextVectorization (text_vectorization.py): int gives (batch, output_sequence_length). */
function textVectorization({ config, inputShapes, kerasVersion }: RuleInput): RuleOutput {
  const input = one(inputShapes);
  const mode = str(config, 'output_mode', 'int');
  if (mode === 'int') {
    const len = typeof config['output_sequence_length'] === 'number' ? config['output_sequence_length'] : null;
    return { outputShapes: [[input[0] ?? null, len]], weights: [], formula: 'no weights (the vocabulary is an asset): 0' };
  }
  const split = config['split'] === null ? input.length <= 1 ? [...input, 1] : input : [...input, null];
  return lookup({ config, inputShapes: [split], kerasVersion } as RuleInput);
}

/** MelSpectrogram (mel_spectrogram.py): (batch, num_mel_bins, (T + stride + 1) // stride). */
function melSpectrogram({ config, inputShapes }: RuleInput): RuleOutput {
  const input = one(inputShapes);
  const mels = num(config, 'num_mel_bins', 128);
  const stride = num(config, 'sequence_stride', 512);
  const frames = (t: Dim): Dim => (t === null ? null : Math.floor((t + stride + 1) / stride));
  const out = input.length === 1 ? [mels, frames(input[0] ?? null)] : [input[0] ?? null, mels, frames(input[1] ?? null)];
  return { outputShapes: [out], weights: [], formula: 'no weights: 0' };
}

/**
 * STFTSpectrogram (stft_spectrogram.py): a frame_length-wide conv with fft_length // 2 + 1 frequency
 * channels; real_kernel unless mode is imag, imag_kernel unless mode is real.
 */
function stftSpectrogram({ config, inputShapes }: RuleInput): RuleOutput {
  const input = one(inputShapes);
  if (input.length !== 3) throw new RuleError(`STFTSpectrogram expects (batch, time, channels), got ${fmtShape(input)}`);
  const mode = str(config, 'mode', 'log');
  const frame = num(config, 'frame_length');
  const step = typeof config['frame_step'] === 'number' ? config['frame_step'] : Math.floor(frame / 2);
  const fft = typeof config['fft_length'] === 'number' ? config['fft_length'] : 2 ** Math.ceil(Math.log2(frame));
  let freq = Math.floor(fft / 2) + 1;
  const kernelFreq = freq;
  if (mode === 'stft') freq *= 2;
  const cf = channelsFirst(config);
  const ch = (cf ? input[1] : input[2]) ?? null;
  const t = convLength((cf ? input[2] : input[1]) ?? null, frame, str(config, 'padding', 'valid'), step);
  let out: Shape;
  if (bool(config, 'expand_dims', false)) out = cf ? [input[0] ?? null, ch, t, freq] : [input[0] ?? null, t, freq, ch];
  else {
    const c = ch === null ? null : freq * ch;
    out = cf ? [input[0] ?? null, c, t] : [input[0] ?? null, t, c];
  }
  const why = `frame_length=${frame} × 1 × (fft_length ${fft} // 2 + 1 = ${kernelFreq})`;
  const ws = [];
  if (mode !== 'imag') ws.push(weight('real_kernel', [frame, 1, kernelFreq], why));
  if (mode !== 'real') ws.push(weight('imag_kernel', [frame, 1, kernelFreq], why));
  return { outputShapes: [out], weights: ws, formula: `${ws.length} × ${frame} × ${kernelFreq} = ${total(ws)}` };
}

/** Pipeline (pipeline.py): its layers applied in order; Keras 3 stores them under `layers/<snake>[_N]`. */
function pipeline({ config, inputShapes, sub }: RuleInput): RuleOutput {
  const layers = config['layers'];
  if (!Array.isArray(layers)) throw new RuleError('Pipeline config has no layers');
  let shapes = inputShapes;
  const ws = [];
  const storeName = uniqueNamer();
  const formulas: string[] = [];
  for (const l of layers as InnerLayerConfig[]) {
    const res = sub(l, shapes);
    if (res.shapeUnknown) return { ...res, weights: ws, notes: [...(res.notes ?? []), `Pipeline: shape unknown after ${l.class_name}`] };
    shapes = res.outputShapes;
    const snake = toSnakeCase(l.class_name);
    const name = typeof l.config?.['name'] === 'string' ? (l.config['name'] as string) : snake;
    ws.push(...nest(res.weights, name, `layers/${storeName(snake)}`));
    if (res.weights.length) formulas.push(`${name}: ${res.formula ?? '?'}`);
  }
  return { outputShapes: shapes, weights: ws, formula: formulas.length ? `${formulas.join('; ')}; in all ${total(ws)}` : 'no weights: 0' };
}

export const rules: LayerRule[] = [
  passThrough(['Rescaling'], 'preprocessing', 'keras/src/layers/preprocessing/rescaling.py'),
  // One rule per class so each row of the table names its own Keras file.
  ...sameShape.map((c) => passThrough([c], 'preprocessing', `${IMG}${c === 'ContrastLimitedAdaptiveHistogramEqualization' ? 'clahe' : toSnakeCase(c)}.py`)),
  ...['Resizing', 'CenterCrop', 'RandomCrop'].map((c) => rule([c], 'no weights; height and width replaced by the configured size', `${IMG}${toSnakeCase(c)}.py`, toSize)),
  rule(['RandomHeight'], 'no weights; height unknown (tf.keras)', 'tf_keras/layers/preprocessing/image_preprocessing.py', randomAxis(0)),
  rule(['RandomWidth'], 'no weights; width unknown (tf.keras)', 'tf_keras/layers/preprocessing/image_preprocessing.py', randomAxis(1)),
  rule(['Normalization'], 'mean + variance (the kept axes) + count, not trainable, only when mean/variance are not given', 'keras/src/layers/preprocessing/normalization.py', normalization),
  rule(['CategoryEncoding'], 'no weights; last dim → num_tokens', 'keras/src/layers/preprocessing/category_encoding.py', categoryEncoding),
  rule(['Discretization'], 'no weights; int keeps the shape, encodings give len(bin_boundaries) + 1 bins', 'keras/src/layers/preprocessing/discretization.py', discretization),
  rule(['Hashing'], 'no weights; int keeps the shape, encodings give num_bins', 'keras/src/layers/preprocessing/hashing.py', hashing),
  rule(['HashedCrossing'], 'no weights; two inputs crossed into num_bins', 'keras/src/layers/preprocessing/hashed_crossing.py', hashedCrossing),
  rule(['StringLookup', 'IntegerLookup'], 'no weights (vocabulary is an asset); encodings give vocabulary_size', 'keras/src/layers/preprocessing/index_lookup.py', lookup),
  rule(['TextVectorization'], 'no weights (vocabulary is an asset); int gives (batch, output_sequence_length)', 'keras/src/layers/preprocessing/text_vectorization.py', textVectorization),
  rule(['MelSpectrogram'], 'no weights; (batch, num_mel_bins, (T + stride + 1) // stride)', 'keras/src/layers/preprocessing/mel_spectrogram.py', melSpectrogram),
  rule(['STFTSpectrogram'], 'real_kernel and/or imag_kernel (frame_length, 1, fft_length // 2 + 1)', 'keras/src/layers/preprocessing/stft_spectrogram.py', stftSpectrogram),
  rule(['Pipeline'], "its layers' weights, applied in order", 'keras/src/layers/preprocessing/pipeline.py', pipeline),
  rule(['MaxNumBoundingBoxes'], 'no weights; returns its inputs', `${IMG}max_num_bounding_box.py`, ({ inputShapes }) => ({ outputShapes: inputShapes.length ? inputShapes : [one(inputShapes)], weights: [], formula: 'no weights: 0' })),
];
