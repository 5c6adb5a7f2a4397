// How the native reader walks a structure's bytes (a little-endian cursor), and the two ways it
// stops: it gives up (the engine takes over) or it finds the file broken where it looked.

/** The native reader cannot (or will not) read this file: the HDF5 engine takes over. */
export class NativeGiveUp extends Error {
  override name = 'NativeGiveUp';
}

export function giveUp(why: string): never {
  throw new NativeGiveUp(why);
}

/**
 * The file is broken where the native reader looked (an address past its end, a checksum that
 * fails, a loop, a heap that does not add up). The engine still gets a short try, for its own
 * words; libhdf5 loops forever on some of these (fuzz seeds 12 and 31).
 */
export class NativeCorrupt extends NativeGiveUp {
  override name = 'NativeCorrupt';
}

export function corrupt(why: string): never {
  throw new NativeCorrupt(why);
}

/** The little-endian 32-bit unsigned integer at `p` of `b` (the caller checked the bounds). */
export function le32(b: Uint8Array, p: number): number {
  return (b[p]! | (b[p + 1]! << 8) | (b[p + 2]! << 16)) + b[p + 3]! * 0x1000000;
}

/** A little-endian cursor over one structure's bytes. */
export class Cursor {
  /** A window `pos`…`end` of `buf` (the whole buffer by default). */
  constructor(
    readonly buf: Buffer,
    public pos = 0,
    private readonly sizeOfOffsets = 8,
    private readonly sizeOfLengths = 8,
    readonly end = buf.length,
  ) {}

  get left(): number {
    return this.end - this.pos;
  }

  need(n: number): void {
    if (n < 0 || this.pos + n > this.end) giveUp(`structure ends early (${n} bytes wanted at ${this.pos} of ${this.end})`);
  }

  skip(n: number): void {
    this.need(n);
    this.pos += n;
  }

  u8(): number {
    this.need(1);
    return this.buf[this.pos++]!;
  }

  // u16 and u32 read the bytes themselves: Buffer's readUInt16LE / readUInt32LE are JavaScript
  // with their own argument and bounds checks (`need` already made them), which the optimising
  // compiler inlined into every caller of a cursor, once per object header function (issue 15).
  u16(): number {
    this.need(2);
    const b = this.buf;
    const p = this.pos;
    this.pos = p + 2;
    return b[p]! | (b[p + 1]! << 8);
  }

  u32(): number {
    this.need(4);
    const p = this.pos;
    this.pos = p + 4;
    return le32(this.buf, p);
  }

  /** An unsigned integer of `n` bytes (1–8); past 2^53 the reader gives up. */
  uint(n: number): number {
    this.need(n);
    let v = 0;
    for (let i = n - 1; i >= 0; i--) v = v * 256 + this.buf[this.pos + i]!;
    this.pos += n;
    if (!Number.isSafeInteger(v)) giveUp('integer past 2^53');
    return v;
  }

  /** A file address; the all-ones "undefined address" is -1. */
  addr(): number {
    return this.uintOrAllOnes(this.sizeOfOffsets);
  }

  len(): number {
    const n = this.lenOrUnlimited();
    return n === -1 ? giveUp('undefined length') : n;
  }

  /** A length that may be all ones (H5S_UNLIMITED, H5F_UNLIMITED): -1 then. */
  lenOrUnlimited(): number {
    return this.uintOrAllOnes(this.sizeOfLengths);
  }

  /** An unsigned integer of `n` bytes, or -1 when every byte is 0xff (HDF5's "undefined"). */
  private uintOrAllOnes(n: number): number {
    this.need(n);
    for (let i = 0; i < n; i++) if (this.buf[this.pos + i] !== 0xff) return this.uint(n);
    this.pos += n;
    return -1;
  }

  bytes(n: number): Buffer {
    this.need(n);
    const b = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return b;
  }

  /** A NUL-terminated string (the NUL consumed). */
  cstring(): Buffer {
    const end = this.buf.indexOf(0, this.pos);
    if (end < 0 || end >= this.end) giveUp('string without its terminator');
    const b = this.buf.subarray(this.pos, end);
    this.pos = end + 1;
    return b;
  }

  /** The next `n` bytes as a cursor of their own (no copy). */
  sub(n: number): Cursor {
    this.need(n);
    const c = new Cursor(this.buf, this.pos, this.sizeOfOffsets, this.sizeOfLengths, this.pos + n);
    this.pos += n;
    return c;
  }

  signature(sig: string): void {
    const got = this.bytes(4).toString('latin1');
    if (got !== sig) giveUp(`expected ${sig}, found ${JSON.stringify(got)}`);
  }
}
