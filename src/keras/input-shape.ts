// The input shape a config stores, in every spelling a writer uses (issue 9, defect 4):
// - `batch_input_shape`: Keras 1/2 and tf.keras InputLayer and first layers (keras 2.x
//   engine/input_layer.py get_config), and tfjs-layers' own save (convertTsToPythonic of
//   `batchInputShape`, tfjs-layers src/engine/input_layer.ts getConfig);
// - `batch_shape`: Keras 3 InputLayer (keras/src/layers/core/input_layer.py get_config), which the
//   tfjs converter copies into model.json as it is;
// - `batchInputShape`: tfjs-layers' own TypeScript spelling (InputLayerArgs), found in model.json files
//   patched by hand so that tfjs 4.x loads a Keras 3 conversion (tfjs reads `batch_input_shape` only,
//   through convertPythonicToTs, and fails on `batch_shape`: "An InputLayer should be passed either a
//   batchInputShape or an inputShape");
// - `input_shape` / `inputShape` and, on an InputLayer, `shape` (Keras 3 `Input(shape=…)` arguments
//   written by hand or by other tools): the shape without the batch axis, which `batch_size` /
//   `batchSize` completes, else None.
// It lives with the Keras facts (src/keras) because the graph (a Sequential's first layer) and the
// InputLayer rule both read it.
import type { Dim, Shape } from '../types.js';

type Cfg = Record<string, unknown>;

export const WITH_BATCH = ['batch_input_shape', 'batch_shape', 'batchInputShape', 'batchShape'] as const;
export const WITHOUT_BATCH = ['input_shape', 'inputShape'] as const;

/**
 * The batch input shape a layer's config stores, or null. `inputLayer`: the config is an
 * InputLayer's, where a bare `shape` also means the input shape (elsewhere it may mean anything).
 */
export function storedBatchShape(c: Cfg, inputLayer: boolean): Shape | null {
  for (const k of WITH_BATCH) {
    const s = asShape(c[k]);
    if (s) return s;
  }
  const keys = inputLayer ? [...WITHOUT_BATCH, 'shape'] : WITHOUT_BATCH;
  for (const k of keys) {
    const s = asShape(c[k]);
    if (s) return [batchSize(c), ...s];
  }
  return null;
}

function batchSize(c: Cfg): Dim {
  const b = c['batch_size'] ?? c['batchSize'];
  return typeof b === 'number' && Number.isInteger(b) && b > 0 ? b : null;
}

/** A shape as stored: a list of ints/null. Anything else is null (not a shape). */
export function asShape(v: unknown): Shape | null {
  if (!Array.isArray(v)) return null;
  const out: Shape = [];
  for (const d of v) {
    if (d === null) out.push(null);
    else if (typeof d === 'number' && Number.isInteger(d) && d >= 0) out.push(d);
    else return null;
  }
  return out;
}
