// A LevelDB-format table: the layout of TensorFlow's `variables.index` (a TensorBundle's metadata
// table, tensorflow/core/util/tensor_bundle/tensor_bundle.h: "a string-string immutable table").
// TensorFlow keeps its own copy of LevelDB's table code (xla/tsl/lib/io/format.h, block.cc,
// table.cc); the layout, from LevelDB's doc/table_format.md:
//
//   [data block 1] … [data block N] [metaindex block] [index block] [footer: 48 bytes]
//   footer  = metaindex BlockHandle, index BlockHandle (varint64 offset, varint64 size each),
//             zero padding to 40 bytes, magic 0xdb4775248b80fb57 (fixed64, little-endian)
//   block   = entries, then restart offsets (fixed32 each), then their count (fixed32);
//             after the block a 5-byte trailer: compression type (0 none, 1 Snappy), masked crc32c
//   entry   = shared key bytes (varint32), unshared key bytes (varint32), value length (varint32),
//             the unshared key bytes, the value
//   the index block maps a key ≥ each data block's last key to that block's BlockHandle.
//
// TensorFlow's BundleWriter writes no compression (tensor_bundle.cc TableBuilderOptions:
// "o.compression = table::kNoCompression"), but the reader accepts Snappy blocks, and so does this.
// Everything is bounded by the bytes given: a handle or length pointing outside them is an error.

/** A table that does not parse, said in one clause. */
export class TableError extends Error {}

export const TABLE_MAGIC = 0xdb4775248b80fb57n;
const FOOTER_BYTES = 48;
const TRAILER_BYTES = 5;
const NO_COMPRESSION = 0;
const SNAPPY = 1;

export interface TableEntry {
  key: Uint8Array;
  value: Uint8Array;
}

/** Where a block sits in the table file. */
export interface BlockHandle {
  offset: number;
  size: number;
}

/** Reads LevelDB varints from a byte range, never past its end. */
class Varints {
  constructor(
    readonly bytes: Uint8Array,
    public pos: number,
    readonly end: number,
  ) {}

  next(what: string): number {
    let v = 0;
    for (let shift = 0; shift < 64; shift += 7) {
      if (this.pos >= this.end) throw new TableError(`${what}: varint runs past its block`);
      const b = this.bytes[this.pos++]!;
      v += (b & 0x7f) * 2 ** shift;
      if (b < 0x80) {
        if (!Number.isSafeInteger(v)) throw new TableError(`${what}: varint ${v} too large`);
        return v;
      }
    }
    throw new TableError(`${what}: varint longer than 10 bytes`);
  }
}

function u32(bytes: Uint8Array, at: number): number {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(at, true);
}

/** The footer's two handles, after checking the magic number. */
export function readFooter(bytes: Uint8Array): { metaindex: BlockHandle; index: BlockHandle } {
  if (bytes.length < FOOTER_BYTES) throw new TableError(`${bytes.length} bytes, shorter than a table footer (48)`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getBigUint64(bytes.length - 8, true) !== TABLE_MAGIC) throw new TableError('no LevelDB table magic number at its end');
  const v = new Varints(bytes, bytes.length - FOOTER_BYTES, bytes.length - 8);
  const metaindex = { offset: v.next('footer'), size: v.next('footer') };
  const index = { offset: v.next('footer'), size: v.next('footer') };
  return { metaindex, index };
}

/** Inflated bytes allowed across one table's Snappy blocks. */
export interface SnappyBudget {
  left: number;
}

/** The contents of one block, inflated when it is Snappy-compressed. */
export async function readBlock(bytes: Uint8Array, h: BlockHandle, budget: SnappyBudget): Promise<Uint8Array> {
  const end = bytes.length - FOOTER_BYTES;
  if (h.offset + h.size + TRAILER_BYTES > end) throw new TableError(`block at ${h.offset} (${h.size} bytes) runs past the table's data`);
  const raw = bytes.subarray(h.offset, h.offset + h.size);
  const type = bytes[h.offset + h.size]!;
  if (type === NO_COMPRESSION) return raw;
  if (type !== SNAPPY) throw new TableError(`block at ${h.offset}: unknown compression type ${type}`);
  // snappyjs refuses a stream that declares more than maxLength before allocating anything.
  const { uncompress } = await import('snappyjs');
  let out: Uint8Array;
  try {
    out = uncompress(raw, budget.left);
  } catch (e) {
    throw new TableError(`block at ${h.offset}: Snappy stream does not inflate within ${budget.left} bytes (${(e as Error).message})`);
  }
  budget.left -= out.length;
  return out;
}

/** The entries of one block, keys rebuilt from their shared prefixes. */
export function blockEntries(block: Uint8Array, where: string): TableEntry[] {
  if (block.length < 4) throw new TableError(`${where}: ${block.length} bytes, too short for a block`);
  const restarts = u32(block, block.length - 4);
  const restartsAt = block.length - 4 - 4 * restarts;
  if (restarts < 1 || restartsAt < 0) throw new TableError(`${where}: ${restarts} restart points do not fit in ${block.length} bytes`);
  const entries: TableEntry[] = [];
  const v = new Varints(block, 0, restartsAt);
  let key = new Uint8Array(0);
  while (v.pos < restartsAt) {
    const shared = v.next(where);
    const unshared = v.next(where);
    const valueLength = v.next(where);
    if (shared > key.length) throw new TableError(`${where}: an entry shares ${shared} bytes of a ${key.length}-byte key`);
    if (v.pos + unshared + valueLength > restartsAt) throw new TableError(`${where}: an entry runs past its block`);
    const next = new Uint8Array(shared + unshared);
    next.set(key.subarray(0, shared));
    next.set(block.subarray(v.pos, v.pos + unshared), shared);
    key = next;
    v.pos += unshared;
    entries.push({ key, value: block.subarray(v.pos, v.pos + valueLength) });
    v.pos += valueLength;
  }
  return entries;
}

/** A BlockHandle value of the index block. */
function decodeHandle(value: Uint8Array, where: string): BlockHandle {
  const v = new Varints(value, 0, value.length);
  return { offset: v.next(where), size: v.next(where) };
}

/** Every entry of the table, in key order. `maxInflated`: bytes Snappy blocks may inflate to, in all. */
export async function readTable(bytes: Uint8Array, maxInflated: number): Promise<TableEntry[]> {
  const { index } = readFooter(bytes);
  const budget: SnappyBudget = { left: maxInflated };
  const handles = blockEntries(await readBlock(bytes, index, budget), 'index block');
  const entries: TableEntry[] = [];
  for (const [i, h] of handles.entries()) {
    const where = `data block ${i + 1}`;
    for (const e of blockEntries(await readBlock(bytes, decodeHandle(h.value, where), budget), where)) entries.push(e);
  }
  return entries;
}
