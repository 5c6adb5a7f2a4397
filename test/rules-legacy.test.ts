// Legacy and opaque classes: Keras 1.2.2 MaxoutDense / Highway (keras/layers/core.py @1.2.2),
// tf.keras TFOpLambda / SlicingOpLambda, and the framework bridges Keras 3 cannot describe in a file.
import { describe, expect, it } from 'vitest';
import { run, params, shapes, K1, TFK } from './helpers/rules.js';
import { ruleFor } from '../src/layers/registry.js';

describe('Keras 1 MaxoutDense and Highway', () => {
  it('MaxoutDense: W (nb_feature, inputs, output_dim) + b (nb_feature, output_dim)', () => {
    const out = run('MaxoutDense', { output_dim: 5, nb_feature: 4 }, [[null, 10]], K1);
    expect(shapes(out)).toEqual([['W', [4, 10, 5]], ['b', [4, 5]]]);
    expect(params(out)).toBe(4 * 5 * 11);
    expect(out.outputShapes).toEqual([[null, 5]]);
  });
  it('Highway: W, b, W_carry, b_carry; output = input', () => {
    const out = run('Highway', {}, [[null, 6]], K1);
    expect(shapes(out)).toEqual([['W', [6, 6]], ['b', [6]], ['W_carry', [6, 6]], ['b_carry', [6]]]);
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
  it('any other op: shape unknown, said in notes', () => {
    const out = run('SlicingOpLambda', { function: '__operators__.getitem' }, [[null, 7]], TFK);
    expect(out.shapeUnknown).toBe(true);
    expect(out.outputShapes).toEqual([]);
    expect(out.notes?.[0]).toMatch(/getitem/);
  });
});

describe('framework bridges', () => {
  it('JaxLayer, FlaxLayer, TFSMLayer and TorchModuleWrapper are opaque, with a reason', () => {
    for (const cls of ['JaxLayer', 'FlaxLayer', 'TFSMLayer', 'TorchModuleWrapper']) {
      expect(ruleFor(cls)?.opaque, cls).toMatch(/listed but not explained/);
    }
  });
});
