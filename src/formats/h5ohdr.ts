// HDF5 object headers read from the file's own bytes, for what h5wasm 0.10.3 does not expose:
// whether a dataset keeps its raw data in other host files (H5Pset_external: the object header's
// External Data Files message, type 0x0007, whose names sit in a local heap).
//
// Only small positional reads: the superblock's first bytes, the object header of each dataset
// asked about (its address comes from the engine, an HDF5 object reference), the header's
// continuation chunks, and the heap of file names. Never a scan of the file. Layout: HDF5 File
// Format Specification 3.0 — superblock (II.A), local heap (III.D), object header version 1 and 2
// (IV.A.1.a/b), External Data Files (IV.A.2.h) and continuation (IV.A.2.q) messages.
/** `buf.length` bytes at `position` of the HDF5 payload (a host file, or a zip member in place). */
export type ReadAt = (position: number, buf: Buffer) => number;

/** What every header read needs from the superblock. */
export interface H5Geometry {
  /** Where the superblock sits: every address in the file is relative to it (the user block before). */
  base: number;
  offsetSize: number;
  lengthSize: number;
  /** Payload size: nothing past it is read. */
  size: number;
}

/** Header bytes one file may make us read in all; then the remaining datasets are not checked. */
export const HEADER_BYTES_PER_FILE = 16 * 1024 * 1024;
/** Chunks (the first one plus continuations) followed per object header. */
const CHUNKS_PER_HEADER = 256;
const MSG_EXTERNAL_FILES = 0x0007;
const MSG_CONTINUATION = 0x0010;
const NAME_MAX = 4096;
/** Bytes of the name heap read: names past it are not shown. */
const NAME_HEAP_MAX = 64 * 1024;

export class ReadBudget {
  constructor(public left = HEADER_BYTES_PER_FILE) {}
}

/** One entry of an External Data Files message: a host file name and the bytes it is said to hold. */
export interface ExternalFile {
  /** Null when the name heap could not be read. */
  name: string | null;
  /** Null when unreadable; `size` null also for H5F_UNLIMITED (the file may grow without bound). */
  offset: number | null;
  size: number | null;
}

/** The field sizes of the superblock at `base` (where the signature was found), or null. */
export function readGeometry(read: ReadAt, size: number, base: number): H5Geometry | null {
  const b = Buffer.alloc(16);
  if (read(base, b) !== 16) return null;
  // Version 0/1: offsets and lengths sizes at bytes 13 and 14; version 2/3 at 9 and 10.
  const [offsetSize, lengthSize] = b[8]! <= 1 ? [b[13]!, b[14]!] : [b[9]!, b[10]!];
  if (![2, 4, 8].includes(offsetSize) || ![2, 4, 8].includes(lengthSize)) return null;
  return { base, offsetSize, lengthSize, size };
}

/** Thrown inside the parser when a read falls outside the file, the budget, or the format. */
class Stop extends Error {}

class Reader {
  constructor(
    readonly g: H5Geometry,
    private readonly read: ReadAt,
    private readonly budget: ReadBudget,
  ) {}

  /** `length` bytes at file address `address` (relative to the base). */
  bytes(address: number, length: number): Buffer {
    const at = this.g.base + address;
    if (!Number.isSafeInteger(at) || length < 0 || at < 0 || at + length > this.g.size) throw new Stop('outside the file');
    if (length > this.budget.left) throw new Stop('budget');
    this.budget.left -= length;
    const buf = Buffer.alloc(length);
    if (this.read(at, buf) !== length) throw new Stop('short read');
    return buf;
  }

  offset(buf: Buffer, at: number): number {
    return uint(buf, at, this.g.offsetSize);
  }

  length(buf: Buffer, at: number): number {
    return uint(buf, at, this.g.lengthSize);
  }
}

/** A little-endian unsigned integer of 2, 4 or 8 bytes; the undefined address and past 2^53 stop. */
function uint(buf: Buffer, at: number, width: number): number {
  if (at + width > buf.length) throw new Stop('field past the message');
  if (width === 2) return buf.readUInt16LE(at);
  if (width === 4) return buf.readUInt32LE(at);
  const v = buf.readBigUInt64LE(at);
  if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new Stop('address past 2^53 (or undefined)');
  return Number(v);
}

interface Message {
  type: number;
  flags: number;
  data: Buffer;
}

/** Each message of the object header at `address`, in order, following continuation chunks. */
function eachMessage(r: Reader, address: number, visit: (m: Message) => void): void {
  const prefix = r.bytes(address, 16);
  const v2 = prefix.toString('latin1', 0, 4) === 'OHDR';
  const chunks: { at: number; length: number; first: boolean }[] = [];
  let headerFlags = 0;
  if (v2) {
    if (prefix[4] !== 2) throw new Stop('object header version');
    headerFlags = prefix[5]!;
    // Optional times (16 bytes) and attribute phase change values (4), then chunk #0's size.
    let p = 6 + (headerFlags & 0x20 ? 16 : 0) + (headerFlags & 0x10 ? 4 : 0);
    const width = 1 << (headerFlags & 0x03);
    const head = p + width <= 16 ? prefix : r.bytes(address, p + width);
    const size = width === 1 ? head[p]! : uint(head, p, width);
    p += width;
    chunks.push({ at: address + p, length: size, first: true });
  } else {
    if (prefix[0] !== 1) throw new Stop('object header version');
    // Version 1: 12 bytes of prefix padded to 16, then the first chunk's messages.
    chunks.push({ at: address + 16, length: prefix.readUInt32LE(8), first: true });
  }
  const headLen = v2 ? 4 + (headerFlags & 0x04 ? 2 : 0) : 8;
  for (let i = 0; i < chunks.length; i++) {
    if (i >= CHUNKS_PER_HEADER) throw new Stop('too many continuation chunks');
    const c = chunks[i]!;
    let buf = r.bytes(c.at, c.length);
    if (v2 && !c.first) {
      // A version 2 continuation chunk: "OCHK", messages, a 4-byte checksum.
      if (buf.length < 8 || buf.toString('latin1', 0, 4) !== 'OCHK') throw new Stop('continuation signature');
      buf = buf.subarray(4, buf.length - 4);
    }
    for (let p = 0; p + headLen <= buf.length; ) {
      const type = v2 ? buf[p]! : buf.readUInt16LE(p);
      const size = v2 ? buf.readUInt16LE(p + 1) : buf.readUInt16LE(p + 2);
      const flags = v2 ? buf[p + 3]! : buf[p + 4]!;
      const data = buf.subarray(p + headLen, p + headLen + size);
      if (data.length < size) throw new Stop('message past its chunk');
      if (type === MSG_CONTINUATION) {
        chunks.push({ at: r.offset(data, 0), length: r.length(data, r.g.offsetSize), first: false });
      }
      visit({ type, flags, data });
      p += headLen + size;
    }
  }
}

/** A length field that may be H5F_UNLIMITED (all ones) or past 2^53: null then. */
function sizeField(r: Reader, buf: Buffer, at: number): number | null {
  try {
    return r.length(buf, at);
  } catch (e) {
    if (e instanceof Stop && at + r.g.lengthSize <= buf.length) return null;
    throw e;
  }
}

/** The files of an External Data Files message, names read from its local heap. */
function externalFilesOf(r: Reader, data: Buffer): ExternalFile[] {
  const O = r.g.offsetSize;
  const L = r.g.lengthSize;
  // Version, 3 reserved bytes, allocated slots (2), used slots (2), heap address, then the slots.
  const used = uint(data, 6, 2);
  const slots: { nameAt: number | null; offset: number | null; size: number | null }[] = [];
  for (let i = 0, p = 8 + O; i < used && p + 3 * L <= data.length; i++, p += 3 * L) {
    slots.push({ nameAt: sizeField(r, data, p), offset: sizeField(r, data, p + L), size: sizeField(r, data, p + 2 * L) });
  }
  let seg: Buffer | null = null;
  try {
    const heap = r.offset(data, 8);
    const h = r.bytes(heap, 8 + 2 * L + O);
    if (h.toString('latin1', 0, 4) !== 'HEAP') throw new Stop('heap signature');
    seg = r.bytes(r.offset(h, 8 + 2 * L), Math.min(r.length(h, 8), NAME_HEAP_MAX));
  } catch (e) {
    if (!(e instanceof Stop)) throw e;
  }
  const name = (at: number | null): string | null => {
    if (!seg || at === null || at >= seg.length) return null;
    const end = seg.indexOf(0, at);
    return seg.toString('utf8', at, Math.min(end < 0 ? seg.length : end, at + NAME_MAX));
  };
  return slots.map((s) => ({ name: name(s.nameAt), offset: s.offset, size: s.size }));
}

const UNNAMED: ExternalFile = { name: null, offset: null, size: null };

/**
 * The external raw data files of the dataset whose object header is at `address`: [] when it has
 * none, null when its header could not be read (outside the file, malformed, or the budget spent)
 * before any was found.
 */
export function externalFiles(g: H5Geometry, read: ReadAt, address: number, budget: ReadBudget): ExternalFile[] | null {
  const r = new Reader(g, read, budget);
  const out: ExternalFile[] = [];
  try {
    eachMessage(r, address, (m) => {
      if (m.type !== MSG_EXTERNAL_FILES) return;
      // A shared message (flag bit 1) holds a reference, not the list: named without its files.
      let files: ExternalFile[] = [];
      if (!(m.flags & 0x02)) {
        try {
          files = externalFilesOf(r, m.data);
        } catch (e) {
          if (!(e instanceof Stop)) throw e;
        }
      }
      out.push(...(files.length ? files : [UNNAMED]));
    });
  } catch (e) {
    if (!(e instanceof Stop)) throw e;
    return out.length ? out : null;
  }
  return out;
}

/** The message types of the object header at `address`, in order (tests), or null if unreadable. */
export function messageTypes(g: H5Geometry, read: ReadAt, address: number): number[] | null {
  const types: number[] = [];
  try {
    eachMessage(new Reader(g, read, new ReadBudget()), address, (m) => types.push(m.type));
  } catch (e) {
    if (e instanceof Stop) return null;
    throw e;
  }
  return types;
}
