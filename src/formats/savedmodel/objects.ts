// Which stored tensor belongs to which Keras layer, found the way TensorFlow restores them: through
// the checkpoint's object graph (the `_CHECKPOINTABLE_OBJECT_GRAPH` entry, a TrackableObjectGraph).
// Each node of that graph is a trackable object (the model, a layer, a list, a variable); its
// children are named by the attribute that holds them (`layer_with_weights-0`, `cell`, `kernel`); a
// variable node's `VARIABLE_VALUE` attribute gives the key its value is stored under. The key is
// the path by which TensorFlow's breadth-first walk first reached the variable (tensorflow/python/
// checkpoint/graph_view.py, util.py), so it is `layer_with_weights-1/kernel/…` in one file and
// `variables/3/…` or `trainable_variables/3/…` in another for the same kind of layer
// (fixtures/savedmodel/README.md): keys are never read as paths here, only looked up.
//
// The Keras layers are the nodes tf.keras described in keras_metadata.pb (or, TF 2.0–2.4, in
// saved_model.pb's SavedUserObject.metadata), each with its node path (`root.layer_with_weights-0`).
// A layer of a model owns every variable reachable from its node (an RNN's through `cell`, a wrapper's
// through `layer` or `forward_layer`). Optimizer state hangs below the root's `optimizer` child and
// in slot references (`.OPTIMIZER_SLOT`); compiled metrics below `keras_api/metrics`.
import type { StoredGroup, StoredTensor } from '../../types.js';
import type { BundleTensor } from './bundle.js';
import type { TrackableNode } from './proto.js';

/** One object tf.keras described: a model, a layer, a metric. */
export interface KerasObject {
  /** Attribute names from the root: [] for the model, ['layer_with_weights-0', 'cell'] for an RNN's cell. */
  path: string[];
  /** The node id tf.keras recorded (saved_model.pb's object graph; the checkpoint's numbers the same nodes). */
  nodeId: number;
  identifier: string;
  /** The layer's name (its metadata `name`). */
  name: string;
  /** A model whose layers are listed in its config (Sequential, Functional), not a subclassed one. */
  container: boolean;
}

export interface Ownership {
  /** One group per layer of a model (nested models' layers included), path = layer names joined by `/`. */
  groups: StoredGroup[];
  optimizer: StoredTensor[];
  metrics: StoredTensor[];
  /** Variables no layer, optimizer or metric reaches (a model's own variables). */
  unowned: StoredTensor[];
  /** Saved values that are not variables (lookup tables, configs): not parameters. */
  notVariables: string[];
  /** Keys the object graph names that the index does not hold. */
  absent: string[];
  /** Layers whose node the checkpoint's object graph does not have. */
  unplaced: string[];
}

const MODELS = new Set(['_tf_keras_model', '_tf_keras_network', '_tf_keras_sequential']);
const METRIC = '_tf_keras_metric';
const VARIABLE_VALUE = 'VARIABLE_VALUE';
/**
 * Children tf.keras adds to every layer for SavedModel (tf_keras/saving/legacy/saved_model/
 * serialized_attributes.py): lists of the same variables. Walked last, so that a variable is named
 * by the attribute that holds it (`cell/kernel`), not by its place in a list (`variables/0`).
 */
const LISTS = new Set(['variables', 'trainable_variables', 'non_trainable_variables', 'keras_api', '_all_variables']);

export function isModelIdentifier(identifier: string): boolean {
  return MODELS.has(identifier);
}

class Graph {
  constructor(
    readonly nodes: readonly TrackableNode[],
    readonly tensors: ReadonlyMap<string, BundleTensor>,
  ) {}

  /** The node at the end of `path`, following children by name from the root; null when a step is missing. */
  resolve(path: readonly string[]): number | null {
    let at = 0;
    for (const name of path) {
      const next = this.nodes[at]?.children.find((c) => c.localName === name);
      if (!next) return null;
      at = next.nodeId;
    }
    return this.nodes[at] ? at : null;
  }

  variableOf(id: number): string | null {
    return this.nodes[id]?.attributes.find((a) => a.name === VARIABLE_VALUE)?.checkpointKey ?? null;
  }

  /**
   * Variable nodes reachable from `start`, each with the attribute path that reaches it (breadth
   * first: attributes before SavedModel's lists). Never enters a node in `stop` (other than `start`).
   */
  reach(start: number, stop: ReadonlySet<number>): Map<number, string> {
    const found = new Map<number, string>();
    for (const skipLists of [true, false]) {
      const seen = new Set<number>([start]);
      const queue: [number, string][] = [[start, '']];
      for (let i = 0; i < queue.length; i++) {
        const [id, path] = queue[i]!;
        if (id !== start && this.variableOf(id) !== null && !found.has(id)) found.set(id, path);
        for (const c of this.nodes[id]?.children ?? []) {
          if (seen.has(c.nodeId) || stop.has(c.nodeId) || !this.nodes[c.nodeId]) continue;
          if (skipLists && LISTS.has(c.localName)) continue;
          seen.add(c.nodeId);
          queue.push([c.nodeId, path ? `${path}/${c.localName}` : c.localName]);
        }
      }
    }
    return found;
  }
}

/** The layers whose variables are matched one group each: children of a model, not models with layers themselves. */
function layersOf(objects: readonly KerasObject[]): { layer: KerasObject; names: string[] }[] {
  const byPath = new Map(objects.map((o) => [o.path.join('\u0000'), o]));
  const parentOf = (o: KerasObject): KerasObject | null => {
    for (let n = o.path.length - 1; n >= 0; n--) {
      const p = byPath.get(o.path.slice(0, n).join('\u0000'));
      if (p) return p;
    }
    return null;
  };
  const out: { layer: KerasObject; names: string[] }[] = [];
  for (const o of objects) {
    if (o.path.length === 0 || o.identifier === METRIC || o.container) continue;
    const chain: KerasObject[] = [];
    let p = parentOf(o);
    let underModels = true;
    while (p) {
      if (!(p.container || p.path.length === 0)) underModels = false;
      if (p.path.length > 0) chain.unshift(p);
      p = parentOf(p);
    }
    if (underModels) out.push({ layer: o, names: [...chain.map((c) => c.name), o.name] });
  }
  return out;
}

/** Assigns every stored tensor to a layer, the optimizer, the metrics, or none. */
export function assignTensors(objects: readonly KerasObject[], nodes: readonly TrackableNode[], tensors: ReadonlyMap<string, BundleTensor>): Ownership {
  const g = new Graph(nodes, tensors);
  const own: Ownership = { groups: [], optimizer: [], metrics: [], unowned: [], notVariables: [], absent: [], unplaced: [] };
  const placed = new Map<KerasObject, number>();
  for (const o of objects) {
    const id = g.resolve(o.path) ?? (nodes[o.nodeId] ? o.nodeId : null);
    if (id !== null) placed.set(o, id);
  }
  const layers = layersOf(objects);
  // Walks stop at the model's other layers, models and metrics: a layer's variables are its own.
  // (A sublayer — an RNN's cell, a wrapper's layer — is not a stop: its variables are its layer's.)
  const peers = new Set<number>([0]);
  for (const o of objects) if (placed.has(o) && (o.container || o.identifier === METRIC)) peers.add(placed.get(o)!);
  for (const { layer } of layers) if (placed.has(layer)) peers.add(placed.get(layer)!);
  const claimed = new Set<number>();
  const tensorOf = (id: number, objectPath: string): StoredTensor | null => {
    const key = g.variableOf(id)!;
    const t = tensors.get(key);
    if (!t) {
      own.absent.push(key);
      return null;
    }
    const fullName = nodes[id]!.attributes.find((a) => a.name === VARIABLE_VALUE)?.fullName;
    return { path: key, name: fullName || objectPath, shape: t.shape ?? [], dtype: t.dtype, objectPath };
  };
  const take = (from: number, into: StoredTensor[]): void => {
    for (const [id, path] of g.reach(from, peers)) {
      if (claimed.has(id)) continue;
      claimed.add(id);
      const t = tensorOf(id, path);
      if (t) into.push(t);
    }
  };

  for (const { layer, names } of layers) {
    const id = placed.get(layer);
    if (id === undefined) {
      own.unplaced.push(names.join('/'));
      continue;
    }
    const group: StoredGroup = { path: names.join('/'), label: layer.name, tensors: [] };
    take(id, group.tensors);
    if (group.tensors.length) own.groups.push(group);
  }
  for (const o of objects) {
    const id = placed.get(o);
    if (o.identifier === METRIC && id !== undefined) take(id, own.metrics);
  }
  const metricsList = g.resolve(['keras_api', 'metrics']);
  if (metricsList !== null) take(metricsList, own.metrics);
  const optimizer = g.resolve(['optimizer']);
  if (optimizer !== null) take(optimizer, own.optimizer);
  for (const n of nodes) {
    for (const s of n.slots) {
      if (claimed.has(s.slotNodeId) || g.variableOf(s.slotNodeId) === null) continue;
      claimed.add(s.slotNodeId);
      const t = tensorOf(s.slotNodeId, s.slotName);
      if (t) own.optimizer.push(t);
    }
  }
  // Whatever else the root reaches: the model's own variables, and saved values that are not variables.
  take(0, own.unowned);
  for (const n of nodes) for (const a of n.attributes) if (a.name !== VARIABLE_VALUE) own.notVariables.push(a.checkpointKey);
  return own;
}
