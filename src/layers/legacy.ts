// Classes that Keras 3 dropped or cannot analyse from a file:
// - Keras 1.2.2 MaxoutDense, Highway and TimeDistributedDense (keras/layers/core.py @1.2.2);
// - tf.keras TFOpLambda / SlicingOpLambda, the tf.* calls recorded inside Functional models
//   (tf_keras/layers/core/tf_op_layer.py), and TF 2.0–2.3's TensorFlowOpLayer;
// - the framework bridges FlaxLayer, JaxLayer (keras/src/utils/jax_layer.py), TFSMLayer
//   (keras/src/export/tfsm_layer.py) and TorchModuleWrapper (keras/src/utils/torch_utils.py).
import type { LayerRule, RuleInput, RuleOutput } from './types.js';
import { RuleError } from './types.js';
import { one, lastDim, known, weight, bool, count } from './util.js';
import { tfOpShape, nodeOpShape } from './tfops.js';
import { total } from './common.js';

/** Keras 1 names `output_dim`; the graph maps it to `units`. */
function units(config: Record<string, unknown>): number {
  return count(config, config['units'] !== undefined ? 'units' : 'output_dim');
}

/** MaxoutDense: nb_feature dense maps, the max taken; W (nb_feature, input_dim, output_dim), b (nb_feature, output_dim). */
function maxoutDense({ config, inputShapes }: RuleInput): RuleOutput {
  const input = one(inputShapes);
  if (input.length !== 2) throw new RuleError('MaxoutDense expects (batch, input_dim) input');
  const u = units(config);
  const k = count(config, 'nb_feature', 4);
  const inputs = known(lastDim(input));
  const ws = [weight('W', [k, inputs, u], `nb_feature=${k} × ${inputs ?? '?'} inputs × output_dim=${u}`)];
  if (bool(config, 'use_bias', bool(config, 'bias', true))) ws.push(weight('b', [k, u], `nb_feature=${k} × output_dim=${u}`));
  return { outputShapes: [[input[0] ?? null, u]], weights: ws, formula: `${k} features × ${u} units × (${inputs ?? '?'} inputs${ws.length > 1 ? ' + 1 bias' : ''}) = ${total(ws)}` };
}

/**
 * Highway: transform W, b and carry W_carry, b_carry, each over the input dim; output = input.
 * Keras 1.0–1.1 listed them W, b, W_carry, b_carry; from 1.2.0 add_weight creation order holds:
 * W, W_carry, b, b_carry (keras/layers/core.py @1.1.0 and @1.2.2).
 */
function highway({ config, inputShapes, kerasVersion }: RuleInput): RuleOutput {
  const input = one(inputShapes);
  if (input.length !== 2) throw new RuleError('Highway expects (batch, input_dim) input');
  const n = known(lastDim(input));
  const bias = bool(config, 'use_bias', bool(config, 'bias', true));
  const sq = `${n ?? '?'} × ${n ?? '?'} inputs`;
  const [W, Wc] = [weight('W', [n, n], sq), weight('W_carry', [n, n], sq)];
  const [b, bc] = [weight('b', [n], `${n ?? '?'} inputs`), weight('b_carry', [n], `${n ?? '?'} inputs`)];
  const before12 = /^1\.[01]\b/.test(kerasVersion.raw ?? '');
  const ws = !bias ? [W, Wc] : before12 ? [W, b, Wc, bc] : [W, Wc, b, bc];
  return { outputShapes: [input], weights: ws, formula: `2 × ${n ?? '?'} × (${n ?? '?'}${bias ? ' + 1' : ''}) = ${total(ws)}` };
}

/** TimeDistributedDense (deprecated in Keras 1 for TimeDistributed(Dense)): W (input_dim, output_dim), b (output_dim) on (batch, T, input_dim). */
function timeDistributedDense({ config, inputShapes }: RuleInput): RuleOutput {
  const input = one(inputShapes);
  if (input.length !== 3) throw new RuleError('TimeDistributedDense expects (batch, time, input_dim) input');
  const u = units(config);
  const inputs = known(lastDim(input));
  const ws = [weight('W', [inputs, u], `${inputs ?? '?'} inputs × output_dim=${u}`)];
  if (bool(config, 'use_bias', bool(config, 'bias', true))) ws.push(weight('b', [u], `output_dim=${u}`));
  return { outputShapes: [[input[0] ?? null, input[1] ?? null, u]], weights: ws, formula: `${u} units × (${inputs ?? '?'} inputs${ws.length > 1 ? ' + 1 bias' : ''}) = ${total(ws)}` };
}

/** A tf.* call: its shape when the inputs and constant arguments give it, else unknown (said in notes). */
function tfOp({ config, inputShapes, kwargShapes, callArgs }: RuleInput): RuleOutput {
  const fn = typeof config['function'] === 'string' ? config['function'] : '?';
  const out = tfOpShape(fn, [...inputShapes, ...Object.values(kwargShapes).flat()], callArgs ?? {});
  if (out) return { outputShapes: [out], weights: [], formula: 'no weights: 0' };
  return {
    outputShapes: [],
    weights: [],
    formula: 'no weights: 0',
    shapeUnknown: true,
    notes: [`tf.${fn}: a TensorFlow op recorded in the model; its output shape is not derivable from the file without running TensorFlow`],
  };
}

/** TF 2.0–2.3 TensorFlowOpLayer: a raw graph op (`node_def.op`); element-wise ops keep the broadcast shape. */
function tfNodeOp({ config, inputShapes, kwargShapes }: RuleInput): RuleOutput {
  const node = (config['node_def'] ?? {}) as Record<string, unknown>;
  const op = typeof node['op'] === 'string' ? node['op'] : '?';
  const out = nodeOpShape(op, [...inputShapes, ...Object.values(kwargShapes).flat()]);
  if (out) return { outputShapes: [out], weights: [], formula: 'no weights: 0' };
  return { outputShapes: [], weights: [], formula: 'no weights: 0', shapeUnknown: true, notes: [`TensorFlow op ${op}: its output shape is not derivable from the file without running TensorFlow`] };
}

function opaque(classes: string[], reason: string, source: string): LayerRule {
  return {
    classes,
    family: 'legacy',
    summary: 'recognised, not analysed: its stored tensors are listed and counted',
    source,
    opaque: reason,
    apply: () => {
      throw new RuleError(reason);
    },
  };
}

export const rules: LayerRule[] = [
  { classes: ['MaxoutDense'], family: 'legacy', summary: 'Keras 1: W (nb_feature, inputs, output_dim) + b (nb_feature, output_dim)', source: 'Keras 1.2.2 keras/layers/core.py', apply: maxoutDense },
  { classes: ['TimeDistributedDense'], family: 'legacy', summary: 'Keras 1: W (inputs, output_dim) + b (output_dim), applied at every time step', source: 'Keras 1.2.2 keras/layers/core.py', apply: timeDistributedDense },
  { classes: ['Highway'], family: 'legacy', summary: 'Keras 1: W, W_carry (inputs, inputs) + b, b_carry (inputs)', source: 'Keras 1.2.2 keras/layers/core.py', apply: highway },
  {
    classes: ['TFOpLambda', 'SlicingOpLambda'],
    family: 'legacy',
    summary: 'no weights; tf.* call: element-wise, reduce, slicing, reshape, matmul, expand_dims, squeeze, transpose, concat and argmax shapes derived; others unknown',
    source: 'tf_keras/layers/core/tf_op_layer.py',
    apply: tfOp,
  },
  {
    classes: ['TensorFlowOpLayer'],
    family: 'legacy',
    summary: 'no weights; a raw TF graph op (TF 2.0–2.3): element-wise ops keep the broadcast shape, others unknown',
    source: 'tensorflow/python/keras/engine/base_layer.py (TensorFlowOpLayer, TF 2.0–2.3)',
    apply: tfNodeOp,
  },
  opaque(['JaxLayer', 'FlaxLayer'], 'wraps JAX/Flax functions that are not stored in the file: its variables are listed but not explained', 'keras/src/utils/jax_layer.py'),
  opaque(['TFSMLayer'], 'wraps an external TensorFlow SavedModel: its variables are listed but not explained', 'keras/src/export/tfsm_layer.py'),
  opaque(['TorchModuleWrapper'], 'wraps a PyTorch module that is not described by the config: its variables are listed but not explained', 'keras/src/utils/torch_utils.py'),
];
