// Local heaps (names of a symbol-table group) and global heap collections (the bytes of
// variable-length strings): File Format Specification v3, sections III.D and III.E.
import type { Sizes } from './header.js';
import type { BlockCache } from './blocks.js';
import { corrupt, Cursor, giveUp, NativeCorrupt, NativeGiveUp } from './cursor.js';

/** A local heap's data segment, its free list checked as libhdf5 2.0 checks it. */
export function localHeap(src: BlockCache, at: number, sizes: Sizes): Buffer {
  const c = new Cursor(src.read(at, 8 + 2 * sizes.l + sizes.o), 0, sizes.o, sizes.l);
  c.signature('HEAP');
  if (c.u8() !== 0) giveUp('local heap version');
  c.skip(3);
  const size = c.len();
  const free = c.lenOrUnlimited();
  const data = src.read(c.addr(), size);
  checkFreeList(data, free, sizes.l, at);
  return data;
}

/** H5HL_FREE_NULL: the end of a local heap's free list. */
const FREE_NULL = 1;

/** Each free block: the offset of the next one, and its own size; all inside the data segment. */
function checkFreeList(data: Buffer, first: number, l: number, at: number): void {
  let offset = first;
  for (let n = 0; offset !== FREE_NULL && offset !== -1; n++) {
    if (offset + 2 * l > data.length || n > data.length / (2 * l)) corrupt(`local heap at ${at}: bad free list`);
    const [next, blockSize] = freeBlock(data, offset, l, at);
    if (offset + blockSize > data.length) corrupt(`local heap at ${at}: bad free list`);
    offset = next;
  }
}

/**
 * A free block's two lengths: the next block's offset and this block's size. Either one past 2^53
 * lies past any data segment, so the list is broken (the file is corrupt), not merely beyond what
 * the reader handles: libhdf5 loops forever on such a list (fuzz seed 2, case 7664).
 */
function freeBlock(data: Buffer, offset: number, l: number, at: number): [number, number] {
  const c = new Cursor(data, offset, 8, l);
  try {
    return [c.lenOrUnlimited(), c.len()];
  } catch (e) {
    if (e instanceof NativeGiveUp && !(e instanceof NativeCorrupt)) corrupt(`local heap at ${at}: bad free list`);
    throw e;
  }
}

/** The NUL-terminated string at `offset` of a local heap's data segment. */
export function heapString(heap: Buffer, offset: number): Buffer {
  if (offset >= heap.length) corrupt(`name offset ${offset} past the local heap`);
  const end = heap.indexOf(0, offset);
  if (end < 0) giveUp('local heap name without its terminator');
  return heap.subarray(offset, end);
}

/** Global heap collections of one file, each read once. */
export class GlobalHeap {
  private readonly collections = new Map<number, Map<number, Buffer>>();

  constructor(
    private readonly src: BlockCache,
    private readonly sizes: Sizes,
  ) {}

  object(collection: number, index: number): Buffer {
    const objects = this.collection(collection);
    const o = objects.get(index);
    if (!o) corrupt(`global heap object ${index} missing from its collection at ${collection}`);
    return o;
  }

  private collection(at: number): Map<number, Buffer> {
    let objects = this.collections.get(at);
    if (objects) return objects;
    const { o, l } = this.sizes;
    const head = new Cursor(this.src.read(at, 8 + l), 0, o, l);
    head.signature('GCOL');
    if (head.u8() !== 1) giveUp('global heap version');
    head.skip(3);
    const size = head.len();
    if (size < 8 + l) giveUp('global heap collection too small');
    const c = new Cursor(this.src.read(at, size), 8 + l, o, l);
    objects = new Map();
    // Objects until the free-space object (index 0) or the end; each object's size must fit
    // inside its collection (HDF5 2.0 loops or aborts on one that does not: the fuzzer's find).
    while (c.left >= 8 + l) {
      const index = c.u16();
      c.skip(6); // reference count, reserved
      const n = objectSize(c, at);
      // The free-space object closes the collection and counts its own header (a wrong size
      // makes HDF5 2.0 loop forever: fixtures/audit/regress/h5-attr-loop.weights.h5).
      if (index === 0) {
        if (n !== c.left + 8 + l) corrupt(`global heap collection at ${at}: free space of the wrong size`);
        break;
      }
      if (n > c.left) corrupt(`global heap collection at ${at}: object ${index} runs past its end`);
      objects.set(index, c.bytes(n));
      c.skip(Math.min(c.left, (8 - (n % 8)) % 8));
    }
    this.collections.set(at, objects);
    return objects;
  }
}

/** A global heap object's size; an undefined or absurd one is a broken collection. */
function objectSize(c: Cursor, collection: number): number {
  try {
    return c.len();
  } catch (e) {
    if (e instanceof NativeGiveUp) corrupt(`global heap collection at ${collection}: an object's size is unreadable (${e.message})`);
    throw e;
  }
}
