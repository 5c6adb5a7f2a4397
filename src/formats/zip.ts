// A zip archive read through its central directory (yauzl), never loaded whole: jszip's
// loadAsync needs 1.07 GB to reach config.json of a 1 GB .keras (docs/measurements.md).
// Members are located by offset; a STORED member can then be served in place.
import { closeSync, createWriteStream, fstatSync, openSync, readSync } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { Transform } from 'node:stream';
import yauzl from 'yauzl';
import { UnreadableError } from '../errors.js';
import type { ZipMemberInfo } from '../types.js';
import { oneLine } from './oneLine.js';

const ZIP_MAGIC = [0x50, 0x4b];
const LOCAL_HEADER = 0x04034b50;
/** A config.json or metadata.json bigger than this is refused (a 2,000-layer config is a few MB). */
export const MAX_TEXT_MEMBER = 256 * 1024 * 1024;

/** True when `bytes` start with a zip record signature (local header, empty archive, spanned). */
export function isZip(bytes: Buffer): boolean {
  if (bytes.length < 4 || bytes[0] !== ZIP_MAGIC[0] || bytes[1] !== ZIP_MAGIC[1]) return false;
  const sig = bytes.readUInt32LE(0);
  return sig === LOCAL_HEADER || sig === 0x06054b50 || sig === 0x08074b50;
}

export interface ZipMember extends ZipMemberInfo {
  /** General-purpose flags (bit 0: encrypted). */
  flags: number;
}

export class ZipArchive {
  private readonly fd: number;
  private readonly entries = new Map<ZipMember, yauzl.Entry>();

  private constructor(
    readonly file: string,
    readonly size: number,
    private readonly zip: yauzl.ZipFile,
    readonly members: ZipMember[],
    entries: yauzl.Entry[],
  ) {
    this.fd = openSync(file, 'r');
    members.forEach((m, i) => this.entries.set(m, entries[i]!));
  }

  /** Reads the central directory only. Not a zip, or a broken directory: UnreadableError. */
  static async open(file: string): Promise<ZipArchive> {
    let zip: yauzl.ZipFile;
    try {
      // decodeStrings off: yauzl would reject the whole archive on a hostile member name
      // ("../x"), which the audit must report instead. validateEntrySizes off: checked here.
      zip = await openZip(file);
    } catch (e) {
      throw new UnreadableError(file, `not a readable zip archive: ${oneLine(e)}`);
    }
    try {
      const entries = await readEntries(zip);
      const members = entries.map(memberOf);
      const size = zip.fileSize;
      return new ZipArchive(file, size, zip, members, entries);
    } catch (e) {
      zip.close();
      throw new UnreadableError(file, `broken zip central directory: ${oneLine(e)}`);
    }
  }

  /** The member Python's zipfile would open for this name: the LAST entry of that name. */
  find(name: string): ZipMember | undefined {
    for (let i = this.members.length - 1; i >= 0; i--) if (this.members[i]!.name === name) return this.members[i];
    return undefined;
  }

  /** Where the member's data starts: after its 30-byte local header, name and extra field. */
  dataStart(m: ZipMember): number {
    const head = Buffer.alloc(30);
    if (m.offset + 30 > this.size || readSync(this.fd, head, 0, 30, m.offset) !== 30 || head.readUInt32LE(0) !== LOCAL_HEADER)
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
    if (m.method === 0) {
      const start = this.dataStart(m);
      const buf = Buffer.alloc(m.compressedSize);
      if (readSync(this.fd, buf, 0, buf.length, start) !== buf.length) throw new UnreadableError(this.file, `zip member ${m.name} is truncated`);
      return buf;
    }
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

  /** Inflates a member to `dest` as a stream: never whole in memory. */
  async extractTo(m: ZipMember, dest: string): Promise<void> {
    this.checkReadable(m);
    await pipeline(await this.stream(m), capped(m, m.uncompressedSize, this.file), createWriteStream(dest));
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

  close(): void {
    this.zip.close();
    closeSync(this.fd);
  }
}

function openZip(file: string): Promise<yauzl.ZipFile> {
  // yauzl.open keeps its own fd; fstat first so a directory or a missing file says so plainly.
  const fd = openSync(file, 'r');
  const isFile = fstatSync(fd).isFile();
  closeSync(fd);
  if (!isFile) return Promise.reject(new Error('not a regular file'));
  return new Promise((resolve, reject) =>
    yauzl.open(file, { lazyEntries: true, autoClose: false, decodeStrings: false, validateEntrySizes: false }, (err, zip) =>
      err || !zip ? reject(err ?? new Error('cannot open')) : resolve(zip),
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
