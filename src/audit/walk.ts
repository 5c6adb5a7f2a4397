// Walks a raw config tree of any Keras era without recursion (a config nested 100,000 deep must not
// overflow the stack) and tells each visitor the layer path it is under.
export type Obj = Record<string, unknown>;

export interface Visit {
  node: Obj;
  /** Layer path of the nearest enclosing layer (`outer/inner/dense_2`), null at the model root. */
  layer: string | null;
  /** True when `node` itself is a layer (or nested model) config. */
  isLayer: boolean;
  /** True for the model config itself (the root of a model config walk). */
  isRoot: boolean;
  /** Key under which the node sits in its parent (`kernel_initializer`, `layers`…). */
  key: string | null;
  /** The node's own keys, read once by the walk (a visitor iterates these, not the object again). */
  keys: string[];
}

/** Keys whose value (or whose list elements) are layer configs, in every era. */
const LAYER_KEYS = new Set(['layers', 'layer', 'cell', 'cells', 'forward_layer', 'backward_layer']);
/** Keras 1 / Keras ≤ 2.2.2 Sequential keep their layers as a list under `config`. */
const LIST_MODELS = new Set(['Sequential', 'Model', 'Functional']);
/** A safety net for absurd configs: the audit stops walking after this many objects and arrays. */
export const MAX_NODES = 2_000_000;

export const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * One pending container on the walk's stack. An object is visited when it is popped; an array
 * stays on the stack and hands out its next object or array element (`next`) one at a time, so a
 * 100-million-element array costs one frame, not one per element.
 */
interface Frame {
  value: Obj | unknown[];
  next: number;
  layer: string | null;
  key: string | null;
  layerSlot: boolean; // sits where a layer config is expected
}

const isContainer = (v: unknown): v is Obj | unknown[] => typeof v === 'object' && v !== null;

function layerName(node: Obj): string | null {
  const cfg = node.config;
  if (isObj(cfg) && typeof cfg.name === 'string') return cfg.name;
  return typeof node.name === 'string' ? node.name : null;
}

function looksLikeLayer(node: Obj): boolean {
  return typeof node.class_name === 'string' && (isObj(node.config) || Array.isArray(node.config));
}

function childSlot(parent: Obj, key: string): boolean {
  if (LAYER_KEYS.has(key)) return true;
  return key === 'config' && Array.isArray(parent.config) && LIST_MODELS.has(String(parent.class_name));
}

/**
 * Visit every object of `root` once, depth first in document order. Scalars are skipped without
 * being stored. Objects and arrays are counted as they are put on the stack: the walk stops, and
 * returns false, before the maxNodes+1-th, so the stack never holds more than maxNodes frames
 * whatever the config holds.
 */
export function walk(root: unknown, visit: (v: Visit) => void, rootIsModel = true, maxNodes = MAX_NODES): boolean {
  const stack: Frame[] = [];
  let counted = 0;
  const push = (value: Obj | unknown[], layer: string | null, key: string | null, layerSlot: boolean): boolean => {
    if (++counted > maxNodes) return false;
    stack.push({ value, next: 0, layer, key, layerSlot });
    return true;
  };
  if (!isContainer(root)) return true;
  push(root, null, null, false);
  let first = rootIsModel;
  while (stack.length > 0) {
    const top = stack[stack.length - 1]!;
    const v = top.value;
    if (Array.isArray(v)) {
      let i = top.next;
      while (i < v.length && !isContainer(v[i])) i++;
      if (i >= v.length) {
        stack.pop();
        continue;
      }
      top.next = i + 1;
      if (!push(v[i] as Obj | unknown[], top.layer, top.key, top.layerSlot)) return false;
      continue;
    }
    stack.pop();
    const isRoot = first;
    first = false;
    const isLayer = !isRoot && top.layerSlot && looksLikeLayer(v);
    const name = isLayer ? (layerName(v) ?? '?') : null;
    const layer = isLayer ? (top.layer ? `${top.layer}/${name}` : name) : top.layer;
    const keys = Object.keys(v);
    visit({ node: v, layer, isLayer, isRoot, key: top.key, keys });
    for (let i = keys.length - 1; i >= 0; i--) {
      const k = keys[i]!;
      const child = v[k];
      if (isContainer(child) && !push(child, layer, k, childSlot(v, k))) return false;
    }
  }
  return true;
}
