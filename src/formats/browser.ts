// A browser's files as kerascope's contracts: a `File` (any Blob) as a ByteSource read with
// `Blob.slice`, and a dropped or picked folder (`webkitdirectory`, drag-and-drop entries) as a
// Folder. The readers are the same as on the command line; nothing here leaves the machine.
// Uses only Blob, which Node has too (the tests run these in Node and in Chromium).
//
// A file up to WHOLE_BYTES is read whole at open (one read; the native HDF5 reader then answers
// at once, in one pass, as it does on a local file); a larger one is read by slices, the few kB
// a reader asks for. Either way the source says where its bytes are for the HDF5 engine: in a
// browser the engine's worker mounts the page's Blobs as its files (`local.path` names one,
// client.browser.ts), so a STORED member of a .keras is served in place there too.
import { UnreadableError } from '../errors.js';
import { FilesFolder } from './folder.js';
import { BaseSource, type ByteSource, type LocalBytes, type ReadNow } from './source.js';

/** A file this size or smaller is read whole when opened. */
export const WHOLE_BYTES = 256 * 1024 * 1024;

/** The Blobs behind open sources, by the path the HDF5 engine's worker gives each. */
const mounted = new Map<string, Blob>();
let nextBlob = 0;

/** The Blob an engine path names (client.browser.ts hands it to the worker), or undefined. */
export function blobAt(path: string): Blob | undefined {
  return mounted.get(path);
}

export class BlobSource extends BaseSource {
  private readonly path: string;

  private constructor(
    private readonly blob: Blob,
    name: string,
    private readonly bytes: Uint8Array | null,
  ) {
    super(name, blob.size);
    this.path = `/kerascope/${++nextBlob}/${(name.split(/[/:]/).pop() ?? 'file').replace(/[^\w.-]/g, '_') || 'file'}`;
    mounted.set(this.path, blob);
  }

  /** `blob` as a source named `name`; read whole now when it is small (WHOLE_BYTES), else on demand. */
  static async open(blob: Blob, name: string, whole = WHOLE_BYTES): Promise<BlobSource> {
    let bytes: Uint8Array | null = null;
    if (blob.size <= whole) {
      try {
        bytes = new Uint8Array(await blob.arrayBuffer());
      } catch (e) {
        throw unreadable(name, e);
      }
    }
    return new BlobSource(blob, name, bytes);
  }

  protected fetchNow(): ReadNow | null {
    const b = this.bytes;
    return b && ((offset, length, into) => {
      const part = b.subarray(offset, offset + length);
      if (!into) return part;
      into.set(part);
      return into.subarray(0, length);
    });
  }

  protected override async fetch(offset: number, length: number): Promise<Uint8Array> {
    if (this.bytes) return this.bytes.subarray(offset, offset + length);
    try {
      return new Uint8Array(await this.blob.slice(offset, offset + length).arrayBuffer());
    } catch (e) {
      throw unreadable(this.name, e); // the file changed or was removed since it was picked
    }
  }

  get local(): LocalBytes {
    return { path: this.path, offset: 0, whole: true };
  }

  close(): void {
    mounted.delete(this.path);
  }
}

function unreadable(name: string, e: unknown): UnreadableError {
  return new UnreadableError(name, `the browser could not read this file (${e instanceof Error ? e.message : String(e)})`);
}

/**
 * Files a user dropped or picked, by their path inside the folder (`model.json`,
 * `variables/variables.index`). A browser gives no links nor special files.
 */
export class BrowserFolder extends FilesFolder<Blob> {
  /**
   * The folder a `webkitdirectory` input or a drop gave: each file's `webkitRelativePath` (or the
   * path its entry was found at) starts with the folder's own name, which is taken off. Files
   * picked together without a folder make a folder without a name (each file named by its own).
   */
  static fromPaths(files: Iterable<readonly [string, Blob]>, fallbackName = ''): BrowserFolder {
    const list = [...files];
    const tops = new Set(list.map(([p]) => (p.includes('/') ? p.slice(0, p.indexOf('/')) : '')));
    const top = tops.size === 1 ? [...tops][0]! : '';
    if (!top) return new BrowserFolder(fallbackName, list);
    return new BrowserFolder(top, list.map(([p, b]) => [p.slice(top.length + 1), b] as const));
  }

  /** Loose files (picked together, no folder) are named by their own names. */
  override nameOf(path: string): string {
    return this.name ? `${this.name}/${path}` : path;
  }

  protected sizeOf(file: Blob): number {
    return file.size;
  }

  protected openFile(file: Blob, name: string): Promise<ByteSource> {
    return BlobSource.open(file, name);
  }
}
