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
}

/** Keys whose value (or whose list elements) are layer configs, in every era. */
const LAYER_KEYS = new Set(['layers', 'layer', 'cell', 'cells', 'forward_layer', 'backward_layer']);
/** Keras 1 / Keras ≤ 2.2.2 Sequential keep their layers as a list under `config`. */
const LIST_MODELS = new Set(['Sequential', 'Model', 'Functional']);
/** A safety net for absurd configs: the audit stops walking after this many objects. */
export const MAX_NODES = 2_000_000;

export const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

interface Item {
  value: unknown;
  layer: string | null;
  key: string | null;
  layerSlot: boolean; // sits where a layer config is expected
}

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
 * Visit every object of `root` once, depth first in document order. Returns false when the walk
 * stopped at MAX_NODES.
 */
export function walk(root: unknown, visit: (v: Visit) => void, rootIsModel = true): boolean {
  const stack: Item[] = [{ value: root, layer: null, key: null, layerSlot: false }];
  let seen = 0;
  let first = rootIsModel;
  while (stack.length > 0) {
    if (++seen > MAX_NODES) return false;
    const it = stack.pop()!;
    const v = it.value;
    if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push({ ...it, value: v[i] });
      continue;
    }
    if (!isObj(v)) continue;
    const isRoot = first;
    first = false;
    const isLayer = !isRoot && it.layerSlot && looksLikeLayer(v);
    const name = isLayer ? (layerName(v) ?? '?') : null;
    const layer = isLayer ? (it.layer ? `${it.layer}/${name}` : name) : it.layer;
    visit({ node: v, layer, isLayer, isRoot, key: it.key });
    const keys = Object.keys(v);
    for (let i = keys.length - 1; i >= 0; i--) {
      const k = keys[i]!;
      const child = v[k];
      if (child === null || typeof child !== 'object') continue;
      stack.push({ value: child, layer, key: k, layerSlot: childSlot(v, k) });
    }
  }
  return true;
}
