// Dense storage: a group's links or an object's attributes kept in a fractal heap and indexed by
// name in a version-2 B-tree (File Format Specification v3, sections III.A.2 and III.G). HDF5
// switches to it past 8 links or attributes in files written with libver ≥ 1.8 (h5wasm does).
// Every record of the name index gives a heap id; each id names an object in a direct block.
import { checksumOk } from './lookup3.js';
import type { Sizes } from './header.js';
import { MAX_LINKS } from './limits.js';
import type { BlockCache } from './blocks.js';
import { corrupt, Cursor, giveUp } from './cursor.js';

const log2 = (n: number) => Math.floor(Math.log2(n));
/** H5VM_limit_enc_size: bytes to encode numbers up to `n`. */
const encSize = (n: number) => Math.floor(log2(n) / 8) + 1;

interface FractalHeap {
  idLength: number;
  width: number;
  startBlock: number;
  maxDirectBlock: number;
  maxHeapBits: number;
  root: number;
  rootRows: number;
  checksummed: boolean;
  offsetSize: number;
  lengthSize: number;
}

function fractalHeap(src: BlockCache, at: number, s: Sizes): FractalHeap {
  const size = 4 + 1 + 2 + 2 + 1 + 4 + 12 * s.l + 3 * s.o + 2 + 2 + 2 + 2 + 2 + 4;
  const buf = src.read(at, size);
  const c = new Cursor(buf, 0, s.o, s.l);
  c.signature('FRHP');
  if (c.u8() !== 0) giveUp('fractal heap version');
  const idLength = c.u16();
  if (c.u16() !== 0) giveUp('fractal heap with I/O filters');
  const flags = c.u8();
  const maxManaged = c.u32();
  c.len(); // next huge object id
  c.addr(); // huge objects' B-tree
  c.len(); // free space in managed blocks
  c.addr(); // free space manager
  c.len(); // managed space
  c.len(); // allocated managed space
  c.len(); // direct block allocation iterator
  c.len(); // managed objects
  const hugeSize = c.len();
  const hugeCount = c.len();
  const tinySize = c.len();
  const tinyCount = c.len();
  if (hugeSize || hugeCount || tinySize || tinyCount) giveUp('fractal heap with huge or tiny objects');
  const width = c.u16();
  const startBlock = c.len();
  const maxDirectBlock = c.len();
  const maxHeapBits = c.u16();
  c.u16(); // starting rows of the root indirect block
  const root = c.addr();
  const rootRows = c.u16();
  if (!checksumOk(buf.subarray(0, c.pos), c.u32())) corrupt('fractal heap header checksum');
  if (width < 1 || width > 65536 || startBlock < 16 || maxDirectBlock < startBlock || maxHeapBits < 1 || maxHeapBits > 64)
    giveUp('fractal heap doubling table');
  // H5HFhdr.c: heap_off_size and heap_len_size.
  const offsetSize = Math.ceil(maxHeapBits / 8);
  const lengthSize = Math.min(Math.floor((log2(maxDirectBlock) + 7) / 8), encSize(maxManaged));
  if (1 + offsetSize + lengthSize > idLength) giveUp('fractal heap id length');
  return { idLength, width, startBlock, maxDirectBlock, maxHeapBits, root, rootRows, checksummed: (flags & 0x02) !== 0, offsetSize, lengthSize };
}

/** Size of the blocks of row `r` of the doubling table. */
function rowBlockSize(h: FractalHeap, r: number): number {
  return r === 0 ? h.startBlock : h.startBlock * 2 ** (r - 1);
}

/** Reads objects of one fractal heap by heap id; direct block addresses come from the root. */
class HeapReader {
  private directBlocks: { offset: number; size: number; address: number }[] | null = null;

  constructor(
    private readonly src: BlockCache,
    private readonly h: FractalHeap,
    private readonly s: Sizes,
  ) {}

  /**
   * For a source that cannot answer at once: the direct blocks asked for now, with the name
   * index's nodes, rather than after them. What goes wrong here is met again, and said, later.
   */
  readAhead(): void {
    if (this.src.answersAtOnce) return;
    try {
      this.blocks();
    } catch {
      // a miss: asked for with this batch; anything else: the real read says it
    }
  }

  object(id: Buffer): Buffer {
    const c = new Cursor(id);
    const kind = c.u8();
    if ((kind & 0xc0) !== 0 || (kind & 0x30) !== 0) giveUp('heap id of a huge or tiny object');
    const offset = c.uint(this.h.offsetSize);
    const length = c.uint(this.h.lengthSize);
    const block = this.blocks().find((b) => offset >= b.offset && offset < b.offset + b.size);
    if (!block || offset + length > block.offset + block.size) corrupt(`heap object at ${offset}+${length} outside every direct block`);
    return this.src.read(block.address + (offset - block.offset), length);
  }

  private blocks(): { offset: number; size: number; address: number }[] {
    if (this.directBlocks) return this.directBlocks;
    const h = this.h;
    if (h.root === -1) return (this.directBlocks = []);
    if (h.rootRows === 0) {
      this.checkDirect(h.root, h.startBlock, 0);
      return (this.directBlocks = [{ offset: 0, size: h.startBlock, address: h.root }]);
    }
    const maxDirectRows = log2(h.maxDirectBlock) - log2(h.startBlock) + 2;
    if (h.rootRows > maxDirectRows) giveUp('fractal heap with nested indirect blocks');
    const entries = h.rootRows * h.width;
    const head = 4 + 1 + this.s.o + h.offsetSize;
    const buf = this.src.read(h.root, head + entries * this.s.o + 4);
    const c = new Cursor(buf, 0, this.s.o, this.s.l);
    c.signature('FHIB');
    if (c.u8() !== 0) giveUp('fractal heap indirect block version');
    c.skip(this.s.o + h.offsetSize);
    if (!checksumOk(buf.subarray(0, buf.length - 4), buf.readUInt32LE(buf.length - 4))) corrupt('fractal heap indirect block checksum');
    // The direct blocks are read one after the other below: a source that cannot answer at once
    // is asked for all of them in one batch.
    const ahead = new Cursor(buf, c.pos, this.s.o, this.s.l);
    for (let r = 0; r < h.rootRows; r++)
      for (let col = 0; col < h.width; col++) {
        const address = ahead.addr();
        if (address !== -1) this.src.prefetch(address, this.h.checksummed ? rowBlockSize(h, r) : 5 + this.s.o + h.offsetSize);
      }
    const out: { offset: number; size: number; address: number }[] = [];
    let offset = 0;
    for (let r = 0; r < h.rootRows; r++) {
      const size = rowBlockSize(h, r);
      for (let col = 0; col < h.width; col++) {
        const address = c.addr();
        if (address !== -1) {
          this.checkDirect(address, size, offset);
          out.push({ offset, size, address });
        }
        offset += size;
      }
    }
    return (this.directBlocks = out);
  }

  /**
   * A direct block's signature, the heap offset it says it holds, and, when the heap says its
   * direct blocks are checksummed, the checksum of the whole block taken with its own field zeroed.
   */
  private checkDirect(address: number, size: number, offset: number): void {
    const head = 5 + this.s.o + this.h.offsetSize;
    if (size < head + (this.h.checksummed ? 4 : 0)) corrupt('fractal heap direct block too small');
    const block = this.src.read(address, this.h.checksummed ? size : head);
    const c = new Cursor(block, 0, this.s.o, this.s.l);
    c.signature('FHDB');
    if (c.u8() !== 0) giveUp('fractal heap direct block version');
    c.addr();
    if (c.uint(this.h.offsetSize) !== offset) corrupt('fractal heap direct block at the wrong offset');
    if (!this.h.checksummed) return;
    const copy = Buffer.from(block);
    const stored = copy.readUInt32LE(head);
    copy.fill(0, head, head + 4);
    if (!checksumOk(copy, stored)) corrupt('fractal heap direct block checksum');
  }

}

/** Every record of a version-2 B-tree, in no particular order. */
function btreeRecords(src: BlockCache, at: number, s: Sizes, type: number): Buffer[] {
  const hb = src.read(at, 4 + 1 + 1 + 4 + 2 + 2 + 1 + 1 + s.o + 2 + s.l + 4);
  const c = new Cursor(hb, 0, s.o, s.l);
  c.signature('BTHD');
  if (c.u8() !== 0) giveUp('v2 B-tree version');
  if (c.u8() !== type) giveUp('v2 B-tree of an unexpected type');
  const nodeSize = c.u32();
  const recordSize = c.u16();
  const depth = c.u16();
  c.skip(2);
  const root = c.addr();
  const rootCount = c.u16();
  const total = c.len();
  if (!checksumOk(hb.subarray(0, c.pos), c.u32())) corrupt('v2 B-tree header checksum');
  if (recordSize < 1 || nodeSize < 16 || depth > 16) giveUp('v2 B-tree shape');
  if (total > MAX_LINKS) giveUp(`v2 B-tree of ${total} records`);
  // H5B2hdr.c H5B2__hdr_init: records per leaf, and the sizes of an internal node's child pointers.
  const maxLeaf = Math.floor((nodeSize - 10) / recordSize);
  if (maxLeaf < 1) giveUp('v2 B-tree node size');
  const countSize = encSize(maxLeaf);
  const cumSize: number[] = [0];
  let cumMax = maxLeaf;
  for (let d = 1; d <= depth; d++) {
    const pointer = s.o + countSize + (d > 1 ? cumSize[d - 1]! : 0);
    const max = Math.floor((nodeSize - (10 + pointer)) / (recordSize + pointer));
    cumMax = (max + 1) * cumMax + max;
    cumSize.push(encSize(cumMax));
  }
  const records: Buffer[] = [];
  const seen = new Set<number>();
  const visit = (address: number, count: number, d: number) => {
    if (address === -1 || count === 0) return;
    if (seen.has(address) || records.length > total) corrupt('v2 B-tree loop');
    seen.add(address);
    const pointer = d > 0 ? s.o + countSize + (d > 1 ? cumSize[d - 1]! : 0) : 0;
    const size = 6 + count * recordSize + (d > 0 ? (count + 1) * pointer : 0) + 4;
    const buf = src.read(address, size);
    const n = new Cursor(buf, 0, s.o, s.l);
    n.signature(d > 0 ? 'BTIN' : 'BTLF');
    if (n.u8() !== 0 || n.u8() !== type) giveUp('v2 B-tree node');
    if (!checksumOk(buf.subarray(0, size - 4), buf.readUInt32LE(size - 4))) corrupt('v2 B-tree node checksum');
    for (let i = 0; i < count; i++) records.push(n.bytes(recordSize));
    if (d === 0) return;
    const children: [number, number][] = [];
    for (let i = 0; i <= count; i++) {
      const child = n.addr();
      const childCount = n.uint(countSize);
      if (d > 1) n.uint(cumSize[d - 1]!);
      children.push([child, childCount]);
    }
    for (const [child] of children) src.prefetch(child, nodeSize);
    for (const [child, childCount] of children) visit(child, childCount, d - 1);
  };
  visit(root, rootCount, depth);
  if (records.length !== total) giveUp(`v2 B-tree holds ${records.length} of ${total} records`);
  return records;
}

/** Type 5: links of an indexed group, by name hash; type 8: attributes, by name hash. */
export function denseObjects(src: BlockCache, heapAt: number, nameIndexAt: number, s: Sizes, kind: 'links' | 'attributes'): Buffer[] {
  // The name index is read right after the heap's header: both asked for in one batch.
  src.prefetch(nameIndexAt, 64);
  const h = fractalHeap(src, heapAt, s);
  // The heap's root block is read once the name index is: asked for with its nodes.
  if (h.root !== -1) src.prefetch(h.root, h.rootRows === 0 ? h.startBlock : 5 + s.o + h.offsetSize + h.rootRows * h.width * s.o + 4);
  const type = kind === 'links' ? 5 : 8;
  const reader = new HeapReader(src, h, s);
  reader.readAhead();
  return btreeRecords(src, nameIndexAt, s, type).map((r) => {
    // Type 5 record: hash (4) + heap id; type 8: heap id (8) + flags (1) + creation order (4) + hash (4).
    const id = kind === 'links' ? r.subarray(4) : r.subarray(0, 8);
    if (kind === 'attributes' && r[8]! & 0x03) giveUp('dense attribute with a shared datatype or dataspace');
    return reader.object(id.subarray(0, h.idLength));
  });
}
