// The bytes of a chunked HDF5 dataset for `diff --values` (issue 13), in the order h5py returns
// them (C order, the whole array), produced without ever holding the tensor: one band of rows at
// a time — the chunks whose first offset is the same, each read, unfiltered and copied into the
// band — so memory is one band plus one chunk, both capped. The filters h5py applies when asked
// (`compression="gzip"`, `shuffle=True`) are undone here: deflate (HDF5 filter 1, a zlib stream,
// H5Zdeflate.c) with Node's zlib and shuffle (filter 2, the bytes of each element regrouped by
// position, H5Zshuffle.c). Any other filter (lzf, fletcher32, szip, scale-offset…) is named and
// the tensor not compared. Every chunk's inflated bytes count against the same 1 GiB a zip
// archive may inflate (keras-zip/limits.ts MAX_INFLATED_BYTES), for the whole file.
import { inflateSync } from 'node:zlib';
import type { ByteSource } from '../formats/source.js';
import { chunkCount, type Chunk, type ChunkedLayout, type Filter, type H5Meta, type NativeH5File } from '../formats/hdf5/native/index.js';
import type { InflateBudget } from '../formats/keras-zip/budget.js';

/** Chunks read for one dataset at most (h5py's own guess keeps chunks near 1 MiB: 10^6 is a TB). */
export const MAX_CHUNKS = 1_000_000;
/** Bytes of one chunk, and of one band of rows, held at most (h5py's guess stays under 1 MiB). */
export const MAX_CHUNK_BYTES = 64 * 1024 * 1024;
export const MAX_BAND_BYTES = 64 * 1024 * 1024;

const DEFLATE = 1;
const SHUFFLE = 2;
const NAMES: Record<number, string> = { 3: 'fletcher32', 4: 'szip', 5: 'nbit', 6: 'scale-offset', 32000: 'lzf', 32001: 'blosc', 32004: 'lz4', 32008: 'bitshuffle', 32015: 'zstd' };

/** A chunk that cannot be read while its tensor is hashed: the tensor is not compared, for this reason. */
export class ValueReadError extends Error {
  override name = 'ValueReadError';
}

export type Pieces = { pieces: () => AsyncGenerator<Uint8Array>; bytes: number; swap: number };

export interface ChunkedFile {
  h5: NativeH5File;
  src: ByteSource;
  /** Where the HDF5 payload starts in `src` (past a user block). */
  base: number;
  budget: InflateBudget;
}

/** The tensor's bytes as pieces, or why they are not read; checked before a byte of data is. */
export function chunkedTensor(f: ChunkedFile, layout: ChunkedLayout, meta: H5Meta, swap: number): Pieces | { why: string } {
  const filters = layout.filters ?? [];
  const other = filters.find((x) => x.id !== DEFLATE && x.id !== SHUFFLE);
  if (other) return { why: `chunked with the ${label(other)} filter (kerascope inflates gzip and shuffle only)` };
  const dims = meta.shape ?? [];
  const elem = meta.size;
  const chunk = layout.chunk.slice(0, -1);
  if (dims.length === 0 || chunk.length !== dims.length) return { why: 'chunked dataset whose chunk and data shapes differ' };
  if (layout.chunk.at(-1) !== elem) return { why: `chunks of ${layout.chunk.at(-1)}-byte elements for a ${elem}-byte datatype` };
  const chunkBytes = chunk.reduce((n, d) => n * d, elem);
  const bandBytes = dims.slice(1).reduce((n, d) => n * d, chunk[0]! * elem);
  const bytes = meta.total_size * elem;
  if (chunkBytes > MAX_CHUNK_BYTES) return { why: `chunks of ${chunkBytes} bytes (kerascope holds at most ${MAX_CHUNK_BYTES})` };
  if (bandBytes > MAX_BAND_BYTES) return { why: `a row of chunks holds ${bandBytes} bytes (kerascope holds at most ${MAX_BAND_BYTES})` };
  if (bytes > f.budget.left) return { why: `its ${bytes} bytes are past what is left of the ${f.budget.total} bytes kerascope inflates from one file` };
  const chunks = f.h5.chunks(layout, dims, MAX_CHUNKS);
  const missing = chunkCount(dims, chunk) - chunks.length;
  if (missing > 0) return { why: `${missing} chunks never written (their fill value is not read)` };
  const bad = storedBadly(chunks, f, chunkBytes, filters);
  if (bad) return { why: bad };
  return { bytes, swap, pieces: () => bands(f, chunks, { dims, chunk, elem, chunkBytes, filters }) };
}

function label(x: Filter): string {
  return `${x.name || NAMES[x.id] || 'unknown'} (${x.id})`;
}

/**
 * Stored bytes inside the payload, no two chunks sharing any (each byte is read once, so the time
 * is bounded by the file's size), and no larger than deflate could make the chunk
 * (zlib's compressBound) or, unfiltered, than the chunk itself.
 */
function storedBadly(chunks: Chunk[], f: ChunkedFile, chunkBytes: number, filters: Filter[]): string | null {
  const deflated = (c: Chunk) => filters.some((x, i) => x.id === DEFLATE && !(c.mask & (1 << i)));
  const bound = chunkBytes + (chunkBytes >> 12) + (chunkBytes >> 14) + (chunkBytes >> 25) + 13;
  let end = 0;
  for (const c of [...chunks].sort((a, b) => a.address - b.address)) {
    const at = `chunk at (${c.offsets.join(', ')})`;
    if (c.address < end) return `${at} overlaps another chunk's stored bytes`;
    if (f.base + c.address + c.size > f.src.size) return `${at} lies past the end of the file`;
    if (c.size > (deflated(c) ? bound : chunkBytes)) return `${at} stores ${c.size} bytes for a ${chunkBytes}-byte chunk`;
    end = c.address + c.size;
  }
  return null;
}

interface Shape {
  dims: number[];
  chunk: number[];
  elem: number;
  chunkBytes: number;
  filters: Filter[];
}

/** The dataset in C order, one band of rows (the chunks sharing their first offset) at a time. */
async function* bands(f: ChunkedFile, chunks: Chunk[], s: Shape): AsyncGenerator<Uint8Array> {
  const rowBytes = s.dims.slice(1).reduce((n, d) => n * d, s.elem);
  const byBand = new Map<number, Chunk[]>();
  for (const c of chunks) {
    const b = c.offsets[0]! / s.chunk[0]!;
    const list = byBand.get(b);
    if (list) list.push(c);
    else byBand.set(b, [c]);
  }
  for (let b = 0; b * s.chunk[0]! < s.dims[0]!; b++) {
    const first = b * s.chunk[0]!;
    const band = Buffer.alloc(Math.min(s.chunk[0]!, s.dims[0]! - first) * rowBytes);
    for (const c of byBand.get(b) ?? []) {
      const raw = unfiltered(await f.src.read(f.base + c.address, c.size), c, s, f.budget);
      place(band, first, raw, c.offsets, s);
    }
    yield band;
  }
}

/** The chunk's bytes with the pipeline undone, last filter first; exactly a chunk's bytes. */
function unfiltered(stored: Uint8Array, c: Chunk, s: Shape, budget: InflateBudget): Buffer {
  const at = `chunk at (${c.offsets.join(', ')})`;
  if (budget.left < s.chunkBytes) throw new ValueReadError(`${at}: past the ${budget.total} bytes kerascope inflates from one file`);
  let b = Buffer.from(stored.buffer, stored.byteOffset, stored.byteLength);
  for (let i = s.filters.length - 1; i >= 0; i--) {
    if (c.mask & (1 << i)) continue; // the writer skipped this filter for this chunk
    const x = s.filters[i]!;
    if (x.id === DEFLATE) {
      try {
        b = inflateSync(b, { maxOutputLength: s.chunkBytes });
      } catch (e) {
        throw new ValueReadError(`${at} does not inflate to its ${s.chunkBytes} bytes (${e instanceof Error ? e.message : String(e)})`);
      }
    } else b = unshuffled(b, x.values[0] || s.elem);
  }
  if (b.length !== s.chunkBytes) throw new ValueReadError(`${at} holds ${b.length} bytes, not ${s.chunkBytes}`);
  budget.used += b.length;
  return b;
}

/** Shuffle stores byte k of every element together; a tail shorter than an element stays as is. */
function unshuffled(b: Buffer, size: number): Buffer {
  const n = Math.floor(b.length / size);
  if (size <= 1 || n <= 1) return b;
  const out = Buffer.from(b); // the tail
  for (let k = 0; k < size; k++) for (let i = 0; i < n; i++) out[i * size + k] = b[k * n + i]!;
  return out;
}

/**
 * Copies the part of a chunk inside the dataset into the band that starts at row `first`: one run
 * along the last dimension per index of the others (a chunk at an edge is stored whole; its
 * part past the dataset is dropped).
 */
function place(band: Buffer, first: number, raw: Buffer, offsets: number[], s: Shape): void {
  const rank = s.dims.length;
  const extent = s.chunk.map((c, d) => Math.min(c, s.dims[d]! - offsets[d]!));
  const dataStride = strides(s.dims);
  const chunkStride = strides(s.chunk);
  const run = extent[rank - 1]! * s.elem;
  const index = new Array<number>(rank).fill(0);
  for (;;) {
    let from = 0;
    let to = 0;
    for (let d = 0; d < rank; d++) {
      const i = d < rank - 1 ? index[d]! : 0;
      from += i * chunkStride[d]! * s.elem;
      to += (offsets[d]! + i - (d === 0 ? first : 0)) * dataStride[d]! * s.elem;
    }
    raw.copy(band, to, from, from + run);
    let d = rank - 2;
    for (; d >= 0; d--) {
      index[d] = index[d]! + 1;
      if (index[d]! < extent[d]!) break;
      index[d] = 0;
    }
    if (d < 0) return;
  }
}

/** Elements between two neighbours along each dimension (C order). */
function strides(shape: number[]): number[] {
  const out = new Array<number>(shape.length).fill(1);
  for (let d = shape.length - 2; d >= 0; d--) out[d] = out[d + 1]! * shape[d + 1]!;
  return out;
}
