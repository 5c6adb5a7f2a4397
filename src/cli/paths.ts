// `kerascope check PATH…`: files as given, folders walked recursively, globs expanded (tinyglobby).
import { open, stat } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';

/** tinyglobby is loaded by `check` only, so that one-file runs start faster. */
const globber = () => import('tinyglobby');

/** What a folder walk picks up: the extensions Keras and TensorFlow.js write models with. */
const MODEL_FILES = '**/*.{h5,hdf5,keras,json}';
/** Shard indexes of sharded Keras 3 weights are not models by themselves. */
const NOT_MODELS = ['**/*.weights.json', '**/node_modules/**'];

/** A file to check, or a PATH that gave none (`problem`: missing, an empty folder, a glob matching nothing). */
export interface Entry {
  path: string;
  problem?: string;
}

async function kind(path: string): Promise<'file' | 'dir' | null> {
  try {
    const s = await stat(path);
    return s.isDirectory() ? 'dir' : 'file';
  } catch {
    return null;
  }
}

/** JSON words every Keras or TensorFlow.js model file holds near its start (escaped or not). */
const MODEL_JSON = /class_name|modelTopology|weightsManifest/;

/**
 * In a folder walk, a .json file is taken only if it looks like a model: folders also hold
 * metadata, vocabularies and package files. A file named on the command line is always taken.
 */
async function looksLikeModelJson(path: string): Promise<boolean> {
  let handle;
  try {
    handle = await open(path, 'r');
    const buf = Buffer.alloc(64 * 1024);
    const { bytesRead } = await handle.read(buf, 0, buf.length, 0);
    return MODEL_JSON.test(buf.toString('latin1', 0, bytesRead));
  } catch {
    return true; // unreadable: let the analysis say why
  } finally {
    await handle?.close();
  }
}

async function walk(dir: string): Promise<string[]> {
  const { glob } = await globber();
  const found = (await glob(MODEL_FILES, { cwd: dir, ignore: NOT_MODELS, onlyFiles: true })).sort().map((f) => join(dir, f));
  const keep = await Promise.all(found.map((f) => (f.endsWith('.json') ? looksLikeModelJson(f) : true)));
  return found.filter((_, i) => keep[i]);
}

async function expandOne(path: string): Promise<Entry[]> {
  const k = await kind(path);
  if (k === 'file') return [{ path }];
  if (k === 'dir') {
    const files = await walk(path);
    return files.length ? files.map((f) => ({ path: f })) : [{ path, problem: 'no .h5, .hdf5, .keras or .json file in this folder' }];
  }
  const { glob, isDynamicPattern } = await globber();
  if (!isDynamicPattern(path)) return [{ path, problem: 'no such file or directory' }];
  const files = (await glob(path, { onlyFiles: true, absolute: isAbsolute(path) })).sort();
  return files.length ? files.map((f) => ({ path: f })) : [{ path, problem: 'no file matches this pattern' }];
}

/** Expand every PATH, in the order given; a file reached twice is checked once. */
export async function expandPaths(paths: readonly string[]): Promise<Entry[]> {
  const seen = new Set<string>();
  const out: Entry[] = [];
  for (const p of paths) {
    for (const e of await expandOne(p)) {
      if (seen.has(e.path)) continue;
      seen.add(e.path);
      out.push(e);
    }
  }
  return out;
}
