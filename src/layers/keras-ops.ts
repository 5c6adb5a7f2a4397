// Keras 3 operations in a Functional graph (`ops.reshape`, `ops.sum`…: module keras.src.ops.*,
// keras/src/ops/operation.py). They own no weights, and their class names (Reshape, Add…) are not
// the layers of the same name: only the element-wise ones and Concatenate share a layer's rule.
// Their output shape is the one the file stores on the edges that leave them.
import type { LayerRule } from './types.js';

const KERAS_OP_MODULE = /^keras(\.src)?\.ops(\.|$)/;
/** Operations whose rule is the merge layer of the same name: element-wise broadcast, Concatenate's axis. */
const LAYER_LIKE_OPS = new Set(['Add', 'Subtract', 'Multiply', 'Maximum', 'Minimum', 'Average', 'Concatenate']);

export function isKerasOperation(className: string, module: string | null | undefined): boolean {
  return KERAS_OP_MODULE.test(module ?? '') && !LAYER_LIKE_OPS.has(className);
}

export const kerasOperation: LayerRule = {
  classes: [],
  family: 'ops',
  summary: 'a Keras 3 operation: no weights; output shape as the file stores it',
  source: 'keras/src/ops/operation.py',
  apply: ({ className, module }) => ({
    outputShapes: [],
    weights: [],
    formula: 'no weights: 0',
    shapeUnknown: true,
    notes: [`Keras operation ${module ?? 'keras.ops'}.${className}: output shape taken from the shapes the file stores`],
  }),
};
