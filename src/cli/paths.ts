// `kerascope check PATH…`: files as given, folders walked recursively, globs expanded (tinyglobby).
import { stat } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import { glob, isDynamicPattern } from 'tinyglobby';

/** What a folder walk picks up: the extensions Keras and TensorFlow.js write models with. */
const MODEL_FILES = '**/*.{h5,hdf5,keras,json}';
/** Shard indexes of sharded Keras 3 weights are not models by themselves. */
const NOT_MODELS = ['**/*.weights.json', '**/node_modules/**'];

export interface Expanded {
  files: string[];
  /** Paths that gave no file: a missing path, or a glob that matched nothing. */
  problems: { path: string; message: string }[];
}

async function kind(path: string): Promise<'file' | 'dir' | null> {
  try {
    const s = await stat(path);
    return s.isDirectory() ? 'dir' : 'file';
  } catch {
    return null;
  }
}

async function walk(dir: string): Promise<string[]> {
  const found = await glob(MODEL_FILES, { cwd: dir, ignore: NOT_MODELS, onlyFiles: true });
  return found.sort().map((f) => join(dir, f));
}

async function expandOne(path: string, out: Expanded): Promise<void> {
  const k = await kind(path);
  if (k === 'file') out.files.push(path);
  else if (k === 'dir') {
    const files = await walk(path);
    if (files.length === 0) out.problems.push({ path, message: 'no .h5, .hdf5, .keras or .json file in this folder' });
    out.files.push(...files);
  } else if (isDynamicPattern(path)) {
    const files = (await glob(path, { onlyFiles: true, absolute: isAbsolute(path) })).sort();
    if (files.length === 0) out.problems.push({ path, message: 'no file matches this pattern' });
    out.files.push(...files);
  } else out.problems.push({ path, message: 'no such file or directory' });
}

/** Expand every PATH in order; a file reached twice is checked once. */
export async function expandPaths(paths: readonly string[]): Promise<Expanded> {
  const out: Expanded = { files: [], problems: [] };
  for (const p of paths) await expandOne(p, out);
  out.files = [...new Set(out.files)];
  return out;
}
