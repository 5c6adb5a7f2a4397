// A file checked under its own loader's rules (layers/loader-variants.ts) may still not be a model
// Keras could load: where the loader computed a shape differently, the tensors built after it follow
// the loader. This says so, with the first tensor that would differ under Keras (issue 9, defect 5).
import { findingOf, type Finding } from '../findings.js';
import { inferModel, type LayerResult, type ModelResult } from '../graph/infer.js';
import type { ModelGraph } from '../graph/types.js';
import { LOADER_WORDS } from '../layers/evaluate.js';
import type { KerasVersion } from '../layers/types.js';
import { fmtShape } from '../layers/util.js';
import { layerPath, ownedWeights } from './expected.js';

function* leaves(m: ModelResult): Generator<LayerResult> {
  for (const r of m.layers) {
    if (r.inner) yield* leaves(r.inner);
    else yield r;
  }
}

/** Every tensor's expected shape by `layer/weight` path. */
function expectedShapes(m: ModelResult): Map<string, number[] | null> {
  const out = new Map<string, number[] | null>();
  for (const r of leaves(m)) for (const w of ownedWeights(r)) out.set(`${layerPath(r)}/${w.weight.name}`, w.weight.shape);
  return out;
}

/**
 * For a model analysed under a loader's own rule: a warning when Keras's rules would expect other
 * tensors (the model loads in its loader but would not convert back to Keras as it is), nothing when
 * the different shapes change no tensor.
 */
export function convertBack(graph: ModelGraph, model: ModelResult, version: KerasVersion): Finding[] {
  const diverged = [...leaves(model)].filter((r) => r.rule?.variant);
  if (version.loader === 'keras' || diverged.length === 0) return [];
  const asKeras = expectedShapes(inferModel(graph, { ...version, loader: 'keras' }));
  const changed: string[] = [];
  for (const [path, shape] of expectedShapes(model)) {
    const k = asKeras.get(path);
    if (shape && k && JSON.stringify(shape) !== JSON.stringify(k)) changed.push(`${path} would be ${fmtShape(k)} instead of ${fmtShape(shape)}`);
  }
  if (changed.length === 0) return [];
  const first = diverged[0]!;
  const v = first.rule!.variant!;
  const where = diverged.map(layerPath).join(', ');
  const more = changed.length > 1 ? ` (and ${changed.length - 1} more tensor${changed.length > 2 ? 's' : ''})` : '';
  return [
    findingOf(
      'loader-semantics',
      layerPath(first),
      `${where}: shapes follow ${LOADER_WORDS[v.loader]}, where ${v.reason}; under Keras's rules ${changed[0]}${more}: the model loads in its loader but would not convert back to Keras as it is`,
    ),
  ];
}
