// Lambda: the output shape only comes from a stored `output_shape`; a function's result cannot be
// known without running it. Keras 3 keras/src/layers/core/lambda_layer.py (compute_output_shape adds
// the batch dim to a stored tuple; from_config turns a `__lambda__` dict into a function);
// tf_keras/layers/core/lambda_layer.py and Keras 1.2.2 keras/layers/core.py (`output_shape_type`
// raw / lambda / function; raw shapes exclude the batch dim).
import type { LayerRule, RuleOutput } from './types.js';
import { one } from './util.js';
import { kerasMajor } from './common.js';
import type { Dim, Shape } from '../types.js';

function dims(v: unknown): Dim[] | null {
  if (v && typeof v === 'object' && !Array.isArray(v) && (v as Record<string, unknown>)['class_name'] === '__tuple__') {
    return dims(((v as Record<string, unknown>)['config'] as Record<string, unknown>)?.['value']);
  }
  if (!Array.isArray(v)) return null;
  return v.every((d) => d === null || (typeof d === 'number' && Number.isInteger(d) && d >= 0)) ? (v as Dim[]) : null;
}

/** A stored shape (without batch), a list of them, or null for a function / nothing stored. */
export function storedOutputShapes(config: Record<string, unknown>): Dim[][] | null {
  const v = config['output_shape'];
  const type = config['output_shape_type'];
  if (v === null || v === undefined) return null;
  if (type === 'lambda' || type === 'function') return null;
  const single = dims(v);
  if (single) return [single];
  if (Array.isArray(v)) {
    const many = v.map(dims);
    if (many.length > 0 && many.every((s) => s !== null)) return many as Dim[][];
  }
  return null;
}

function why(config: Record<string, unknown>): string {
  const v = config['output_shape'];
  if (v === null || v === undefined) return 'no output_shape stored: the output shape is only known by running the function';
  return 'output_shape is stored as a function: the output shape is only known by running it';
}

export const lambda: LayerRule = {
  classes: ['Lambda'],
  family: 'core',
  summary: 'no weights; output shape = (batch,) + stored output_shape, else unknown',
  source: 'keras/src/layers/core/lambda_layer.py',
  apply({ config, inputShapes, kerasVersion }): RuleOutput {
    const shapes = storedOutputShapes(config);
    const unset = config['output_shape'] === null || config['output_shape'] === undefined;
    if (!shapes && unset && inputShapes.length > 0 && (kerasMajor(kerasVersion) === 1 || (kerasMajor(kerasVersion) === 2 && !kerasVersion.tfKeras))) {
      // Keras 1.2.2 / 2.0–2.3 Lambda.compute_output_shape: with no output_shape, Keras itself fell back
      // to the input shape whenever it did not trace the function (always on Theano).
      return { outputShapes: inputShapes, weights: [], formula: 'no weights: 0', notes: ['no output_shape stored: Keras ≤ 2.3 took the input shape (it traced the function only on TensorFlow)'] };
    }
    if (!shapes) return { outputShapes: [], weights: [], formula: 'no weights: 0', shapeUnknown: true, notes: [why(config)] };
    const batch = inputShapes.length > 0 ? one(inputShapes)[0] ?? null : null;
    const outputShapes: Shape[] = shapes.map((s) => [batch, ...s]);
    return { outputShapes, weights: [], formula: 'no weights: 0' };
  },
};
