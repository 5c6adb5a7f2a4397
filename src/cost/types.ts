// The contract every cost rule follows: one rule per class (aliases share it), one file per family,
// one registry (registry.ts), as the layer rules (src/layers). A cost rule is pure: the layer's
// config, its input and output shapes per sample (batch axis 1) and the weights its layer rule
// expects in; the arithmetic one call does out.
//
// Convention (docs/compute.md): MACs are the multiply-accumulates of the layer's dot products and
// convolutions, every kernel tap counted (torchinfo's "Mult-Adds", without its bias-as-MAC);
// `ops` are the other element operations (bias add, activation, normalisation, merge, pooling,
// softmax; a transcendental such as exp or tanh is one op). FLOPs = 2 × MACs + ops.
import type { Cfg } from '../layers/types.js';
import type { Shape } from '../types.js';

/** What one call of a layer costs. */
export interface Cost {
  /** Multiply-accumulates per sample. */
  macs: number;
  /** Other element operations per sample. */
  ops: number;
  /** Operations done once per call whatever the batch (BatchNormalization folding its statistics). */
  fixedOps: number;
}

/** A per-sample shape: every size known, the batch axis set to 1. */
export type Sizes = number[];

export interface CostInput {
  className: string;
  config: Cfg;
  /** One per positional input, per sample. */
  inputs: Sizes[];
  /** One per output, per sample. */
  outputs: Sizes[];
  /** The weights the layer rule expects, by Keras 3 variable path (`kernel`, `query/kernel`). */
  weights: Map<string, number[]>;
  /** Cost a wrapped layer (Bidirectional, TimeDistributed) on per-sample shapes. */
  sub(inner: { class_name: string; config: Cfg }, inputs: Sizes[], outputs: Sizes[]): Cost;
}

export interface CostRule {
  classes: string[];
  /** The family file it lives in. */
  family: string;
  /** The count in words, for docs/compute.md. */
  summary: string;
  cost(input: CostInput): Cost;
}

/** The cost cannot be told from the file: a size is unknown, an activation has no known count. Never a guess. */
export class CostUnknown extends Error {}

/** Raw (possibly unknown) shapes to per-sample sizes, or CostUnknown naming the unknown axis. */
export function perSample(shapes: (Shape | null)[], what: string): Sizes[] {
  return shapes.map((s, i) => {
    if (!s) throw new CostUnknown(`${what} ${i + 1} has an unknown shape`);
    return s.map((d, axis) => {
      if (axis === 0) return 1;
      if (d === null) throw new CostUnknown(`${what} size on axis ${axis} is unknown (None)`);
      return d;
    });
  });
}
