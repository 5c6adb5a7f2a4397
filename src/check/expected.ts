// What each layer must own, laid out the way each file family stores it.
import type { ExpectedWeight } from '../layers/types.js';
import type { LayerResult, ModelResult } from '../graph/infer.js';
import { pythonClass } from '../layers/aliases.js';

/** One expected tensor with the leaf layer that owns it. */
export interface OwnedWeight {
  leaf: LayerResult;
  /** Full layer path: `outer/inner/dense`. */
  leafPath: string;
  weight: ExpectedWeight;
  /** Trainable after freezing: created trainable, and the layer and every ancestor trainable. */
  trainable: boolean;
}

export function layerPath(r: LayerResult): string {
  return r.parentPath + r.spec.name;
}

/** Whether Keras could know what this layer owns (false: unknown class, opaque bridge, nested subclassed). */
export function isOpaque(r: LayerResult): boolean {
  return !r.inner && (r.state === 'unknown-class' || r.state === 'opaque');
}

/** The leaf weights of a layer (recursively for a nested model), in creation order, each layer once. */
export function ownedWeights(r: LayerResult, seen = new Set<LayerResult>()): OwnedWeight[] {
  if (seen.has(r)) return [];
  seen.add(r);
  if (r.inner) return r.inner.layers.flatMap((l) => ownedWeights(l, seen));
  const ws = r.rule?.weights ?? [];
  return ws.map((weight) => ({ leaf: r, leafPath: layerPath(r), weight, trainable: weight.trainable && r.trainable }));
}

/**
 * Legacy HDF5 / tfjs order inside one top-level layer's group: Keras's `layer.weights` =
 * trainable_weights + non_trainable_weights (tf_keras base_layer `weights`; for a nested model this
 * spans all its sublayers, which is why a frozen sublayer's weights move to the end).
 */
export function legacyOrder(ws: OwnedWeight[]): OwnedWeight[] {
  return [...ws.filter((w) => w.trainable), ...ws.filter((w) => !w.trainable)];
}

/** The layers Keras lists in `model.layers` (a Sequential's InputLayer is hidden). */
export function topLayers(model: ModelResult): LayerResult[] {
  return model.layers.filter((l) => !l.spec.hidden);
}

/**
 * Keras 3 `to_snake_case` (keras/src/utils/naming.py): drop non-word characters, then split
 * CamelCase: Conv2D → conv2d, PReLU → p_re_lu, MultiHeadAttention → multi_head_attention.
 */
export function toSnakeCase(name: string): string {
  let s = name.replace(/\W+/g, '');
  s = s.replace(/(.)([A-Z][a-z]+)/g, '$1_$2');
  s = s.replace(/([a-z])([A-Z])/g, '$1_$2');
  return s.toLowerCase();
}

/**
 * Keras 3 weights-store container paths (keras/src/saving/saving_lib.py _save_container_state):
 * each element of a model's `layers` is named snake_case(class) with `_1`, `_2`… per container,
 * counting every element, weightless ones included. A Functional's `layers` include its
 * InputLayers; a Sequential's do not.
 */
export function keras3Containers(model: ModelResult, prefix = ''): Map<LayerResult, string> {
  const out = new Map<LayerResult, string>();
  const used = new Map<string, number>();
  const sequential = model.graph.kind === 'sequential';
  for (const l of model.layers) {
    if (sequential && l.spec.className === 'InputLayer') continue;
    if (l.spec.hidden && l.spec.className !== 'InputLayer') continue;
    const cls = l.spec.inner ? (l.spec.inner.kind === 'sequential' ? 'Sequential' : l.spec.className === 'Model' ? 'Functional' : l.spec.className) : pythonClass(l.spec.className);
    let name = toSnakeCase(cls);
    const n = used.get(name);
    if (n === undefined) used.set(name, 0);
    else {
      used.set(name, n + 1);
      name = `${name}_${n + 1}`;
    }
    const path = `${prefix}layers/${name}`;
    out.set(l, path);
    if (l.inner) for (const [k, v] of keras3Containers(l.inner, `${path}/`)) out.set(k, v);
  }
  return out;
}
