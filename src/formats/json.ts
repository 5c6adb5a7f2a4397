// Keras JSON architectures: Keras 1/2 and tf.keras `model.to_json()`, Keras 3 `to_json()` and
// `config.json`. Real Keras 1 projects often saved `json.dump(model.to_json())`: a JSON string
// holding the JSON ("double-encoded"); it is unwrapped here.
import { UnreadableError } from '../errors.js';

/** Largest JSON text kerascope parses (a config of 2,000 layers is a few MB). */
export const MAX_JSON_BYTES = 256 * 1024 * 1024;

export function parseJsonText(file: string, text: string): unknown {
  let value: unknown;
  try {
    value = JSON.parse(text);
    // Double-encoded: a JSON string whose content is the JSON (at most twice, never a loop).
    for (let i = 0; i < 2 && typeof value === 'string' && /^\s*[{[]/.test(value); i++) value = JSON.parse(value);
  } catch (e) {
    if (e instanceof RangeError) throw new UnreadableError(file, 'JSON nested too deeply to read');
    throw new UnreadableError(file, `invalid JSON: ${(e as Error).message.split('\n')[0]}`);
  }
  return value;
}

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

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
