// Paths through an object graph, as TensorFlow names them when it saves: a breadth-first walk from
// the root, each node named by the attribute names that first reach it
// (tensorflow/python/checkpoint/graph_view.py / trackable_view.py `_breadth_first_traversal`), and a
// variable's checkpoint key made of those names, escaped, joined by `/`, followed by
// `/.ATTRIBUTES/VARIABLE_VALUE` (tensorflow/python/checkpoint/save_util_v1.py
// `_object_prefix_from_path`, `_escape_local_name`: `.` → `..`, `/` → `.S`).
//
// Used where saved_model.pb's object graph stands in for the checkpoint's (whose nodes and children
// are the same: tensorflow/python/saved_model/save.py writes both from one list of nodes), and to
// name the Keras objects of a TF 2.0–2.4 folder, which recorded no node paths.
import type { ObjectReference, SavedObjectNode, TrackableNode } from './proto.js';

/** For each node id, the attribute names that first reach it from node 0; null when unreachable. */
export function firstPaths(children: readonly (readonly ObjectReference[])[]): (string[] | null)[] {
  const paths: (string[] | null)[] = children.map(() => null);
  if (children.length === 0) return paths;
  paths[0] = [];
  const queue = [0];
  for (let i = 0; i < queue.length; i++) {
    const id = queue[i]!;
    for (const c of children[id] ?? []) {
      if (c.nodeId < 0 || c.nodeId >= children.length || paths[c.nodeId]) continue;
      paths[c.nodeId] = [...paths[id]!, c.localName];
      queue.push(c.nodeId);
    }
  }
  return paths;
}

const escape = (name: string): string => name.replaceAll('.', '..').replaceAll('/', '.S');
const prefix = (path: readonly string[]): string => path.map(escape).join('/');
const VALUE = '/.ATTRIBUTES/VARIABLE_VALUE';

/** The key TensorFlow stores a variable's value under, from its path. */
export function checkpointKey(path: readonly string[]): string {
  return prefix(path) + VALUE;
}

/** A slot variable's key: `<variable>/.OPTIMIZER_SLOT/<optimizer>/<slot name>` (save_util_v1.py `_serialize_slot_variables`). */
export function slotKey(variable: readonly string[], optimizer: readonly string[], slot: string): string {
  return `${prefix(variable)}/.OPTIMIZER_SLOT/${prefix(optimizer)}/${escape(slot)}${VALUE}`;
}

/**
 * saved_model.pb's object graph in the checkpoint graph's shape: the same children, and for each
 * variable node the key its value must have been saved under.
 */
export function trackableFromSaved(nodes: readonly SavedObjectNode[]): TrackableNode[] {
  const paths = firstPaths(nodes.map((n) => n.children));
  const keys = new Map<number, string>();
  nodes.forEach((n, id) => {
    if (n.kind === 'variable' && paths[id]) keys.set(id, checkpointKey(paths[id]!));
  });
  nodes.forEach((n, id) => {
    for (const s of n.slots) {
      const variable = paths[s.originalNodeId];
      if (variable && paths[id] && nodes[s.slotNodeId]?.kind === 'variable') keys.set(s.slotNodeId, slotKey(variable, paths[id]!, s.slotName));
    }
  });
  return nodes.map((n, id) => ({
    children: n.children,
    attributes: keys.has(id) ? [{ name: 'VARIABLE_VALUE', fullName: n.variableName, checkpointKey: keys.get(id)! }] : [],
    slots: n.slots,
  }));
}
