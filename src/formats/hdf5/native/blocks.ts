// The bytes of one HDF5 payload as the native reader sees them: synchronous reads by position
// through small cached blocks. The reader never reads a file whole (a 4 GB .h5 is served a few
// kB), and every read is bounded.
//
// The reader is synchronous (one object header after another, thousands per file, no promise per
// read). A source that can answer at once (a local file, a buffer) fills the cache as the reader
// goes. A source that cannot (a remote file, a browser File) makes a read that misses throw
// NeedBytes: the caller fetches every range the pass wanted in one batch (`fetchWanted`) and runs
// the reader again; what it already parsed is kept, so each pass goes further.
import { corrupt, Cursor, giveUp } from './cursor.js';

/** `length` bytes at `offset`. */
export interface Range {
  offset: number;
  length: number;
}

/** What the cache reads from: the shape of the byte-source contract it needs (src/formats/source.ts). */
export interface PositionalBytes {
  readonly size: number;
  /** At once, into `into` when given (no allocation per block). */
  readonly readNow?: (offset: number, length: number, into?: Uint8Array) => Uint8Array;
  readMany(ranges: readonly Range[]): Promise<Uint8Array[]>;
  /** Bytes already at hand (a remote source's read-ahead), at once, or null. */
  readonly readCached?: (offset: number, length: number) => Uint8Array | null;
  /** Reads are views of bytes already in memory: blocks keep them as they are, no slab, no copy. */
  readonly inMemory?: boolean;
}

/** A read the source cannot answer at once: fetch `BlockCache.wanted`, then run the reader again. */
export class NeedBytes extends Error {
  override name = 'NeedBytes';
}

const BLOCK = 4096;
const SLAB = 64 * BLOCK;
/** Blocks read ahead at most in one read of a source that answers at once (64 kB). */
const MAX_RUN = 16;
/** Reads above this size are not cached (a long config string). */
const CACHE_UP_TO = 64 * 1024;
/** No single structure of a Keras file's metadata comes near this; a larger claim is a lie. */
const MAX_READ = 256 * 1024 * 1024;
/** Metadata blocks kept in memory at most (64 MB): a file past that goes to the engine. */
const MAX_CACHED_BLOCKS = 16 * 1024;

export class BlockCache {
  /** Bytes read from the source so far (tests prove that weight values are never read). */
  bytesRead = 0;
  /** Ranges (from the source's 0) a read wanted that the source could not give at once. */
  readonly wanted = new Map<string, Range>();
  private readonly blocks = new Map<number, Buffer>();
  /** Reads too large to cache in blocks, fetched in a batch for a source without `readNow`. */
  private readonly large = new Map<string, Buffer>();
  private slab = Buffer.alloc(0);
  /** Bytes of slabs allocated so far. */
  private slabbed = 0;
  /** The block after the last read of a source that answers at once, and how many reads in a row began there. */
  private runEnd = -1;
  private streak = 0;
  private slabUsed = 0;
  private closed = false;

  /**
   * `start`/`length`: where the payload sits in the source (past a user block), addresses given to
   * `read` are relative to it. `budget`: bytes the cache may read in all; past them it gives up.
   */
  constructor(
    private readonly src: PositionalBytes,
    readonly start: number,
    readonly length: number,
    private readonly budget = Infinity,
    /** Runs once on close (the caller's file released). */
    private readonly onClose?: () => void,
  ) {}

  /** `n` bytes at payload address `at`; past the payload's end the reader gives up. */
  read(at: number, n: number): Buffer {
    this.check(at, n);
    if (n > CACHE_UP_TO) return this.readLarge(at, n);
    const first = Math.floor(at / BLOCK);
    const last = Math.floor((at + n - 1) / BLOCK);
    if (first === last) {
      const b = this.block(first);
      const start = at - first * BLOCK;
      if (start + n > b.length) corrupt(`short read at ${at}`);
      return b.subarray(start, start + n);
    }
    // A source that cannot answer at once is asked for every missing block of the read in one batch.
    if (!this.src.readNow) for (let i = first; i <= last; i++) if (!this.blocks.has(i)) this.prefetchBlock(i);
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

  /**
   * A cursor over the `n` bytes at `at`, the same bytes `read` gives: over the cached block itself
   * when they sit inside one, so the thousands of small structures of a file (object headers,
   * their prefixes, symbol nodes) cost no Buffer view each — those views and their collection
   * were the largest cost of a 2,000-layer file (docs/bench.md).
   */
  cursor(at: number, n: number, sizeOfOffsets = 8, sizeOfLengths = 8): Cursor {
    this.check(at, n);
    const first = Math.floor(at / BLOCK);
    if (n > 0 && n <= CACHE_UP_TO && first === Math.floor((at + n - 1) / BLOCK)) {
      const b = this.block(first);
      const start = at - first * BLOCK;
      if (start + n > b.length) corrupt(`short read at ${at}`);
      return new Cursor(b, start, sizeOfOffsets, sizeOfLengths, start + n);
    }
    return new Cursor(this.read(at, n), 0, sizeOfOffsets, sizeOfLengths);
  }

  /** The bounds every read keeps: a safe, non-negative range inside the payload, and not absurdly long. */
  private check(at: number, n: number): void {
    if (!Number.isSafeInteger(at) || !Number.isSafeInteger(n) || at < 0 || n < 0) giveUp(`bad read ${at}+${n}`);
    if (at + n > this.length) corrupt(`address ${at} (+${n} bytes) lies past the end of the HDF5 data (${this.length} bytes)`);
    if (n > MAX_READ) giveUp(`read of ${n} bytes`);
  }

  /**
   * Says that `n` bytes at `at` will be wanted soon (the object headers a group links to): a source
   * without `readNow` fetches them with the next batch. Nothing happens otherwise.
   */
  prefetch(at: number, n: number): void {
    if (this.src.readNow || at < 0 || n <= 0 || at + n > this.length || n > CACHE_UP_TO) return;
    for (let i = Math.floor(at / BLOCK); i <= Math.floor((at + n - 1) / BLOCK); i++) if (!this.blocks.has(i)) this.prefetchBlock(i);
  }

  /** Block `i` from what the source holds already, else wanted with the next batch. */
  private prefetchBlock(i: number): void {
    const hit = this.src.readCached?.(this.start + i * BLOCK, Math.min(BLOCK, this.length - i * BLOCK));
    if (!hit) return this.want(i);
    this.count(hit.length);
    this.blocks.set(i, Buffer.from(hit.buffer, hit.byteOffset, hit.byteLength));
  }

  /** The source answers every read at once (a local file, a buffer): nothing is ever wanted. */
  get answersAtOnce(): boolean {
    return !!this.src.readNow;
  }

  /** Fetches every range the last pass wanted, in one batch, for the next pass. */
  async fetchWanted(): Promise<void> {
    const keys = [...this.wanted.keys()];
    const ranges = [...this.wanted.values()];
    this.wanted.clear();
    const got = await this.src.readMany(ranges);
    keys.forEach((key, i) => {
      const b = Buffer.from(got[i]!.buffer, got[i]!.byteOffset, got[i]!.byteLength);
      this.count(b.length);
      if (key.startsWith('b')) this.blocks.set(Number(key.slice(1)), b);
      else this.large.set(key, b);
    });
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.blocks.clear();
    this.large.clear();
    this.onClose?.();
  }

  private block(i: number): Buffer {
    let b = this.blocks.get(i);
    if (!b) {
      if (this.blocks.size >= MAX_CACHED_BLOCKS) giveUp('metadata larger than the native reader keeps');
      if (this.src.readNow) return this.readRun(i);
      b = this.readRaw(i * BLOCK, Math.min(BLOCK, this.length - i * BLOCK), this.slabPart(1), `b${i}`);
      this.blocks.set(i, b);
    }
    return b;
  }

  /**
   * Block `i` from a source that answers at once, with the blocks after it in the same read when
   * the reader is walking forward: from the third miss in a row that begins where the last read
   * ended, each reads twice as many blocks (2, 4, 8, up to 16, 64 kB); any other miss reads one
   * block (a structure across two blocks makes only two misses in a row). Each `readSync` cost ≈ 0.1 ms on the
   * loaded machine, and the 2,000-layer file's metadata, written in order, took 954 of them;
   * scattered metadata (a 4 GB file's headers between their weights) still reads block by block,
   * so a run never reaches far into weight values. A run stops before a block already held, at
   * the payload's end, at the blocks the cache may keep and within the read budget.
   */
  private readRun(i: number): Buffer {
    this.streak = i === this.runEnd ? this.streak + 1 : 0;
    const run = this.streak < 2 ? 1 : Math.min(MAX_RUN, 2 ** (this.streak - 1));
    const last = Math.ceil(this.length / BLOCK);
    let n = 1;
    while (n < run && i + n < last && !this.blocks.has(i + n) && this.blocks.size + n < MAX_CACHED_BLOCKS) n++;
    let bytes = Math.min(n * BLOCK, this.length - i * BLOCK);
    while (n > 1 && this.bytesRead + bytes > this.budget) bytes = Math.min(--n * BLOCK, this.length - i * BLOCK);
    const buf = this.readRaw(i * BLOCK, bytes, this.src.inMemory ? undefined : this.slabPart(n), `b${i}`);
    for (let k = 0; k < n; k++) this.blocks.set(i + k, buf.subarray(k * BLOCK, Math.min((k + 1) * BLOCK, bytes)));
    this.runEnd = i + n;
    return this.blocks.get(i)!;
  }

  private readLarge(at: number, n: number): Buffer {
    const key = `${at}+${n}`;
    return this.large.get(key) ?? this.readRaw(at, n, undefined, key);
  }

  /**
   * Blocks are cut from 256 kB slabs: one ArrayBuffer per block made the garbage collector the
   * largest cost on a 2,000-layer file (thousands of external buffers). A slab is never larger than
   * the payload's blocks not yet given out: a 9 kB file gets a 12 kB slab, not 256 kB (10,000 small
   * files allocated 2.5 GB of slabs they never filled, docs/bench.md).
   */
  private slabPart(blocks: number): Buffer {
    const n = blocks * BLOCK;
    if (this.slabUsed + n > this.slab.length) {
      const left = Math.ceil(this.length / BLOCK) * BLOCK - this.slabbed;
      this.slab = Buffer.allocUnsafeSlow(Math.max(n, Math.min(SLAB, left)));
      this.slabbed += this.slab.length;
      this.slabUsed = 0;
    }
    const part = this.slab.subarray(this.slabUsed, this.slabUsed + n);
    this.slabUsed += n;
    return part;
  }

  private readRaw(at: number, n: number, into: Buffer | undefined, key: string): Buffer {
    if (this.closed) giveUp('closed');
    const now = this.src.readNow;
    if (!now) {
      // What the source already holds (read ahead with an earlier batch) is used at once.
      const hit = this.src.readCached?.(this.start + at, n);
      if (hit && hit.length === n) {
        this.count(n);
        const b = Buffer.from(hit.buffer, hit.byteOffset, hit.byteLength);
        if (!into) return b;
        b.copy(into);
        return into.subarray(0, n);
      }
      this.wanted.set(key, { offset: this.start + at, length: n });
      throw new NeedBytes(`${n} bytes at ${at}`);
    }
    this.count(n);
    const b = now(this.start + at, n, into?.subarray(0, n));
    if (b.length !== n) corrupt(`short read at ${at}`);
    return Buffer.isBuffer(b) ? b : Buffer.from(b.buffer, b.byteOffset, b.byteLength);
  }

  private count(n: number): void {
    if (this.bytesRead + n > this.budget) giveUp(`read budget of ${this.budget} bytes spent`);
    this.bytesRead += n;
  }

  private want(i: number): void {
    this.wanted.set(`b${i}`, { offset: this.start + i * BLOCK, length: Math.min(BLOCK, this.length - i * BLOCK) });
  }
}
