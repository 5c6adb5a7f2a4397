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

/** The weight as pins and marks name it: `outer/dense_1/kernel`. */
export function weightPath(w: OwnedWeight): string {
  return `${w.leafPath}/${w.weight.name}`;
}

export interface Expected {
  /** The shape to check against; the stored sizes fill the open axes when the known ones agree. */
  shape: number[] | null;
  /** The rules' sizes with open axes (null) when the rules could not tell them all; null otherwise. */
  open: (number | null)[] | null;
  /** Axes whose size is the stored tensor's own (nothing else in the file tells it). */
  fromStored: number[];
}

/**
 * What a weight is checked against. Where an input size cannot be known (after a Lambda without a
 * stored output shape) the rules leave the sizes that depend on it open; a stored tensor that
 * agrees on every known size could have been built by Keras, and fixes the open ones. A size the
 * graph already took from this very tensor (a pin, check/solve.ts) is also the stored tensor's own.
 */
export function expectedFor(w: OwnedWeight, stored: readonly number[] | null): Expected {
  const shape = w.weight.shape;
  const open = w.weight.partialShape ?? null;
  if (shape) {
    const axes = w.leaf.weightAxes.get(w.weight.name);
    const own = axes ? axes.flatMap((a, i) => (a.from?.kind === 'weights' && a.from.what === weightPath(w) ? [i] : [])) : [];
    return { shape, open: null, fromStored: own };
  }
  if (!open || !stored || stored.length !== open.length || open.some((d, i) => d !== null && d !== stored[i])) return { shape: null, open, fromStored: [] };
  return { shape: [...stored], open, fromStored: open.flatMap((d, i) => (d === null ? [i] : [])) };
}

/** `(?, 60)`: a shape with open sizes. */
export function fmtOpen(dims: readonly (number | null)[]): string {
  const text = dims.map((d) => (d === null ? '?' : String(d)));
  return text.length === 1 ? `(${text[0]},)` : `(${text.join(', ')})`;
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
