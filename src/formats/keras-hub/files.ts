// The preset's folder, as the reader sees it: stat, list and open files by their path inside it,
// never by a path that leaves it. This is the shape of the folder contract (src/formats/folder.ts,
// being added for remote hubs): until it lands, a local implementation of the few calls the
// preset reader makes.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { UnreadableError } from '../../errors.js';
import { FileSource, notRegular, type ByteSource } from '../source.js';

export interface PresetEntry {
  path: string;
  size: number;
  /** Why it is not a regular file, or null. */
  notFile: string | null;
}

export interface PresetFolder {
  readonly name: string;
  nameOf(path: string): string;
  stat(path: string): Promise<PresetEntry | null>;
  /** Files under the folder, subfolders included, at most `limit`. */
  list(limit: number): Promise<{ entries: PresetEntry[]; truncated: boolean }>;
  open(path: string): Promise<ByteSource>;
}

/** A name the reader itself chose or read from a manifest: one file name, or `a/b` inside the folder. */
function inside(path: string): boolean {
  return path !== '' && !path.startsWith('/') && !path.includes('\\') && path.split('/').every((p) => p !== '' && p !== '.' && p !== '..');
}

export function localFolder(dir: string): PresetFolder {
  const stat = (path: string): PresetEntry | null => {
    if (!inside(path)) throw new UnreadableError(dir, `${JSON.stringify(path)} is not a path inside this folder`);
    try {
      const st = statSync(join(dir, path));
      const notFile = notRegular(st);
      return { path, size: notFile ? 0 : st.size, notFile };
    } catch {
      return null;
    }
  };
  return {
    name: dir,
    nameOf: (path) => join(dir, path),
    stat: async (path) => stat(path),
    list: async (limit) => {
      const entries: PresetEntry[] = [];
      const queue = [''];
      while (queue.length) {
        const sub = queue.shift()!;
        let names;
        try {
          names = readdirSync(join(dir, sub), { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
        } catch {
          continue;
        }
        for (const d of names) {
          const p = sub ? `${sub}/${d.name}` : d.name;
          if (d.isDirectory()) queue.push(p);
          else if (entries.length >= limit) return { entries, truncated: true };
          else {
            const e = stat(p);
            if (e) entries.push(e);
          }
        }
      }
      return { entries, truncated: false };
    },
    open: async (path) => {
      if (!inside(path)) throw new UnreadableError(dir, `${JSON.stringify(path)} is not a path inside this folder`);
      return FileSource.open(join(dir, path));
    },
  };
}
