// External raw data (H5Pset_external): a dataset whose bytes live in other host files, listed by
// the object header's External Data Files message (File Format Specification v3, IV.A.2.h) with
// the names in a local heap. Keras never writes one; the audit names each (never opens it). Read
// tolerantly: a part that cannot be read becomes null, the dataset is still named.
import type { ExternalFile } from './types.js';
import { cursor, MSG, readObjectHeader, type MessageList, type Sizes } from './header.js';
import type { BlockCache } from './blocks.js';
import { corrupt, Cursor, giveUp, NativeGiveUp } from './cursor.js';

const UNNAMED: ExternalFile = { name: null, offset: null, size: null };
/** Bytes of the name heap read: names past it are not shown. */
const NAME_HEAP_MAX = 64 * 1024;
const NAME_MAX = 4096;

/**
 * The files one External Data Files message lists; a shared message (a reference) names none.
 * `strict` (the native reader answering for the whole file): a list it cannot read in full means
 * a broken file, handed over as such, never a half-read list.
 */
export function externalFileList(list: MessageList, i: number, src: BlockCache, s: Sizes, strict = false): ExternalFile[] {
  if (list.table.flags(list.first + i) & 0x02) return strict ? giveUp('shared External Data Files message') : [UNNAMED];
  try {
    const c = cursor(list, i, s);
    c.skip(4); // version, reserved
    c.u16(); // allocated slots
    const used = c.u16();
    const heap = c.addr();
    const slots: { nameAt: number | null; offset: number | null; size: number | null }[] = [];
    for (let i = 0; i < used && c.left >= 3 * s.l; i++) slots.push({ nameAt: lengthOrNull(c, s.l), offset: lengthOrNull(c, s.l), size: lengthOrNull(c, s.l) });
    const names = nameHeap(src, heap, s);
    const files = slots.map((x) => ({ name: nameAt(names, x.nameAt), offset: x.offset, size: x.size }));
    if (strict && (!files.length || files.some((f) => f.name === null)))
      corrupt('External Data Files message whose list or names cannot be read');
    return files.length ? files : [UNNAMED];
  } catch (e) {
    if (strict || !(e instanceof NativeGiveUp)) throw e;
    return [UNNAMED];
  }
}

/**
 * The external files of the dataset whose object header is at `address`: [] when it has none,
 * null when its header could not be read (outside the payload, malformed, past the read budget).
 */
export function externalFilesAt(src: BlockCache, address: number, s: Sizes): ExternalFile[] | null {
  try {
    const list = readObjectHeader(src, address, s);
    const files: ExternalFile[] = [];
    for (let i = 0; i < list.count; i++) if (list.table.type(list.first + i) === MSG.externalFiles) files.push(...externalFileList(list, i, src, s));
    return files;
  } catch (e) {
    if (e instanceof NativeGiveUp) return null;
    throw e;
  }
}

/** A length field that may be H5F_UNLIMITED (all ones) or past 2^53: null then. */
function lengthOrNull(c: Cursor, width: number): number | null {
  const at = c.pos;
  try {
    return c.len();
  } catch (e) {
    if (!(e instanceof NativeGiveUp)) throw e;
    c.pos = at + width;
    return null;
  }
}

function nameHeap(src: BlockCache, at: number, s: Sizes): Buffer | null {
  try {
    const h = new Cursor(src.read(at, 8 + 2 * s.l + s.o), 0, s.o, s.l);
    h.signature('HEAP');
    h.skip(4);
    const size = h.len();
    h.skip(s.l); // free list head (all ones when there is none)
    return src.read(h.addr(), Math.min(size, NAME_HEAP_MAX));
  } catch (e) {
    if (e instanceof NativeGiveUp) return null;
    throw e;
  }
}

function nameAt(heap: Buffer | null, at: number | null): string | null {
  if (!heap || at === null || at >= heap.length) return null;
  const end = heap.indexOf(0, at);
  return heap.toString('utf8', at, Math.min(end < 0 ? heap.length : end, at + NAME_MAX));
}
