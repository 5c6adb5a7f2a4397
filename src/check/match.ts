// Expected tensors against stored tensors, matched the way Keras matches them when it loads:
// - legacy HDF5 (tf_keras/saving/hdf5_format.py load_weights_from_hdf5_group): the layers that own
//   weights, in order, then weight order inside each layer; names are only hints;
// - Keras 3 store (keras/src/saving/saving_lib.py): by container path, `vars/N` by index;
// - tfjs (tfjs-layers models.ts loadWeights): by weight name;
// - SavedModel (TensorFlow's checkpoint restore): by object-graph path, which the reader turned into
//   one group per layer; inside it by attribute path (`cell/kernel`), else by variable name.
import { findingOf } from '../findings.js';
import type { Finding, StoredGroup, StoredTensor, StoredWeights, WeightReport } from '../types.js';
import type { LayerResult, ModelResult } from '../graph/infer.js';
import { fmtShape, prod } from '../layers/util.js';
import { expectedFor, fmtOpen, isOpaque, layerPath, legacyOrder, ownedWeights, topLayers, weightPath, type OwnedWeight } from './expected.js';
import { candidateWalks, pickWalk, storeContainers, TF213_WALK, TF214_WALK, type HasWeights } from './store-paths.js';
import { append } from '../append.js';

export interface MatchResult {
  /** Weight rows per leaf layer (and per opaque layer: its stored tensors). */
  rows: Map<LayerResult, WeightReport[]>;
  findings: Finding[];
}

function sameDims(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/** `dense_1/kernel:0` → `kernel`; Keras 1 `dense_1_W` → `dense_1_W`. */
function shortName(name: string): string {
  const base = name.replace(/:\d+$/, '');
  return base.slice(base.lastIndexOf('/') + 1);
}

function err(code: string, layer: string | null, message: string): Finding {
  return { severity: 'error', code, category: 'consistency', layer, message };
}

class Matcher {
  rows = new Map<LayerResult, WeightReport[]>();
  findings: Finding[] = [];

  private push(r: LayerResult, row: WeightReport): void {
    const list = this.rows.get(r) ?? [];
    list.push(row);
    this.rows.set(r, list);
  }

  /** Compare one expected weight with the stored tensor found for it (or none). */
  pair(w: OwnedWeight, s: StoredTensor | null, hint = ''): void {
    const e = expectedFor(w, s?.shape ?? null);
    const exp = e.shape;
    const row: WeightReport = {
      name: w.weight.name,
      expectedShape: exp,
      storedShape: s?.shape ?? null,
      storedPath: s?.path ?? null,
      storedDtype: s?.dtype ?? null,
      trainable: w.trainable,
      status: 'ok',
      why: w.weight.why,
    };
    if (w.weight.duplicateOf) row.duplicateOf = w.weight.duplicateOf;
    if (e.fromStored.length && s) row.fromStored = e.fromStored;
    // Worded only for a finding (a matching tensor, nearly every one, needs neither).
    const where = (): string => weightPath(w);
    const expText = (): string => (exp ? fmtShape(exp) : e.open ? fmtOpen(e.open) : '(unknown shape)');
    if (!s && w.leaf.state === 'no-shape') {
      // Its input declares no shape: Keras creates the weights only when the model is first called.
      row.status = 'unverified';
      row.expectedShape = null;
      row.why = `${w.weight.why}; not stored, and the layer may never have been built (its input declares no shape)`;
    } else if (!s) {
      row.status = 'missing';
      this.findings.push(err('weight-missing', w.leafPath, `${where()}: expected ${expText()} from ${w.weight.why}, not stored`));
    } else if (!exp && !e.open) {
      row.status = 'unverified';
    } else if (!exp || !sameDims(exp, s.shape)) {
      row.status = 'shape-mismatch';
      this.findings.push(err('weight-shape-mismatch', w.leafPath, `${where()}: expected ${expText()} from ${w.weight.why}, stored ${fmtShape(s.shape)}${hint}`));
    }
    this.push(w.leaf, row);
  }

  /** An expected tensor this file format does not keep: listed, not checked, not a finding. */
  notStored(w: OwnedWeight, reason: string): void {
    this.push(w.leaf, { name: w.weight.name, expectedShape: w.weight.shape, storedShape: null, storedPath: null, storedDtype: null, trainable: w.trainable, status: 'unverified', why: w.weight.why, notInFile: reason });
  }

  /** A stored tensor nothing expects. */
  extra(r: LayerResult | null, s: StoredTensor, owner: string): void {
    if (r && isOpaque(r)) {
      // Whether Keras trains it is in the layer's code, not in the file: not guessed (issue 9, defect 7).
      this.push(r, { name: shortName(s.name), expectedShape: null, storedShape: s.shape, storedPath: s.path, storedDtype: s.dtype, trainable: false, trainableUnknown: true, status: 'unverified', why: `stored; ${r.spec.className} has no rule` });
      return;
    }
    if (r) this.push(r, { name: shortName(s.name), expectedShape: null, storedShape: s.shape, storedPath: s.path, storedDtype: s.dtype, trainable: false, status: 'extra', why: 'not owned by this layer' });
    const whose = r ? `${r.spec.className} does not own` : 'no layer of the model owns';
    this.findings.push(err('weight-extra', r ? layerPath(r) : null, `${owner}: stored tensor ${s.name} ${fmtShape(s.shape)} that ${whose}`));
  }

  /**
   * tfjs loads weights by name (tfjs-layers models.ts loadWeights): pair each expected weight with the
   * stored tensor whose name ends with its Keras path, else the only one with its short name, else
   * the next unclaimed one in order.
   */
  pairByName(expected: OwnedWeight[], stored: StoredTensor[], unit: LayerResult, first?: (w: OwnedWeight, free: StoredTensor[]) => StoredTensor | undefined): void {
    const free = [...stored];
    const take = (t: StoredTensor | undefined): StoredTensor | null => {
      if (!t) return null;
      free.splice(free.indexOf(t), 1);
      return t;
    };
    const byName = (w: OwnedWeight): StoredTensor | undefined => {
      const given = first?.(w, free);
      if (given) return given;
      const full = free.find((t) => t.name.replace(/:\d+$/, '').endsWith(`/${w.weight.name}`));
      if (full) return full;
      const short = free.filter((t) => shortName(t.name) === shortName(w.weight.name));
      return short.length === 1 ? short[0] : undefined;
    };
    const pairs = expected.map((w) => ({ w, s: take(byName(w)) }));
    for (const p of pairs) {
      const s = p.s ?? take(free[0]);
      this.pair(p.w, s, lostDepthMultiplier(p.w, pairs.map((q) => q.s)));
    }
    for (const s of free) this.extra(unit, s, layerPath(unit));
  }

  /** Order-based pairing inside one layer (legacy), with names as hints for swaps. */
  pairInOrder(expected: OwnedWeight[], stored: StoredTensor[], unit: LayerResult): void {
    expected.forEach((w, i) => {
      const s = stored[i] ?? null;
      let hint = '';
      if (s && w.weight.shape && !sameDims(w.weight.shape, s.shape)) {
        const j = stored.findIndex((t) => shortName(t.name) === shortName(w.weight.name));
        if (j >= 0 && j !== i) hint = ` (the file keeps ${shortName(w.weight.name)} at position ${j + 1}, not ${i + 1}: tensors out of order)`;
        else if (shortName(s.name) !== shortName(w.weight.name)) hint = ` (stored as ${s.name})`;
      }
      this.pair(w, s, hint);
    });
    for (const s of stored.slice(expected.length)) this.extra(unit, s, layerPath(unit));
  }
}

/**
 * tfjs-layers SeparableConv.getConfig() (tfjs-layers src/layers/convolutional.ts) does not write
 * `depth_multiplier`, so a SeparableConv saved by tfjs with a multiplier above 1 reloads as 1 and
 * tf.loadLayersModel refuses the file ("Shape mismatch: [3,3,5,1] vs. [3,3,5,2]"). Where the stored
 * depthwise kernel shows the lost multiplier, the mismatch says so.
 */
function lostDepthMultiplier(w: OwnedWeight, stored: (StoredTensor | null)[]): string {
  const spec = w.leaf.spec;
  if (!/^SeparableConv(olution)?[12]D$/.test(spec.className) || 'depth_multiplier' in spec.config) return '';
  if (w.weight.name !== 'depthwise_kernel' && w.weight.name !== 'pointwise_kernel') return '';
  const dw = stored.find((t) => t && shortName(t.name) === 'depthwise_kernel');
  const m = dw?.shape.at(-1);
  if (!m || m === 1) return '';
  return ` (the stored depthwise kernel ${fmtShape(dw!.shape)} implies depth_multiplier=${m}, which the saved config lacks: tfjs-layers does not write depth_multiplier for SeparableConv, a known tfjs serialization gap, and tf.loadLayersModel refuses this file too)`;
}

export function matchWeights(model: ModelResult, weights: StoredWeights): MatchResult {
  const m = new Matcher();
  if (weights.layout === 'keras3') matchKeras3(model, weights, m);
  else if (weights.layout === 'savedmodel') matchSavedModel(model, weights, m);
  else matchByLayer(model, weights, m);
  return { rows: m.rows, findings: m.findings };
}

// ---------------------------------------------------------------- legacy HDF5 and tfjs

function matchByLayer(model: ModelResult, weights: StoredWeights, m: Matcher): void {
  // A variable Keras tracks twice (duplicateOf) is saved once in legacy files (layer.weights de-duplicates).
  const groups = weights.groups.filter((g) => g.tensors.length > 0);
  const byLabel = new Map(groups.map((g) => [g.label ?? g.path, g]));
  // tfjs names a nested model's weights by the inner layers' own names: match those layers one by one.
  const expand = (r: LayerResult): LayerResult[] => (weights.layout === 'tfjs' && r.inner && !byLabel.has(r.spec.name) ? topLayers(r.inner).flatMap(expand) : [r]);
  const units = topLayers(model)
    .flatMap(expand)
    .map((r) => ({ r, ws: legacyOrder(ownedWeights(r).filter((w) => !w.weight.duplicateOf)) }))
    .filter((u) => u.ws.length > 0 || isOpaque(u.r));
  const names = units.map((u) => u.r.spec.name);
  const nameSet = new Set(names);
  const opaqueNames = new Set(units.filter((u) => isOpaque(u.r)).map((u) => u.r.spec.name));
  const labelOf = (g: StoredGroup): string => g.label ?? g.path;
  // Keras loads legacy files by order. When the stored layer names are the model's names we pair by
  // name, which locates a dropped or extra layer exactly; otherwise by order, as Keras does.
  const nonOpaque = units.filter((u) => !isOpaque(u.r));
  const byName = weights.layout === 'tfjs' || nonOpaque.every((u) => byLabel.has(u.r.spec.name)) || groups.every((g) => nameSet.has(labelOf(g)));
  const used = new Set<StoredGroup>();
  // Order mode: the groups no opaque layer claims by name, in file order.
  const inOrder = groups.filter((g) => !opaqueNames.has(labelOf(g)));
  let next = 0;
  for (const u of units) {
    const g = byName || isOpaque(u.r) ? byLabel.get(u.r.spec.name) : inOrder[next++];
    if (g) used.add(g);
    if (isOpaque(u.r)) {
      for (const s of g?.tensors ?? []) m.extra(u.r, s, layerPath(u.r));
    } else if (!g) {
      for (const w of u.ws) m.pair(w, null);
    } else {
      if (!byName && (g.label ?? g.path) !== u.r.spec.name) {
        m.findings.push({ severity: 'info', code: 'layer-name-differs', category: 'consistency', layer: layerPath(u.r), message: `${layerPath(u.r)}: paired by order with the stored layer "${g.label ?? g.path}", as Keras loads it` });
      }
      if (weights.layout === 'tfjs') m.pairByName(u.ws, g.tensors, u.r);
      else m.pairInOrder(u.ws, g.tensors, u.r);
    }
  }
  if (byName && weights.layout === 'legacy') {
    const order = groups.map(labelOf).filter((n) => nameSet.has(n));
    const stored = new Set(order);
    const modelOrder = names.filter((n) => stored.has(n));
    if (order.join('\u0000') !== modelOrder.join('\u0000')) {
      m.findings.push({ severity: 'warning', code: 'layer-order', category: 'consistency', layer: null, message: `the file stores layers in the order ${order.join(', ')}, the model has ${modelOrder.join(', ')}: Keras loads legacy weights by order` });
    }
  }
  for (const g of groups) {
    if (used.has(g)) continue;
    for (const s of g.tensors) m.extra(null, s, g.label ?? g.path);
  }
}

// ---------------------------------------------------------------- SavedModel

/**
 * A SavedModel's groups are the model's layers by path (`inner/dense_1`), found by the reader
 * through the checkpoint's object graph. Inside a layer, a variable is where Keras keeps it as an
 * attribute: the same path as Keras 3's store for most layers (`cell/kernel`), else the variable's
 * TensorFlow name ends with the weight's (`lstm/lstm_cell/kernel`), as tfjs names are matched.
 */
function matchSavedModel(model: ModelResult, weights: StoredWeights, m: Matcher): void {
  const groups = new Map(weights.groups.map((g) => [g.path, g]));
  const claimed = new Set<StoredGroup>();
  const byPath = (w: OwnedWeight, free: StoredTensor[]): StoredTensor | undefined => {
    const want = w.weight.store ? `${w.weight.store}/${shortName(w.weight.name)}` : shortName(w.weight.name);
    return free.find((t) => t.objectPath === want);
  };
  const visit = (r: LayerResult): void => {
    if (r.inner) return r.inner.layers.forEach(visit);
    const g = groups.get(layerPath(r));
    if (g) claimed.add(g);
    if (isOpaque(r)) {
      for (const s of g?.tensors ?? []) m.extra(r, s, layerPath(r));
      return;
    }
    m.pairByName(ownedWeights(r).filter((w) => !w.weight.duplicateOf), g?.tensors ?? [], r, byPath);
  };
  model.layers.forEach(visit);
  for (const g of weights.groups) {
    if (claimed.has(g)) continue;
    for (const s of g.tensors) m.extra(null, s, g.label ?? g.path);
  }
}

// ---------------------------------------------------------------- Keras 3 store

/** A store path without a leading `/` (the reader already turned Windows' `\\` into `/`). */
function storePath(path: string): string {
  return path.replace(/^\/+/, '');
}

function matchKeras3(model: ModelResult, weights: StoredWeights, m: Matcher): void {
  const groups = new Map<string, StoredGroup>();
  for (const g of weights.groups) groups.set(storePath(g.path), g);
  const holdsTensors = (path: string): boolean => [...groups].some(([p, g]) => (p === path || p.startsWith(`${path}/`)) && g.tensors.length > 0);
  // A layer kerascope has no rule for has weights when the file keeps tensors under its path.
  const hasWeights = (r: LayerResult, path: string): boolean => (isOpaque(r) ? holdsTensors(path) : ownedWeights(r).length > 0);
  const { walk, containers } = pickWalk(model, candidateWalks(groups.keys()), hasWeights, holdsTensors);
  if (walk === TF213_WALK) append(m.findings, onlyTfKeras213(model, containers, hasWeights));
  const claimed = new Set<string>();

  const visit = (r: LayerResult): void => {
    if (r.inner) {
      r.inner.layers.forEach(visit);
      return;
    }
    const base = containers.get(r);
    if (!base) return;
    if (isOpaque(r)) {
      for (const [path, g] of groups) {
        if (path === base || path.startsWith(`${base}/`)) {
          claimed.add(path);
          for (const s of g.tensors) m.extra(r, s, layerPath(r));
        }
      }
      return;
    }
    const byStore = new Map<string, OwnedWeight[]>();
    for (const w of ownedWeights(r)) {
      if (w.weight.inKeras3Store === false) {
        m.notStored(w, 'the Keras 3 weights store does not keep it: Keras merges LoRA factors into the kernel on save (keras/src/layers/core/dense.py save_own_variables)');
        continue;
      }
      const list = byStore.get(w.weight.store) ?? [];
      list.push(w);
      byStore.set(w.weight.store, list);
    }
    for (const [store, ws] of byStore) {
      const path = store ? `${base}/${store}` : base;
      const g = groups.get(path);
      if (g) claimed.add(path);
      const tensors = g?.tensors ?? [];
      ws.forEach((w, i) => m.pair(w, tensors[w.weight.storeIndex ?? i] ?? null));
      const usedIdx = new Set(ws.map((w, i) => w.weight.storeIndex ?? i));
      tensors.forEach((s, i) => {
        if (!usedIdx.has(i)) m.extra(r, s, layerPath(r));
      });
    }
    // A `vars@name` attribute (Keras ≥ 3.6) that names another layer means the container path points elsewhere.
    const g = groups.get(base);
    if (g?.label && g.label !== r.spec.name && ownedWeights(r).length > 0) {
      m.findings.push({ severity: 'warning', code: 'store-name-differs', category: 'consistency', layer: layerPath(r), message: `${layerPath(r)}: its weights store group ${base} is labelled "${g.label}"` });
    }
  };
  model.layers.forEach(visit);

  for (const [path, g] of groups) {
    if (claimed.has(path) || g.tensors.length === 0) continue;
    for (const s of g.tensors) m.extra(null, s, path);
  }
}

/**
 * A store numbered the tf.keras 2.12–2.13 way loads only there: tf.keras 2.14+ and Keras 3 number
 * each layer once when they load it (keras 2.14.0 saving_lib.py _load_container_state; Keras 3's
 * H5IOStore.get reads `_layer_checkpoint_dependencies` with its own `layers` numbering), so every
 * layer whose group moved is refused (checked with Keras 3.15.1 load_weights on
 * fixtures/tf-keras/tfk-2.13-functional-decoder.keras: "Layer 'conv2d_1' expected 2 variables, but
 * received 0").
 */
function onlyTfKeras213(model: ModelResult, containers: Map<LayerResult, string>, hasWeights: HasWeights): Finding[] {
  const once = storeContainers(model, TF214_WALK, hasWeights);
  const moved = [...containers].filter(([r, path]) => !r.inner && hasWeights(r, path) && once.get(r) !== path).map(([r]) => layerPath(r));
  if (moved.length === 0) return [];
  const list = moved.length > 6 ? `${moved.slice(0, 6).join(', ')} and ${moved.length - 6} more` : moved.join(', ');
  return [
    findingOf(
      'store-numbered-twice',
      null,
      `the weights store is numbered as tf.keras 2.12–2.13 wrote it (each layer with weights counted twice under _layer_checkpoint_dependencies), and only those versions load it as stored: tf.keras 2.14+ and Keras 3 number each layer once and find no weights for ${list}`,
    ),
  ];
}

/** Elements of a stored tensor. */
export function storedSize(s: StoredTensor): number {
  return prod(s.shape);
}
