// A file on this machine as a byte source (node:fs): read in place by position, never whole. Kept
// apart from source.ts, the contract, so that what runs in a browser (the page, web/) never
// reaches node:fs: a browser's File is another implementation (browser.ts).
import { closeSync, fstatSync, openSync, readSync, statSync, type Stats } from 'node:fs';
import { fileSystemError, UnreadableError } from '../errors.js';
import { BaseSource, type LocalBytes, type ReadNow } from './source.js';

/** A local file, read in place by position (a 4 GB file is served the few kB asked for). */
export class FileSource extends BaseSource {
  private fd: number | null;

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
    // A FIFO or a device is refused before it is opened: opening a FIFO blocks until a writer comes.
    let special: string | null = null;
    try {
      special = notRegular(statSync(path));
    } catch {
      // missing or not allowed: the open below says which
    }
    if (special) throw new UnreadableError(name, special);
    let fd: number;
    try {
      fd = openSync(path, 'r'); // EACCES lands here: stat needs no read permission
    } catch (e) {
      throw fileSystemError(name, e);
    }
    try {
      const st = fstatSync(fd);
      const special = notRegular(st);
      if (special) throw new UnreadableError(name, special);
      return new FileSource(path, fd, st.size, name, onClose);
    } catch (e) {
      closeSync(fd);
      throw e instanceof UnreadableError ? e : fileSystemError(name, e);
    }
  }

  protected fetchNow(): ReadNow {
    return (offset, length, into) => this.readAt(offset, length, into);
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

  get local(): LocalBytes {
    return { path: this.path, offset: 0, whole: true };
  }

  close(): void {
    if (this.fd === null) return;
    closeSync(this.fd);
    this.fd = null;
    this.onClose?.();
  }
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
