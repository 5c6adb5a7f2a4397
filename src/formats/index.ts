// The readers, and the one dispatch that picks one: a file's head is read once, and the first
// reader of READERS that claims it by content (never by extension) reads it — as a model, or as
// the weights paired with an architecture. Also the pairing itself: `--weights`, `--config`, a
// weights file with the same stem beside a JSON architecture, an unzipped .keras folder.
//
// A new file format is one folder with a FormatReader (reader.ts) and one entry in READERS
// (docs/adding-a-format.md).
import { existsSync, statSync, type Stats } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import type { Finding, ModelSource, StoredWeights } from '../types.js';
import { fileSystemError, UnreadableError, UsageError } from '../errors.js';
import { hdf5Reader } from './hdf5/index.js';
import { NOT_A_MODEL, kerasJsonReader } from './keras-json/index.js';
import { kerasShardsReader, kerasZipReader } from './keras-zip/index.js';
import type { FormatReader, Head, JsonHead, ReadContext } from './reader.js';
import { savedModelError, savedModelReader } from './savedmodel/index.js';
import { FileSource, notRegular, type ByteSource } from './source.js';
import { tfjsReader } from './tfjs/index.js';
import { parseJsonText, readText } from './text.js';

export type { ByteSource } from './source.js';
export type { FormatReader, Head, ReadContext } from './reader.js';

/** Every reader, asked in this order (a file is claimed by the first that recognises it). */
export const READERS: readonly FormatReader[] = [hdf5Reader, kerasZipReader, tfjsReader, kerasJsonReader, kerasShardsReader, savedModelReader];

export interface ReadOptions {
  /** A weights file for an architecture-only input (`--weights`). */
  weights?: string;
  /** An architecture for a weights-only input (`--config`). */
  config?: string;
  /** Do not look for a same-stem weights file beside a JSON architecture. */
  noPairing?: boolean;
}

/** Reads any supported file (or model folder) into the neutral description. */
export async function readSource(file: string, opts: ReadOptions = {}): Promise<ModelSource> {
  const st = statOrThrow(file);
  if (st.isDirectory()) return readDirectory(file, opts);
  const special = notRegular(st);
  if (special) throw new UnreadableError(file, special);
  if (st.size === 0) throw new UnreadableError(file, 'empty file');
  const source = await withFile(file, (src) => readModelFrom(src, file));
  return attachCompanion(source, opts);
}

/**
 * Reads a model from any byte source. `path`: where it sits on this machine, for formats that
 * span several files (tfjs shards, sharded weights); null when it sits nowhere.
 */
export async function readModelFrom(src: ByteSource, path: string | null): Promise<ModelSource> {
  const ctx = await contextOf(src, path);
  const reader = READERS.find((r) => r.claims(ctx.head, src.name));
  if (reader) return reader.readModel(src, ctx);
  throw unclaimed(src, ctx.head, 'not a Keras model file: neither HDF5, a zip archive nor JSON', NOT_A_MODEL);
}

/** Reads only the stored tensors of a weights file, from any byte source. */
export async function readWeightsFrom(src: ByteSource, path: string | null): Promise<StoredWeights> {
  const ctx = await contextOf(src, path);
  const reader = READERS.find((r) => r.readWeights && r.claims(ctx.head, src.name));
  if (reader) return reader.readWeights!(src, ctx);
  const why = 'not a weights file: expected HDF5 (.h5, .weights.h5), a sharded .weights.json or a .keras archive';
  throw unclaimed(src, ctx.head, why, 'JSON without a weight_map: not a sharded-weights manifest');
}

// ---------------------------------------------------------------- the head

/** Bytes read before any reader is asked. */
const HEAD_BYTES = 64;
/** How far a signature is looked for after a prefix (an HDF5 user block). */
const PROBE_UP_TO = 1 << 20;

/** A JSON text that could not be read (too large, not JSON): said only if no other reader claims the file. */
const jsonErrors = new WeakMap<Head, UnreadableError>();

async function contextOf(src: ByteSource, path: string | null): Promise<ReadContext> {
  return { head: await readHead(src), path };
}

/** The first bytes, the probes past them, and the whole text parsed when the file is JSON. */
export async function readHead(src: ByteSource): Promise<Head> {
  const offsets: number[] = [];
  for (let at = 512; at + 8 <= src.size && at <= PROBE_UP_TO; at *= 2) offsets.push(at);
  const [start, ...probed] = await src.readMany([{ offset: 0, length: Math.min(src.size, HEAD_BYTES) }, ...offsets.map((offset) => ({ offset, length: 8 }))]);
  const head: Head = { size: src.size, start: start!, probes: new Map(offsets.map((o, i) => [o, probed[i]!])), json: null };
  if (looksLikeJson(start!)) {
    try {
      head.json = await parseJson(src);
    } catch (e) {
      if (!(e instanceof UnreadableError)) throw e;
      jsonErrors.set(head, e);
    }
  }
  return head;
}

function looksLikeJson(start: Uint8Array): boolean {
  const text = new TextDecoder('utf-8').decode(start).replace(/^\uFEFF/, '').trimStart();
  return text.startsWith('{') || text.startsWith('"') || text.startsWith('[');
}

async function parseJson(src: ByteSource): Promise<JsonHead> {
  const text = await readText(src);
  return { value: parseJsonText(src.name, text), doubleEncoded: /^\s*"/.test(text) };
}

/** No reader claimed the file: why, in one line. */
function unclaimed(src: ByteSource, head: Head, why: string, whyJson: string): UnreadableError {
  return jsonErrors.get(head) ?? new UnreadableError(src.name, head.json ? whyJson : why);
}

// ---------------------------------------------------------------- files and folders

function statOrThrow(file: string): Stats {
  try {
    return statSync(file);
  } catch (e) {
    throw fileSystemError(file, e);
  }
}

/** Opens `file` as a byte source for `fn`, and closes it after. */
async function withFile<T>(file: string, fn: (src: ByteSource) => Promise<T>): Promise<T> {
  const src = FileSource.open(file);
  try {
    return await fn(src);
  } finally {
    src.close();
  }
}

async function readDirectory(dir: string, opts: ReadOptions): Promise<ModelSource> {
  if (existsSync(join(dir, 'saved_model.pb')) || existsSync(join(dir, 'saved_model.pbtxt')))
    throw savedModelError(dir) ?? new UnreadableError(dir, 'not a Keras layers model: a TensorFlow SavedModel folder');
  for (const name of ['model.json', 'config.json']) {
    if (existsSync(join(dir, name))) return readSource(join(dir, name), opts);
  }
  throw new UnreadableError(dir, 'is a directory (use `kerascope check DIR` to analyse every model in it)');
}

// ---------------------------------------------------------------- pairing

async function readWeights(file: string): Promise<StoredWeights> {
  const st = statOrThrow(file);
  if (st.isDirectory()) throw new UnreadableError(file, 'is a directory, not a weights file');
  if (st.size === 0) throw new UnreadableError(file, 'not a weights file: expected HDF5 (.h5, .weights.h5), a sharded .weights.json or a .keras archive');
  return withFile(file, (src) => readWeightsFrom(src, file));
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
    source.findings.push(info('weights-from-file', `weights read from ${opts.weights}`), ...(source.weights.findings ?? []));
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
      source.findings.push(info('weights-paired', `weights paired automatically from ${basename(w)} (same name beside the architecture)`), ...(source.weights.findings ?? []));
    }
  }
  return source;
}
