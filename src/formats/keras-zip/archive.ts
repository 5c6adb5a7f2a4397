// A zip archive read through its central directory (yauzl), never loaded whole: jszip's
// loadAsync needs 1.07 GB to reach config.json of a 1 GB .keras (docs/measurements.md).
// Members are located by offset; a STORED member can then be served in place, a DEFLATED one is
// inflated by member.ts from its raw bytes (yauzl's own streams are not used). The central
// directory itself is bounded (limits.ts): refused past 10,000 entries or 16 MiB, before any entry
// is read when the end record says so.
//
// yauzl reads through a RandomAccessReader over the archive's byte source (source.ts), so the
// archive can be a local file, a buffer, or later a remote file or a browser File; yauzl's path
// from a RandomAccessReader never touches `fs` (a browser bundle gives it Node's zlib, stream and
// events through the bundler's polyfills). Measured against @zip.js/zip.js 2.24 (made for both):
// the same central-directory time, but zip.js inflated the 1 GB DEFLATED member of the bench in
// 4.5 s against yauzl's 2.5 s, and kept every hostile-archive behaviour of yauzl to re-check.
import yauzl from 'yauzl';
import { UnreadableError } from '../../errors.js';
import type { ZipMemberInfo } from '../../types.js';
import type { ByteSource } from '../source.js';
import { asBuffer } from '../source.js';
import { oneLine } from '../text.js';
import { InflateBudget } from './budget.js';
import { MAX_CENTRAL_DIRECTORY_BYTES, MAX_ZIP_ENTRIES, overlappingGroups } from './limits.js';

const LOCAL_HEADER = 0x04034b50;
/** A central-directory file header before its name, extra field and comment (APPNOTE 4.3.12). */
const CENTRAL_HEADER_BYTES = 46;

/** Central-directory entries read since the process started (tests read it). */
export const zipCounters = { entriesRead: 0 };

export interface ZipMember extends ZipMemberInfo {
  /** General-purpose flags (bit 0: encrypted). */
  flags: number;
}

export class ZipArchive {
  /** What may still be inflated out of this archive, all members together (member.ts spends it). */
  readonly budget = new InflateBudget();
  /** Each member whose bytes overlap another's, with the first other member it overlaps. */
  readonly overlaps = new Map<ZipMember, ZipMember>();

  private constructor(
    /** The archive's bytes; its name is the file the user gave. */
    readonly source: ByteSource,
    private readonly zip: yauzl.ZipFile,
    readonly members: ZipMember[],
  ) {
    for (const group of overlappingGroups(members)) for (const m of group) this.overlaps.set(m, group.find((o) => o !== m)!);
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
    if (zip.entryCount > MAX_ZIP_ENTRIES) {
      zip.close();
      throw tooMany(source.name, `lists ${zip.entryCount} entries`);
    }
    try {
      return new ZipArchive(source, zip, (await readEntries(zip, source.name)).map(memberOf));
    } catch (e) {
      zip.close();
      if (e instanceof UnreadableError) throw e;
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

  /** Throws unless the member's bytes can be read: not encrypted, STORED or DEFLATE, sizes that fit. */
  checkReadable(m: ZipMember): void {
    if (m.flags & 1) throw new UnreadableError(this.file, `zip member ${m.name} is encrypted`);
    if (m.method !== 0 && m.method !== 8)
      throw new UnreadableError(this.file, `zip member ${m.name} uses compression method ${m.method} (only STORED and DEFLATE are read)`);
    if (!this.fits(m)) throw new UnreadableError(this.file, `zip member ${m.name}: declared sizes do not fit the archive`);
  }

  /** Closes yauzl's side; the byte source belongs to the caller. */
  close(): void {
    this.zip.close();
  }
}

/** yauzl's view of a byte source: positional reads for the central directory and local headers. */
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

  /** Never called: members are inflated from their raw bytes (member.ts), not through yauzl's streams. */
  override _readStreamForRange(): never {
    throw new Error('zip members are read through member.ts');
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

/** Refused past the entry or byte cap: a Keras archive holds a handful of members. */
function tooMany(file: string, what: string): UnreadableError {
  return new UnreadableError(
    file,
    `zip central directory ${what}; kerascope reads at most ${MAX_ZIP_ENTRIES} entries and ${MAX_CENTRAL_DIRECTORY_BYTES} bytes of it (a Keras archive holds a handful of members)`,
  );
}

/** Every entry, the central directory's bytes counted as they are read (stopped past the cap). */
function readEntries(zip: yauzl.ZipFile, file: string): Promise<yauzl.Entry[]> {
  return new Promise((resolve, reject) => {
    const entries: yauzl.Entry[] = [];
    let bytes = 0;
    zip.on('entry', (e: yauzl.Entry) => {
      zipCounters.entriesRead++;
      bytes += CENTRAL_HEADER_BYTES + e.fileNameLength + e.extraFieldLength + e.fileCommentLength;
      if (bytes > MAX_CENTRAL_DIRECTORY_BYTES) return reject(tooMany(file, `holds more than ${MAX_CENTRAL_DIRECTORY_BYTES} bytes`));
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
