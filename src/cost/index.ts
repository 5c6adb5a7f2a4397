// What each layer of an analysed model costs: MACs, FLOPs and the bytes of its outputs, at a batch
// size, from the shapes the graph computed and the weights the layer rules expect. "Unknown" (with
// the reason) where a size, a class or an activation is unknown — never a guess.
import type { LayerResult, ModelResult } from '../graph/infer.js';
import type { Cfg } from '../layers/types.js';
import { ALIAS_OF } from '../layers/aliases.js';
import { costRuleFor } from './registry.js';
import { CostUnknown, perSample, type Cost, type CostInput, type Sizes } from './types.js';
import { computeDtype, DTYPE_BYTES } from './dtype.js';
import { add, ZERO } from './util.js';

export { CostUnknown, type Cost } from './types.js';
export { DTYPE_BYTES, computeDtype } from './dtype.js';
export { costRuleFor, families as costFamilies } from './registry.js';

/** A layer's numbers at the report's batch size; null where unknown, and why. */
export interface LayerCost {
  macs: number | null;
  flops: number | null;
  activationBytes: number | null;
  unknown?: string;
}

/** MACs and FLOPs of a cost at batch N: FLOPs = 2 × MACs + ops, per sample, plus what is done once per call. */
export function atBatch(c: Cost, batch: number): { macs: number; flops: number } {
  return { macs: c.macs * batch, flops: (2 * c.macs + c.ops) * batch + c.fixedOps };
}

function costOf(className: string, config: Cfg, inputs: Sizes[], outputs: Sizes[], weights: Map<string, number[]>): Cost {
  const rule = costRuleFor(className);
  if (!rule) throw new CostUnknown(`no cost rule for ${className}`);
  const input: CostInput = {
    className: ALIAS_OF[className] ?? className,
    config,
    inputs,
    outputs,
    weights,
    sub: (inner, ins, outs) => costOf(inner.class_name, inner.config, ins, outs, weights),
  };
  return rule.cost(input);
}

/** Every call of a leaf layer, per sample. */
function leafCost(r: LayerResult): Cost {
  if (r.state !== 'ok' || !r.rule) throw new CostUnknown(r.problem ?? 'its output shape is unknown');
  const weights = new Map<string, number[]>();
  for (const w of r.rule.weights) if (w.shape) weights.set(w.name, w.shape);
  let total = ZERO;
  for (const call of r.calls) {
    // An output size the file leaves open (EinsumDense's output_shape=(None, …)) is given to the
    // rule as no output: a rule that can do without it (from the equation) still answers.
    const outputs = call.outputShapes ? attempt(() => perSample(call.outputShapes!, 'output')).value ?? [] : [];
    total = add(total, costOf(r.spec.className, r.spec.config, perSample(call.inputShapes, 'input'), outputs, weights));
  }
  return total;
}

/** Bytes of a leaf layer's outputs per sample (every call), in its compute dtype (an InputLayer's own dtype). */
function leafBytes(r: LayerResult): number {
  if (!costRuleFor(r.spec.className)) throw new CostUnknown(`the output dtype of ${r.spec.className} is unknown`);
  const dtype = computeDtype(r.spec.config);
  const size = dtype ? DTYPE_BYTES[dtype] : undefined;
  if (!size) throw new CostUnknown(`dtype ${dtype ?? 'of the policy'} has no known size`);
  let elements = 0;
  for (const call of r.calls) {
    if (!call.outputShapes) throw new CostUnknown('its output shape is unknown');
    for (const s of perSample(call.outputShapes, 'output')) elements += s.reduce((a, b) => a * b, 1);
  }
  return elements * size;
}

/**
 * A count past 2^53 is not exact in a double: one layer's count that large (at the batch asked) is
 * "unknown" rather than rounded — no real layer is near it per sample; a config can claim it.
 */
const tooLarge = (what: string) => new CostUnknown(`more than 2^53 ${what}: too large to count exactly`);
function exact(c: Cost, batch: number): Cost {
  const { macs, flops } = atBatch(c, batch);
  if (!Number.isSafeInteger(macs) || !Number.isSafeInteger(flops)) throw tooLarge('operations');
  return c;
}

function exactBytes(perSample: number, batch: number): number {
  if (!Number.isSafeInteger(perSample * batch)) throw tooLarge('output bytes');
  return perSample;
}

function attempt<T>(f: () => T): { value: T | null; unknown?: string } {
  try {
    return { value: f() };
  } catch (e) {
    if (e instanceof CostUnknown) return { value: null, unknown: e.message };
    throw e;
  }
}

/** A layer's cost at batch N; a nested model's is the sum of its layers' for each of its calls. */
export function layerCost(r: LayerResult, batch: number): LayerCost {
  if (r.inner) return nestedCost(r, batch);
  const c = attempt(() => exact(leafCost(r), batch));
  const b = attempt(() => exactBytes(leafBytes(r), batch));
  const out: LayerCost = {
    macs: c.value ? c.value.macs * batch : null,
    flops: c.value ? atBatch(c.value, batch).flops : null,
    activationBytes: b.value === null ? null : b.value * batch,
  };
  const why = c.unknown ?? b.unknown;
  if (why) out.unknown = why;
  return out;
}

function nestedCost(r: LayerResult, batch: number): LayerCost {
  const inner = innerLayers(r.inner!).map((l) => layerCost(l, batch));
  const calls = Math.max(1, r.calls.length);
  const sum = (k: 'macs' | 'flops' | 'activationBytes'): number | null => (inner.every((c) => c[k] !== null) ? inner.reduce((t, c) => t + c[k]!, 0) * calls : null);
  const out: LayerCost = { macs: sum('macs'), flops: sum('flops'), activationBytes: sum('activationBytes') };
  const unknown = inner.filter((c) => c.unknown).length;
  if (unknown) out.unknown = `${unknown} of its layers ${unknown === 1 ? 'has' : 'have'} no known cost`;
  return out;
}

/** The layers Keras lists (a Sequential's hidden InputLayer left out). */
export function innerLayers(m: ModelResult): LayerResult[] {
  return m.layers.filter((l) => !l.spec.hidden);
}
