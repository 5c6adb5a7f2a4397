// What the Keras layout walkers ask of an open HDF5 payload. Two readers answer: the HDF5 engine
// (h5wasm in a worker, h5engine.ts), and kerascope's own reader of HDF5 metadata (h5native/),
// which serves the files it fully understands and hands every other file to the engine.
import type { H5Meta } from './h5engine.js';
import type { AttrValue } from './h5values.js';

export interface H5Reader {
  /** Every link path below `path`, recursively (H5Lvisit's order; soft and external links are leaves). */
  paths(path?: string): string[];
  attrNames(path: string): string[];
  /** An attribute, decoded; a missing attribute throws H5EngineError. */
  attr(path: string, name: string): AttrValue;
  datasetMeta(path: string): H5Meta;
  /** The kind of link at `path`: hard, soft (target) or external (file:path). No traversal. */
  link(path: string): { kind: 'hard' } | { kind: 'soft' | 'external'; target: string };
  /** The address of the object header at `path`, relative to the superblock. */
  objectAddress(path: string): bigint;
  close(): void;
}
