// Pooling: Max/Average 1D/2D/3D, Global*, Adaptive*, with their short aliases. No weights.
// Keras 3: keras/src/layers/pooling/base_pooling.py, base_global_pooling.py, base_adaptive_pooling.py;
// Keras 2: tf_keras/layers/pooling/*.py; Keras 1 MaxPooling1D `pool_length`/`stride` reach us as
// pool_size/strides (graph legacy step).
import type { Dim } from '../types.js';
import type { LayerRule, RuleInput, RuleOutput } from './types.js';
import { RuleError } from './types.js';
import { bool, one, poolLength, str, tuple } from './util.js';
import { assemble, geometry, rankOf } from './conv-shapes.js';
import { kerasMajor } from './common.js';

const NO_WEIGHTS = 'no weights: 0';

function applyPool(input: RuleInput): RuleOutput {
  const { config } = input;
  const rank = rankOf(input.className);
  const g = geometry(one(input.inputShapes), rank, config, input.className);
  // Keras 1 and 2 kept a fractional pool_size / strides list as given (Keras 2.0 conv_utils.normalize_tuple
  // only checks that int(v) works; Keras 1.2 np_utils.conv_output_length divides in floats, then floors
  // with //): real files store [22.5, 22.5]. Keras 3 refuses them (standardize_tuple wants ints).
  const fractional = kerasMajor(input.kerasVersion) <= 2 && !input.kerasVersion.tfKeras;
  const pool = tuple(config, 'pool_size', rank, 2, fractional);
  // strides None means strides = pool_size (base_pooling.py; Keras 1 stride=None the same).
  const strides = config['strides'] == null ? pool : tuple(config, 'strides', rank, undefined, fractional);
  if ([...pool, ...strides].some((x) => x === 0)) throw new RuleError('pool_size and strides must be positive');
  const padding = str(config, 'padding', 'valid').toLowerCase();
  // Keras's own arithmetic, floored: ⌊(n − p)/s⌋ + 1 is Keras 1/2's (n − p + 1 + s − 1) // s in floats too.
  const spatial = g.spatial.map((len, i) => poolLength(len, pool[i]!, padding, strides[i]!));
  return { outputShapes: [assemble(g, spatial, g.channels)], weights: [], formula: NO_WEIGHTS };
}

function applyGlobal(input: RuleInput): RuleOutput {
  const rank = rankOf(input.className);
  const g = geometry(one(input.inputShapes), rank, input.config, input.className);
  // keepdims arrived in tf.keras 2.6; older files have no key and drop the spatial dims.
  const keep = bool(input.config, 'keepdims', false);
  const shape = keep ? assemble(g, g.spatial.map(() => 1), g.channels) : [...g.batch, g.channels];
  return { outputShapes: [shape], weights: [], formula: NO_WEIGHTS };
}

function applyAdaptive(input: RuleInput): RuleOutput {
  const rank = rankOf(input.className);
  const g = geometry(one(input.inputShapes), rank, input.config, input.className);
  const size: Dim[] = tuple(input.config, 'output_size', rank);
  return { outputShapes: [assemble(g, size, g.channels)], weights: [], formula: NO_WEIGHTS };
}

export const rules: LayerRule[] = [
  {
    classes: [
      'MaxPooling1D', 'MaxPooling2D', 'MaxPooling3D', 'MaxPool1D', 'MaxPool2D', 'MaxPool3D',
      'AveragePooling1D', 'AveragePooling2D', 'AveragePooling3D', 'AvgPool1D', 'AvgPool2D', 'AvgPool3D',
    ],
    family: 'pooling',
    summary: 'no weights; valid ⌊(n − p)/s⌋ + 1, same ⌊(n − 1)/s⌋ + 1 per spatial dim',
    source: 'keras/src/layers/pooling/base_pooling.py',
    apply: applyPool,
  },
  {
    classes: [
      'GlobalMaxPooling1D', 'GlobalMaxPooling2D', 'GlobalMaxPooling3D', 'GlobalMaxPool1D', 'GlobalMaxPool2D', 'GlobalMaxPool3D',
      'GlobalAveragePooling1D', 'GlobalAveragePooling2D', 'GlobalAveragePooling3D',
      'GlobalAvgPool1D', 'GlobalAvgPool2D', 'GlobalAvgPool3D',
    ],
    family: 'pooling',
    summary: 'no weights; (batch, channels), or spatial dims kept as 1 with keepdims',
    source: 'keras/src/layers/pooling/base_global_pooling.py',
    apply: applyGlobal,
  },
  {
    classes: [
      'AdaptiveAveragePooling1D', 'AdaptiveAveragePooling2D', 'AdaptiveAveragePooling3D',
      'AdaptiveMaxPooling1D', 'AdaptiveMaxPooling2D', 'AdaptiveMaxPooling3D',
    ],
    family: 'pooling',
    summary: 'no weights; spatial dims = output_size',
    source: 'keras/src/layers/pooling/base_adaptive_pooling.py',
    apply: applyAdaptive,
  },
];
