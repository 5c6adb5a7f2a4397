// What a file of weight values hands out per tensor (shared by every value reader of this folder).
import type { ByteSource } from '../formats/source.js';
import type { Pieces } from './chunked.js';

export interface Run {
  source: ByteSource;
  offset: number;
  length: number;
}

/**
 * A tensor's bytes — runs of a file read in place, or pieces produced as they are read (a chunked
 * dataset) — or why they are not compared. `swap`: element size when stored big-endian.
 */
export type TensorBytes = { runs: Run[]; bytes: number; swap: number; crc32c?: StoredCrc; quantization?: string } | Pieces | { why: string };

/** A checksum the file keeps for the tensor's bytes (a SavedModel's, unmasked), and where they are. */
export interface StoredCrc {
  stored: number;
  where: string;
}

export interface ValueFile {
  /** The stored path of a tensor (the report's `storedPath`) → its bytes. */
  locate(storedPath: string): TensorBytes;
  close(): void;
}
