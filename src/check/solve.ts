// The graph, checked against the stored weights, taking from them what the config cannot tell.
// Where a size cannot be known from the config (after a Lambda without a stored output shape) the
// first pass leaves it open and a stored tensor that agrees on every other size fixes it: a Dense
// kernel's first axis, a Conv kernel's input channels, a BatchNormalization's gamma. Those sizes
// are then pinned on the tensors they come from and the graph is walked again, so every other
// layer that uses the same tensor is checked against them (a second stored tensor that disagrees
// is a mismatch). Two passes are enough: the second only knows more, never less.
import type { StoredWeights } from '../types.js';
import { inferModel, type LayerResult, type ModelResult, type Pin } from '../graph/infer.js';
import type { KerasVersion } from '../layers/types.js';
import type { ModelGraph } from '../graph/types.js';
import { matchWeights, type MatchResult } from './match.js';
import { layerPath } from './expected.js';

export interface Checked {
  model: ModelResult;
  match: MatchResult | null;
}

export function inferAndMatch(graph: ModelGraph, version: KerasVersion, weights: StoredWeights | null): Checked {
  const model = inferModel(graph, version);
  if (!weights) return { model, match: null };
  const match = matchWeights(model, weights);
  const pins = pinsFrom(model, match);
  if (pins.length === 0) return { model, match };
  const again = inferModel(graph, version, { pins });
  return { model: again, match: matchWeights(again, weights) };
}

function* leaves(model: ModelResult): Generator<LayerResult> {
  for (const r of model.layers) {
    if (r.inner) yield* leaves(r.inner);
    else yield r;
  }
}

/** Sizes the stored weights fix where the build call's input left them open. */
export function pinsFrom(model: ModelResult, match: MatchResult): Pin[] {
  const pins: Pin[] = [];
  for (const r of leaves(model)) {
    const build = r.calls[0];
    if (!build || r.weightAxes.size === 0) continue;
    const rows = match.rows.get(r) ?? [];
    for (const [name, axes] of r.weightAxes) {
      const stored = rows.find((w) => w.name === name && w.status !== 'extra')?.storedShape;
      if (!stored || stored.length !== axes.length) continue;
      axes.forEach((a, i) => {
        const link = a.link;
        const tensor = link ? build.inputKeys[link.input] : undefined;
        if (!link || tensor === undefined || !openAt(build.inputs[link.input]!.axes, build.inputs[link.input]!.rankKnown, link.fromEnd)) return;
        pins.push({ tensor, fromEnd: link.fromEnd, rank: link.rank, size: stored[i]!, source: `${layerPath(r)}/${name}` });
      });
    }
  }
  return pins;
}

/** Whether the input's axis (counted from the end) has no size yet. */
function openAt(axes: { size: number | null }[], rankKnown: boolean, fromEnd: number): boolean {
  const axis = axes[axes.length + fromEnd];
  if (!axis) return !rankKnown;
  return axis.size === null;
}
