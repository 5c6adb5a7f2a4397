// Runs a layer's rule on inputs that are only partly known (after a Lambda whose output shape is
// not stored, an opaque layer…). Rules are pure functions of sizes, so instead of teaching every
// rule about unknown sizes the rule is run three times: once with the unknown sizes left open
// (null, for the formula), and twice with two different stand-in sizes ("probes") in their place.
// A size that is the same in both probe runs does not depend on the unknowns; a size equal to the
// probe of one input axis in both runs is that axis copied (a Dense kernel's first axis, a Conv
// kernel's input channels, a BatchNormalization's gamma): a stored weight can then pin it. When the
// rank itself is unknown the rule is run at every rank it could take, and only what all the ranks
// it accepts agree on is kept (Conv2D accepts one rank, so it decides the rank; Dense accepts all).
import type { Dim, Shape } from '../types.js';
import { evaluateLayer, type LayerCallInput } from '../layers/evaluate.js';
import { RuleError, type ExpectedWeight, type RuleOutput } from '../layers/types.js';
import { allInputs } from './types.js';
import { fromShape, isOpenAxis, isPartial, toShape, type Axis, type AxisSource, type TensorShape } from './shape.js';

/** A weight axis that copies a positional input's axis. */
export interface AxisLink {
  input: number;
  /** The input axis counted from the end: -1 is the last. */
  fromEnd: number;
  /** The input's rank when it is known (or decided by the rule), else null. */
  rank: number | null;
}

/** What one axis of an expected weight is, beyond its size. */
export interface WeightAxis {
  link: AxisLink | null;
  /** The input axis it copies had its size from there (a stored weight, a stored shape). */
  from: AxisSource | null;
}

export interface PartialOutput {
  /** The rule's answer: unknown weight sizes are open (shape null, partialShape the known axes). */
  rule: RuleOutput;
  /** One per output; null when the rule cannot tell (a Lambda without output_shape). */
  outputs: TensorShape[] | null;
  /** Per weight name, per axis: which input axis it copies. Empty when every size is known. */
  weightAxes: ReadonlyMap<string, WeightAxis[]>;
}

export interface PartialCall extends Omit<LayerCallInput, 'inputShapes' | 'kwargShapes'> {
  inputs: TensorShape[];
  kwargs: Record<string, TensorShape[]>;
}

const MAX_RANK = 8;

/** Every size known (nearly every layer): one shared empty map, read only, not one per call. */
export const NO_WEIGHT_AXES: ReadonlyMap<string, WeightAxis[]> = new Map();

/** Stand-in sizes: multiples of 7! (every usual group, head and stride count divides them), A and B never equal. */
function probe(run: 0 | 1, k: number): number {
  return 5040 * (11 + 2 * k + run);
}

export function evaluatePartial(call: PartialCall): PartialOutput {
  const all = allInputs(call.inputs, call.kwargs);
  if (!all.some(isPartial)) {
    const rule = evaluateLayer(plainCall(call, call.inputs.map((t) => toShape(t)!), mapKw(call.kwargs, (t) => toShape(t)!)));
    return { rule, outputs: rule.shapeUnknown ? null : rule.outputShapes.map(fromShape), weightAxes: NO_WEIGHT_AXES };
  }
  const minRank = Math.max(1, ...all.filter((t) => !t.rankKnown).map((t) => t.axes.length));
  const ranks = all.every((t) => t.rankKnown) ? [0] : Array.from({ length: MAX_RANK - minRank + 1 }, (_, i) => minRank + i);
  const done: Candidate[] = [];
  let firstError: RuleError | null = null;
  for (const r of ranks) {
    const c = atRank(call, r);
    if (c instanceof RuleError) firstError ??= c;
    else done.push(c);
  }
  if (done.length === 0) throw firstError ?? new RuleError('no input rank fits this layer');
  const out = done.length === 1 ? done[0]! : mergeCandidates(done);
  if (all.some((t) => t.unbuilt) && out.outputs) out.outputs = out.outputs.map((t) => ({ ...t, unbuilt: true }));
  return out;
}

type Candidate = PartialOutput;

/** The call with these shapes. Its fields named one by one: a rest pattern copied them generically, slowly while cold (runs for every call of every layer). */
function plainCall(call: PartialCall, inputShapes: Shape[], kwargShapes: Record<string, Shape[]>): LayerCallInput {
  return { className: call.className, module: call.module, name: call.name, config: call.config, callArgs: call.callArgs, kerasVersion: call.kerasVersion, inputShapes, kwargShapes };
}

function mapKw<T, U>(kw: Record<string, T[]>, f: (t: T) => U): Record<string, U[]> {
  const keys = Object.keys(kw);
  // No keyword inputs (nearly every call): an empty record, without the entries and fromEntries lists.
  if (keys.length === 0) return {};
  return Object.fromEntries(Object.entries(kw).map(([k, v]) => [k, v.map(f)]));
}

/** A tensor of unknown rank given rank r: the batch axis stays None, the others are unknown. */
function materialize(t: TensorShape, r: number): Axis[] {
  if (t.rankKnown) return t.axes;
  const lead = Array.from({ length: Math.max(0, r - t.axes.length) }, (_, i): Axis => (i === 0 ? { size: null } : { size: null, unknown: true }));
  return [...lead, ...t.axes];
}

interface Probed {
  input: number;
  axis: number;
  rank: number;
}

function tryRule(input: LayerCallInput): RuleOutput | RuleError {
  try {
    return evaluateLayer(input);
  } catch (e) {
    if (e instanceof RuleError) return e;
    throw e;
  }
}

/** Runs the rule at one candidate rank (0: every rank known). */
function atRank(call: PartialCall, r: number): Candidate | RuleError {
  const inputs = call.inputs.map((t) => materialize(t, r));
  const kwargs = mapKw(call.kwargs, (t) => materialize(t, r).map((a) => a.size));
  const probed: Probed[] = [];
  inputs.forEach((axes, i) => axes.forEach((a, axis) => {
    if (isOpenAxis(a)) probed.push({ input: i, axis, rank: axes.length });
  }));
  const sizesWith = (run: 0 | 1 | null): Shape[] =>
    inputs.map((axes, i) => axes.map((a, axis) => {
      if (run === null) return a.size;
      const k = probed.findIndex((p) => p.input === i && p.axis === axis);
      return k >= 0 ? probe(run, k) : a.size;
    }));
  const open = tryRule(plainCall(call, sizesWith(null), kwargs));
  const a = tryRule(plainCall(call, sizesWith(0), kwargs));
  const b = tryRule(plainCall(call, sizesWith(1), kwargs));
  const runs = a instanceof RuleError || b instanceof RuleError ? null : ([a, b] as const);
  if (open instanceof RuleError && !runs) return open;
  // A rank guess where a weight would need a size that is None cannot be right: Keras builds
  // weights from concrete sizes only (BatchNormalization over the batch axis of a rank-1 guess).
  if (r > 0 && runs?.[0].weights.some((w) => !w.shape || w.shape.some((d) => d === null))) return new RuleError(`no weights can be built at rank ${r}`);
  const ctx: Ctx = { inputs, probed, runs };
  const base = open instanceof RuleError ? unknownFormula(runs![0]) : open;
  return {
    rule: { ...base, weights: base.weights.map((w, i) => openWeight(w, i, ctx)) },
    outputs: base.shapeUnknown ? null : base.outputShapes.map((s, o) => ({ rankKnown: true, axes: s.map((d, j) => outputAxis(d, o, j, ctx)) })),
    weightAxes: new Map(base.weights.map((w, i) => [w.name, weightAxes(i, ctx)])),
  };
}

/** The rule refused open sizes but accepts concrete ones: its answer, with the sizes that depend on the unknowns taken out. */
function unknownFormula(a: RuleOutput): RuleOutput {
  return { ...a, formula: '? (an input size is unknown)' };
}

interface Ctx {
  inputs: Axis[][];
  probed: Probed[];
  runs: readonly [RuleOutput, RuleOutput] | null;
}

/** Which probed input axis a pair of sizes is, if any. */
function copied(a: Dim | undefined, b: Dim | undefined, ctx: Ctx): Probed | null {
  if (a === null || a === undefined || b === null || b === undefined) return null;
  const k = ctx.probed.findIndex((_, i) => probe(0, i) === a && probe(1, i) === b);
  return k >= 0 ? ctx.probed[k]! : null;
}

function outputAxis(open: Dim, o: number, j: number, ctx: Ctx): Axis {
  // Without probe runs, a size left open is unknown when an input size is (the batch axis stays None).
  const some = ctx.inputs.some((axes) => axes.some((x) => x.unknown));
  if (!ctx.runs) return open === null && some && j > 0 ? { size: null, unknown: true } : { size: open };
  const a = ctx.runs[0].outputShapes[o]?.[j];
  const b = ctx.runs[1].outputShapes[o]?.[j];
  const p = copied(a, b, ctx);
  if (p) return ctx.inputs[p.input]![p.axis]!;
  if (a !== undefined && a === b) return { size: a };
  if (a === null && b === null) return { size: null };
  return open !== null ? { size: open } : { size: null, unknown: true };
}

function weightAxes(w: number, ctx: Ctx): WeightAxis[] {
  if (!ctx.runs) return [];
  const a = ctx.runs[0].weights[w]?.shape;
  const b = ctx.runs[1].weights[w]?.shape;
  if (!a || !b || a.length !== b.length) return [];
  return a.map((d, i) => {
    const p = copied(d, b[i], ctx);
    if (!p) return { link: null, from: null };
    // The rank this candidate gave the input; candidates that disagree drop it (commonLinks).
    const rank = p.rank;
    const from = ctx.inputs[p.input]![p.axis]!.from ?? null;
    return { link: { input: p.input, fromEnd: p.axis - p.rank, rank }, from };
  });
}

/** The weight with the sizes the probes show to be fixed; the others open (partialShape). */
function openWeight(w: ExpectedWeight, i: number, ctx: Ctx): ExpectedWeight {
  if (!ctx.runs) return w;
  const a = ctx.runs[0].weights[i]?.shape;
  const b = ctx.runs[1].weights[i]?.shape;
  if (!a || !b || a.length !== b.length || ctx.runs[0].weights[i]!.name !== w.name) return w;
  const dims: Dim[] = a.map((d, j) => {
    const p = copied(d, b[j], ctx);
    if (p) return ctx.inputs[p.input]![p.axis]!.size;
    if (d === b[j]) return d;
    return w.shape?.[j] ?? null;
  });
  const { partialShape: _p, ...rest } = w;
  return dims.every((d): d is number => d !== null) ? { ...rest, shape: dims } : { ...rest, shape: null, partialShape: dims };
}

// ---------------------------------------------------------------- several candidate ranks

function sameAxis(x: Axis, y: Axis): boolean {
  return x.size === y.size && !!x.unknown === !!y.unknown && x.from?.what === y.from?.what;
}

const OPEN: Axis = { size: null, unknown: true };

/** What every accepted rank agrees on: an output's common shape (or common tail), a weight's common sizes. */
function mergeCandidates(cs: Candidate[]): PartialOutput {
  const first = cs[0]!;
  let outputs: TensorShape[] | null = null;
  if (cs.every((c) => c.outputs && c.outputs.length === first.outputs?.length)) {
    outputs = first.outputs!.map((_, o) => commonShape(cs.map((c) => c.outputs![o]!)));
  }
  const names = (c: Candidate): string => c.rule.weights.map((w) => w.name).join('\u0000');
  const sameWeights = cs.every((c) => names(c) === names(first));
  const weights = first.rule.weights.map((w, i) => (sameWeights ? commonWeight(cs.map((c) => c.rule.weights[i]!)) : { ...w, shape: null }));
  const weightAxes = new Map<string, WeightAxis[]>();
  if (sameWeights) for (const w of first.rule.weights) weightAxes.set(w.name, commonLinks(cs.map((c) => c.weightAxes.get(w.name) ?? [])));
  return { rule: { ...first.rule, weights }, outputs, weightAxes };
}

function commonShape(ts: TensorShape[]): TensorShape {
  const n = ts[0]!.axes.length;
  if (ts.every((t) => t.axes.length === n)) return { rankKnown: true, axes: ts[0]!.axes.map((x, j) => (ts.every((t) => sameAxis(t.axes[j]!, x)) ? x : OPEN)) };
  const tail: Axis[] = [];
  for (let k = 1; k <= Math.min(...ts.map((t) => t.axes.length)); k++) {
    const x = ts[0]!.axes[ts[0]!.axes.length - k]!;
    if (!ts.every((t) => sameAxis(t.axes[t.axes.length - k]!, x))) break;
    tail.unshift(x);
  }
  return { rankKnown: false, axes: tail };
}

function dimsOf(w: ExpectedWeight): Dim[] | null {
  return w.shape ?? w.partialShape ?? null;
}

function commonWeight(ws: ExpectedWeight[]): ExpectedWeight {
  const first = ws[0]!;
  const d0 = dimsOf(first);
  const { partialShape: _p, ...rest } = first;
  if (!d0 || !ws.every((w) => dimsOf(w)?.length === d0.length)) return { ...rest, shape: null };
  const dims = d0.map((d, j) => (ws.every((w) => dimsOf(w)![j] === d) ? d : null));
  return dims.every((d): d is number => d !== null) ? { ...rest, shape: dims } : { ...rest, shape: null, partialShape: dims };
}

function commonLinks(per: WeightAxis[][]): WeightAxis[] {
  const first = per[0]!;
  if (!per.every((p) => p.length === first.length)) return [];
  return first.map((x, j) => {
    const same = per.every((p) => p[j]!.link?.input === x.link?.input && p[j]!.link?.fromEnd === x.link?.fromEnd);
    return same && x.link ? { link: { ...x.link, rank: per.every((p) => p[j]!.link?.rank === x.link!.rank) ? x.link.rank : null }, from: x.from } : { link: null, from: null };
  });
}
