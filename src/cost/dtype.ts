// Bytes per element of the dtypes Keras stores and computes in, and a layer's compute dtype.
import type { Cfg } from '../layers/types.js';

/** int4 is stored packed two to a byte by Keras 3 (in an int8 tensor of half the size), so a stored int4 tensor never reaches here. */
export const DTYPE_BYTES: Record<string, number> = {
  float64: 8, int64: 8, uint64: 8, complex64: 8, complex128: 16, float32: 4, int32: 4, uint32: 4,
  float16: 2, bfloat16: 2, int16: 2, uint16: 2, int8: 1, uint8: 1, bool: 1, int4: 1, uint4: 1,
  float8_e4m3fn: 1, float8_e5m2: 1, string: 0,
};

/**
 * The dtype a layer computes (and outputs) in: its dtype policy's compute dtype. Keras 3 stores
 * `{class_name: "DTypePolicy", config: {name: "mixed_bfloat16"}}` or a string; tf.keras
 * `{class_name: "Policy", config: {name}}`; a quantized policy is `int8_from_mixed_bfloat16`.
 * Without one, Keras's floatx: float32. Null for a name it cannot tell.
 */
export function computeDtype(cfg: Cfg): string | null {
  const d = cfg['dtype'];
  let name: unknown = d;
  if (d && typeof d === 'object') {
    const inner = (d as Cfg)['config'];
    name = inner && typeof inner === 'object' ? (inner as Cfg)['name'] : null;
  }
  if (name === undefined || name === null) return 'float32';
  if (typeof name !== 'string') return null;
  let n = name.includes('_from_') ? name.slice(name.indexOf('_from_') + 6) : name;
  if (n.startsWith('mixed_')) n = n.slice(6);
  return n in DTYPE_BYTES ? n : null;
}
