// Reads the two Keras weight layouts out of an open HDF5 file: names, shapes and dtypes only.
//
// Legacy (Keras 1/2, tf.keras, Keras 3 writing .h5; keras/src/legacy/saving/legacy_h5_format.py,
// tf_keras/src/saving/legacy/hdf5_format.py): a group with `layer_names`, one subgroup per layer
// with `weight_names`, one dataset per weight name at `<group>/<layer>/<weight_name>`.
// Keras 3 store (keras/src/saving/saving_lib.py H5IOStore): `layers/<snake>[_N]/…/vars/<i>`,
// the `vars` group carrying a `name` attribute since Keras 3.6.
import type { StoredGroup, StoredTensor } from '../../types.js';
import { H5Error, type AttrValue, type H5Meta, type H5Reader } from './native/index.js';
import { dtypeName, nameList } from './values.js';

/** A dataset the walkers met, for the audit (shape bombs, virtual datasets). */
export interface SeenDataset {
  path: string;
  meta: H5Meta;
}

export interface WalkResult {
  groups: StoredGroup[];
  optimizer: StoredTensor[];
  /** Keras 3 store: compiled metrics' state (tf.keras 2.13–2.15 `metrics/…`). */
  metrics?: StoredTensor[];
  /** Keras 3 store: group names joined with `\` (tf.keras saving on Windows). */
  windowsPaths?: boolean;
  datasets: SeenDataset[];
  /** Problems that do not stop the walk: a weight name without its dataset… */
  problems: string[];
}

function join(group: string, name: string): string {
  const g = group.replace(/^\/+|\/+$/g, '');
  return g ? `${g}/${name}` : name;
}

/**
 * An attribute that Keras may have split into `name0`, `name1`, … because it exceeded
 * HDF5_OBJECT_HEADER_LIMIT = 64512 bytes (legacy_h5_format.py save_attributes_to_hdf5_group).
 */
export function readChunkedAttr(f: H5Reader, path: string, name: string, attrNames?: string[]): AttrValue | undefined {
  const names = attrNames ?? tryAttrNames(f, path);
  if (names.includes(name)) return f.attr(path, name);
  if (!names.includes(`${name}0`)) return undefined;
  const parts: AttrValue[] = [];
  for (let i = 0; names.includes(`${name}${i}`); i++) {
    const v = f.attr(path, `${name}${i}`);
    if (Array.isArray(v)) parts.push(...v);
    else parts.push(v);
  }
  return parts;
}

function tryAttrNames(f: H5Reader, path: string): string[] {
  try {
    return f.attrNames(path);
  } catch {
    return [];
  }
}

/** One tensor: its dataset's shape and dtype (a dataset `dtype` attr names bfloat16). */
function tensorAt(f: H5Reader, path: string, name: string, seen: SeenDataset[]): StoredTensor {
  const meta = f.datasetMeta(path);
  seen.push({ path, meta });
  let dtype = dtypeName(meta);
  // H5IOStore writes bfloat16 variables with a `dtype="bfloat16"` attribute on the dataset.
  if (meta.type !== 1) {
    const marked = tryAttr(f, path, 'dtype');
    if (typeof marked === 'string') dtype = marked;
  }
  return { path, name, shape: meta.shape ?? [], dtype };
}

function tryAttr(f: H5Reader, path: string, name: string): AttrValue | undefined {
  try {
    return f.attr(path, name);
  } catch {
    return undefined;
  }
}

/** Tensors listed by a `weight_names` attribute of `group`, in that order. */
function namedTensors(f: H5Reader, group: string, names: string[], out: WalkResult): StoredTensor[] {
  const tensors: StoredTensor[] = [];
  for (const name of names) {
    const path = join(group, name);
    try {
      tensors.push(tensorAt(f, path, name, out.datasets));
    } catch (e) {
      if (!(e instanceof H5Error)) throw e;
      out.problems.push(`${path}: listed in weight_names but not readable as a dataset (${e.message})`);
    }
  }
  return tensors;
}

/** The legacy layout rooted at `root` (`/model_weights` of a full model, `/` of a weights-only file). */
export function walkLegacy(f: H5Reader, root: string, rootAttrNames?: string[]): WalkResult {
  const out: WalkResult = { groups: [], optimizer: [], datasets: [], problems: [] };
  const layerNames = nameList(readChunkedAttr(f, root, 'layer_names', rootAttrNames) ?? null);
  for (const layer of layerNames) {
    const group = join(root, layer);
    const weightNames = readWeightNames(f, group, out);
    out.groups.push({ path: layer, label: layer, tensors: weightNames ? namedTensors(f, group, weightNames, out) : [] });
  }
  return out;
}

function readWeightNames(f: H5Reader, group: string, out: WalkResult): string[] | null {
  // Most groups have a plain `weight_names`: one try, and the attribute listing only when it fails.
  try {
    return nameList(f.attr(group, 'weight_names'));
  } catch (e) {
    if (!(e instanceof H5Error)) throw e;
  }
  try {
    const v = readChunkedAttr(f, group, 'weight_names');
    if (v !== undefined) return nameList(v);
    out.problems.push(`${group}: layer group has no weight_names attribute`);
  } catch {
    out.problems.push(`${group}: layer group listed in layer_names is missing`);
  }
  return null;
}

/** `/optimizer_weights` of a legacy full model: a `weight_names` attribute and its datasets. */
export function walkLegacyOptimizer(f: H5Reader, out: WalkResult): void {
  const v = readChunkedAttr(f, 'optimizer_weights', 'weight_names');
  if (v === undefined) return;
  out.optimizer = namedTensors(f, 'optimizer_weights', nameList(v), out);
}

const VARS = /(^|\/)vars$/;
const VAR = /(^|\/)vars\/(\d+)$/;

/**
 * The Keras 3 store: every `…/vars` group with its `vars/<i>` datasets; `optimizer/vars` and the
 * compiled metrics (`metrics/…`, tf.keras 2.13–2.15) apart. tf.keras on Windows joined the group path
 * with `os.path.join` (keras 2.13–2.15 saving_lib.py `_save_state` uses `tf.io.gfile.join`), so
 * `H5IOStore.make` created root groups named `layers\conv1d` with `vars` inside: `\` is read as `/`.
 */
export function walkKeras3(f: H5Reader, allPaths: string[]): WalkResult {
  const out: WalkResult = { groups: [], optimizer: [], metrics: [], datasets: [], problems: [] };
  const varsGroups = allPaths.filter((p) => VARS.test(p)).sort(naturalCompare);
  const members = new Map<string, { index: number; path: string }[]>();
  for (const p of allPaths) {
    const m = VAR.exec(p);
    if (!m) continue;
    const owner = p.slice(0, p.length - m[2]!.length - 1);
    const list = members.get(owner) ?? [];
    list.push({ index: Number(m[2]), path: p });
    members.set(owner, list);
  }
  for (const vars of varsGroups) {
    const list = (members.get(vars) ?? []).sort((a, b) => a.index - b.index);
    const tensors = list.map((v) => tensorAt(f, v.path, v.path.slice(vars.length - 4), out.datasets));
    const raw = vars.replace(VARS, '');
    const container = raw.replace(/\\/g, '/');
    if (container !== raw) out.windowsPaths = true;
    if (container === 'optimizer') {
      out.optimizer = tensors;
      continue;
    }
    if (container === 'metrics' || container.startsWith('metrics/')) {
      out.metrics!.push(...tensors);
      continue;
    }
    const label = tryAttr(f, vars, 'name');
    out.groups.push({ path: container, label: typeof label === 'string' ? label : null, tensors });
  }
  return out;
}

/**
 * `dense` < `dense_1` < `dense_2` < `dense_10`, and `a/x` < `a_1/x`: the order Keras numbers
 * layers in. Digit runs compare as numbers, everything else by code point ('/' < '_').
 */
export function naturalCompare(a: string, b: string): number {
  const ta = a.match(/\d+|\D+/g) ?? [];
  const tb = b.match(/\d+|\D+/g) ?? [];
  for (let i = 0; i < Math.min(ta.length, tb.length); i++) {
    const x = ta[i]!;
    const y = tb[i]!;
    if (x === y) continue;
    const nx = /^\d/.test(x) && /^\d/.test(y);
    if (nx && Number(x) !== Number(y)) return Number(x) - Number(y);
    return x < y ? -1 : 1;
  }
  return ta.length - tb.length;
}
