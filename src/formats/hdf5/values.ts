// Plain values out of HDF5 attributes, whatever string encoding the writer used.
//
// Keras writes `layer_names` / `weight_names` as vlen strings (h5py 3 + str), vlen ASCII
// (bytes), fixed-length NULLPAD `S` arrays (chunked attrs, h5py 2 era) or, for a layer without
// weights, an EMPTY float64 array (`np.asarray([])`, checked with Keras 3.15.1).
// `model_config` is str or bytes (`json.dumps(...).encode("utf8")`, legacy_h5_format.py).
import type { AttrValue } from './native/types.js';

/** A list of names: a string list, one string, or an empty numeric array (no names). */
export function nameList(v: AttrValue): string[] {
  if (v === null) return [];
  if (typeof v === 'string') return [v];
  if (Array.isArray(v)) {
    // A flat list of strings (every weight_names of a Keras file) is copied as it is; flat(Infinity),
    // generic and slow while cold, only for nested lists (2,000 calls on a 2,000-layer file).
    if (v.every((x) => typeof x === 'string')) return v.slice() as string[];
    return v.flat(Infinity as 1).filter((x): x is string => typeof x === 'string');
  }
  return [];
}

/** A text attribute (str or bytes), or null. */
export function text(v: AttrValue): string | null {
  if (typeof v === 'string') return v;
  if (Array.isArray(v) && v.length === 1 && typeof v[0] === 'string') return v[0];
  return null;
}

/** HDF5 type class + size → numpy-style dtype name. */
export function dtypeName(meta: { type: number; size: number; signed: boolean; vlen?: boolean }): string {
  const bits = meta.size * 8;
  switch (meta.type) {
    case 0:
      return `${meta.signed ? 'int' : 'uint'}${bits}`;
    case 1:
      return `float${bits}`;
    case 3:
      return 'string';
    case 4:
      return `bitfield${bits}`;
    case 5:
      return `opaque${bits}`;
    case 6:
      return 'compound';
    case 8:
      // numpy bool is written by h5py as an int8 enum {FALSE, TRUE}
      return meta.size === 1 ? 'bool' : 'enum';
    case 9:
      return 'vlen';
    case 10:
      return 'array';
    default:
      return `h5class${meta.type}`;
  }
}
