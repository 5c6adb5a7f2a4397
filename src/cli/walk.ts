// A bounded walk of one folder for `kerascope check`. Nothing outside the folder the user gave is
// opened: a symlink is followed only when it resolves inside that folder, and one resolving outside
// it (a link to `/`, to a sibling tree) is reported as skipped. Every folder is walked once by its
// real path, so a symlink loop or a link to a folder already walked adds nothing. The walk stops at
// WALK_LIMITS (entries read, folder depth, time) and says so: a CI step must not pass on a partial walk.
import { opendir, realpath, stat } from 'node:fs/promises';
import { isAbsolute, join, relative, sep } from 'node:path';
import { append } from '../append.js';

export interface WalkLimits {
  /** Directory entries read in one walk (files and folders alike). */
  entries: number;
  /** Folders below the given one. */
  depth: number;
  /** Milliseconds for the walk itself (the analyses come after). */
  ms: number;
}

/** Documented in README.md (Limits). Real model folders hold thousands of files a few levels deep. */
export const WALK_LIMITS: WalkLimits = { entries: 1_000_000, depth: 32, ms: 60_000 };

export type SkipWhy = 'link-outside' | 'broken-link' | 'not-a-file' | 'not-a-model';

/** A path the walk found and did not take, and why (shown under the table, listed in --json). */
export interface Skip {
  path: string;
  why: SkipWhy;
  detail: string;
}

export interface Found {
  path: string;
  /** The file's real path (symlinks resolved): one file, one row. */
  real: string;
  /** Reached through a symlink: another path to the same file is shown in preference. */
  viaLink: boolean;
}

export interface WalkResult {
  files: Found[];
  skipped: Skip[];
  /** Why the walk is incomplete (a folder it could not read, a limit reached): the run fails (exit 3). */
  problems: { path: string; message: string }[];
}

export interface WalkOptions {
  limits: WalkLimits;
  now: () => number;
  /** Take this file? `rel` is its path below the folder, with `/` separators. */
  take: (rel: string) => boolean;
  /** Folders deeper than this below the root are not entered (a glob without `**`); at most limits.depth. */
  maxDepth?: number;
}

interface Folder {
  path: string;
  real: string;
  depth: number;
}

/** Is `target` the folder `root` or inside it? Both are real paths. */
export function inside(root: string, target: string): boolean {
  const rel = relative(root, target);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel));
}

const errCode = (e: unknown): string => (e as NodeJS.ErrnoException | null)?.code ?? 'error';

class Walk {
  readonly out: WalkResult = { files: [], skipped: [], problems: [] };
  private readonly seen = new Set<string>();
  /** Folders reached through a symlink are walked after every real folder: real paths are shown first. */
  private readonly linked: Folder[] = [];
  private readonly stack: Folder[] = [];
  private entries = 0;
  private readonly start: number;
  private depthNoted = false;

  constructor(
    private readonly root: string,
    private readonly rootReal: string,
    private readonly o: WalkOptions,
  ) {
    this.start = o.now();
  }

  async run(): Promise<WalkResult> {
    this.stack.push({ path: this.root, real: this.rootReal, depth: 0 });
    for (let f = this.next(); f; f = this.next()) {
      if (this.seen.has(f.real)) continue;
      this.seen.add(f.real);
      if (!(await this.folder(f))) break;
    }
    return this.out;
  }

  private next(): Folder | undefined {
    return this.stack.pop() ?? this.linked.shift();
  }

  /** Read one folder; false once a limit stops the walk. */
  private async folder(f: Folder): Promise<boolean> {
    let dir;
    try {
      dir = await opendir(f.path);
    } catch (e) {
      this.out.problems.push({ path: f.path, message: `cannot read this folder (${errCode(e)}): its files were not checked` });
      return true;
    }
    const subfolders: Folder[] = [];
    for await (const e of dir) {
      const stop = this.limitReached();
      if (stop) {
        this.out.problems.push({ path: this.root, message: `${stop}; files beyond were not checked` });
        return false; // leaving the loop closes the folder
      }
      if (e.name.startsWith('.') || e.name === 'node_modules') continue;
      const path = join(f.path, e.name);
      const link = e.isSymbolicLink();
      const target = link ? await this.resolve(path) : { real: join(f.real, e.name), kind: e.isDirectory() ? 'dir' : e.isFile() ? 'file' : 'other' };
      if (!target) continue;
      if (target.kind === 'dir') {
        if (this.seen.has(target.real)) continue;
        const sub = { path, real: target.real, depth: f.depth + 1 };
        if (sub.depth > (this.o.maxDepth ?? this.o.limits.depth)) this.tooDeep(sub.depth);
        else if (link) this.linked.push(sub);
        else subfolders.push(sub);
        continue;
      }
      const rel = relative(this.root, path).split(sep).join('/');
      if (!this.o.take(rel)) continue;
      if (target.kind === 'other') this.out.skipped.push({ path, why: 'not-a-file', detail: 'not a regular file (a FIFO, socket or device)' });
      else this.out.files.push({ path, real: target.real, viaLink: link });
    }
    // Depth first, in name order.
    append(this.stack, subfolders.sort((a, b) => (a.path < b.path ? 1 : -1)));
    return true;
  }

  private limitReached(): string | null {
    if (++this.entries > this.o.limits.entries) return `walk stopped after ${this.o.limits.entries.toLocaleString('en-US')} entries (the limit)`;
    if (this.o.now() - this.start > this.o.limits.ms) return `walk stopped after ${this.o.limits.ms / 1000} s (the limit)`;
    return null;
  }

  private tooDeep(depth: number): void {
    if (depth <= this.o.limits.depth || this.depthNoted) return; // a glob's own depth is not a problem
    this.depthNoted = true;
    this.out.problems.push({ path: this.root, message: `folders more than ${this.o.limits.depth} levels deep were not walked (the limit)` });
  }

  /** A symlink's real target, if it stays inside the folder; otherwise it is skipped, with why. */
  private async resolve(path: string): Promise<{ real: string; kind: 'dir' | 'file' | 'other' } | null> {
    let real: string;
    try {
      real = await realpath(path);
    } catch (e) {
      const why = errCode(e) === 'ELOOP' ? 'a symlink loop' : 'its target does not exist';
      this.out.skipped.push({ path, why: 'broken-link', detail: `broken symlink: ${why}` });
      return null;
    }
    if (!inside(this.rootReal, real)) {
      this.out.skipped.push({ path, why: 'link-outside', detail: `symlink to ${real}, outside ${this.root}: not followed` });
      return null;
    }
    try {
      const st = await stat(real);
      return { real, kind: st.isDirectory() ? 'dir' : st.isFile() ? 'file' : 'other' };
    } catch (e) {
      this.out.skipped.push({ path, why: 'broken-link', detail: `broken symlink (${errCode(e)})` });
      return null;
    }
  }
}

/** Walk `root` (a folder) within `o.limits`. */
export async function walkFolder(root: string, o: WalkOptions): Promise<WalkResult> {
  let rootReal: string;
  try {
    rootReal = await realpath(root);
  } catch (e) {
    return { files: [], skipped: [], problems: [{ path: root, message: `cannot read this folder (${errCode(e)})` }] };
  }
  return new Walk(root, rootReal, o).run();
}
