// The one way every reader gets at a file's bytes: a byte source. A reader never opens a file
// itself; it asks its source for bounded ranges by position. The contract and an in-memory buffer
// live here, with nothing from Node but Buffer (the browser build gets it from the `buffer`
// package); a local file is file-source.ts (node:fs), a browser `File` (`File.slice`) is
// browser.ts, a remote file (HTTP range requests) is another, with no reader changed: that is
// why reads are asynchronous, why several ranges can be asked for at once (a remote source turns
// them into few requests), and why `readNow` is optional (only sources that can answer at once
// have it; the native HDF5 reader uses it when it is there, and asks in batches when it is not).

/** `length` bytes at `offset`. */
export interface ByteRange {
  offset: number;
  length: number;
}

/** Where a source's bytes sit on this machine, for what can only open host files (the HDF5 engine). */
export interface LocalBytes {
  /** The host file. */
  path: string;
  /** Where the source's first byte sits in it. */
  offset: number;
  /** The source is the whole host file (not a member inside an archive). */
  whole: boolean;
}

export type ReadNow = (offset: number, length: number, into?: Uint8Array) => Uint8Array;

export interface ByteSource {
  /** Names the bytes in messages and reports: a path, `archive.keras:model.weights.h5`, a URL. */
  readonly name: string;
  /** Size in bytes. */
  readonly size: number;
  /** Bytes handed to readers so far (tests prove that weight values are never read). */
  readonly bytesRead: number;
  /** Exactly `length` bytes at `offset`; a range past the end is refused (RangeError). */
  read(offset: number, length: number): Promise<Uint8Array>;
  /** Several ranges at once, answered in order: a remote source coalesces them into few requests. */
  readMany(ranges: readonly ByteRange[]): Promise<Uint8Array[]>;
  /**
   * The same read answered at once, by sources that can (a local file, a buffer); absent otherwise.
   * `into`: where to put the bytes (at least `length` long), so a caller can spare an allocation.
   */
  readonly readNow?: ReadNow;
  /**
   * The same read answered at once when the bytes are already at hand (a remote source's cache,
   * filled by read-ahead), else null: a reader without `readNow` goes on where it can instead of
   * asking again. Absent: nothing is ever at hand.
   */
  readonly readCached?: (offset: number, length: number) => Uint8Array | null;
  /**
   * Bytes this source will still transfer before it refuses (a remote file, which pays per byte):
   * a reader about to read a long run of bytes (a DEFLATED member inflated whole) refuses at once
   * rather than after most of them. Absent: no such bound.
   */
  readonly transferLeft?: number;
  /**
   * Every read is a view of bytes already in memory (a buffer, a small file read whole at open): a
   * reader may keep what it is given rather than copy it. Absent or false: reads are fresh bytes.
   */
  readonly inMemory?: boolean;
  /** `length` bytes at `offset` as a source of their own, read in place (a STORED zip member). */
  window(offset: number, length: number, name: string): ByteSource;
  /** The host file behind the bytes, when there is one. */
  readonly local?: LocalBytes;
  /** Releases what the source holds (a file descriptor, a temporary file). Idempotent. */
  close(): void;
}

/** Throws RangeError unless `[offset, offset + length)` lies inside `size` bytes. */
export function checkRange(name: string, size: number, offset: number, length: number): void {
  if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(length) || offset < 0 || length < 0 || offset + length > size)
    throw new RangeError(`${name}: read of ${length} bytes at ${offset} outside its ${size} bytes`);
}


/**
 * What every source shares: range checks, the count of bytes read, `readMany` and `window`. A
 * subclass gives `fetch` (async), or `fetchNow` when it can answer at once (then `fetch` is it).
 */
export abstract class BaseSource implements ByteSource {
  bytesRead = 0;
  private now: ReadNow | null | undefined;

  constructor(
    readonly name: string,
    readonly size: number,
  ) {}

  /** The unchecked positional read at once, or null when this source cannot answer at once. */
  protected abstract fetchNow(): ReadNow | null;
  abstract get local(): LocalBytes | undefined;
  abstract close(): void;

  /** The unchecked positional read; by default the one at once. */
  protected fetch(offset: number, length: number): Promise<Uint8Array> {
    return Promise.resolve(this.fetchNow()!(offset, length));
  }

  get readNow(): ReadNow | undefined {
    if (this.now === undefined) {
      const raw = this.fetchNow();
      this.now = raw && ((offset, length, into) => {
        checkRange(this.name, this.size, offset, length);
        const b = raw(offset, length, into);
        this.bytesRead += length;
        return b;
      });
    }
    return this.now ?? undefined;
  }

  /** Nothing at hand by default (a source with `readNow` never needs it). */
  get readCached(): ((offset: number, length: number) => Uint8Array | null) | undefined {
    return undefined;
  }

  /** No transfer bound by default. */
  get transferLeft(): number | undefined {
    return undefined;
  }

  /** Reads are fresh bytes by default. */
  get inMemory(): boolean {
    return false;
  }

  async read(offset: number, length: number): Promise<Uint8Array> {
    checkRange(this.name, this.size, offset, length);
    const b = await this.fetch(offset, length);
    this.bytesRead += length;
    return b;
  }

  readMany(ranges: readonly ByteRange[]): Promise<Uint8Array[]> {
    return Promise.all(ranges.map((r) => this.read(r.offset, r.length)));
  }

  window(offset: number, length: number, name: string): ByteSource {
    checkRange(this.name, this.size, offset, length);
    return new WindowSource(this, offset, length, name);
  }
}

/** A range of another source, addressed from its own 0; closing it leaves the parent open. */
class WindowSource extends BaseSource {
  constructor(
    private readonly parent: BaseSource,
    private readonly start: number,
    size: number,
    name: string,
  ) {
    super(name, size);
  }

  protected fetchNow(): ReadNow | null {
    const now = this.parent.readNow;
    return now ? (offset, length, into) => now(this.start + offset, length, into) : null;
  }

  protected override fetch(offset: number, length: number): Promise<Uint8Array> {
    return this.parent.read(this.start + offset, length);
  }

  /** One batch of the parent's: a remote archive serves a member's ranges in one request. */
  override async readMany(ranges: readonly ByteRange[]): Promise<Uint8Array[]> {
    for (const r of ranges) checkRange(this.name, this.size, r.offset, r.length);
    const got = await this.parent.readMany(ranges.map((r) => ({ offset: this.start + r.offset, length: r.length })));
    for (const r of ranges) this.bytesRead += r.length;
    return got;
  }

  override get transferLeft(): number | undefined {
    return this.parent.transferLeft;
  }

  override get inMemory(): boolean {
    return this.parent.inMemory;
  }

  override get readCached(): ((offset: number, length: number) => Uint8Array | null) | undefined {
    const cached = this.parent.readCached;
    return cached && ((offset, length) => {
      checkRange(this.name, this.size, offset, length);
      return cached(this.start + offset, length);
    });
  }

  get local(): LocalBytes | undefined {
    const p = this.parent.local;
    return p && { path: p.path, offset: p.offset + this.start, whole: false };
  }

  close(): void {}
}

/** Bytes already in memory (a test's buffer, a small inflated member, a browser's ArrayBuffer). */
export class MemorySource extends BaseSource {
  constructor(
    private readonly bytes: Uint8Array,
    name: string,
  ) {
    super(name, bytes.length);
  }

  protected fetchNow(): ReadNow {
    return (offset, length, into) => {
      const b = this.bytes.subarray(offset, offset + length);
      if (!into) return b;
      into.set(b);
      return into.subarray(0, length);
    };
  }

  override get inMemory(): boolean {
    return true;
  }

  get local(): undefined {
    return undefined;
  }

  close(): void {}
}

/** A Buffer view of bytes from a source (no copy): Node's Buffer methods for readers that want them. */
export function asBuffer(b: Uint8Array): Buffer {
  return Buffer.isBuffer(b) ? b : Buffer.from(b.buffer, b.byteOffset, b.byteLength);
}
