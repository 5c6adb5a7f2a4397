// Walks a ModelGraph in dependency order, running each layer's rule on each call's input shapes.
// A layer's weights come from its first call (Keras builds a layer once, on its first input).
import type { Shape } from '../types.js';
import type { KerasVersion, RuleOutput } from '../layers/types.js';
import { RuleError } from '../layers/types.js';
import { evaluateLayer, UnknownClassError } from '../layers/evaluate.js';
import { ruleFor } from '../layers/registry.js';
import { fmtShape } from '../layers/util.js';
import type { LayerSpec, ModelGraph, TensorRef } from './types.js';
import { storedBatchShape } from './input-shape.js';

export interface CallResult {
  inputShapes: (Shape | null)[];
  /** Null when unknown (an input is unknown, the class has no rule, the rule failed). */
  outputShapes: Shape[] | null;
  /** The output shapes are an assumption (a Lambda without a stored output_shape). */
  assumed?: boolean;
}

export type LayerState = 'ok' | 'unknown-class' | 'opaque' | 'no-shape' | 'rule-error';

export interface LayerResult {
  spec: LayerSpec;
  /** Path of the enclosing models, `outer/inner/` ('' at the top). */
  parentPath: string;
  calls: CallResult[];
  /** The rule's answer for the build call, or null. */
  rule: RuleOutput | null;
  state: LayerState;
  /** Why the state is not ok (rule error text, opaque reason). */
  problem: string | null;
  notes: string[];
  inner: ModelResult | null;
  /** The layer's own flag and every ancestor's. */
  trainable: boolean;
}

export interface ModelResult {
  graph: ModelGraph;
  path: string;
  layers: LayerResult[];
  outputShapes: (Shape | null)[];
  /** Graph problems: dangling references, cycles. */
  problems: string[];
  /** Shapes stored in the file that disagree with the recomputed ones. */
  shapeDisagreements: { layer: string; message: string }[];
}

const WILDCARD = -1;
const ASSUMED_NOTE = 'output shape not stored in the file: assumed equal to the input shape (kerascope never runs the function)';
const STORED_NOTE = 'output shape taken from the shape the file stores on the next layer\'s input (kerascope never runs the function)';

function key(layer: string, call: number, tensor: number): string {
  return `${layer}\u0000${call}\u0000${tensor}`;
}

function inputLayerShape(spec: LayerSpec): Shape | null {
  return storedBatchShape(spec.config, true);
}

function sameShape(a: Shape, b: Shape): boolean {
  return a.length === b.length && a.every((d, i) => d === null || b[i] === null || d === b[i]);
}

export function inferModel(graph: ModelGraph, version: KerasVersion, inputOverride: (Shape | null)[] | null = null, path = '', ancestorsTrainable = true, depth = 0): ModelResult {
  const trainable = ancestorsTrainable && graph.trainable;
  const byName = new Map(graph.layers.map((l) => [l.name, l]));
  const results = new Map<LayerSpec, LayerResult>();
  const known = new Map<string, Shape | null>();
  const problems = [...graph.problems];
  const shapeDisagreements: ModelResult['shapeDisagreements'] = [];

  for (const spec of graph.layers) {
    results.set(spec, { spec, parentPath: path, calls: [], rule: null, state: 'ok', problem: null, notes: [], inner: null, trainable: trainable && spec.trainable });
  }

  // Keras numbers a nested model's calls from 1 when the model kept its own construction node
  // (tf_keras functional.py _should_skip_first_node; keras/src/models/functional.py get_config).
  const offset = nodeOffsets(graph);
  const resolveCall = (ref: TensorRef): number => Math.max(0, ref.node - (offset.get(ref.layer) ?? 0));

  // Sources: InputLayers.
  graph.layers.forEach((spec) => {
    if (spec.className !== 'InputLayer') return;
    const idx = graph.inputs.findIndex((r) => r.layer === spec.name);
    const override = idx >= 0 && inputOverride ? inputOverride[idx] : undefined;
    const shape = override !== undefined && override !== null ? override : inputLayerShape(spec);
    known.set(key(spec.name, 0, 0), shape);
    const r = results.get(spec)!;
    r.calls.push({ inputShapes: [], outputShapes: shape ? [shape] : null });
    if (!shape) r.state = 'no-shape';
  });

  const assumed = new Set<string>();
  const lookup = (ref: TensorRef): { ready: boolean; shape: Shape | null } => {
    const target = byName.get(ref.layer);
    if (!target) return { ready: true, shape: null };
    const call = target.className === 'InputLayer' ? 0 : resolveCall(ref);
    const k = key(ref.layer, call, ref.tensor);
    if (!known.has(k) && !known.has(key(ref.layer, call, WILDCARD))) return { ready: false, shape: null };
    const shape = known.get(k) ?? null;
    // Where the shape is unknown or only assumed, the writer's stored edge shape wins: shown and used.
    if ((shape === null || assumed.has(k)) && ref.storedShape) {
      const r = results.get(target)!;
      const c = r.calls[call];
      if (c) (c.outputShapes ??= [])[ref.tensor] = ref.storedShape;
      if (assumed.has(k)) {
        r.notes = r.notes.filter((n) => n !== ASSUMED_NOTE);
        if (!r.notes.includes(STORED_NOTE)) r.notes.push(STORED_NOTE);
        return { ready: true, shape: ref.storedShape };
      }
    }
    return { ready: true, shape };
  };

  // Pending calls, evaluated as their inputs become known.
  let pending: { spec: LayerSpec; call: number }[] = [];
  for (const spec of graph.layers) {
    if (spec.className === 'InputLayer') continue;
    spec.calls.forEach((_, call) => pending.push({ spec, call }));
    for (const c of spec.calls) {
      for (const ref of [...c.inputs, ...Object.values(c.kwargInputs).flat()]) {
        if (!byName.has(ref.layer)) problems.push(`${spec.name} takes its input from ${ref.layer}, which is not in the model`);
      }
    }
  }

  const run = (spec: LayerSpec, call: number, force: boolean): boolean => {
    const c = spec.calls[call]!;
    const ins = c.inputs.map(lookup);
    const kws = Object.fromEntries(Object.entries(c.kwargInputs).map(([k, refs]) => [k, refs.map(lookup)]));
    if (!force && (ins.some((x) => !x.ready) || Object.values(kws).flat().some((x) => !x.ready))) return false;
    // Where a shape is unknown here (a Lambda, an unknown class), the writer's own per-edge shape
    // (Keras 3 `__keras_tensor__.shape`) is used instead.
    const inputShapes = ins.map((x, i) => x.shape ?? c.inputs[i]!.storedShape);
    const kwargShapes = Object.fromEntries(Object.entries(kws).map(([k, xs]) => [k, xs.map((x) => x.shape)]));
    for (let i = 0; i < c.inputs.length; i++) {
      const stored = c.inputs[i]!.storedShape;
      const got = inputShapes[i];
      if (stored && got && !sameShape(stored, got)) {
        shapeDisagreements.push({ layer: path + spec.name, message: `${path}${spec.name}: input from ${c.inputs[i]!.layer} is stored as ${fmtShape(stored)} but recomputes to ${fmtShape(got)}` });
      }
    }
    const outputs = evaluateCall(results.get(spec)!, spec, call, inputShapes, kwargShapes, version, depth, c.callArgs);
    const outs = outputs ?? [];
    outs.forEach((s, t) => known.set(key(spec.name, call, t), s));
    if (results.get(spec)!.calls[call]?.assumed) outs.forEach((_, t) => assumed.add(key(spec.name, call, t)));
    if (!outputs) known.set(key(spec.name, call, WILDCARD), null);
    return true;
  };

  for (;;) {
    const before = pending.length;
    pending = pending.filter((p) => !run(p.spec, p.call, false));
    if (pending.length === 0) break;
    if (pending.length === before) {
      // Nothing could run: a cycle or inputs that never come. Report, then evaluate with unknowns.
      problems.push(`layers wait on each other or on tensors that never come: ${[...new Set(pending.map((p) => p.spec.name))].join(', ')}`);
      for (const p of pending) run(p.spec, p.call, true);
      break;
    }
  }

  for (const spec of graph.layers) {
    if (spec.className === 'InputLayer' || !spec.storedInputShape) continue;
    const stored = (Array.isArray(spec.storedInputShape[0]) ? spec.storedInputShape : [spec.storedInputShape]) as Shape[];
    const r = results.get(spec)!;
    const first = r.calls[0]?.inputShapes;
    if (first) checkBuildShape(spec, path, stored, first, shapeDisagreements);
    // Never called with known inputs (unconnected, unbuilt): build from the stored input shape.
    if (!r.rule && !r.inner && r.state === 'no-shape') buildFromStored(r, spec, stored, version, depth);
    if (!r.rule && !r.inner && r.calls.length === 0) buildFromStored(r, spec, stored, version, depth);
  }

  const outputShapes = graph.outputs.map((ref) => lookup(ref).shape);
  return { graph, path, layers: graph.layers.map((l) => results.get(l)!), outputShapes, problems, shapeDisagreements };
}

/** No real tensor has more than 64 axes or more than 2^53 elements: a file claiming so is lying. */
const MAX_RANK = 64;
function shapeProblem(shapes: Shape[]): string | null {
  for (const s of shapes) {
    if (s.length > MAX_RANK) return `output of rank ${s.length}: beyond any real tensor (at most ${MAX_RANK} axes)`;
    let n = 1;
    for (const d of s) if (d !== null) n *= d;
    if (n > Number.MAX_SAFE_INTEGER) return `output of ${n.toExponential(2)} elements: beyond any real tensor`;
  }
  return null;
}

function checkBuildShape(spec: LayerSpec, path: string, stored: Shape[], got: (Shape | null)[], out: ModelResult['shapeDisagreements']): void {
  stored.forEach((s, i) => {
    const g = got[i];
    if (g && !sameShape(s, g)) out.push({ layer: path + spec.name, message: `${path}${spec.name}: build_config stores input shape ${fmtShape(s)} but it recomputes to ${fmtShape(g)}` });
  });
}

/** Evaluates the layer on the input shape its build_config stores, keeping the calls it had. */
function buildFromStored(r: LayerResult, spec: LayerSpec, stored: Shape[], version: KerasVersion, depth: number): void {
  const calls = r.calls;
  r.calls = [];
  evaluateCall(r, spec, 0, stored, {}, version, depth);
  if (calls.length) r.calls = calls;
}

/** Runs one call; records it on the result; returns the output shapes or null when unknown. */
function evaluateCall(
  r: LayerResult,
  spec: LayerSpec,
  call: number,
  inputShapes: (Shape | null)[],
  kwargShapes: Record<string, (Shape | null)[]>,
  version: KerasVersion,
  depth: number,
  callArgs: Record<string, unknown> = {},
): Shape[] | null {
  let outputs: Shape[] | null = null;
  let assumed = false;
  if (spec.inner) {
    if (depth > 64) throw new RuleError('models nested more than 64 deep');
    // Keras shows a nested model's layers as built on the model's own inputs; the outer call's
    // output is the model run on the outer tensors (which may differ, e.g. in a fixed batch size).
    const declared = declaredInputs(spec.inner);
    const prefix = `${r.parentPath}${spec.name}/`;
    if (!r.inner) r.inner = inferModel(spec.inner, version, declared ? null : inputShapes, prefix, r.trainable, depth + 1);
    let outs = r.inner.outputShapes;
    if (!declared || !sameShapes(declared, inputShapes)) outs = inferModel(spec.inner, version, inputShapes, prefix, r.trainable, depth + 1).outputShapes;
    outputs = outs.every((s): s is Shape => s !== null) ? (outs as Shape[]) : null;
  } else if (isKerasOp(spec)) {
    // A Keras 3 operation in a Functional graph (`ops.reshape`, `ops.sum`…, module keras.src.ops.*):
    // it owns no weights; its class names (Reshape, Add…) are not the layers of the same name, so only
    // the element-wise ones share a layer's rule. Its shape is the one the file stores on later edges.
    const note = `Keras operation ${spec.module}.${spec.className}: output shape taken from the shapes the file stores`;
    r.rule = { outputShapes: [], weights: [], formula: 'no weights: 0' };
    if (!r.notes.includes(note)) r.notes.push(note);
  } else if (ruleFor(spec.className)?.opaque) {
    r.state = 'opaque';
    r.problem = ruleFor(spec.className)!.opaque!;
  } else if (!ruleFor(spec.className)) {
    r.state = 'unknown-class';
    r.problem = `no rule for class ${spec.className}`;
  } else if (inputShapes.some((s) => s === null) || Object.values(kwargShapes).flat().some((s) => s === null)) {
    if (!r.rule && r.state === 'ok') r.state = 'no-shape';
  } else {
    try {
      const out = evaluateLayer({
        className: spec.className,
        name: spec.name,
        config: spec.config,
        inputShapes: inputShapes as Shape[],
        kwargShapes: kwargShapes as Record<string, Shape[]>,
        callArgs,
        kerasVersion: version,
      });
      if (!r.rule) {
        r.rule = out;
        r.state = 'ok';
        r.problem = null;
        r.notes.push(...(out.notes ?? []));
      }
      outputs = out.outputShapes.length ? out.outputShapes : null;
    } catch (e) {
      if (e instanceof UnknownClassError) {
        r.state = 'unknown-class';
        r.problem = e.message;
      } else if (e instanceof RuleError || e instanceof Error) {
        if (!r.rule) {
          r.state = 'rule-error';
          r.problem = e.message;
        }
      } else throw e;
    }
  }
  // A Lambda whose output shape is not stored: Keras ran the function to learn it; kerascope never
  // runs code, so it assumes the shape is unchanged (Keras 1/2's own fallback for non-TF backends,
  // and what normalisation lambdas do) and says so.
  if (!outputs && spec.className === 'Lambda' && inputShapes.length > 0 && inputShapes.every((s) => s !== null)) {
    outputs = [inputShapes[0] as Shape];
    assumed = true;
    if (!r.notes.includes(ASSUMED_NOTE)) r.notes.push(ASSUMED_NOTE);
    if (r.state === 'rule-error' || r.state === 'no-shape') r.state = 'ok';
  }
  const bad = outputs ? shapeProblem(outputs) : null;
  if (bad) {
    outputs = null;
    r.state = 'rule-error';
    r.problem = bad;
  }
  r.calls[call] = assumed ? { inputShapes, outputShapes: outputs, assumed } : { inputShapes, outputShapes: outputs };
  return outputs;
}

/** The shapes a nested model's own InputLayers declare, in input order; null if any is missing. */
function declaredInputs(graph: ModelGraph): Shape[] | null {
  const shapes = graph.inputs.map((ref) => {
    const spec = graph.layers.find((l) => l.name === ref.layer);
    return spec && spec.className === 'InputLayer' ? inputLayerShape(spec) : null;
  });
  return shapes.length > 0 && shapes.every((x): x is Shape => x !== null) ? shapes : null;
}

function sameShapes(a: Shape[], b: (Shape | null)[]): boolean {
  return a.length === b.length && a.every((s, i) => {
    const t = b[i];
    return !!t && s.length === t.length && s.every((d, j) => d === t[j]);
  });
}

const KERAS_OP_MODULE = /^keras(\.src)?\.ops(\.|$)/;
/** Operations whose rule is the merge layer of the same name: element-wise broadcast, Concatenate's axis. */
const LAYER_LIKE_OPS = new Set(['Add', 'Subtract', 'Multiply', 'Maximum', 'Minimum', 'Average', 'Concatenate']);

function isKerasOp(spec: LayerSpec): boolean {
  return KERAS_OP_MODULE.test(spec.module ?? '') && !LAYER_LIKE_OPS.has(spec.className);
}

/** Per layer: 1 when references to it number calls from 1 (see inferModel), else 0. */
function nodeOffsets(graph: ModelGraph): Map<string, number> {
  const maxRef = new Map<string, number>();
  const note = (ref: TensorRef): void => {
    maxRef.set(ref.layer, Math.max(maxRef.get(ref.layer) ?? 0, ref.node));
  };
  for (const spec of graph.layers) for (const c of spec.calls) [...c.inputs, ...Object.values(c.kwargInputs).flat()].forEach(note);
  graph.outputs.forEach(note);
  const out = new Map<string, number>();
  for (const spec of graph.layers) {
    const max = maxRef.get(spec.name);
    if (max !== undefined && spec.calls.length > 0 && max >= spec.calls.length) out.set(spec.name, 1);
  }
  return out;
}
