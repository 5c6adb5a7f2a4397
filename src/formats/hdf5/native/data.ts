// Where a dataset's bytes are (issue 13, `kerascope diff --values`: the one place kerascope reads
// weight data). From the data layout message (HDF5 file format spec, IV.A.2.i): a contiguous dataset
// is one run of bytes at an address, a compact one sits inside the message, a chunked one (h5py
// writes them when asked for chunks= or compression=; Keras itself never asks) has its chunks
// indexed by a version 1 B-tree (chunks.ts) — the only chunk index of layout messages 1–3, which
// h5py writes by default. Layout 4 (libver="latest", HDF5 1.10+: single-chunk, implicit, fixed
// array, extensible array and v2 B-tree indexes) and virtual datasets are not read: the caller
// says why their values were not compared.
import type { Cursor } from './cursor.js';
import type { Filter } from './messages.js';

/** A chunked dataset: its B-tree, and the chunk's shape in elements (the element size last, as stored). */
export interface ChunkedLayout {
  kind: 'chunked';
  btree: number;
  chunk: number[];
  /** The filter pipeline, in the order the writer applied it (file.ts fills it in). */
  filters?: Filter[];
}

export type DataLocation =
  | { kind: 'contiguous'; address: number; size: number }
  | { kind: 'compact'; bytes: Buffer }
  | ChunkedLayout
  | { kind: 'unread'; why: string };

/** Layout 4's chunk indexes (spec IV.A.2.i, "Chunk Indexing Type"), named in what is not read. */
const INDEXES = ['', 'single chunk', 'implicit', 'fixed array', 'extensible array', 'version 2 B-tree'];

/** All bits set: an address HDF5 never allocated (a dataset never written holds its fill value). */
const isUndefined = (c: Cursor, at: number, width: number): boolean => {
  for (let i = 0; i < width; i++) if (c.buf[at + i] !== 0xff) return false;
  return true;
};

/** `bytes`: what the dataspace and datatype say the data holds (elements × element size). */
export function dataLocation(c: Cursor, bytes: number, sizeOfOffsets: number): DataLocation {
  const version = c.u8();
  if (version === 1 || version === 2) {
    const rank = c.u8();
    const cls = c.u8();
    c.skip(5);
    if (cls === 2) return chunked(c, rank);
    if (cls !== 1) return { kind: 'unread', why: `layout class ${cls} (HDF5 1.4 layout)` };
    const at = c.pos;
    const address = c.addr();
    c.skip(rank * 4);
    return isUndefined(c, at, sizeOfOffsets) ? { kind: 'unread', why: 'never written (fill value only)' } : { kind: 'contiguous', address, size: bytes };
  }
  if (version !== 3 && version !== 4) return { kind: 'unread', why: `layout version ${version}` };
  const cls = c.u8();
  if (cls === 0) {
    const size = c.u16();
    return { kind: 'compact', bytes: c.bytes(size) };
  }
  if (cls === 1) {
    const at = c.pos;
    const address = c.addr();
    const size = c.len();
    if (isUndefined(c, at, sizeOfOffsets)) return { kind: 'unread', why: 'never written (fill value only)' };
    return { kind: 'contiguous', address, size };
  }
  if (cls === 2 && version === 3) return chunked(c, c.u8());
  if (cls === 2) {
    c.u8(); // flags
    const dimensionality = c.u8();
    c.skip(dimensionality * c.u8()); // the dimensions, each of the width given
    const index = INDEXES[c.u8()] ?? '';
    return { kind: 'unread', why: `chunked dataset of the HDF5 1.10 layout (libver="latest"${index ? `, ${index} index` : ''}): not read` };
  }
  return { kind: 'unread', why: cls === 3 ? 'virtual dataset' : `layout class ${cls}` };
}

/** Layouts 1–3, class 2: the B-tree's address, then the chunk's dimensions (the element size last). */
function chunked(c: Cursor, dimensionality: number): DataLocation {
  const btree = c.addr();
  const chunk: number[] = [];
  for (let i = 0; i < dimensionality; i++) chunk.push(c.u32());
  if (dimensionality < 2 || chunk.some((d) => d === 0)) return { kind: 'unread', why: 'chunked dataset with an empty chunk shape' };
  if (btree === -1) return { kind: 'unread', why: 'never written (fill value only)' };
  return { kind: 'chunked', btree, chunk };
}
