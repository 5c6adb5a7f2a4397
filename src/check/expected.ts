// What each layer must own, laid out the way each file family stores it.
import type { ExpectedWeight } from '../layers/types.js';
import type { LayerResult, ModelResult } from '../graph/infer.js';

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
