// Keras JSON architectures: Keras 1/2 and tf.keras `model.to_json()`, Keras 3 `to_json()` and
// `config.json`. Real Keras 1 projects often saved `json.dump(model.to_json())`: a JSON string
// holding the JSON ("double-encoded"); it is unwrapped here.
import { NotAModelError, UnreadableError } from '../../errors.js';
import type { ModelSource } from '../../types.js';
import type { FormatReader } from '../reader.js';
import { isObject } from '../text.js';
import { MODEL_CLASSES } from '../../keras/models.js';

/** What a JSON file that no reader claims is told. */
export const NOT_A_MODEL = 'JSON but not a Keras model: no class_name and config, no model_config, no modelTopology';

export const kerasJsonReader: FormatReader = {
  id: 'keras-json',
  claims: (head) => head.json !== null && asKerasJson(head.json.value, false) !== null,
  readModel: async (src, ctx) => {
    const keras = asKerasJson(ctx.head.json?.value, ctx.head.json?.doubleEncoded ?? false);
    if (!keras) throw new UnreadableError(src.name, NOT_A_MODEL);
    const other = notAModel(keras.config);
    if (other) throw new NotAModelError(src.name, `JSON but not a Keras model: ${other}`);
    const source: ModelSource = {
      file: src.name,
      format: 'keras-json',
      formatLabel: keras.label,
      kerasVersion: keras.kerasVersion,
      backend: keras.backend,
      config: keras.config,
      trainingConfig: keras.trainingConfig,
      weights: null,
      weightsFile: null,
      findings: [],
      container: { size: src.size },
    };
    return source;
  },
};

export interface KerasJson {
  config: Record<string, unknown>;
  kerasVersion: string | null;
  backend: string | null;
  trainingConfig: unknown | null;
  /** Human words for the flavour: "Keras 1.1.2 to_json()", "Keras 3 config.json". */
  label: string;
}

/** Recognises a Keras architecture JSON; returns null when the object is not one. */
export function asKerasJson(value: unknown, doubleEncoded: boolean): KerasJson | null {
  if (!isObject(value)) return null;
  const top = isObject(value['model_config']) ? value['model_config'] : value;
  if (typeof top['class_name'] !== 'string' || !('config' in top)) return null;
  const version = typeof value['keras_version'] === 'string' ? value['keras_version'] : typeof top['keras_version'] === 'string' ? (top['keras_version'] as string) : null;
  const keras3 = 'module' in top || 'registered_name' in top || 'build_config' in top;
  const flavour = version ? `Keras ${version} to_json()` : keras3 ? 'Keras 3 to_json() / config.json' : 'Keras to_json()';
  return {
    config: top,
    kerasVersion: version,
    backend: typeof value['backend'] === 'string' ? value['backend'] : null,
    trainingConfig: value['training_config'] ?? top['compile_config'] ?? null,
    label: `${flavour}${doubleEncoded ? ', double-encoded (a JSON string holding the JSON)' : ''}`,
  };
}

/**
 * Why a serialized Keras object is not a model, or null when it is one. Every Keras 1/2 `to_json()`
 * of a model holds its layers (`config.layers`, or a Keras 1 Sequential's list): Keras 2 cannot
 * serialise a subclassed model to JSON (training.py get_config raises NotImplementedError), so a
 * class without layers there is another object — `keras.preprocessing.text.Tokenizer.to_json()`
 * writes `{"class_name": "Tokenizer", "config": {"word_index": …}}`. A Keras 3 `config.json` of a
 * subclassed model carries no layers either (`{"module": null, "class_name": "VAE", "config": {}}`)
 * and stays a model; there, a tokenizer (keras.preprocessing's, or a KerasHub `*Tokenizer` class)
 * and a `keras.layers` object are not.
 */
export function notAModel(top: Record<string, unknown>): string | null {
  const cls = String(top['class_name']);
  const config = top['config'];
  if (Array.isArray(config) || (isObject(config) && Array.isArray(config['layers'])) || MODEL_CLASSES.has(cls)) return null;
  const module = typeof top['module'] === 'string' ? top['module'] : '';
  if (/Tokenizer$/.test(cls)) return `a serialized ${cls} (a tokenizer's vocabulary and settings, no layers)`;
  if (/^keras(\.src)?\.layers\b/.test(module)) return `a serialized ${cls} layer, not a model`;
  const keras3 = 'module' in top || 'registered_name' in top || 'build_config' in top;
  return keras3 ? null : `a serialized ${cls} with no layers (Keras 1/2 write every model's layers into to_json())`;
}
