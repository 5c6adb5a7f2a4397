// Activation-layer rules. Numbers: keras-formats.md §4 (PReLU "(5,5,3) gives 75; shared [1,2] gives 3",
// checked with Keras 3.15.1), Keras 3.15 activations/prelu.py, Keras 1.2.2 advanced_activations.py.
import { describe, expect, it } from 'vitest';
import { run, params, shapes, K1, K2 } from './helpers/rules.js';
import { RuleError } from '../src/layers/types.js';
import { parseKerasVersion } from '../src/layers/evaluate.js';

describe('PReLU', () => {
  it('alpha = input[1:]: (5,5,3) gives 75', () => {
    const out = run('PReLU', {}, [[null, 5, 5, 3]]);
    expect(shapes(out)).toEqual([['alpha', [5, 5, 3]]]);
    expect(params(out)).toBe(75);
    expect(out.outputShapes).toEqual([[null, 5, 5, 3]]);
  });
  it('shared_axes [1, 2] sets those axes to 1: 3', () => {
    expect(shapes(run('PReLU', { shared_axes: [1, 2] }, [[null, 5, 5, 3]]))).toEqual([['alpha', [1, 1, 3]]]);
    expect(shapes(run('PReLU', { shared_axes: [1, 2] }, [[null, 5, 5, 3]], K2))).toEqual([['alpha', [1, 1, 3]]]);
  });
  it('Keras 1.2.0 indexed shared_axes over input[1:], one place to the right; 1.2.1 fixed it', () => {
    // keras/layers/advanced_activations.py @1.2.0: param_shape[i] = 1; @1.2.1 and 1.2.2: param_shape[i - 1] = 1.
    expect(shapes(run('PReLU', { shared_axes: [1] }, [[null, 5, 6, 3]], parseKerasVersion('1.2.0')))).toEqual([['alpha', [5, 1, 3]]]);
    expect(shapes(run('PReLU', { shared_axes: [1] }, [[null, 5, 6, 3]], K1))).toEqual([['alpha', [1, 6, 3]]]);
  });
  it('refuses a shared axis outside the input', () => {
    expect(() => run('PReLU', { shared_axes: [4] }, [[null, 5, 3]])).toThrow(RuleError);
  });
});

describe('Keras 1 parametric activations', () => {
  it('SReLU owns t_left, a_left, t_right, a_right, each input[1:]', () => {
    const out = run('SReLU', { shared_axes: null }, [[null, 4, 2]], K1);
    expect(shapes(out)).toEqual(['t_left', 'a_left', 't_right', 'a_right'].map((n) => [n, [4, 2]]));
    expect(params(out)).toBe(32);
  });
  it('ParametricSoftplus owns alphas and betas', () => {
    expect(params(run('ParametricSoftplus', {}, [[null, 7]], K1))).toBe(14);
  });
});

describe('weightless activations', () => {
  for (const cls of ['ReLU', 'LeakyReLU', 'ELU', 'Softmax', 'ThresholdedReLU']) {
    it(`${cls} keeps the shape and owns nothing`, () => {
      const out = run(cls, {}, [[null, 3, 3]]);
      expect(out.outputShapes).toEqual([[null, 3, 3]]);
      expect(out.weights).toEqual([]);
    });
  }
});
