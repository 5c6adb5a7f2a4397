// Core layers: InputLayer, Dense, Activation, Dropout family, Identity, Masking, Embedding.
// Keras 3: keras/src/layers/core/*.py, keras/src/layers/regularization/*.py.
import type { LayerRule, RuleOutput } from './types.js';
import { count, bool, one, lastDim, known, weight, fmtCount } from './util.js';
import type { Shape } from '../types.js';

/** A layer that returns its input unchanged and owns nothing. */
function passThrough(classes: string[], source: string): LayerRule {
  return {
    classes,
    family: 'core',
    summary: 'no weights; output shape = input shape',
    source,
    apply: ({ inputShapes }): RuleOutput => ({ outputShapes: [one(inputShapes)], weights: [], formula: 'no weights: 0' }),
  };
}

const dense: LayerRule = {
  classes: ['Dense'],
  family: 'core',
  summary: 'kernel (inputs, units) + bias (units): units × (inputs + 1)',
  source: 'keras/src/layers/core/dense.py',
  apply({ config, inputShapes }) {
    // Dense works on any rank ≥ 2 and only uses the last dimension (Dense.build).
    const input = one(inputShapes);
    const units = count(config, 'units');
    const useBias = bool(config, 'use_bias', true);
    const inputs = known(lastDim(input));
    const weights = [weight('kernel', [inputs, units], `${inputs ?? '?'} inputs × units=${units}`)];
    if (useBias) weights.push(weight('bias', [units], `units=${units}`));
    const out: Shape = [...input.slice(0, -1), units];
    const total = inputs === null ? null : units * (inputs + (useBias ? 1 : 0));
    const formula = useBias
      ? `${units} units × (${inputs ?? '?'} inputs + 1 bias) = ${total === null ? '?' : fmtCount(total)}`
      : `${units} units × ${inputs ?? '?'} inputs (no bias) = ${total === null ? '?' : fmtCount(total)}`;
    return { outputShapes: [out], weights, formula };
  },
};

export const rules: LayerRule[] = [
  dense,
  passThrough(['Dropout', 'SpatialDropout1D', 'SpatialDropout2D', 'SpatialDropout3D', 'GaussianDropout', 'GaussianNoise', 'AlphaDropout', 'ActivityRegularization', 'Identity', 'Masking'], 'keras/src/layers/regularization/*.py, core/identity.py, core/masking.py'),
];
