// A zip archive read through its central directory (yauzl), never loaded whole: jszip's
// loadAsync needs 1.07 GB to reach config.json of a 1 GB .keras (docs/measurements.md).
// Members are located by offset; a STORED member can then be served in place.
//
// yauzl reads through a RandomAccessReader over the archive's byte source (source.ts), so the
// archive can be a local file, a buffer, or later a remote file or a browser File; yauzl's path
// from a RandomAccessReader never touches `fs` (a browser bundle gives it Node's zlib, stream and
// events through the bundler's polyfills). Measured against @zip.js/zip.js 2.24 (made for both):
// the same central-directory time, but zip.js inflated the 1 GB DEFLATED member of the bench in
// 4.5 s against yauzl's 2.5 s, and kept every hostile-archive behaviour of yauzl to re-check.
import { Readable, Transform, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import yauzl from 'yauzl';
import { UnreadableError } from '../../errors.js';
import type { ZipMemberInfo } from '../../types.js';
import type { ByteSource } from '../source.js';
import { asBuffer } from '../source.js';
import { oneLine } from '../text.js';

const LOCAL_HEADER = 0x04034b50;
/** A config.json or metadata.json bigger than this is refused (a 2,000-layer config is a few MB). */
export const MAX_TEXT_MEMBER = 256 * 1024 * 1024;

export interface ZipMember extends ZipMemberInfo {
  /** General-purpose flags (bit 0: encrypted). */
  flags: number;
}

export class ZipArchive {
  private readonly entries = new Map<ZipMember, yauzl.Entry>();

  private constructor(
    /** The archive's bytes; its name is the file the user gave. */
    readonly source: ByteSource,
    private readonly zip: yauzl.ZipFile,
    readonly members: ZipMember[],
    entries: yauzl.Entry[],
  ) {
    members.forEach((m, i) => this.entries.set(m, entries[i]!));
  }

  /** The file the user gave (named by errors). */
  get file(): string {
    return this.source.name;
  }

  get size(): number {
    return this.source.size;
  }

  /** Reads the central directory only. Not a zip, or a broken directory: UnreadableError. */
  static async open(source: ByteSource): Promise<ZipArchive> {
    let zip: yauzl.ZipFile;
    try {
      // decodeStrings off: yauzl would reject the whole archive on a hostile member name
      // ("../x"), which the audit must report instead. validateEntrySizes off: checked here.
      zip = await openZip(source);
    } catch (e) {
      throw new UnreadableError(source.name, `not a readable zip archive: ${oneLine(e)}`);
    }
    try {
      const entries = await readEntries(zip);
      return new ZipArchive(source, zip, entries.map(memberOf), entries);
    } catch (e) {
      zip.close();
      throw new UnreadableError(source.name, `broken zip central directory: ${oneLine(e)}`);
    }
  }

  /** The member Python's zipfile would open for this name: the LAST entry of that name. */
  find(name: string): ZipMember | undefined {
    for (let i = this.members.length - 1; i >= 0; i--) if (this.members[i]!.name === name) return this.members[i];
    return undefined;
  }

  /** Where the member's data starts: after its 30-byte local header, name and extra field. */
  async dataStart(m: ZipMember): Promise<number> {
    const head = m.offset + 30 <= this.size ? asBuffer(await this.source.read(m.offset, 30)) : null;
    if (!head || head.readUInt32LE(0) !== LOCAL_HEADER)
      throw new UnreadableError(this.file, `zip member ${m.name}: no local header at offset ${m.offset}`);
    const start = m.offset + 30 + head.readUInt16LE(26) + head.readUInt16LE(28);
    if (start + m.compressedSize > this.size)
      throw new UnreadableError(this.file, `zip member ${m.name}: declares ${m.compressedSize} bytes past the end of the archive`);
    return start;
  }

  /** Whether the member's declared sizes fit the archive (checked before any read). */
  fits(m: ZipMember): boolean {
    if (m.offset + 30 + m.compressedSize > this.size) return false;
    return m.method !== 0 || m.compressedSize === m.uncompressedSize;
  }

  /** A small member's bytes (config.json, metadata.json), with a hard cap on the inflated size. */
  async readSmall(m: ZipMember, limit = MAX_TEXT_MEMBER): Promise<Buffer> {
    this.checkReadable(m);
    if (m.uncompressedSize > limit) throw new UnreadableError(this.file, `zip member ${m.name} is too large (${m.uncompressedSize} bytes)`);
    if (m.method === 0) return asBuffer(await this.source.read(await this.dataStart(m), m.compressedSize));
    const chunks: Buffer[] = [];
    let total = 0;
    await pipeline(await this.stream(m), capped(m, limit, this.file), async function* (src) {
      for await (const c of src) {
        chunks.push(c as Buffer);
        total += (c as Buffer).length;
      }
    });
    return Buffer.concat(chunks, total);
  }

  /** Inflates a member into `dest` as a stream: never whole in memory, never past its declared size. */
  async inflateTo(m: ZipMember, dest: Writable): Promise<void> {
    this.checkReadable(m);
    await pipeline(await this.stream(m), capped(m, m.uncompressedSize, this.file), dest);
  }

  private checkReadable(m: ZipMember): void {
    if (m.flags & 1) throw new UnreadableError(this.file, `zip member ${m.name} is encrypted`);
    if (m.method !== 0 && m.method !== 8)
      throw new UnreadableError(this.file, `zip member ${m.name} uses compression method ${m.method} (only STORED and DEFLATE are read)`);
    if (!this.fits(m)) throw new UnreadableError(this.file, `zip member ${m.name}: declared sizes do not fit the archive`);
  }

  private stream(m: ZipMember): Promise<NodeJS.ReadableStream> {
    const entry = this.entries.get(m)!;
    return new Promise((resolve, reject) =>
      this.zip.openReadStream(entry, (err, s) => (err ? reject(wrap(this.file, m, err)) : resolve(s))),
    );
  }

  /** Closes yauzl's side; the byte source belongs to the caller. */
  close(): void {
    this.zip.close();
  }
}

/** Bytes handed to yauzl per chunk of a member's stream. */
const STREAM_CHUNK = 256 * 1024;

/** yauzl's view of a byte source: positional reads, and streams of a range for members. */
class SourceReader extends yauzl.RandomAccessReader {
  constructor(private readonly source: ByteSource) {
    super();
  }

  override read(buffer: Buffer, offset: number, length: number, position: number, callback: (err: Error | null, bytesRead?: number) => void): void {
    this.source.read(position, length).then(
      (b) => {
        buffer.set(b, offset);
        callback(null, length);
      },
      (e: unknown) => callback(e instanceof Error ? e : new Error(String(e))),
    );
  }

  override _readStreamForRange(start: number, end: number): Readable {
    const source = this.source;
    return Readable.from(
      (async function* () {
        for (let at = start; at < end; at += STREAM_CHUNK) yield asBuffer(await source.read(at, Math.min(STREAM_CHUNK, end - at)));
      })(),
      { objectMode: false },
    );
  }
}

function openZip(source: ByteSource): Promise<yauzl.ZipFile> {
  return new Promise((resolve, reject) =>
    yauzl.fromRandomAccessReader(
      new SourceReader(source),
      source.size,
      { lazyEntries: true, autoClose: false, decodeStrings: false, validateEntrySizes: false },
      (err, zip) => (err || !zip ? reject(err ?? new Error('cannot open')) : resolve(zip)),
    ),
  );
}

function readEntries(zip: yauzl.ZipFile): Promise<yauzl.Entry[]> {
  return new Promise((resolve, reject) => {
    const entries: yauzl.Entry[] = [];
    zip.on('entry', (e: yauzl.Entry) => {
      entries.push(e);
      zip.readEntry();
    });
    zip.on('end', () => resolve(entries));
    zip.on('error', reject);
    zip.readEntry();
  });
}

function memberOf(e: yauzl.Entry): ZipMember {
  const raw = e.fileName as unknown as Buffer | string;
  // Bit 11: the name is UTF-8; otherwise CP437, whose ASCII half is all Keras writes.
  const name = typeof raw === 'string' ? raw : raw.toString(e.generalPurposeBitFlag & 0x800 ? 'utf8' : 'latin1');
  return {
    name,
    method: e.compressionMethod,
    compressedSize: e.compressedSize,
    uncompressedSize: e.uncompressedSize,
    offset: e.relativeOffsetOfLocalHeader,
    flags: e.generalPurposeBitFlag,
  };
}

/** Stops an inflating stream that produces more than the member declared (a zip bomb). */
function capped(m: ZipMember, limit: number, file: string): Transform {
  let seen = 0;
  return new Transform({
    transform(chunk: Buffer, _enc, done) {
      seen += chunk.length;
      if (seen > limit) done(new UnreadableError(file, `zip member ${m.name} inflates past its declared ${limit} bytes`));
      else done(null, chunk);
    },
  });
}

function wrap(file: string, m: ZipMember, err: Error): UnreadableError {
  return new UnreadableError(file, `zip member ${m.name}: ${oneLine(err)}`);
}
