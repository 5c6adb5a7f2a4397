// The readers, and the one dispatch that picks one: a file's head is read once, and the first
// reader of READERS that claims it by content (never by extension) reads it — as a model, or as
// the weights paired with an architecture. Also a model folder's entry file and the same-stem
// weights beside a JSON architecture, found through the folder (folder.ts).
//
// Nothing here touches Node: any byte source, any folder (on disk, in memory, a browser's dropped
// folder, a remote repository). What only a command line has — a path to stat, `--weights` and
// `--config` files — is index.ts.
//
// A new file format is one folder with a FormatReader (reader.ts) and one entry in READERS
// (docs/adding-a-format.md).
import type { Finding, ModelSource, StoredWeights } from '../types.js';
import { UnreadableError } from '../errors.js';
import { hdf5Reader } from './hdf5/index.js';
import { kerasHubReader } from './keras-hub/index.js';
import { NOT_A_MODEL, kerasJsonReader } from './keras-json/index.js';
import { kerasShardsReader, kerasZipReader } from './keras-zip/index.js';
import { beside, type Folder, type Place } from './folder.js';
import { innerName, isGzip, readGunzipped } from './gzip/index.js';
import type { Env } from './remote/address.js';
import type { HttpOptions } from './remote/http.js';
import type { FormatReader, Head, JsonHead, ReadContext } from './reader.js';
import { SAVEDMODEL_ENTRIES, savedModelReader } from './savedmodel/index.js';
import type { ByteSource } from './source.js';
import { tfjsReader } from './tfjs/index.js';
import { parseJsonText, readText } from './text.js';

/** Every reader, asked in this order (a file is claimed by the first that recognises it). */
export const READERS: readonly FormatReader[] = [hdf5Reader, kerasZipReader, tfjsReader, kerasHubReader, kerasJsonReader, kerasShardsReader, savedModelReader];

export interface PairingOptions {
  /** Do not look for a same-stem weights file beside a JSON architecture. */
  noPairing?: boolean;
}

/**
 * Reads a model from any byte source. `place`: the folder it sits in and its path there, for
 * formats that span several files (tfjs shards, sharded weights); null when it sits in none.
 */
export async function readModelFrom(src: ByteSource, place: Place | null): Promise<ModelSource> {
  return readModel(src, place, null);
}

/** `gzipOf`: the gzip file `src` was inflated from (one layer of gzip is unwrapped, never two: a gzip quine inflates to itself). */
async function readModel(src: ByteSource, place: Place | null, gzipOf: string | null): Promise<ModelSource> {
  const ctx = await contextOf(src, place);
  if (isGzip(ctx.head.start)) return readGzipModel(src, place, gzipOf);
  const reader = READERS.find((r) => r.claims(ctx.head, src.name));
  if (reader) return reader.readModel(src, ctx);
  throw unclaimed(src, ctx.head, 'not a Keras model file: neither HDF5, a zip archive nor JSON', NOT_A_MODEL);
}

/** Reads only the stored tensors of a weights file, from any byte source. */
export async function readWeightsFrom(src: ByteSource, place: Place | null): Promise<StoredWeights> {
  return readWeightsOf(src, place, null);
}

async function readWeightsOf(src: ByteSource, place: Place | null, gzipOf: string | null): Promise<StoredWeights> {
  const ctx = await contextOf(src, place);
  if (isGzip(ctx.head.start)) {
    if (gzipOf) throw twiceGzipped(gzipOf);
    return readGunzipped(src, innerName(src.name), (inner) => readWeightsOf(inner, innerPlace(place), src.name));
  }
  const reader = READERS.find((r) => r.readWeights && r.claims(ctx.head, src.name));
  if (reader) return reader.readWeights!(src, ctx);
  const why = 'not a weights file: expected HDF5 (.h5, .weights.h5), a sharded .weights.json or a .keras archive';
  throw unclaimed(src, ctx.head, why, 'JSON without a weight_map: not a sharded-weights manifest');
}

// ---------------------------------------------------------------- gzip around a file (gzip/index.ts)

/** A gzipped file's place as if it were the file inside: `dir/model.json.gz` → `dir/model.json` (its siblings are the same). */
function innerPlace(place: Place | null): Place | null {
  return place && { folder: place.folder, entry: innerName(place.entry) };
}

const twiceGzipped = (file: string): UnreadableError => new UnreadableError(file, 'gzip-compressed twice: kerascope inflates one layer of gzip');

/**
 * The file inside a gzip stream, read as if it had been given, and named as what it was given as.
 * Its container stays the inflated file's (the audit checks a zip's members against that size).
 */
async function readGzipModel(src: ByteSource, place: Place | null, gzipOf: string | null): Promise<ModelSource> {
  if (gzipOf) throw twiceGzipped(gzipOf);
  return readGunzipped(src, innerName(src.name), async (inner, inflated) => {
    const source = await readModel(inner, innerPlace(place), src.name);
    const note = info('gzip-inflated', `gzip-compressed: ${inflated.toLocaleString('en-US')} bytes inflated from ${src.size.toLocaleString('en-US')} (to a temporary file, removed after)`);
    return { ...source, file: src.name, formatLabel: `${source.formatLabel}, gzip-compressed`, findings: [note, ...source.findings] };
  });
}

// ---------------------------------------------------------------- the head

/** Bytes read before any reader is asked. */
const HEAD_BYTES = 64;
/** How far a signature is looked for after a prefix (an HDF5 user block). */
const PROBE_UP_TO = 1 << 20;

/** A JSON text that could not be read (too large, not JSON): said only if no other reader claims the file. */
const jsonErrors = new WeakMap<Head, UnreadableError>();

async function contextOf(src: ByteSource, place: Place | null): Promise<ReadContext> {
  return { head: await readHead(src), folder: place?.folder ?? null, entry: place?.entry ?? src.name };
}

/** The first bytes, the probes past them, and the whole text parsed when the file is JSON. */
export async function readHead(src: ByteSource): Promise<Head> {
  const start = await src.read(0, Math.min(src.size, HEAD_BYTES));
  // Probes only matter when the file does not start with the HDF5 signature (a remote file pays per read).
  const offsets: number[] = [];
  if (!startsWith(start, HDF5_SIGNATURE)) for (let at = 512; at + 8 <= src.size && at <= PROBE_UP_TO; at *= 2) offsets.push(at);
  const probed = await src.readMany(offsets.map((offset) => ({ offset, length: 8 })));
  const head: Head = { size: src.size, start, probes: new Map(offsets.map((o, i) => [o, probed[i]!])), json: null };
  if (looksLikeJson(start)) {
    try {
      head.json = await parseJson(src);
    } catch (e) {
      if (!(e instanceof UnreadableError)) throw e;
      jsonErrors.set(head, e);
    }
  }
  return head;
}

/** HDF5's format signature (File Format Specification, superblock). */
const HDF5_SIGNATURE = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];

function startsWith(b: Uint8Array, sig: readonly number[]): boolean {
  return b.length >= sig.length && sig.every((x, i) => b[i] === x);
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

// ---------------------------------------------------------------- folders

/** Runs `fn` on `src`, and closes it after. */
export async function withSource<T>(src: ByteSource, fn: (src: ByteSource) => Promise<T>): Promise<T> {
  try {
    return await fn(src);
  } finally {
    src.close();
  }
}

/** The file of a model folder that a reader starts from, in this order (a SavedModel's graph, tfjs, an unzipped .keras or a preset). */
const FOLDER_ENTRIES = [...SAVEDMODEL_ENTRIES, 'model.json', 'config.json'];

/** The entry file of a model folder (FOLDER_ENTRIES), or one line saying it has none. */
export async function folderEntry(folder: Folder): Promise<Place> {
  for (const name of FOLDER_ENTRIES) {
    const e = await folder.stat(name);
    if (e && e.notFile === null) return { folder, entry: name };
  }
  throw new UnreadableError(folder.name, 'is a directory (use `kerascope check DIR` to analyse every model in it)');
}

/** Files a repository holds a Keras model in (its weights-only and shard files are not models on their own). */
const MODEL_FILE = /\.(keras|h5|hdf5)$/i;
const NOT_ON_ITS_OWN = /(^|\/)[^/]*_\d{5}\.weights\.h5$/i;

/** The one model file of a folder that has no entry file (a repository holding `model.keras`). */
export async function oneModelFile(folder: Folder): Promise<string> {
  const listing = await folder.list();
  const models = (listing?.entries ?? []).filter((e) => MODEL_FILE.test(e.path) && !NOT_ON_ITS_OWN.test(e.path)).map((e) => e.path);
  if (models.length === 1) return models[0]!;
  if (models.length === 0) throw new UnreadableError(folder.name, 'holds no Keras model: no saved_model.pb, model.json, config.json, .keras, .h5 or .hdf5 file');
  const shown = models.slice(0, 5).join(', ') + (models.length > 5 ? ', …' : '');
  throw new UnreadableError(folder.name, `holds ${models.length} model files (${shown}): name one, as ${folder.nameOf(models[0]!)}`);
}

/** A model folder: read from its entry file, its siblings through the folder, its companion weights paired. */
export async function readFolder(folder: Folder, opts: PairingOptions = {}): Promise<ModelSource> {
  const place = await folderEntry(folder);
  return namedAsFolder(place, await readPlace(place, opts));
}

/** Where a model folder starts: its entry file; with `oneModel` (a hub repository), else its one model file. */
export async function modelPlace(folder: Folder, oneModel: boolean): Promise<Place> {
  try {
    return await folderEntry(folder);
  } catch (e) {
    if (oneModel && e instanceof UnreadableError) return { folder, entry: await oneModelFile(folder) };
    throw e;
  }
}

/**
 * A URL or hf:// address (remote/), read by range requests; the report says how many requests and
 * bytes it took. `env`: HF_TOKEN and HF_ENDPOINT (the command line's environment; a page has none).
 * `read`: how the model at a place is read (the command line pairs --weights and --config there).
 */
export async function readRemote(arg: string, http: Partial<HttpOptions> = {}, env: Env = {}, read: (place: Place) => Promise<ModelSource> = (p) => readPlace(p)): Promise<ModelSource> {
  const { openRemote, transferFinding } = await import('./remote/index.js');
  const { client, target } = openRemote(arg, http, env);
  const place = target.kind === 'file' ? target.place : await modelPlace(target.folder, target.repoTop);
  const source = target.kind === 'file' ? await read(place) : namedAsFolder(place, await read(place));
  source.findings.push(transferFinding(client, source.container.size, target.kind === 'folder'));
  return source;
}

/** A SavedModel is the whole folder: the report names the folder, not the file it was read from. */
export function namedAsFolder(place: Place, source: ModelSource): ModelSource {
  return SAVEDMODEL_ENTRIES.includes(place.entry) ? { ...source, file: place.folder.name } : source;
}

/** The model at `place`, opened through its folder, and its companion weights paired. */
export async function readPlace(place: Place, opts: PairingOptions = {}): Promise<ModelSource> {
  const source = await readAt(place);
  return opts.noPairing ? source : pairCompanion(source, place);
}

/** The model at `place` alone, opened through its folder. */
export async function readAt(place: Place): Promise<ModelSource> {
  const src = await place.folder.open(place.entry);
  if (src.size === 0) {
    src.close();
    throw new UnreadableError(src.name, 'empty file');
  }
  return withSource(src, (s) => readModelFrom(s, place));
}

// ---------------------------------------------------------------- pairing

/** The stored tensors of the weights file at `place`. */
export async function readWeightsAt(place: Place): Promise<StoredWeights> {
  const e = await place.folder.stat(place.entry);
  const file = place.folder.nameOf(place.entry);
  if (e?.notFile === 'is a directory') throw new UnreadableError(file, 'is a directory, not a weights file');
  if (e?.size === 0) throw new UnreadableError(file, 'not a weights file: expected HDF5 (.h5, .weights.h5), a sharded .weights.json or a .keras archive');
  return withSource(await place.folder.open(place.entry), (src) => readWeightsFrom(src, place));
}

/**
 * Same-stem weights beside a JSON architecture: model.json → model.weights.h5, model.h5, model.hdf5;
 * and an unzipped .keras folder (`model.save(dir, zipped=False)`): config.json → model.weights.h5.
 */
async function companionOf(place: Place): Promise<Place | null> {
  const file = place.entry.slice(place.entry.lastIndexOf('/') + 1);
  const stem = file.replace(/\.[^.]*$/, '');
  const names = [...(file === 'config.json' ? ['model.weights.h5', 'variables.h5'] : []), ...['.weights.h5', '.h5', '.hdf5', '.weights.hdf5'].map((x) => stem + x)];
  for (const name of names) {
    const entry = beside(place.entry, name);
    if (entry !== place.entry && (await place.folder.stat(entry)) !== null) return { folder: place.folder, entry };
  }
  return null;
}

export function info(code: string, message: string): Finding {
  return { severity: 'info', code, category: 'format', layer: null, message };
}

/** A JSON architecture read at `place` gets the weights file of the same name beside it, if there is one. */
export async function pairCompanion(source: ModelSource, place: Place): Promise<ModelSource> {
  if (source.format !== 'keras-json' || source.weights) return source;
  const w = await companionOf(place);
  if (w) {
    source.weights = await readWeightsAt(w);
    source.weightsFile = w.folder.nameOf(w.entry);
    source.findings.push(info('weights-paired', `weights paired automatically from ${w.entry.slice(w.entry.lastIndexOf('/') + 1)} (same name beside the architecture)`), ...(source.weights.findings ?? []));
  }
  return source;
}
