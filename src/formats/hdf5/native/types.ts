// What an open HDF5 file answers, in the words both HDF5 readers speak: kerascope's own reader of
// HDF5 metadata (this folder) and the HDF5 engine (h5wasm in a worker, ../engine.ts), which reads
// every file this one hands over. The Keras layout walkers (../layout.ts) ask only these questions.

/** A dataset's metadata, in the shape of h5wasm's `get_dataset_metadata` (hdf5_util_helpers.d.ts `Metadata`). */
export interface H5Meta {
  type: number; // H5T class: 0 integer, 1 float, 3 string, 5 opaque, 6 compound, 9 vlen…
  size: number; // bytes per element
  signed: boolean;
  vlen: boolean;
  littleEndian: boolean;
  shape: number[] | null;
  total_size: number;
  chunks: number[] | null;
  virtual_sources?: { file_name: string; dset_name: string }[];
  /** Not h5wasm's: the External Data Files list, filled by the audit's own read (external.ts). */
  external_files?: ExternalFile[];
}

/** One file of a dataset's External Data Files list (H5Pset_external). */
export interface ExternalFile {
  /** Null when the name heap could not be read. */
  name: string | null;
  /** Null when unreadable; `size` null also for H5F_UNLIMITED (the file may grow without bound). */
  offset: number | null;
  size: number | null;
}

/** HDF5 refuses a file or an object (a missing attribute, an unreadable dataset); `message` is one line. */
export class H5Error extends Error {
  override name = 'H5Error';
}

export type AttrValue = string | number | boolean | null | AttrValue[];

export interface H5Reader {
  /** Every link path below `path`, recursively (H5Lvisit's order; soft and external links are leaves). */
  paths(path?: string): string[];
  attrNames(path: string): string[];
  /** An attribute, decoded; a missing attribute throws H5Error. */
  attr(path: string, name: string): AttrValue;
  datasetMeta(path: string): H5Meta;
  /** The kind of link at `path`: hard, soft (target) or external (file:path). No traversal. */
  link(path: string): { kind: 'hard' } | { kind: 'soft' | 'external'; target: string };
  /** The address of the object header at `path`, relative to the superblock. */
  objectAddress(path: string): bigint;
  close(): void;
}

/** Normalises an attribute as h5wasm's `get_attribute(name, true)` returns it. */
export function attrValue(v: unknown): AttrValue {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string') return stripNul(v);
  if (typeof v === 'number' || typeof v === 'boolean') return v;
  if (typeof v === 'bigint') return Number(v);
  if (v instanceof Uint8Array) return stripNul(Buffer.from(v).toString('utf8'));
  if (ArrayBuffer.isView(v)) return Array.from(v as unknown as ArrayLike<number>, (x) => Number(x));
  if (Array.isArray(v)) return v.map(attrValue);
  return String(v);
}

/** Fixed-length NULLPAD strings keep their padding in some readers. */
function stripNul(s: string): string {
  const i = s.indexOf('\0');
  return i < 0 ? s : s.slice(0, i);
}
