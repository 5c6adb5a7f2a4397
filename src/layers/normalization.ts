// Normalization layers. Keras 3 keras/src/layers/normalization/*.py; tf.keras
// tf_keras/layers/normalization/batch_normalization.py (axis lists, renorm) and layer_normalization.py;
// Keras 1.2.2 keras/layers/normalization.py (mode, axis; running_mean, running_std).
import type { LayerRule, RuleInput, ExpectedWeight, InnerLayerConfig } from './types.js';
import { RuleError } from './types.js';
import { one, weight, fmtShape, bool, num, nest, trainableFirst, show } from './util.js';
import { passThrough, total, kerasMajor } from './common.js';
import type { Dim, Shape } from '../types.js';

function axes(v: unknown, fallback: number[]): number[] {
  if (v === null || v === undefined) return fallback;
  const arr = Array.isArray(v) ? v : [v];
  if (!arr.every((a) => typeof a === 'number' && Number.isInteger(a))) throw new RuleError(`axis is not whole numbers: ${show(v)}`);
  return arr as number[];
}

function positive(a: number, input: Shape): number {
  const p = a < 0 ? a + input.length : a;
  if (p < 0 || p >= input.length) throw new RuleError(`axis ${a} is out of bounds for input ${fmtShape(input)}`);
  return p;
}

function dimsText(input: Shape, ax: number[]): string {
  return `input ${fmtShape(input)} at axis ${ax.length === 1 ? ax[0] : show(ax)}`;
}

/**
 * BatchNormalization's parameter shape: (C,) for one axis; for several axes (tf.keras only) the
 * input shape with 1 on every other axis (tf_keras BatchNormalizationBase.build).
 */
function bnShape(input: Shape, ax: number[]): Dim[] {
  const pos = ax.map((a) => positive(a, input));
  if (pos.length === 1) return [input[pos[0]!] ?? null];
  return input.map((d, i) => (pos.includes(i) ? d : 1));
}

function batchNorm({ config, inputShapes, kerasVersion }: RuleInput) {
  const input = one(inputShapes);
  const ax = axes(config['axis'], [-1]);
  const shape = bnShape(input, ax);
  const why = dimsText(input, ax);
  const c = shape.length === 1 ? String(shape[0] ?? '?') : shape.map((d) => d ?? '?').join('·');
  const ws: ExpectedWeight[] = [];
  if (kerasVersion.major === 1) {
    // Keras 1 always creates gamma and beta, and tracks running_mean / running_std (non-trainable).
    ws.push(weight('gamma', shape, why), weight('beta', shape, why));
    ws.push(weight('running_mean', shape, why, { trainable: false }), weight('running_std', shape, why, { trainable: false }));
    return { outputShapes: [input], weights: ws, formula: `4 × ${c} (gamma, beta, running_mean, running_std) = ${total(ws)}` };
  }
  const scale = bool(config, 'scale', true);
  const center = bool(config, 'center', true);
  if (scale) ws.push(weight('gamma', shape, why));
  if (center) ws.push(weight('beta', shape, why));
  const stats = ['moving_mean', 'moving_variance'];
  // renorm (Keras 3 and tf.keras): the inference stddev and the batch-renorm statistics.
  if (bool(config, 'renorm', false)) stats.push('moving_stddev', 'renorm_mean', 'renorm_stddev');
  for (const s of stats) ws.push(weight(s, shape, `${why}, not trainable`, { trainable: false }));
  const trainable = (scale ? 1 : 0) + (center ? 1 : 0);
  return {
    outputShapes: [input],
    weights: ws,
    formula: `${trainable} trainable (${[scale && 'gamma', center && 'beta'].filter(Boolean).join(', ') || 'none'}) + ${stats.length} statistics, × ${c} channels = ${total(ws)}`,
  };
}

/**
 * LayerNormalization / RMSNormalization parameter shape: the input dims at `axis`. Keras 3 sorts the
 * axis values as given (negative ones first); tf.keras makes them positive and keeps their order.
 */
function axisDims(input: Shape, ax: number[], major: number): Dim[] {
  if (major >= 3) return [...ax].sort((a, b) => a - b).map((a) => input[positive(a, input)] ?? null);
  return ax.map((a) => input[positive(a, input)] ?? null);
}

function layerNorm({ config, inputShapes, kerasVersion }: RuleInput) {
  const input = one(inputShapes);
  const ax = axes(config['axis'], [-1]);
  const shape = axisDims(input, ax, kerasMajor(kerasVersion));
  const why = dimsText(input, ax);
  const rms = bool(config, 'rms_scaling', false);
  const ws: ExpectedWeight[] = [];
  // layer_normalization.py build: gamma if scale or rms_scaling; beta if center and not rms_scaling.
  if (bool(config, 'scale', true) || rms) ws.push(weight('gamma', shape, why));
  if (bool(config, 'center', true) && !rms) ws.push(weight('beta', shape, why));
  return { outputShapes: [input], weights: ws, formula: `${ws.length} × ${shape.map((d) => d ?? '?').join(' × ')}${rms ? ' (rms_scaling: gamma only)' : ''} = ${total(ws)}` };
}

function groupNorm({ config, inputShapes }: RuleInput) {
  const input = one(inputShapes);
  const ax = axes(config['axis'], [-1]);
  const c = input[positive(ax[0]!, input)] ?? null;
  let groups = num(config, 'groups', 32);
  if (c !== null) {
    if (groups === -1) groups = c;
    if (c < groups || c % groups !== 0) throw new RuleError(`groups=${groups} must divide the ${c} channels`);
  }
  const why = `${c ?? '?'} channels (${dimsText(input, ax)})`;
  const ws: ExpectedWeight[] = [];
  if (bool(config, 'scale', true)) ws.push(weight('gamma', [c], why));
  if (bool(config, 'center', true)) ws.push(weight('beta', [c], why));
  return { outputShapes: [input], weights: ws, formula: `${ws.length} × ${c ?? '?'} channels = ${total(ws)}` };
}

function rmsNorm({ config, inputShapes }: RuleInput) {
  const input = one(inputShapes);
  const ax = axes(config['axis'], [-1]);
  const shape = axisDims(input, ax, 3);
  const ws = [weight('scale', shape, dimsText(input, ax))];
  return { outputShapes: [input], weights: ws, formula: `scale ${shape.map((d) => d ?? '?').join(' × ')} = ${total(ws)}` };
}

/**
 * SpectralNormalization wraps a layer with a `kernel` (or `embeddings`) and adds the non-trainable
 * power-iteration vector `vector_u` of shape (1, kernel[-1]) (spectral_normalization.py build).
 * Keras 3 stores the wrapped layer under `layer`, paths named after the wrapped layer.
 */
function spectralNorm({ config, inputShapes, sub }: RuleInput) {
  const inner = config['layer'] as InnerLayerConfig | undefined;
  if (!inner || typeof inner !== 'object') throw new RuleError('SpectralNormalization config has no layer');
  const res = sub(inner, inputShapes);
  const innerName = typeof inner.config?.['name'] === 'string' ? (inner.config['name'] as string) : inner.class_name.toLowerCase();
  const kernel = res.weights.find((w) => w.name === 'kernel' || w.name === 'embeddings');
  if (!kernel) throw new RuleError(`${inner.class_name} has no kernel nor embeddings to normalize`);
  const last = kernel.shape ? kernel.shape[kernel.shape.length - 1] ?? null : null;
  // Keras 3 also tracks the wrapped kernel as the wrapper's own variable: its `vars` hold
  // 0 = that kernel again, 1 = vector_u (model.weights lists the kernel once).
  const u = { ...weight('vector_u', [1, last], `1 × the last kernel dim ${last ?? '?'}`, { trainable: false }), storeIndex: 1 };
  const copy = { ...kernel, name: kernel.name, store: '', storeIndex: 0, duplicateOf: `${innerName}/${kernel.name}`, why: `the wrapped ${kernel.name} again (self.kernel = self.layer.${kernel.name})` };
  const ws = trainableFirst([...nest(res.weights, innerName, 'layer'), copy, u]);
  return { outputShapes: res.outputShapes, weights: ws, formula: `${inner.class_name}: ${res.formula ?? '?'}; + vector_u 1 × ${last ?? '?'} = ${total(ws)}` };
}

function rule(classes: string[], summary: string, source: string, apply: LayerRule['apply']): LayerRule {
  return { classes, family: 'normalization', summary, source, apply };
}

export const rules: LayerRule[] = [
  rule(
    ['BatchNormalization', 'BatchNormalizationV1', 'BatchNormalizationV2', 'SyncBatchNormalization'],
    'gamma (C) if scale, beta (C) if center, moving_mean and moving_variance (C) not trainable; Keras 1: gamma, beta, running_mean, running_std',
    'keras/src/layers/normalization/batch_normalization.py',
    batchNorm,
  ),
  rule(['LayerNormalization'], 'gamma if scale or rms_scaling, beta if center (not with rms_scaling), each the input dims at axis', 'keras/src/layers/normalization/layer_normalization.py', layerNorm),
  rule(['GroupNormalization'], 'gamma (C) if scale + beta (C) if center; C must divide by groups', 'keras/src/layers/normalization/group_normalization.py', groupNorm),
  rule(['RMSNormalization'], 'scale: the input dims at axis', 'keras/src/layers/normalization/rms_normalization.py', rmsNorm),
  rule(['SpectralNormalization'], "the wrapped layer's weights + vector_u (1, kernel[-1]) not trainable", 'keras/src/layers/normalization/spectral_normalization.py', spectralNorm),
  passThrough(['UnitNormalization'], 'normalization', 'keras/src/layers/normalization/unit_normalization.py'),
];
