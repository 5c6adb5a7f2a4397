// The few config arguments that decide what a layer computes beyond its tensor shapes — what
// `kerascope diff` and a baseline compare across files (issue 13). Read from the config after
// graph/legacyArgs.ts mapped Keras 1 names (output_dim → units, nb_filter → filters…), and written
// in one spelling whatever the writer: Keras 3 stores `dtype` as a DTypePolicy object, Keras 2 and
// TensorFlow.js as a string; an activation is a name, or a serialized function object in Keras 3.
import type { Cfg } from '../layers/types.js';

/** Compared arguments, in this order (Keras's own names). */
export const KEY_CONFIG_ARGS = [
  'units',
  'filters',
  'kernel_size',
  'strides',
  'padding',
  'dilation_rate',
  'pool_size',
  'activation',
  'recurrent_activation',
  'use_bias',
  'return_sequences',
  'num_heads',
  'key_dim',
  'input_dim',
  'output_dim',
  'rate',
  'dtype',
] as const;

/** Configs of wrapped layers (Bidirectional, TimeDistributed, RNN cells): their arguments as `layer.units`. */
const WRAPPED = ['layer', 'cell', 'forward_layer', 'backward_layer'] as const;

export type KeyConfig = Record<string, string | number | boolean | (number | null)[] | null>;

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** `{class_name: 'DTypePolicy', config: {name: 'mixed_float16'}}` → 'mixed_float16'; 'float32' stays. */
function policyName(v: unknown): string | null {
  if (typeof v === 'string') return v;
  if (!isObject(v)) return null;
  const cfg = v['config'];
  if (isObject(cfg) && typeof cfg['name'] === 'string') return cfg['name'];
  return typeof v['class_name'] === 'string' ? v['class_name'] : null;
}

/** An activation as a name: 'relu', or a serialized function's name. */
function activationName(v: unknown): string | null {
  if (typeof v === 'string') return v;
  if (!isObject(v)) return null;
  if (typeof v['config'] === 'string') return v['config'];
  const cfg = v['config'];
  if (isObject(cfg) && typeof cfg['name'] === 'string') return cfg['name'];
  return typeof v['class_name'] === 'string' ? v['class_name'] : null;
}

function plainValue(v: unknown): KeyConfig[string] | undefined {
  if (typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean' || v === null) return v;
  if (Array.isArray(v) && v.every((d) => typeof d === 'number' || d === null)) return v as (number | null)[];
  return undefined;
}

function valueOf(key: string, v: unknown): KeyConfig[string] | undefined {
  if (key === 'dtype') return policyName(v) ?? undefined;
  if (key === 'activation' || key === 'recurrent_activation') return activationName(v) ?? undefined;
  return plainValue(v);
}

function collect(config: Cfg, prefix: string, out: KeyConfig, depth: number): void {
  for (const key of KEY_CONFIG_ARGS) {
    if (!(key in config)) continue;
    const v = valueOf(key, config[key]);
    if (v !== undefined) out[prefix + key] = v;
  }
  if (depth > 0) return;
  for (const w of WRAPPED) {
    const inner = config[w];
    if (isObject(inner) && isObject(inner['config'])) collect(inner['config'] as Cfg, `${prefix}${w}.`, out, depth + 1);
  }
}

/** The compared arguments a layer's config states (absent ones are left out: never guessed). */
export function keyConfig(config: Cfg): KeyConfig {
  const out: KeyConfig = {};
  collect(config, '', out, 0);
  return out;
}
