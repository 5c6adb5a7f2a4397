// The `weightsManifest` of a TensorFlow.js model.json: its tensors grouped the way kerascope matches
// them, and each group's shard files checked by SIZE against the bytes its tensors need.
// Shard bytes are never read. Layout facts from tfjs-core/src/io/types.ts (WeightsManifestEntry)
// and tfjs-core/src/io/io_utils.ts (DTYPE_VALUE_SIZE_MAP, string values prefixed by a uint32 length).
import { UnreadableError } from '../../errors.js';
import type { Finding, ShardLink, StoredGroup, StoredTensor, StoredWeights } from '../../types.js';
import { beside, insideFolder, type FolderEntry, type Place } from '../folder.js';

/** One manifest group as written: its shard files and the tensors packed into them, in order. */
export interface ManifestGroup {
  paths: string[];
  weights: ManifestWeight[];
}

export interface ManifestWeight {
  name: string;
  shape: number[];
  dtype: string;
  /** Affine uint8/uint16 (`min`, `scale`) or float16: the bytes on disk use this dtype. */
  /** The converter's quantization: uint8/uint16 with scale and min (value = byte × scale + min), or float16. */
  quantization?: { dtype: string; scale?: number; min?: number };
  /** tfjs-layers marks optimizer state with `group: "optimizer"`. */
  group?: string;
}

/** Bytes per element on disk. tfjs writers downcast float64/int64 before saving, so these are all there are. */
export const BYTES: Record<string, number> = { float32: 4, int32: 4, bool: 1, complex64: 8, uint8: 1, uint16: 2, float16: 2 };

export interface ManifestRead {
  weights: StoredWeights;
  /** Every shard path exactly as the manifest writes it (for the audit). */
  paths: string[];
  findings: Finding[];
  /** Resolved shard files that exist beside model.json, in manifest order. */
  shardFiles: string[];
  /** Shards beside model.json that are symbolic links to files outside its folder (for the audit). */
  linksOutside: ShardLink[];
  quantized: Map<string, number>;
}

// ---------------------------------------------------------------- parsing

function bad(file: string, where: string, what: string): never {
  throw new UnreadableError(file, `TensorFlow.js model.json: ${where} ${what}`);
}

function parseWeight(file: string, raw: unknown, where: string): ManifestWeight {
  if (!raw || typeof raw !== 'object') bad(file, where, 'is not an object');
  const w = raw as Record<string, unknown>;
  if (typeof w['name'] !== 'string') bad(file, where, 'has no name');
  const at = `${where} (${w['name']})`;
  const shape = w['shape'];
  // A dimension past 2^40 is no real tensor; refusing it keeps every byte count an exact integer.
  if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= 0 && d <= 2 ** 40)) bad(file, at, 'has a shape that is not a list of sizes');
  if (typeof w['dtype'] !== 'string') bad(file, at, 'has no dtype');
  const q = w['quantization'];
  if (q !== undefined && q !== null && (typeof q !== 'object' || typeof (q as Record<string, unknown>)['dtype'] !== 'string')) {
    bad(file, at, 'has a quantization without a dtype');
  }
  const out: ManifestWeight = { name: w['name'], shape: shape as number[], dtype: w['dtype'] };
  if (q) {
    const r = q as Record<string, unknown>;
    out.quantization = { dtype: r['dtype'] as string };
    if (typeof r['scale'] === 'number') out.quantization.scale = r['scale'];
    if (typeof r['min'] === 'number') out.quantization.min = r['min'];
  }
  if (typeof w['group'] === 'string') out.group = w['group'];
  return out;
}

export function parseManifest(file: string, raw: unknown): ManifestGroup[] {
  if (!Array.isArray(raw)) bad(file, 'weightsManifest', 'is not a list of groups');
  return raw.map((g, i) => {
    const where = `weightsManifest[${i}]`;
    if (!g || typeof g !== 'object') bad(file, where, 'is not an object');
    const { paths, weights } = g as Record<string, unknown>;
    if (!Array.isArray(paths) || !paths.every((p) => typeof p === 'string')) bad(file, where, 'has no list of shard paths');
    if (!Array.isArray(weights)) bad(file, where, 'has no list of weights');
    return { paths: paths as string[], weights: weights.map((w, j) => parseWeight(file, w, `${where}.weights[${j}]`)) };
  });
}

// ---------------------------------------------------------------- grouping

/**
 * The layer a tfjs weight belongs to: the part of its name before the first '/' (`dense_1/kernel` →
 * `dense_1`). Keras 3 creates a Sequential's variables inside the model's own name scope, so a
 * Keras 3 legacy .h5 (and its tfjs conversion) writes `my_seq/dense_1/kernel`: with `modelScope`
 * set to the model's name, that first segment is skipped.
 */
export function layerOf(name: string, modelScope: string | null = null): string {
  const parts = name.split('/');
  if (modelScope !== null && parts.length > 2 && parts[0] === modelScope) return parts[1]!;
  return parts[0]!;
}

function numel(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

function storedTensor(w: ManifestWeight): StoredTensor {
  // Quantized tensors are restored to their manifest dtype (float32) when tfjs loads them.
  return { path: w.name, name: w.name, shape: [...w.shape], dtype: w.dtype };
}

function groupByLayer(weights: ManifestWeight[], modelScope: string | null): { groups: StoredGroup[]; optimizer: StoredTensor[] } {
  const groups: StoredGroup[] = [];
  const byName = new Map<string, StoredGroup>();
  const optimizer: StoredTensor[] = [];
  for (const w of weights) {
    if (w.group === 'optimizer') {
      optimizer.push(storedTensor(w));
      continue;
    }
    const layer = layerOf(w.name, modelScope);
    let g = byName.get(layer);
    if (!g) {
      g = { path: layer, label: null, tensors: [] };
      byName.set(layer, g);
      groups.push(g);
    }
    g.tensors.push(storedTensor(w));
  }
  return { groups, optimizer };
}

/**
 * The converter from `.keras` (tensorflowjs keras_h5_conversion.py h5_v3_merged_saved_model_to_tfjs_format)
 * names each tensor by its path in model.weights.h5 (`layers/dense/vars/0`), optimizer included.
 * Those are grouped as the Keras 3 store is: by container path, tensors by `vars` index.
 */
const STORE_VAR = /^(?:(.+)\/)?vars\/(\d+)$/;

function groupByStorePath(weights: ManifestWeight[]): { groups: StoredGroup[]; optimizer: StoredTensor[] } | null {
  const model = weights.filter((w) => w.group !== 'optimizer');
  if (model.length === 0 || !model.every((w) => STORE_VAR.test(w.name))) return null;
  const byPath = new Map<string, { index: number; t: StoredTensor }[]>();
  for (const w of model) {
    const m = STORE_VAR.exec(w.name)!;
    const container = m[1] ?? '';
    const list = byPath.get(container) ?? [];
    list.push({ index: Number(m[2]), t: { ...storedTensor(w), name: `vars/${m[2]}` } });
    byPath.set(container, list);
  }
  const ordered = (path: string) => byPath.get(path)!.sort((a, b) => a.index - b.index).map((x) => x.t);
  const optimizer = [...(byPath.has('optimizer') ? ordered('optimizer') : []), ...weights.filter((w) => w.group === 'optimizer').map(storedTensor)];
  const groups = [...byPath.keys()].filter((p) => p !== 'optimizer').map((path) => ({ path, label: null, tensors: ordered(path) }));
  return { groups, optimizer };
}

// ---------------------------------------------------------------- shard sizes

/** Bytes a group's tensors need on disk; `exact` is false when string tensors make it a lower bound. */
export function groupBytes(weights: ManifestWeight[]): { bytes: number; exact: boolean; unknown: string[] } {
  let bytes = 0;
  let exact = true;
  const unknown: string[] = [];
  for (const w of weights) {
    const n = numel(w.shape);
    const dtype = w.quantization?.dtype ?? w.dtype;
    if (dtype === 'string') {
      bytes += 4 * n; // each value is a uint32-LE length, then its bytes
      exact = false;
    } else if (BYTES[dtype] !== undefined) bytes += n * BYTES[dtype];
    else unknown.push(`${w.name} (${dtype})`);
  }
  return { bytes, exact, unknown };
}

/** The shard at manifest path `p` inside the model's folder, or null when the path leaves it (URL, absolute, `..` out). */
function shardPath(place: Place, p: string): string | null {
  return insideFolder(p) === null ? null : insideFolder(beside(place.entry, p));
}

function finding(severity: Finding['severity'], code: string, message: string): Finding {
  return { severity, code, category: 'consistency', layer: null, message };
}

/** The shards of one group, stat'ed (never opened): null for a path that leaves the folder. */
async function statShards(place: Place, g: ManifestGroup): Promise<{ path: string; entry: FolderEntry | null; inside: boolean }[]> {
  return Promise.all(
    g.paths.map(async (path) => {
      const p = shardPath(place, path);
      return { path, entry: p === null ? null : await place.folder.stat(p), inside: p !== null };
    }),
  );
}

async function checkGroup(place: Place | null, g: ManifestGroup, index: number, out: ManifestRead): Promise<void> {
  const label = `weightsManifest group ${index + 1}`;
  if (!place) {
    out.findings.push(finding('info', 'tfjs-shard-unchecked', `${label}: shard sizes not checked, model.json sits in no folder to find them in (${g.paths.join(', ')})`));
    return;
  }
  const shards = await statShards(place, g);
  for (const s of shards) if (s.entry?.outside) out.linksOutside.push({ path: s.path, target: s.entry.outside });
  if (shards.some((s) => !s.inside || s.entry?.outside)) {
    out.findings.push(finding('info', 'tfjs-shard-unchecked', `${label}: shard sizes not checked, its paths leave the model's folder (${g.paths.join(', ')})`));
    return;
  }
  let actual = 0;
  let missing = false;
  for (const { path: p, entry } of shards) {
    if (!entry || entry.notFile) {
      missing = true;
      const lists = `${label} lists ${g.paths.length} shard${g.paths.length === 1 ? '' : 's'}`;
      if (!entry) out.findings.push(finding('error', 'tfjs-shard-missing', `${p}: shard file missing beside model.json (${lists})`));
      else out.findings.push(finding('error', 'tfjs-shard-not-file', `${p}: shard beside model.json is ${entry.notFile}, never opened (${lists})`));
    } else {
      actual += entry.size;
      out.shardFiles.push(place.folder.nameOf(entry.path));
    }
  }
  if (missing) return;
  const need = groupBytes(g.weights);
  const names = g.paths.join(' + ') || '(no shard files)';
  const tensors = `${g.weights.length} tensor${g.weights.length === 1 ? '' : 's'}`;
  if (need.unknown.length > 0) {
    out.findings.push(finding('warning', 'tfjs-unknown-dtype', `${label}: size not checked, unknown dtype for ${need.unknown.join(', ')}`));
  } else if (need.exact && actual !== need.bytes) {
    out.findings.push(finding('error', 'tfjs-shard-size', `${names}: expected ${need.bytes} bytes for ${tensors}, found ${actual}`));
  } else if (!need.exact && actual < need.bytes) {
    out.findings.push(finding('error', 'tfjs-shard-size', `${names}: expected at least ${need.bytes} bytes for ${tensors} (string values), found ${actual}`));
  }
}

/** tfjs-layers loads weights by name (models.ts loadWeights), so a name written twice leaves one tensor unused. */
function duplicateNames(weights: ManifestWeight[]): Finding[] {
  const seen = new Map<string, number>();
  for (const w of weights) seen.set(w.name, (seen.get(w.name) ?? 0) + 1);
  return [...seen]
    .filter(([, n]) => n > 1)
    .map(([name, n]) => finding('error', 'tfjs-duplicate-weight', `${name}: written ${n} times in weightsManifest; tfjs loads weights by name, so only one of them is used`));
}

// ---------------------------------------------------------------- entry

/**
 * Reads the manifest of `file` (model.json, at `place`): tensors by layer, optimizer apart, shard
 * sizes checked through its folder. `modelScope`: the model's name when it is a name scope in
 * front of layer names (see layerOf).
 */
export async function readManifest(file: string, raw: unknown, place: Place | null, modelScope: string | null = null): Promise<ManifestRead> {
  const groups = parseManifest(file, raw);
  const all = groups.flatMap((g) => g.weights);
  const store = groupByStorePath(all);
  const { groups: stored, optimizer } = store ?? groupByLayer(all, modelScope);
  const out: ManifestRead = {
    weights: { layout: store ? 'keras3' : 'tfjs', file, groups: stored, optimizer, kerasVersion: null, backend: null },
    paths: groups.flatMap((g) => g.paths),
    findings: duplicateNames(all),
    shardFiles: [],
    linksOutside: [],
    quantized: new Map(),
  };
  for (const [i, g] of groups.entries()) await checkGroup(place, g, i, out);
  for (const w of all) {
    const q = w.quantization?.dtype;
    if (q) out.quantized.set(q, (out.quantized.get(q) ?? 0) + 1);
  }
  if (out.shardFiles.length > 0) out.weights.file = out.shardFiles[0]!;
  return out;
}
