// A file on this machine as a byte source (node:fs): read in place by position, never whole — but
// a small file (≤ 64 KiB, every small model of a hub) in one read at open: its readers ask for a
// dozen ranges, and one system call instead of a dozen is most of what `check` saves per file on
// 10,000 of them (docs/bench.md, issue 15). Kept apart from source.ts, the contract, so that what
// runs in a browser (the page, web/) never reaches node:fs: a browser's File is another
// implementation (browser.ts).
import { closeSync, constants, fstatSync, openSync, readSync, statSync, type Stats } from 'node:fs';
import { fileSystemError, UnreadableError } from '../errors.js';
import { BaseSource, type LocalBytes, type ReadNow } from './source.js';

/** A file this small is read whole when it is opened (one system call instead of one per range). */
export const WHOLE_FILE_MAX = 64 * 1024;

/** A local file, read in place by position (a 4 GB file is served the few kB asked for). */
export class FileSource extends BaseSource {
  private fd: number | null;
  /** The whole file, when it is small (WHOLE_FILE_MAX): every read is served from it. */
  private whole: Uint8Array | null = null;

  private constructor(
    readonly path: string,
    fd: number,
    size: number,
    name: string,
    private readonly onClose?: () => void,
  ) {
    super(name, size);
    this.fd = fd;
  }

  /**
   * Opens `path` read-only; `name` names it in messages (default: the path). A missing file, a
   * folder or a special file is one UnreadableError line. `onClose` runs once the source is closed
   * (a temporary file removed).
   */
  static open(path: string, name = path, onClose?: () => void): FileSource {
    const opened = FileSource.openOrFolder(path, name, onClose);
    if (opened === 'folder') throw new UnreadableError(name, 'is a directory');
    return opened;
  }

  /**
   * As `open`, but a folder is 'folder' rather than an error: a path on the command line is a file
   * or a model folder, told apart by one fstat of what was opened (no stat before the open).
   */
  static openOrFolder(path: string, name = path, onClose?: () => void): FileSource | 'folder' {
    // O_NONBLOCK: opening a FIFO never waits for a writer (fstat below refuses it); on a regular
    // file the flag changes nothing.
    let fd: number;
    try {
      fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK); // EACCES lands here
    } catch (e) {
      // Windows refuses to open a folder (EISDIR, EPERM): ask stat what it is.
      if (isFolder(path)) return 'folder';
      throw fileSystemError(name, e);
    }
    try {
      const st = fstatSync(fd);
      if (st.isDirectory()) {
        closeSync(fd);
        return 'folder';
      }
      const special = notRegular(st);
      if (special) throw new UnreadableError(name, special);
      const source = new FileSource(path, fd, st.size, name, onClose);
      if (st.size <= WHOLE_FILE_MAX) source.whole = source.readAt(0, st.size);
      return source;
    } catch (e) {
      closeSync(fd);
      throw e instanceof UnreadableError ? e : fileSystemError(name, e);
    }
  }

  protected fetchNow(): ReadNow {
    return (offset, length, into) => (this.whole ? fromWhole(this.whole, offset, length, into) : this.readAt(offset, length, into));
  }

  private readAt(offset: number, length: number, into?: Uint8Array): Uint8Array {
    if (this.fd === null) throw new UnreadableError(this.name, 'read after close');
    const buf = into ? into.subarray(0, length) : Buffer.allocUnsafe(length);
    let done = 0;
    try {
      while (done < length) {
        const got = readSync(this.fd, buf, done, length - done, offset + done);
        if (got <= 0) break;
        done += got;
      }
    } catch (e) {
      throw fileSystemError(this.name, e); // EIO and the like
    }
    if (done < length) throw new UnreadableError(this.name, `file shrank while it was read (${done} of ${length} bytes at ${offset})`);
    return buf;
  }

  /** A local file always answers at once. */
  override get readNow(): ReadNow {
    return super.readNow!;
  }

  /** A small file held whole: its reads are views of that one buffer. */
  override get inMemory(): boolean {
    return this.whole !== null;
  }

  get local(): LocalBytes {
    return { path: this.path, offset: 0, whole: true };
  }

  close(): void {
    if (this.fd === null) return;
    closeSync(this.fd);
    this.fd = null;
    this.whole = null;
    this.onClose?.();
  }
}

function isFolder(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** A read served from a small file held whole: a view, or a copy into `into`. */
function fromWhole(whole: Uint8Array, offset: number, length: number, into?: Uint8Array): Uint8Array {
  const b = whole.subarray(offset, offset + length);
  if (!into) return b;
  into.set(b);
  return into.subarray(0, length);
}

/**
 * Why a path that exists is not a file kerascope reads ("is a directory", "not a regular file (a
 * FIFO)"), or null for a regular file. Found by stat, which never blocks: opening a FIFO would.
 */
export function notRegular(st: Stats): string | null {
  if (st.isFile()) return null;
  if (st.isDirectory()) return 'is a directory';
  const kind = st.isFIFO() ? 'a FIFO' : st.isSocket() ? 'a socket' : st.isCharacterDevice() ? 'a character device' : st.isBlockDevice() ? 'a block device' : 'a special file';
  return `not a regular file (${kind})`;
}
