// The files beside a file: a folder. Some formats span several files — a tfjs model.json and its
// shards, a sharded `.weights.json` and its `.weights.h5` shards, `model.json` + `model.h5`, a
// SavedModel's `saved_model.pb` + `keras_metadata.pb` + `variables/`, a KerasHub preset's
// `config.json` + `metadata.json` + `model.weights.h5` — and a reader gets at the others only
// through the Folder its file sits in (ReadContext.folder), never through `node:fs`: it can stat a
// path (size, regular file or not, and whether it really lies inside the folder), list the
// folder (bounded), and open a path as a ByteSource. The contract and a folder in memory live
// here, with nothing from Node; the local folder is local-folder.ts (node:fs), a browser's
// dropped or picked folder is browser.ts, a hub repository (`hf://owner/repo`, listed by its API,
// files opened by ranged GETs) is another, with no reader changed.
//
// Paths inside a folder are relative and `/`-separated (`variables/variables.index`). A path that
// would leave the folder by its letters — a URL, an absolute path, `..` above the top — is never
// stat'ed nor opened (`insideFolder` tells; `stat` and `open` refuse it). One that leaves it by a
// symbolic link is stat'ed (its `outside` names where it goes) and opened only if the caller wants.
import { UnreadableError } from '../errors.js';
import { MemorySource, type ByteSource } from './source.js';

/** What a path inside a folder is, from its stat (never opened to find out: opening a FIFO blocks). */
export interface FolderEntry {
  /** Its path inside the folder, normalised (`a/b.bin`). */
  readonly path: string;
  /** Size in bytes (0 for what is not a regular file). */
  readonly size: number;
  /** Why it is not a regular file ("is a directory", "not a regular file (a FIFO)"), or null for a file. */
  readonly notFile: string | null;
  /** Where it really is when a symbolic link takes it outside the folder, else null. */
  readonly outside: string | null;
}

/** A bounded listing: every file under the folder (folders themselves are not entries). */
export interface FolderListing {
  readonly entries: readonly FolderEntry[];
  /** The listing stopped at its limit: there is more. */
  readonly truncated: boolean;
}

export interface Folder {
  /** Names the folder in messages: a path, `hf://owner/repo@rev`, a URL, a dropped folder's name. */
  readonly name: string;
  /** How `path` inside the folder is named in messages and reports (`models/x/group1-shard1of1.bin`). */
  nameOf(path: string): string;
  /** What `path` is, or null when nothing is there. Throws UnreadableError for a path that leaves the folder by its letters. */
  stat(path: string): Promise<FolderEntry | null>;
  /** The files under the folder, subfolders included, at most `limit` of them; null when this folder cannot be listed (a plain URL). */
  list(limit?: number): Promise<FolderListing | null>;
  /** `path` as a byte source (the caller closes it); one UnreadableError line when missing or not a regular file. */
  open(path: string): Promise<ByteSource>;
}

/** Where a file sits: its folder, and its path inside it (ReadContext gives a reader both). */
export interface Place {
  folder: Folder;
  entry: string;
}

/** Entries a listing returns unless asked otherwise: a hub repository or a model folder holds far fewer. */
export const LIST_LIMIT = 10_000;

/**
 * `path` normalised inside a folder (`./a//b/../c` → `a/c`), or null when it would leave it by its
 * letters: a URL or `scheme:` (also a Windows drive), an absolute path, `..` above the top. `''`
 * is the folder itself. Only `/` separates: `\` is a letter of a name, as on the hubs.
 */
export function insideFolder(path: string): string | null {
  if (/^[a-z][a-z0-9+.-]*:/i.test(path) || path.startsWith('/') || path.startsWith('\\')) return null;
  const parts: string[] = [];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (parts.length === 0) return null;
      parts.pop();
    } else parts.push(part);
  }
  return parts.join('/');
}

/** `path` normalised, or the one line that refuses it. */
export function mustBeInside(folder: Folder, path: string): string {
  const p = insideFolder(path);
  if (p === null) throw new UnreadableError(folder.name, `${JSON.stringify(path)} is not a path inside this folder`);
  return p;
}

/** The same path beside another one in its folder (`dir/model.json`, `model.h5` → `dir/model.h5`). */
export function beside(path: string, name: string): string {
  const slash = path.lastIndexOf('/');
  return slash < 0 ? name : `${path.slice(0, slash + 1)}${name}`;
}

// ---------------------------------------------------------------- folders of files held by path

/**
 * Files held by path, each opened as a source by the subclass: bytes in memory (MemoryFolder, a
 * test's folder), a browser's dropped folder (browser.ts, Blobs read by `File.slice`). Nothing in
 * it is a link or a special file.
 */
export abstract class FilesFolder<T> implements Folder {
  protected readonly files: Map<string, T>;

  constructor(
    readonly name: string,
    files: Iterable<readonly [string, T]>,
  ) {
    this.files = new Map([...files].map(([p, b]) => [insideFolder(p) ?? p, b]));
  }

  /** The size of a held file. */
  protected abstract sizeOf(file: T): number;
  /** A held file as a source named `name`. */
  protected abstract openFile(file: T, name: string): Promise<ByteSource>;

  nameOf(path: string): string {
    return `${this.name}/${path}`;
  }

  async stat(path: string): Promise<FolderEntry | null> {
    const p = mustBeInside(this, path);
    const b = this.files.get(p);
    if (b !== undefined) return { path: p, size: this.sizeOf(b), notFile: null, outside: null };
    const isDir = p === '' || [...this.files.keys()].some((k) => k.startsWith(`${p}/`));
    return isDir ? { path: p, size: 0, notFile: 'is a directory', outside: null } : null;
  }

  async list(limit = LIST_LIMIT): Promise<FolderListing> {
    const paths = [...this.files.keys()].sort();
    const entries = paths.slice(0, limit).map((p) => ({ path: p, size: this.sizeOf(this.files.get(p)!), notFile: null, outside: null }));
    return { entries, truncated: paths.length > limit };
  }

  async open(path: string): Promise<ByteSource> {
    const e = await this.stat(path);
    const name = this.nameOf(e?.path ?? path);
    if (!e) throw new UnreadableError(name, 'no such file');
    if (e.notFile) throw new UnreadableError(name, e.notFile);
    return this.openFile(this.files.get(e.path)!, name);
  }
}

/** Files held in memory, by path (a test's folder). */
export class MemoryFolder extends FilesFolder<Uint8Array> {
  protected sizeOf(file: Uint8Array): number {
    return file.length;
  }

  protected async openFile(file: Uint8Array, name: string): Promise<ByteSource> {
    return new MemorySource(file, name);
  }
}
