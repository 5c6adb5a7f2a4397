// Object headers (File Format Specification v3, section IV.A): version 1 (h5py's default) and
// version 2 ("OHDR", libver ≥ 1.8, h5wasm), with their continuation blocks, read into a list
// of raw messages. Bounded: every continuation block is read once, and a header may not claim
// more bytes than the file holds.
import { checksumOk } from './lookup3.js';
import type { BlockCache } from './blocks.js';
import { corrupt, Cursor, giveUp } from './cursor.js';

/** A message: its bytes are `buf[start, end)` (no copy per message; `buf` is often a whole cached block). */
export interface RawMessage {
  type: number;
  flags: number;
  buf: Buffer;
  start: number;
  end: number;
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

export function readObjectHeader(src: BlockCache, at: number, sizes: Sizes): RawMessage[] {
  const first = src.cursor(at, 4);
  const b = first.buf;
  const p = first.pos;
  // "OHDR", compared byte by byte: no string made per header.
  if (b[p] === 0x4f && b[p + 1] === 0x48 && b[p + 2] === 0x44 && b[p + 3] === 0x52) return readV2(src, at, sizes);
  if (b[p] === 1) return readV1(src, at, sizes);
  return giveUp(`object header at ${at} has version ${b[p]}`);
}

function readV1(src: BlockCache, at: number, sizes: Sizes): RawMessage[] {
  const h = src.cursor(at, 16);
  h.skip(2); // version, reserved
  const count = h.u16();
  h.skip(4); // reference count
  const size = h.u32();
  const messages: RawMessage[] = [];
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
      take(message(c, type, flags, len), messages, blocks, sizes);
    }
    if (c.left) corrupt(`object header at ${at}: gap in a version 1 header`);
  }
  if (messages.length !== count) corrupt(`object header at ${at}: ${messages.length} of ${count} messages`);
  return messages;
}

function readV2(src: BlockCache, at: number, sizes: Sizes): RawMessage[] {
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
  if (!checksumOk(whole.buf, whole.buf.readUInt32LE(w + prefix + chunk0), w, w + prefix + chunk0)) corrupt(`object header at ${at}: checksum`);
  const ordered = (flags & 0x04) !== 0;
  const messages: RawMessage[] = [];
  const blocks: Block[] = [];
  v2Messages(new Cursor(whole.buf, w + prefix, 8, 8, w + prefix + chunk0), ordered, messages, blocks, sizes);
  if (!blocks.length) return messages;
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
    if (!checksumOk(buf, buf.readUInt32LE(o + b.size - 4), o, o + b.size - 4)) corrupt(`object header at ${at}: continuation checksum`);
    v2Messages(new Cursor(buf, o + 4, 8, 8, o + b.size - 4), ordered, messages, blocks, sizes);
  }
  return messages;
}

function v2Messages(c: Cursor, ordered: boolean, messages: RawMessage[], blocks: Block[], sizes: Sizes): void {
  const headerSize = ordered ? 6 : 4;
  // Fewer bytes left than a message header: a gap (section IV.A.1.b).
  while (c.left >= headerSize) {
    const type = c.u8();
    const len = c.u16();
    const flags = c.u8();
    if (ordered) c.skip(2);
    take(message(c, type, flags, len), messages, blocks, sizes);
  }
}

function take(m: RawMessage, messages: RawMessage[], blocks: Block[], sizes: Sizes): void {
  messages.push(m);
  if (m.type === MSG.continuation) {
    const c = cursor(m, sizes);
    const at = c.addr();
    blocks.push({ at, size: c.len() });
  }
}

function message(c: Cursor, type: number, flags: number, len: number): RawMessage {
  c.need(len);
  const start = c.pos;
  c.pos += len;
  return { type, flags, buf: c.buf, start, end: start + len };
}

/** A fresh cursor over a message's data. */
export function cursor(m: RawMessage, sizes: Sizes): Cursor {
  return new Cursor(m.buf, m.start, sizes.o, sizes.l, m.end);
}

/** Messages of `type`; a shared one (stored elsewhere) sends the file to the engine. */
export function messagesOf(messages: RawMessage[], type: number): RawMessage[] {
  // Index loops: this and singleOf run several times for each of thousands of object headers,
  // mostly before V8 optimises them, when an iterator or a callback costs an object each.
  const out: RawMessage[] = [];
  for (let i = 0; i < messages.length; i++) if (messages[i]!.type === type) out.push(messages[i]!);
  for (let i = 0; i < out.length; i++) if (out[i]!.flags & SHARED) giveUp(`shared message of type ${type}`);
  return out;
}

/**
 * The one message of `type` an object may carry, decoded; null when absent. `single(messagesOf(…))`
 * in one pass with no list made (it runs for every object header of a file): a shared message
 * gives up first, then a second one.
 */
export function singleOf<T>(messages: RawMessage[], type: number, sizes: Sizes, decode: (c: Cursor) => T): T | null {
  let found: RawMessage | null = null;
  let count = 0;
  for (let i = 0; i < messages.length; i++) {
    const m = messages[i]!;
    if (m.type !== type) continue;
    if (m.flags & SHARED) giveUp(`shared message of type ${type}`);
    found ??= m;
    count++;
  }
  if (count > 1) giveUp('a message that must be single appears twice');
  return found ? decode(cursor(found, sizes)) : null;
}
