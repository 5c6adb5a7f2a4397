// `kerascope check PATH…` and `audit PATH…`: files as given (`-`: standard input, stdin.ts; a
// URL), folders walked (walk.ts: inside the folder only, bounded), globs matched with picomatch over
// the same walk from the pattern's fixed base folder. One file, one entry: files are told apart by
// their real path.
import { realpath, stat } from 'node:fs/promises';
import { dirname, sep } from 'node:path';
import picomatch from 'picomatch';
import { isRemote } from '../formats/remote/address.js';
import { STDIN_ARG } from './stdin.js';
import { looksLikeModelJson } from './sniff.js';
import { WALK_LIMITS, walkFolder, type Found, type Skip, type WalkLimits, type WalkResult } from './walk.js';
import { append } from '../append.js';

export { WALK_LIMITS, type Skip };

/** A file to check, or a PATH that gave none (`problem`: missing, an empty folder, a walk cut short). */
export interface Entry {
  path: string;
  problem?: string;
  /** Found by a folder walk or a glob (not named): a file that is not a model is skipped, not an error. */
  walked?: boolean;
  /** The file's real path (symlinks resolved). */
  real?: string;
}

export interface Expansion {
  entries: Entry[];
  /** What walks found and did not take: symlinks out of the folder, broken links, data JSON… */
  skipped: Skip[];
}

export interface ExpandOptions {
  limits?: WalkLimits;
  now?: () => number;
  /** A PATH that is neither a folder nor a glob is one entry as given, even if missing: its reader says what is wrong (audit). */
  filesAsGiven?: boolean;
}

/** What a folder walk picks up: the extensions Keras and TensorFlow.js write models with (gzip-compressed too), and a SavedModel's files. */
const MODEL_FILE = /\.(h5|hdf5|keras|json)(\.gz)?$|(^|\/)(saved_model|keras_metadata)\.pb$/i;
const SAVEDMODEL_FILE = /(^|[\\/])(saved_model|keras_metadata)\.pb$/i;
/** Shard indexes of sharded Keras 3 weights are not models by themselves. */
const SHARD_INDEX = /\.weights\.json$/i;

const modelFileName = (rel: string): boolean => MODEL_FILE.test(rel) && !SHARD_INDEX.test(rel);

async function kind(path: string): Promise<'file' | 'dir' | null> {
  try {
    return (await stat(path)).isDirectory() ? 'dir' : 'file';
  } catch {
    return null;
  }
}

interface Walked {
  walk: WalkResult;
  /** What an empty result is called. */
  empty: string;
}

async function walkGlob(pattern: string, o: Required<ExpandOptions>): Promise<Walked | null> {
  const scan = picomatch.scan(pattern);
  if (!scan.isGlob) return null;
  const base = scan.base || '.';
  if ((await kind(base)) !== 'dir') return { walk: { files: [], skipped: [], problems: [] }, empty: 'no file matches this pattern' };
  const match = picomatch(scan.glob, { dot: false });
  // A pattern without ** reaches only as deep as its own folders.
  const maxDepth = scan.glob.includes('**') ? o.limits.depth : scan.glob.split('/').length - 1;
  const walk = await walkFolder(base, { limits: o.limits, now: o.now, take: match, maxDepth });
  return { walk, empty: 'no file matches this pattern' };
}

/**
 * A SavedModel is its folder: the saved_model.pb or keras_metadata.pb a walk finds stands for the
 * folder holding it (read as a folder, one row), and its variables/ and assets/ are not models.
 */
function savedModelFolders(walk: WalkResult): void {
  const folders = new Map<string, Found>();
  for (const f of walk.files) {
    if (!SAVEDMODEL_FILE.test(f.path)) continue;
    const folder = { path: dirname(f.path), real: dirname(f.real), viaLink: f.viaLink };
    if (!folders.has(folder.real)) folders.set(folder.real, folder);
  }
  const inSavedModel = (p: string): boolean => [...folders.keys()].some((d) => p.startsWith(`${d}${sep}`));
  walk.files = [...walk.files.filter((f) => !SAVEDMODEL_FILE.test(f.path) && !inSavedModel(f.real)), ...folders.values()];
}

/** Drop .json files that are data, not models (skipped, with why). Sequential: thousands of files, few open at once. */
async function modelJsonOnly(walk: WalkResult): Promise<Found[]> {
  const kept: Found[] = [];
  for (const f of walk.files) {
    if (!/\.json$/i.test(f.path) || (await looksLikeModelJson(f.real))) kept.push(f);
    else walk.skipped.push({ path: f.path, why: 'not-a-model', detail: 'JSON that is not a Keras or TensorFlow.js model' });
  }
  return kept;
}

async function expandOne(path: string, o: Required<ExpandOptions>): Promise<{ found: Found[]; named: boolean; problems: Entry[]; skipped: Skip[] }> {
  // A URL or hf:// address is one model, read remotely; `-` is standard input (read once however often it is named). Nothing to walk or match.
  if (isRemote(path) || path === STDIN_ARG) return { found: [{ path, real: path, viaLink: false }], named: true, problems: [], skipped: [] };
  const k = await kind(path);
  const asGiven = k === 'file' || (o.filesAsGiven && k === null && !picomatch.scan(path).isGlob);
  if (asGiven) return { found: [{ path, real: await realpath(path).catch(() => path), viaLink: false }], named: true, problems: [], skipped: [] };
  const w: Walked | null =
    k === 'dir' ? { walk: await walkFolder(path, { limits: o.limits, now: o.now, take: modelFileName }), empty: 'no .h5, .hdf5, .keras, .json model file (or .gz of one) or SavedModel in this folder' }
    : await walkGlob(path, o);
  if (!w) return { found: [], named: true, problems: [{ path, problem: 'no such file or directory' }], skipped: [] };
  savedModelFolders(w.walk);
  const found = await modelJsonOnly(w.walk);
  const problems: Entry[] = w.walk.problems.map((p) => ({ path: p.path, problem: p.message }));
  if (found.length === 0 && problems.length === 0) {
    const skippedNote = w.walk.skipped.length ? ` (${w.walk.skipped.length} skipped)` : '';
    problems.push({ path, problem: `${w.empty}${skippedNote}` });
  }
  const byPath = <T extends { path: string }>(a: T, b: T): number => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0);
  return { found: found.sort(byPath), named: false, problems, skipped: w.walk.skipped.sort(byPath) };
}

/** Expand every PATH, in the order given; a file reached twice (a symlink, a repeated PATH) is checked once. */
export async function expandPaths(paths: readonly string[], options: ExpandOptions = {}): Promise<Expansion> {
  const o: Required<ExpandOptions> = { limits: options.limits ?? WALK_LIMITS, now: options.now ?? Date.now, filesAsGiven: options.filesAsGiven ?? false };
  const byReal = new Map<string, { entry: Entry; viaLink: boolean }>();
  const entries: Entry[] = [];
  const skipped: Skip[] = [];
  for (const p of paths) {
    const one = await expandOne(p, o);
    append(skipped, one.skipped);
    append(entries, one.problems);
    for (const f of one.found) {
      const seen = byReal.get(f.real);
      if (seen) {
        // The same file again: shown under its own path rather than a link's.
        if (seen.viaLink && !f.viaLink && !one.named) Object.assign(seen, { viaLink: false }).entry.path = f.path;
        continue;
      }
      const entry: Entry = one.named ? { path: f.path, real: f.real } : { path: f.path, walked: true, real: f.real };
      byReal.set(f.real, { entry, viaLink: f.viaLink });
      entries.push(entry);
    }
  }
  return { entries, skipped };
}
