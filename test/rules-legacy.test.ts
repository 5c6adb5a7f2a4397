// Legacy and opaque classes: Keras 1.2.2 MaxoutDense / Highway (keras/layers/core.py @1.2.2),
// tf.keras TFOpLambda / SlicingOpLambda, and the framework bridges Keras 3 cannot describe in a file.
import { describe, expect, it } from 'vitest';
import { run, params, shapes, K1, TFK } from './helpers/rules.js';
import { ruleFor } from '../src/layers/registry.js';
import { evaluateLayer, parseKerasVersion } from '../src/layers/evaluate.js';

describe('Keras 1 MaxoutDense and Highway', () => {
  it('MaxoutDense: W (nb_feature, inputs, output_dim) + b (nb_feature, output_dim)', () => {
    const out = run('MaxoutDense', { output_dim: 5, nb_feature: 4 }, [[null, 10]], K1);
    expect(shapes(out)).toEqual([['W', [4, 10, 5]], ['b', [4, 5]]]);
    expect(params(out)).toBe(4 * 5 * 11);
    expect(out.outputShapes).toEqual([[null, 5]]);
  });
  it('Highway: W, W_carry, b, b_carry from Keras 1.2 (W, b, W_carry, b_carry before); output = input', () => {
    const out = run('Highway', {}, [[null, 6]], K1);
    expect(shapes(out)).toEqual([['W', [6, 6]], ['W_carry', [6, 6]], ['b', [6]], ['b_carry', [6]]]);
    expect(shapes(run('Highway', {}, [[null, 6]], parseKerasVersion('1.1.2'))).map((s) => s[0])).toEqual(['W', 'b', 'W_carry', 'b_carry']);
    expect(params(out)).toBe(84);
    expect(params(run('Highway', { bias: false }, [[null, 6]], K1))).toBe(72);
  });
});

describe('Keras 1 TimeDistributedDense', () => {
  it('W (inputs, output_dim) + b, shared over time steps', () => {
    const out = run('TimeDistributedDense', { output_dim: 4 }, [[null, 7, 3]], K1);
    expect(shapes(out)).toEqual([['W', [3, 4]], ['b', [4]]]);
    expect(out.outputShapes).toEqual([[null, 7, 4]]);
    expect(params(out)).toBe(16);
  });
});

describe('TFOpLambda / SlicingOpLambda', () => {
  it('element-wise tf ops keep the broadcast shape of their tensor inputs', () => {
    expect(run('TFOpLambda', { function: 'math.multiply' }, [[null, 4, 3], [null, 1, 3]], TFK).outputShapes).toEqual([[null, 4, 3]]);
    expect(run('TFOpLambda', { function: 'nn.relu6' }, [[null, 7]], TFK).outputShapes).toEqual([[null, 7]]);
  });
  it('slicing follows Python slice semantics (numpy on (2, 4, 3) gives the same lengths)', () => {
    const sl = (spec: unknown) => evaluateLayer({ className: 'SlicingOpLambda', name: 's', config: { function: '__operators__.getitem' }, inputShapes: [[null, 4, 3]], callArgs: { slice_spec: spec }, kerasVersion: TFK }).outputShapes[0];
    const s = (start: number | null, stop: number | null, step: number | null = null) => ({ start, stop, step });
    const all = s(null, null);
    expect(sl([all, 0])).toEqual([null, 3]); // x[:, 0]
    expect(sl([{ class_name: '__ellipsis__' }, s(null, 2)])).toEqual([null, 4, 2]); // x[..., :2]
    expect(sl([all, s(null, null, -1)])).toEqual([null, 4, 3]); // x[:, ::-1]
    expect(sl([all, s(1, -1)])).toEqual([null, 2, 3]); // x[:, 1:-1]
    expect(sl([null])).toEqual([1, null, 4, 3]); // x[None]
    expect(sl([all, s(-3, 10, 2)])).toEqual([null, 2, 3]); // x[:, -3:10:2]
    expect(sl([all, s(3, 0, -2)])).toEqual([null, 2, 3]); // x[:, 3:0:-2]
    expect(sl([{ class_name: '__ellipsis__' }, null])).toEqual([null, 4, 3, 1]); // x[..., None]
  });
  it('reductions, argmax, expand_dims, squeeze, transpose and concat from their constant arguments', () => {
    const op = (fn: string, inputs: (number | null)[][], callArgs: Record<string, unknown>) =>
      evaluateLayer({ className: 'TFOpLambda', name: 'op', config: { function: fn }, inputShapes: inputs, callArgs, kerasVersion: TFK }).outputShapes[0];
    expect(op('math.reduce_mean', [[null, 4, 3]], { axis: 1 })).toEqual([null, 3]);
    expect(op('math.reduce_sum', [[null, 4, 3]], { axis: [1, 2], keepdims: true })).toEqual([null, 1, 1]);
    expect(op('math.argmax', [[null, 4, 3]], { axis: -1 })).toEqual([null, 4]);
    expect(op('expand_dims', [[null, 4]], { axis: -1 })).toEqual([null, 4, 1]);
    expect(op('squeeze', [[null, 1, 4]], { axis: 1 })).toEqual([null, 4]);
    expect(op('compat.v1.transpose', [[null, 4, 3]], { perm: [0, 2, 1] })).toEqual([null, 3, 4]);
    expect(op('concat', [[null, 4, 3], [null, 4, 5]], { axis: -1 })).toEqual([null, 4, 8]);
    expect(op('reshape', [[null, 4, 3]], { shape: [-1, 12] })).toEqual([null, 12]);
    expect(op('reshape', [[2, 4, 3]], { shape: [-1, 6] })).toEqual([4, 6]);
    expect(op('linalg.matmul', [[null, 4, 3], [null, 5, 3]], { transpose_b: true })).toEqual([null, 4, 5]);
  });
  it('any other op: shape unknown, said in notes', () => {
    const out = run('SlicingOpLambda', { function: '__operators__.getitem' }, [[null, 7]], TFK);
    expect(out.shapeUnknown).toBe(true);
    expect(out.outputShapes).toEqual([]);
    expect(out.notes?.[0]).toMatch(/getitem/);
    expect(run('TFOpLambda', { function: 'image.resize' }, [[null, 7, 7, 3]], TFK).shapeUnknown).toBe(true);
  });
});

describe('TensorFlowOpLayer (TF 2.0–2.3)', () => {
  it('element-wise graph ops keep the broadcast shape; others are unknown', () => {
    expect(run('TensorFlowOpLayer', { node_def: { name: 'AddV2', op: 'AddV2' } }, [[null, 4, 3], [null, 1, 3]], TFK).outputShapes).toEqual([[null, 4, 3]]);
    const out = run('TensorFlowOpLayer', { node_def: { name: 'Reshape', op: 'Reshape' } }, [[null, 12]], TFK);
    expect(out.shapeUnknown).toBe(true);
    expect(out.weights).toEqual([]);
  });
});

describe('framework bridges', () => {
  it('JaxLayer, FlaxLayer, TFSMLayer and TorchModuleWrapper are opaque, with a reason', () => {
    for (const cls of ['JaxLayer', 'FlaxLayer', 'TFSMLayer', 'TorchModuleWrapper']) {
      expect(ruleFor(cls)?.opaque, cls).toMatch(/listed but not explained/);
    }
  });
});
