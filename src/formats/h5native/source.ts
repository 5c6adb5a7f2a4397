// The bytes of one HDF5 payload, read by position through small cached blocks: the native
// reader never reads a file whole (a 4 GB .h5 is served a few kB), and every read is bounded.
import { closeSync, openSync, readSync } from 'node:fs';

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

const BLOCK = 4096;
const SLAB = 64 * BLOCK;
/** Reads above this size are not cached (a long config string). */
const CACHE_UP_TO = 64 * 1024;
/** No single structure of a Keras file's metadata comes near this; a larger claim is a lie. */
const MAX_READ = 256 * 1024 * 1024;
/** Metadata blocks kept in memory at most (64 MB): a file past that goes to the engine. */
const MAX_CACHED_BLOCKS = 16 * 1024;

export class ByteSource {
  /** Bytes read from the file so far (tests prove that weight values are never read). */
  bytesRead = 0;
  private readonly blocks = new Map<number, Buffer>();
  private slab = Buffer.alloc(0);
  private slabUsed = SLAB;
  private fd: number | null;

  /**
   * `offset`/`length`: where the payload sits in `host` (a STORED zip member), or 0 and the
   * file's size. Addresses given to `read` are relative to the payload.
   */
  constructor(
    host: string,
    /** Where the payload starts in `host`. */
    readonly start: number,
    readonly length: number,
    /** Bytes the source may read in all; past them it gives up. */
    private readonly budget = Infinity,
  ) {
    this.fd = openSync(host, 'r');
  }

  /** `n` bytes at payload address `at`; past the payload's end the reader gives up. */
  read(at: number, n: number): Buffer {
    if (!Number.isSafeInteger(at) || !Number.isSafeInteger(n) || at < 0 || n < 0) giveUp(`bad read ${at}+${n}`);
    if (at + n > this.length) corrupt(`address ${at} (+${n} bytes) lies past the end of the HDF5 data (${this.length} bytes)`);
    if (n > MAX_READ) giveUp(`read of ${n} bytes`);
    if (n > CACHE_UP_TO) return this.readRaw(at, n);
    const first = Math.floor(at / BLOCK);
    const last = Math.floor((at + n - 1) / BLOCK);
    if (first === last) {
      const b = this.block(first);
      const start = at - first * BLOCK;
      if (start + n > b.length) corrupt(`short read at ${at}`);
      return b.subarray(start, start + n);
    }
    const out = Buffer.allocUnsafe(n);
    let done = 0;
    for (let i = first; i <= last; i++) {
      const b = this.block(i);
      const start = i === first ? at - first * BLOCK : 0;
      const take = Math.min(b.length - start, n - done);
      if (take <= 0) corrupt(`short read at ${at}`);
      b.copy(out, done, start, start + take);
      done += take;
    }
    return out;
  }

  close(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
    this.blocks.clear();
  }

  private block(i: number): Buffer {
    let b = this.blocks.get(i);
    if (!b) {
      if (this.blocks.size >= MAX_CACHED_BLOCKS) giveUp('metadata larger than the native reader keeps');
      b = this.readRaw(i * BLOCK, Math.min(BLOCK, this.length - i * BLOCK), this.slabPart());
      this.blocks.set(i, b);
    }
    return b;
  }

  /**
   * Blocks are cut from 256 kB slabs: one ArrayBuffer per block made the garbage collector the
   * largest cost on a 2,000-layer file (thousands of external buffers).
   */
  private slabPart(): Buffer {
    if (this.slabUsed + BLOCK > SLAB) {
      this.slab = Buffer.allocUnsafeSlow(SLAB);
      this.slabUsed = 0;
    }
    const part = this.slab.subarray(this.slabUsed, this.slabUsed + BLOCK);
    this.slabUsed += BLOCK;
    return part;
  }

  private readRaw(at: number, n: number, into?: Buffer): Buffer {
    if (this.fd === null) giveUp('closed');
    if (this.bytesRead + n > this.budget) giveUp(`read budget of ${this.budget} bytes spent`);
    const buf = into ? into.subarray(0, n) : Buffer.allocUnsafe(n);
    let done = 0;
    while (done < n) {
      const got = readSync(this.fd, buf, done, n - done, this.start + at + done);
      if (got <= 0) corrupt(`short read at ${at}`);
      done += got;
    }
    this.bytesRead += n;
    return buf;
  }
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

  u16(): number {
    this.need(2);
    const v = this.buf.readUInt16LE(this.pos);
    this.pos += 2;
    return v;
  }

  u32(): number {
    this.need(4);
    const v = this.buf.readUInt32LE(this.pos);
    this.pos += 4;
    return v;
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
