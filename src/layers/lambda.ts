// Lambda: the output shape only comes from a stored `output_shape`; a function's result cannot be
// known without running it, and kerascope never runs it. Keras 3 keras/src/layers/core/lambda_layer.py
// (compute_output_shape adds the batch dim to a stored tuple; from_config turns a `__lambda__` dict
// into a function); tf_keras/layers/core/lambda_layer.py; Keras 2.0–2.3 keras/layers/core.py and
// Keras 1.2.2 keras/layers/core.py (`output_shape_type` raw / lambda / function; raw shapes exclude
// the batch dim).
//
// Without a stored output_shape, Keras 1 and 2 traced the function on a placeholder to learn the
// shape whenever the backend could (Lambda.compute_output_shape / get_output_shape_for: "With
// TensorFlow [or CNTK, from 2.1], we can infer the output shape directly"), and fell back to the
// input shape only on Theano ("Defaulting to output shape … (same as input shape)"). So the shape
// is known only for a file that says it was written on Theano; otherwise it is unknown, and the
// graph takes what later layers' stored weights pin (graph/partial.ts).
import type { KerasVersion, LayerRule, RuleOutput } from './types.js';
import { ConfigValueError } from './types.js';
import { one, sizeProblem, show } from './util.js';
import { kerasMajor } from './common.js';
import type { Dim, Shape } from '../types.js';

/** A shape without batch as stored; null when `v` is not a list; a ConfigValueError for a list that cannot be a shape. */
function dims(v: unknown): Dim[] | null {
  if (v && typeof v === 'object' && !Array.isArray(v) && (v as Record<string, unknown>)['class_name'] === '__tuple__') {
    return dims(((v as Record<string, unknown>)['config'] as Record<string, unknown>)?.['value']);
  }
  if (!Array.isArray(v)) return null;
  if (v.some(Array.isArray)) return null;
  for (const d of v) {
    const bad = d === null ? null : sizeProblem(d);
    if (bad) throw new ConfigValueError('output_shape', `${show(v)}: ${bad}`);
  }
  return v as Dim[];
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

/** Keras 1 or standalone Keras 2.0–2.3 on Theano: the only writers that took the input shape. */
function theanoKeras(v: KerasVersion): boolean {
  const major = kerasMajor(v);
  return v.backend === 'theano' && (major === 1 || (major === 2 && !v.tfKeras));
}

export const lambda: LayerRule = {
  classes: ['Lambda'],
  family: 'core',
  summary: 'no weights; output shape = (batch,) + stored output_shape, else unknown (Keras 1/2 on Theano: the input shape)',
  source: 'keras/src/layers/core/lambda_layer.py',
  noteCode: 'lambda-shape',
  apply({ config, inputShapes, kerasVersion }): RuleOutput {
    const shapes = storedOutputShapes(config);
    const unset = config['output_shape'] === null || config['output_shape'] === undefined;
    if (!shapes && unset && inputShapes.length > 0 && theanoKeras(kerasVersion)) {
      return { outputShapes: inputShapes, weights: [], formula: 'no weights: 0', notes: ['no output_shape stored: Keras on Theano took the input shape (it traced the function only on TensorFlow and CNTK)'] };
    }
    if (!shapes) return { outputShapes: [], weights: [], formula: 'no weights: 0', shapeUnknown: true, notes: [why(config)] };
    const batch = inputShapes.length > 0 ? one(inputShapes)[0] ?? null : null;
    const outputShapes: Shape[] = shapes.map((s) => [batch, ...s]);
    return { outputShapes, weights: [], formula: 'no weights: 0' };
  },
};
