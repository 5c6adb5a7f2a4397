// Detects a file's family by its content (never by extension) and hands it to its reader.
// Also pairs an architecture with a weights file: `--weights`, `--config`, or a weights file with the
// same stem beside a JSON architecture.
import { closeSync, existsSync, openSync, readSync, readFileSync, statSync, type Stats } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import type { Finding, ModelSource, StoredWeights } from '../types.js';
import { fileSystemError, UnreadableError, UsageError } from '../errors.js';
import { asKerasJson, isObject, MAX_JSON_BYTES, parseJsonText } from './json.js';

export interface ReadOptions {
  /** A weights file for an architecture-only input (`--weights`). */
  weights?: string;
  /** An architecture for a weights-only input (`--config`). */
  config?: string;
  /** Do not look for a same-stem weights file beside a JSON architecture. */
  noPairing?: boolean;
}

type Kind = 'hdf5' | 'zip' | 'json' | 'savedmodel' | 'empty' | 'other';

const HDF5_MAGIC = Buffer.from([0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a]);

/** HDF5 magic sits at 0, or at 512, 1024, 2048… when a user block precedes it. */
function hdf5At(fd: number, size: number): boolean {
  const buf = Buffer.alloc(8);
  for (let off = 0; off + 8 <= size && off <= 1 << 20; off = off === 0 ? 512 : off * 2) {
    readSync(fd, buf, 0, 8, off);
    if (buf.equals(HDF5_MAGIC)) return true;
  }
  return false;
}

function sniff(file: string, size: number): Kind {
  if (size === 0) return 'empty';
  let fd: number;
  try {
    fd = openSync(file, 'r'); // EACCES lands here: stat needs no read permission
  } catch (e) {
    throw fileSystemError(file, e);
  }
  try {
    const head = Buffer.alloc(Math.min(size, 64));
    readSync(fd, head, 0, head.length, 0);
    if (head.subarray(0, 4).equals(Buffer.from('PK\x03\x04', 'latin1')) || head.subarray(0, 4).equals(Buffer.from('PK\x05\x06', 'latin1'))) return 'zip';
    if (hdf5At(fd, size)) return 'hdf5';
    const text = head.toString('utf8').replace(/^\uFEFF/, '').trimStart();
    if (text.startsWith('{') || text.startsWith('"') || text.startsWith('[')) return 'json';
    if (basename(file) === 'saved_model.pb') return 'savedmodel';
    return 'other';
  } catch (e) {
    throw fileSystemError(file, e); // EIO and the like from readSync
  } finally {
    closeSync(fd);
  }
}

function statOrThrow(file: string): Stats {
  try {
    return statSync(file);
  } catch (e) {
    throw fileSystemError(file, e);
  }
}

function readText(file: string, size: number): string {
  if (size > MAX_JSON_BYTES) throw new UnreadableError(file, `JSON file of ${size} bytes is larger than kerascope reads (${MAX_JSON_BYTES} bytes)`);
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    throw fileSystemError(file, e);
  }
}

/** Reads any supported file into the neutral description. */
export async function readSource(file: string, opts: ReadOptions = {}): Promise<ModelSource> {
  const st = statOrThrow(file);
  if (st.isDirectory()) return readDirectory(file, opts);
  const kind = sniff(file, st.size);
  let source: ModelSource;
  switch (kind) {
    case 'empty':
      throw new UnreadableError(file, 'empty file');
    case 'hdf5': {
      const { readHdf5 } = await import('./hdf5.js');
      source = await readHdf5(file);
      break;
    }
    case 'zip': {
      const { readKerasZip } = await import('./kerasZip.js');
      source = await readKerasZip(file);
      break;
    }
    case 'json':
      source = await readJsonFile(file, st.size);
      break;
    case 'savedmodel': {
      const { savedModelError } = await import('./tfjs.js');
      throw savedModelError(file) ?? new UnreadableError(file, 'not a Keras layers model: a TensorFlow SavedModel (protocol buffer graph)');
    }
    default:
      throw new UnreadableError(file, 'not a Keras model file: neither HDF5, a zip archive nor JSON');
  }
  return attachCompanion(source, opts);
}

async function readDirectory(dir: string, opts: ReadOptions): Promise<ModelSource> {
  if (existsSync(join(dir, 'saved_model.pb')) || existsSync(join(dir, 'saved_model.pbtxt'))) {
    const { savedModelError } = await import('./tfjs.js');
    throw savedModelError(dir) ?? new UnreadableError(dir, 'not a Keras layers model: a TensorFlow SavedModel folder');
  }
  for (const name of ['model.json', 'config.json']) {
    if (existsSync(join(dir, name))) return readSource(join(dir, name), opts);
  }
  throw new UnreadableError(dir, 'is a directory (use `kerascope check DIR` to analyse every model in it)');
}

async function readJsonFile(file: string, size: number): Promise<ModelSource> {
  const text = readText(file, size);
  const doubleEncoded = /^\s*"/.test(text);
  const value = parseJsonText(file, text);
  const { isWeightsManifest } = await import('./tfjs.js');
  if (isWeightsManifest(value) || (isObject(value) && ('modelTopology' in value || 'weightsManifest' in value || value['format'] === 'graph-model' || value['format'] === 'layers-model'))) {
    const { readTfjs } = await import('./tfjs.js');
    return readTfjs(file, value);
  }
  const keras = asKerasJson(value, doubleEncoded);
  if (!keras) throw new UnreadableError(file, 'JSON but not a Keras model: no class_name and config, no model_config, no modelTopology');
  return {
    file,
    format: 'keras-json',
    formatLabel: keras.label,
    kerasVersion: keras.kerasVersion,
    backend: keras.backend,
    config: keras.config,
    trainingConfig: keras.trainingConfig,
    weights: null,
    weightsFile: null,
    findings: [],
    container: { size },
  };
}

// ---------------------------------------------------------------- pairing

async function readWeights(file: string): Promise<StoredWeights> {
  const st = statOrThrow(file);
  if (st.isDirectory()) throw new UnreadableError(file, 'is a directory, not a weights file');
  const kind = sniff(file, st.size);
  if (kind === 'hdf5') {
    const { readWeightsHdf5 } = await import('./hdf5.js');
    return readWeightsHdf5(file);
  }
  if (kind === 'zip') {
    const { readKerasZip } = await import('./kerasZip.js');
    const src = await readKerasZip(file);
    if (src.weights) return src.weights;
    throw new UnreadableError(file, 'archive holds no readable weights');
  }
  if (kind === 'json') {
    // Sharded weights (Keras ≥ 3.10 save_weights(…, max_shard_size)): x.weights.json + shards beside it.
    const { readShardedWeights } = await import('./shards.js');
    return readShardedWeights(file);
  }
  throw new UnreadableError(file, 'not a weights file: expected HDF5 (.h5, .weights.h5), a sharded .weights.json or a .keras archive');
}

async function readConfig(file: string): Promise<{ config: unknown; kerasVersion: string | null; label: string }> {
  const src = await readSource(file, { noPairing: true });
  if (!src.config) throw new UnreadableError(file, 'holds no model architecture');
  return { config: src.config, kerasVersion: src.kerasVersion, label: src.formatLabel };
}

/**
 * Same-stem weights beside a JSON architecture: model.json → model.weights.h5, model.h5, model.hdf5;
 * and an unzipped .keras folder (`model.save(dir, zipped=False)`): config.json → model.weights.h5.
 */
function companionOf(file: string): string | null {
  const dir = dirname(file);
  const stem = basename(file, extname(file));
  if (basename(file) === 'config.json') {
    for (const name of ['model.weights.h5', 'variables.h5']) if (existsSync(join(dir, name))) return join(dir, name);
  }
  for (const ext of ['.weights.h5', '.h5', '.hdf5', '.weights.hdf5']) {
    const p = join(dir, stem + ext);
    if (existsSync(p) && p !== file) return p;
  }
  return null;
}

function info(code: string, message: string): Finding {
  return { severity: 'info', code, category: 'format', layer: null, message };
}

async function attachCompanion(source: ModelSource, opts: ReadOptions): Promise<ModelSource> {
  if (opts.weights) {
    if (!existsSync(opts.weights)) throw new UsageError(`--weights ${opts.weights}: no such file`);
    if (!source.config) throw new UsageError(`${source.file} holds no architecture to pair --weights with; use --config`);
    source.weights = await readWeights(opts.weights);
    source.weightsFile = opts.weights;
    source.findings.push(info('weights-from-file', `weights read from ${opts.weights}`));
    return source;
  }
  if (opts.config) {
    if (!existsSync(opts.config)) throw new UsageError(`--config ${opts.config}: no such file`);
    const arch = await readConfig(opts.config);
    source.config = arch.config;
    source.kerasVersion = source.kerasVersion ?? arch.kerasVersion;
    source.weightsFile = source.file;
    source.findings.push(info('config-from-file', `architecture read from ${opts.config} (${arch.label})`));
    return source;
  }
  if (source.format === 'keras-json' && !source.weights && !opts.noPairing) {
    const w = companionOf(source.file);
    if (w) {
      source.weights = await readWeights(w);
      source.weightsFile = w;
      source.findings.push(info('weights-paired', `weights paired automatically from ${basename(w)} (same name beside the architecture)`));
    }
  }
  return source;
}
