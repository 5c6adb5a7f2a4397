// Activation layers. Keras 3 keras/src/layers/activations/*.py; Keras 2 ThresholdedReLU
// (tf_keras/layers/activation/thresholded_relu.py); Keras 1.2.2 keras/layers/advanced_activations.py
// for SReLU and ParametricSoftplus (their weights, and Keras 1's shared_axes indexing).
import type { LayerRule, RuleInput, ExpectedWeight } from './types.js';
import { RuleError } from './types.js';
import { one, weight, fmtShape, show } from './util.js';
import { passThrough, total } from './common.js';
import type { Dim } from '../types.js';

function sharedAxes(v: unknown): number[] {
  if (v === null || v === undefined) return [];
  const arr = Array.isArray(v) ? v : [v];
  return arr.filter((a): a is number => typeof a === 'number' && Number.isInteger(a));
}

/**
 * The per-element parameter shape: input[1:] with every shared axis set to 1.
 * Keras ≥ 1.2.1 indexes shared_axes over the full input (`param_shape[i - 1] = 1`, Keras 3 prelu.py);
 * Keras 1.2.0, the first with shared_axes, indexed `param_shape[i]`, one place to the right
 * (keras/layers/advanced_activations.py @1.2.0, fixed in 1.2.1), and its files were built so.
 */
export function paramShape({ config, inputShapes, kerasVersion }: RuleInput): { shape: Dim[]; why: string } {
  const input = one(inputShapes);
  const shape = input.slice(1);
  const axes = sharedAxes(config['shared_axes']);
  const k1 = /^1\.2\.0\b/.test(kerasVersion.raw ?? '');
  for (const a of axes) {
    const i = k1 ? a : a - 1;
    if (i < 0 || i >= shape.length) throw new RuleError(`shared_axes ${show(config['shared_axes'])} out of range for input ${fmtShape(input)}`);
    shape[i] = 1;
  }
  const why = axes.length
    ? `input ${fmtShape(input)} without batch, shared_axes ${show(axes)} set to 1${k1 ? ' (Keras 1.2.0 indexing)' : ''}`
    : `input ${fmtShape(input)} without batch: one per element`;
  return { shape, why };
}

/** A layer whose weights all have the parameter shape (PReLU, SReLU, ParametricSoftplus). */
function elementwise(classes: string[], names: string[], summary: string, source: string): LayerRule {
  return {
    classes,
    family: 'activations',
    summary,
    source,
    apply(input) {
      const { shape, why } = paramShape(input);
      const weights: ExpectedWeight[] = names.map((n) => weight(n, shape, why));
      const formula = `${names.length > 1 ? `${names.length} weights × ` : ''}${shape.map((d) => d ?? '?').join(' × ') || '1'} = ${total(weights)}`;
      return { outputShapes: [one(input.inputShapes)], weights, formula };
    },
  };
}

export const rules: LayerRule[] = [
  passThrough(['ReLU'], 'activations', 'keras/src/layers/activations/relu.py'),
  passThrough(['LeakyReLU'], 'activations', 'keras/src/layers/activations/leaky_relu.py'),
  passThrough(['ELU'], 'activations', 'keras/src/layers/activations/elu.py'),
  passThrough(['Softmax'], 'activations', 'keras/src/layers/activations/softmax.py'),
  passThrough(['ThresholdedReLU'], 'activations', 'tf_keras/layers/activation/thresholded_relu.py'),
  elementwise(['PReLU'], ['alpha'], 'alpha = input[1:] with shared_axes set to 1', 'keras/src/layers/activations/prelu.py'),
  elementwise(['SReLU'], ['t_left', 'a_left', 't_right', 'a_right'], 'Keras 1: t_left, a_left, t_right, a_right, each input[1:] with shared_axes set to 1', 'Keras 1.2.2 keras/layers/advanced_activations.py'),
  elementwise(['ParametricSoftplus'], ['alphas', 'betas'], 'Keras 1: alphas and betas, each input[1:] with shared_axes set to 1', 'Keras 1.2.2 keras/layers/advanced_activations.py'),
];
