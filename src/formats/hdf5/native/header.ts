// Object headers (File Format Specification v3, section IV.A): version 1 (h5py's default) and
// version 2 ("OHDR", libver ≥ 1.8, h5wasm), with their continuation blocks, read into a list
// of raw messages. Bounded: every continuation block is read once, and a header may not claim
// more bytes than the file holds.
import { checksumOk } from './lookup3.js';
import type { BlockCache } from './blocks.js';
import { corrupt, Cursor, giveUp, le32 } from './cursor.js';

/**
 * Every object header message of one file, flat: four numbers each (type, flags, and where its bytes
 * start and end in its buffer) and the buffer they sit in (no copy per message; often a whole
 * cached block). One object per message, 42,000 of them on a 2,000-layer file, kept for the whole
 * read, were a third of what the reader held and what the garbage collector copied (issue 15).
 */
export class MessageTable {
  private fields = new Int32Array(1024);
  private readonly bufs: Buffer[] = [];
  size = 0;

  add(type: number, flags: number, buf: Buffer, start: number, end: number): void {
    const k = 4 * this.size;
    if (k + 4 > this.fields.length) {
      const grown = new Int32Array(2 * this.fields.length);
      grown.set(this.fields);
      this.fields = grown;
    }
    const f = this.fields;
    f[k] = type;
    f[k + 1] = flags;
    f[k + 2] = start;
    f[k + 3] = end;
    this.bufs.push(buf);
    this.size++;
  }

  type(i: number): number {
    return this.fields[4 * i]!;
  }

  flags(i: number): number {
    return this.fields[4 * i + 1]!;
  }

  /** A fresh cursor over message `i`'s data. */
  cursor(i: number, sizes: Sizes): Cursor {
    return new Cursor(this.bufs[i]!, this.fields[4 * i + 2]!, sizes.o, sizes.l, this.fields[4 * i + 3]!);
  }
}

/** The messages of one object header: `count` messages of `table` from `first`. */
export class MessageList {
  constructor(
    readonly table: MessageTable,
    readonly first: number,
    readonly count: number,
  ) {}

  /** The type of each message, in order. */
  types(): number[] {
    const out: number[] = [];
    for (let i = 0; i < this.count; i++) out.push(this.table.type(this.first + i));
    return out;
  }
}

/** Message types (section IV.A.2). */
export const MSG = {
  nil: 0x0000,
  dataspace: 0x0001,
  linkInfo: 0x0002,
  datatype: 0x0003,
  fillValueOld: 0x0004,
  fillValue: 0x0005,
  link: 0x0006,
  externalFiles: 0x0007,
  layout: 0x0008,
  filterPipeline: 0x000b,
  attribute: 0x000c,
  continuation: 0x0010,
  symbolTable: 0x0011,
  attributeInfo: 0x0015,
} as const;

/** A message that points elsewhere (a shared, committed datatype…): the engine resolves those. */
const SHARED = 0x02;

/** At most this many continuation blocks per header. */
const MAX_BLOCKS = 4096;

interface Block {
  at: number;
  size: number;
}

export interface Sizes {
  o: number;
  l: number;
}

/** The messages of the object header at `at`, added to `table` (a table of their own by default). */
export function readObjectHeader(src: BlockCache, at: number, sizes: Sizes, table = new MessageTable()): MessageList {
  const first = src.cursor(at, 4);
  const b = first.buf;
  const p = first.pos;
  const from = table.size;
  // "OHDR", compared byte by byte: no string made per header.
  if (b[p] === 0x4f && b[p + 1] === 0x48 && b[p + 2] === 0x44 && b[p + 3] === 0x52) readV2(src, at, sizes, table);
  else if (b[p] === 1) readV1(src, at, sizes, table);
  else giveUp(`object header at ${at} has version ${b[p]}`);
  return new MessageList(table, from, table.size - from);
}

function readV1(src: BlockCache, at: number, sizes: Sizes, table: MessageTable): void {
  const h = src.cursor(at, 16);
  h.skip(2); // version, reserved
  const count = h.u16();
  h.skip(4); // reference count
  const size = h.u32();
  const from = table.size;
  const blocks: Block[] = [{ at: at + 16, size }];
  const seen = new Set<number>();
  while (blocks.length) {
    const b = blocks.shift()!;
    if (seen.has(b.at) || seen.size >= MAX_BLOCKS) corrupt(`object header at ${at}: continuation loop`);
    seen.add(b.at);
    const c = src.cursor(b.at, b.size, sizes.o, sizes.l);
    // Version 1 messages fill their chunk exactly, each 8-byte aligned (libhdf5 refuses a gap or
    // an odd size: "gap found in early version of file format", "message not aligned").
    while (c.left >= 8) {
      const type = c.u16();
      const len = c.u16();
      const flags = c.u8();
      c.skip(3);
      if (len % 8) corrupt(`object header at ${at}: message not aligned`);
      take(c, type, flags, len, table, blocks, sizes);
    }
    if (c.left) corrupt(`object header at ${at}: gap in a version 1 header`);
  }
  const read = table.size - from;
  if (read !== count) corrupt(`object header at ${at}: ${read} of ${count} messages`);
}

function readV2(src: BlockCache, at: number, sizes: Sizes, table: MessageTable): void {
  const pre = src.cursor(at, Math.min(src.length - at, 4 + 2 + 16 + 4 + 8));
  const base = pre.pos;
  pre.skip(4);
  if (pre.u8() !== 2) giveUp(`object header at ${at}: OHDR version`);
  const flags = pre.u8();
  if (flags & 0x20) pre.skip(16); // access, modification, change, birth times
  if (flags & 0x10) pre.skip(4); // attribute phase change values
  const chunk0 = pre.uint(1 << (flags & 0x03));
  const prefix = pre.pos - base;
  const whole = src.cursor(at, prefix + chunk0 + 4);
  const w = whole.pos;
  if (!checksumOk(whole.buf, le32(whole.buf, w + prefix + chunk0), w, w + prefix + chunk0)) corrupt(`object header at ${at}: checksum`);
  const ordered = (flags & 0x04) !== 0;
  const blocks: Block[] = [];
  v2Messages(new Cursor(whole.buf, w + prefix, 8, 8, w + prefix + chunk0), ordered, table, blocks, sizes);
  if (!blocks.length) return;
  const seen = new Set<number>();
  while (blocks.length) {
    const b = blocks.shift()!;
    if (seen.has(b.at) || seen.size >= MAX_BLOCKS) corrupt(`object header at ${at}: continuation loop`);
    seen.add(b.at);
    if (b.size < 8) giveUp(`object header at ${at}: continuation block of ${b.size} bytes`);
    const block = src.cursor(b.at, b.size);
    const buf = block.buf;
    const o = block.pos;
    if (buf[o] !== 0x4f || buf[o + 1] !== 0x43 || buf[o + 2] !== 0x48 || buf[o + 3] !== 0x4b) giveUp(`object header at ${at}: continuation without OCHK`);
    if (!checksumOk(buf, le32(buf, o + b.size - 4), o, o + b.size - 4)) corrupt(`object header at ${at}: continuation checksum`);
    v2Messages(new Cursor(buf, o + 4, 8, 8, o + b.size - 4), ordered, table, blocks, sizes);
  }
}

function v2Messages(c: Cursor, ordered: boolean, table: MessageTable, blocks: Block[], sizes: Sizes): void {
  const headerSize = ordered ? 6 : 4;
  // Fewer bytes left than a message header: a gap (section IV.A.1.b).
  while (c.left >= headerSize) {
    const type = c.u8();
    const len = c.u16();
    const flags = c.u8();
    if (ordered) c.skip(2);
    take(c, type, flags, len, table, blocks, sizes);
  }
}

/** The message of `len` bytes at the cursor, added to the table; a continuation's block is queued. */
function take(c: Cursor, type: number, flags: number, len: number, table: MessageTable, blocks: Block[], sizes: Sizes): void {
  c.need(len);
  const start = c.pos;
  c.pos += len;
  table.add(type, flags, c.buf, start, start + len);
  if (type === MSG.continuation) {
    const m = new Cursor(c.buf, start, sizes.o, sizes.l, start + len);
    const at = m.addr();
    blocks.push({ at, size: m.len() });
  }
}

/** A fresh cursor over message `i` of `list` (0 ≤ i < list.count). */
export function cursor(list: MessageList, i: number, sizes: Sizes): Cursor {
  return list.table.cursor(list.first + i, sizes);
}

/** The positions in `list` of the messages of `type`; a shared one (stored elsewhere) sends the file to the engine. */
export function messagesOf(list: MessageList, type: number): number[] {
  // Index loops: this and singleOf run several times for each of thousands of object headers,
  // mostly before V8 optimises them, when an iterator or a callback costs an object each.
  const t = list.table;
  const out: number[] = [];
  for (let i = 0; i < list.count; i++) if (t.type(list.first + i) === type) out.push(i);
  for (let i = 0; i < out.length; i++) if (t.flags(list.first + out[i]!) & SHARED) giveUp(`shared message of type ${type}`);
  return out;
}

/**
 * The position in `list` of the one message of `type` an object may carry; -1 when absent.
 * `single(messagesOf(…))` in one pass with no list made (it runs for every object header of a
 * file): a shared message gives up first, then a second one. The caller decodes it: a decoder
 * passed in made this one call site see every decoder, and the optimised code was thrown away at
 * each new one (issue 15).
 */
export function singleOf(list: MessageList, type: number): number {
  const t = list.table;
  let found = -1;
  let count = 0;
  for (let i = 0; i < list.count; i++) {
    if (t.type(list.first + i) !== type) continue;
    if (t.flags(list.first + i) & SHARED) giveUp(`shared message of type ${type}`);
    if (found < 0) found = i;
    count++;
  }
  if (count > 1) giveUp('a message that must be single appears twice');
  return found;
}
