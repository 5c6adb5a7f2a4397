// Where each layer's variables sit in a weights store (`model.weights.h5`, `*.weights.h5`): the
// container paths Keras's own walk gives, for each writer that used this layout. Each container
// element is named `snake_case(class)[_N]`, one counter per name (keras/src/saving/saving_lib.py
// `_save_container_state`); what differs between writers is the attribute `model.layers` is found
// under first and whether an entry already saved still takes a number:
//
// - Keras 3, and tf.keras 2.15 (keras 2.15.0 keras/saving/saving_lib.py `_walk_trackable` walks
//   `sorted(dir(model), reverse=True)`, so `layers` comes before `_layer_checkpoint_dependencies`):
//   `layers/…`, each element of `model.layers` once.
// - tf.keras 2.14 (keras 2.14.0 saving_lib.py: `dir(model)` in sorted order, so the
//   `_layer_checkpoint_dependencies` dict of keras/engine/functional.py comes before `layers`;
//   `_save_container_state` skips an object already saved before numbering it, commit 5040e9a
//   "Fixes layer index naming issue"): `_layer_checkpoint_dependencies/…`, each layer once.
// - tf.keras 2.12 and 2.13 (keras 2.13.1 saving_lib.py, before that fix): the same dict, which lists
//   a layer with weights twice (`layer_with_weights-K`, then `layer-I`: the same object) and any
//   other layer once (keras 2.13.1 keras/engine/functional.py `_layer_checkpoint_dependencies`).
//   Every entry advances its class's counter, only the first visit is saved (`_save_state` returns
//   on a visited object): with every Conv2D holding weights, the k-th Conv2D is `conv2d_{2k}`.
import type { LayerResult, ModelResult } from '../graph/infer.js';
import { pythonClass } from '../layers/aliases.js';
import { containerNamer, toSnakeCase, toSnakeCaseKeras2 } from '../keras/naming.js';
import { ownedWeights } from './expected.js';

export interface StoreWalk {
  /** Words for the report: which writer lays a store out this way. */
  writer: string;
  /** The attribute the elements of `model.layers` are saved under. */
  attribute: 'layers' | '_layer_checkpoint_dependencies';
  /** tf.keras 2.12–2.13: the second entry of a layer with weights still takes a number. */
  numbersRevisits: boolean;
}

export const KERAS3_WALK: StoreWalk = { writer: 'Keras 3 or tf.keras 2.15', attribute: 'layers', numbersRevisits: false };
export const TF214_WALK: StoreWalk = { writer: 'tf.keras 2.14', attribute: '_layer_checkpoint_dependencies', numbersRevisits: false };
export const TF213_WALK: StoreWalk = { writer: 'tf.keras 2.12–2.13', attribute: '_layer_checkpoint_dependencies', numbersRevisits: true };

/**
 * The walks that could have written a store with these container paths (separators already `/`):
 * one for `layers/…`; for `_layer_checkpoint_dependencies/…` both tf.keras numberings, which the
 * stored groups decide between (`pickWalk`).
 */
export function candidateWalks(paths: Iterable<string>): StoreWalk[] {
  for (const p of paths) if (p.startsWith('_layer_checkpoint_dependencies/')) return [TF213_WALK, TF214_WALK];
  return [KERAS3_WALK];
}

/**
 * Whether Keras's `layer.weights` is non-empty; `path` is where the layer's first entry is saved,
 * for a layer kerascope has no rule for (the file then tells).
 */
export type HasWeights = (r: LayerResult, path: string) => boolean;

const byRule: HasWeights = (r) => ownedWeights(r).length > 0;

/** The Python class Keras names the container element after. */
function storeClass(l: LayerResult): string {
  const inner = l.spec.inner;
  if (!inner) return pythonClass(l.spec.className);
  if (inner.kind === 'sequential') return 'Sequential';
  // A nested functional model is a `Functional` (its config may say `Model`); a subclass keeps its class.
  return l.spec.className === 'Model' ? 'Functional' : l.spec.className;
}

/** The elements of `model.layers`: a Functional's include its InputLayers, a Sequential's do not. */
function modelLayers(model: ModelResult): LayerResult[] {
  const sequential = model.graph.kind === 'sequential';
  return model.layers.filter((l) => {
    if (l.spec.className === 'InputLayer') return !sequential;
    return !l.spec.hidden;
  });
}

/** Every layer (nested ones too) with its container path in the store the given walk wrote. */
export function storeContainers(model: ModelResult, walk: StoreWalk = KERAS3_WALK, hasWeights: HasWeights = byRule, prefix = ''): Map<LayerResult, string> {
  const out = new Map<LayerResult, string>();
  // tf.keras used its own to_snake_case (keras 2.13 keras/utils/generic_utils.py).
  const name = containerNamer(walk === KERAS3_WALK ? toSnakeCase : toSnakeCaseKeras2);
  for (const l of modelLayers(model)) {
    const cls = storeClass(l);
    const path = `${prefix}${walk.attribute}/${name(cls)}`;
    // The `layer-I` entry of a layer with weights: the same object, skipped, but numbered.
    if (walk.numbersRevisits && hasWeights(l, path)) name(cls);
    out.set(l, path);
    if (l.inner) for (const [k, v] of storeContainers(l.inner, walk, hasWeights, `${path}/`)) out.set(k, v);
  }
  return out;
}

/**
 * Of several candidate walks, the one whose paths find the most layers with weights among the
 * stored groups that hold tensors (`stored`); the first on a tie.
 */
export function pickWalk(model: ModelResult, walks: StoreWalk[], hasWeights: HasWeights, stored: (path: string) => boolean): { walk: StoreWalk; containers: Map<LayerResult, string> } {
  let best: { walk: StoreWalk; containers: Map<LayerResult, string>; found: number } | null = null;
  for (const walk of walks) {
    const containers = storeContainers(model, walk, hasWeights);
    let found = 0;
    for (const [l, path] of containers) if (!l.inner && hasWeights(l, path) && stored(path)) found++;
    if (!best || found > best.found) best = { walk, containers, found };
  }
  return best!;
}
