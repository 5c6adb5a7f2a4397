// A folder on this machine (node:fs), the Folder contract of folder.ts. Kept apart from it so that
// what runs in a browser (the page, web/) never reaches node:fs.
import { readdirSync, realpathSync, statSync } from 'node:fs';
import { join, relative, isAbsolute } from 'node:path';
import { fileSystemError } from '../errors.js';
import { FileSource, notRegular } from './file-source.js';
import { LIST_LIMIT, mustBeInside, type Folder, type FolderEntry, type FolderListing } from './folder.js';
import type { ByteSource } from './source.js';

/** A folder on this machine. Symbolic links are followed for sizes and reported when they lead outside. */
export class LocalFolder implements Folder {
  /** `dir`: the folder's path ('.' for the working folder); `name` names it in messages (default: the path). */
  constructor(
    readonly dir: string,
    readonly name: string = dir,
  ) {}

  nameOf(path: string): string {
    return join(this.dir, path);
  }

  async stat(path: string): Promise<FolderEntry | null> {
    return this.statNow(mustBeInside(this, path));
  }

  private statNow(p: string): FolderEntry | null {
    let st;
    try {
      st = statSync(join(this.dir, p));
    } catch {
      return null; // missing, a broken link, or not allowed: reported as missing by the reader
    }
    const notFile = notRegular(st);
    return { path: p, size: notFile ? 0 : st.size, notFile, outside: this.linkOutside(p) };
  }

  /** Where `p` really is when that is outside the folder (symbolic links followed), else null. */
  private linkOutside(p: string): string | null {
    try {
      const target = realpathSync(join(this.dir, p));
      const rel = relative(realpathSync(this.dir), target);
      return rel.startsWith('..') || isAbsolute(rel) ? target : null;
    } catch {
      return null;
    }
  }

  async list(limit = LIST_LIMIT): Promise<FolderListing> {
    const entries: FolderEntry[] = [];
    // Breadth first, real folders only: a link to a folder is listed as what it is, never walked (no loops).
    const queue = [''];
    let truncated = false;
    while (queue.length && !truncated) {
      const sub = queue.shift()!;
      let names;
      try {
        names = readdirSync(join(this.dir, sub), { withFileTypes: true });
      } catch (e) {
        if (sub === '') throw fileSystemError(this.name, e);
        continue;
      }
      names.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      for (const d of names) {
        const p = sub ? `${sub}/${d.name}` : d.name;
        if (d.isDirectory()) {
          queue.push(p);
          continue;
        }
        if (entries.length >= limit) {
          truncated = true;
          break;
        }
        const e = this.statNow(p);
        if (e && e.notFile !== 'is a directory') entries.push(e);
      }
    }
    return { entries, truncated };
  }

  async open(path: string): Promise<ByteSource> {
    const p = mustBeInside(this, path);
    return FileSource.open(join(this.dir, p), this.nameOf(p));
  }
}
