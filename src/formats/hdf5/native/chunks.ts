// The chunks of a chunked dataset (`diff --values` only: the one question about data), from its
// version 1 B-tree of raw data chunks (HDF5 file format spec III.A.1, node type 1), the index of
// layout messages 1–3 and so of every file h5py writes with its default file format. A node is
// "TREE", type, level, entries used, two sibling addresses, then keys and children interleaved:
// a key is the chunk's stored size, its filter mask and its offset in elements (one more
// dimension than the dataset: the element's byte offset, always 0); at level 0 a child is the
// chunk's address, above it a node one level down.
//
// Nothing the file says is trusted to bound the work: the chunks a dataset can have follow from its
// dataspace and chunk shape (at most `max`), each node is read once (a loop is refused), a node
// sits exactly one level below its parent, every key must name a chunk of the dataset at most
// once, and the nodes read never outnumber the chunks they can hold.
import type { BlockCache } from './blocks.js';
import { corrupt, Cursor, giveUp } from './cursor.js';
import type { Sizes } from './header.js';

export interface Chunk {
  /** Offset in elements, one per dataset dimension (each a multiple of the chunk's). */
  offsets: number[];
  /** Stored (filtered) bytes at `address`, relative to the superblock. */
  size: number;
  address: number;
  /** Bit i set: filter i of the pipeline was not applied to this chunk. */
  mask: number;
}

/** A v1 B-tree's levels never come near this (2^64 chunks fit in 11 levels of 64 entries). */
const MAX_LEVEL = 64;

/** How many chunks a dataset of `dims` in chunks of `chunk` (element dims) has. */
export function chunkCount(dims: readonly number[], chunk: readonly number[]): number {
  return dims.reduce((n, d, i) => n * Math.ceil(d / chunk[i]!), 1);
}

/**
 * Every chunk the B-tree at `btree` lists for a dataset of `dims` whose chunks are `chunk` (element
 * dims, the element size last as stored). Gives up past `max` chunks; a tree that breaks the
 * rules above is corrupt.
 */
export function chunkIndex(src: BlockCache, btree: number, chunk: readonly number[], dims: readonly number[], s: Sizes, max: number): Chunk[] {
  const rank = dims.length;
  if (chunk.length !== rank + 1) corrupt(`chunk of ${chunk.length - 1} dimensions for a dataset of ${rank}`);
  const expected = chunkCount(dims, chunk);
  if (expected > max) giveUp(`${expected} chunks (kerascope reads at most ${max} per dataset)`);
  const keyBytes = 8 + 8 * (rank + 1);
  const out: Chunk[] = [];
  const names = new Set<string>();
  const seen = new Set<number>();
  const stack: { at: number; level: number | null }[] = [{ at: btree, level: null }];
  while (stack.length) {
    const { at, level } = stack.pop()!;
    if (seen.has(at)) corrupt(`chunk B-tree node ${at} reached twice`);
    seen.add(at);
    if (seen.size > 2 * expected + 1) corrupt('chunk B-tree has more nodes than the dataset has chunks');
    const head = new Cursor(src.read(at, 8 + 2 * s.o), 0, s.o, s.l);
    head.signature('TREE');
    if (head.u8() !== 1) corrupt(`B-tree node ${at} is not a chunk node`);
    const nodeLevel = head.u8();
    const entries = head.u16();
    if (level === null ? nodeLevel > MAX_LEVEL : nodeLevel !== level) corrupt(`chunk B-tree node ${at} at level ${nodeLevel}, below a node of level ${level === null ? '-' : level + 1}`);
    if (entries > expected - out.length || (entries === 0 && level !== null)) corrupt(`chunk B-tree node ${at} lists ${entries} entries`);
    const c = new Cursor(src.read(at + 8 + 2 * s.o, entries * (keyBytes + s.o) + keyBytes), 0, s.o, s.l);
    const children: number[] = [];
    for (let i = 0; i < entries; i++) {
      const size = c.u32();
      const mask = c.u32();
      const offsets: number[] = [];
      for (let d = 0; d <= rank; d++) offsets.push(c.uint(8));
      const child = c.addr();
      if (nodeLevel > 0) {
        children.push(child);
        continue;
      }
      if (offsets[rank] !== 0 || offsets.some((o, d) => d < rank && (o % chunk[d]! !== 0 || o >= dims[d]!))) corrupt(`chunk at (${offsets.slice(0, rank).join(', ')}) is not a chunk of the dataset`);
      const name = offsets.join(',');
      if (names.has(name)) corrupt(`chunk at (${offsets.slice(0, rank).join(', ')}) listed twice`);
      if (size === 0 || child < 0) corrupt(`chunk at (${offsets.slice(0, rank).join(', ')}) has no stored bytes`);
      names.add(name);
      out.push({ offsets: offsets.slice(0, rank), size, address: child, mask });
    }
    for (const child of children.reverse()) stack.push({ at: child, level: nodeLevel - 1 });
  }
  return out;
}
