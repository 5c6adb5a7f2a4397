// The one contract every file family's reader keeps. The dispatcher (index.ts) reads a file's
// head once, asks each reader of its list in turn whether it claims the file (by content, never
// by extension), and hands the file's byte source to the first that does — for a model, or for
// the weights paired with an architecture (`--weights`, a same-stem file). A new file format is
// one folder with one reader, plus one entry in index.ts's list (docs/adding-a-format.md).
import type { ModelSource, StoredWeights } from '../types.js';
import type { Folder } from './folder.js';
import type { ByteSource } from './source.js';

/** JSON text, parsed once by the dispatcher for every reader that looks at it. */
export interface JsonHead {
  value: unknown;
  /** The text was a JSON string holding the JSON (Keras 1 projects often saved `json.dump(model.to_json())`). */
  doubleEncoded: boolean;
}

/** What the dispatcher read of a file before choosing its reader. */
export interface Head {
  /** The file's size in bytes. */
  size: number;
  /** The first bytes of the file (at most 64). */
  start: Uint8Array;
  /**
   * 8 bytes at 512, 1024, 2048… up to 1 MiB (within the file): where a format that allows a
   * prefix puts its signature (HDF5 after a user block).
   */
  probes: ReadonlyMap<number, Uint8Array>;
  /** The whole file parsed, when it is JSON text (it starts with `{`, `[` or `"`); else null. */
  json: JsonHead | null;
}

/** What a reader may use besides the bytes. */
export interface ReadContext {
  /** The head the dispatcher read (a JSON file is parsed once, here). */
  head: Head;
  /**
   * The folder the file sits in, for formats that span several files (tfjs shards, sharded
   * weights, a same-stem companion, a SavedModel's variables/, a preset's config.json and
   * metadata.json): a reader reaches its siblings only through it (folder.ts). null for bytes that
   * sit in no folder (a member of an archive, a test's buffer).
   */
  folder: Folder | null;
  /** The file's own path inside `folder` (`model.json`); its source's name when there is no folder. */
  entry: string;
}

export interface FormatReader {
  /** Stable name of the family: `hdf5`, `keras-zip`, `tfjs`, `keras-json`… */
  readonly id: string;
  /** True when the file is of this family, judged by its content (`name` only for what content cannot tell). */
  claims(head: Head, name: string): boolean;
  /** The neutral description of the file: its config, its stored tensors, what its reader found. */
  readModel(source: ByteSource, ctx: ReadContext): Promise<ModelSource>;
  /** Only the stored tensors, for a weights file paired with an architecture; absent: not a weights format. */
  readWeights?(source: ByteSource, ctx: ReadContext): Promise<StoredWeights>;
}
