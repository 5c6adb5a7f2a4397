// Layer classes that live inside keras.applications modules rather than keras.layers, and that a
// saved application model stores by class name (module keras.src.applications.<model>):
// ConvNeXt's LayerScale and StochasticDepth, Inception-ResNet-V2's CustomScaleLayer.
// Proven end to end by test/keras-apps.test.ts (fixtures/keras-apps, written by Keras 3.15.1).
import type { LayerRule } from './types.js';
import { RuleError } from './types.js';
import { broadcast, count, fmtShape, num, one, weight } from './util.js';
import { passThrough } from './common.js';

/**
 * keras/src/applications/convnext.py LayerScale: build() adds one trainable vector of
 * `projection_dim` values (add_weight without a name, so Keras 3 calls it `variable`), and
 * call() returns `x * gamma`, which broadcasts the vector over the last axis.
 */
const layerScale: LayerRule = {
  classes: ['LayerScale'],
  family: 'applications',
  summary: 'gamma (projection_dim,) multiplied into the last axis: projection_dim',
  source: 'keras/src/applications/convnext.py',
  apply({ config, inputShapes }) {
    const input = one(inputShapes);
    const dim = count(config, 'projection_dim');
    const gamma = weight('variable', [dim], `projection_dim=${dim}`);
    return {
      outputShapes: [broadcast(input, [dim])],
      weights: [gamma],
      formula: `projection_dim = ${dim}`,
    };
  },
};

/**
 * keras/src/applications/inception_resnet_v2.py CustomScaleLayer: call(inputs) returns
 * `inputs[0] + inputs[1] * scale` (the shortcut plus the scaled residual); `scale` is a float
 * from the config, not a variable, so the layer owns nothing.
 */
const customScale: LayerRule = {
  classes: ['CustomScaleLayer'],
  family: 'applications',
  summary: 'no weights; inputs[0] + inputs[1] × scale, broadcast',
  source: 'keras/src/applications/inception_resnet_v2.py',
  apply({ config, inputShapes }) {
    if (inputShapes.length !== 2) throw new RuleError(`CustomScaleLayer takes [shortcut, residual], got ${inputShapes.length} inputs`);
    const [shortcut, residual] = inputShapes as [typeof inputShapes[0], typeof inputShapes[0]];
    const scale = num(config, 'scale');
    return {
      outputShapes: [broadcast(shortcut, residual)],
      weights: [],
      formula: `no weights (${fmtShape(shortcut)} + ${fmtShape(residual)} × ${scale}): 0`,
    };
  },
};

/**
 * keras/src/applications/convnext.py StochasticDepth (ConvNeXt blocks when drop_path_rate > 0):
 * call() drops the whole residual path at training time and returns x unchanged otherwise; no
 * variables.
 */
const stochasticDepth = passThrough(['StochasticDepth'], 'applications', 'keras/src/applications/convnext.py');

export const rules: LayerRule[] = [layerScale, customScale, stochasticDepth];
