// Walks a ModelGraph in dependency order, running each layer's rule on each call's input shapes.
// A layer's weights come from its first call (Keras builds a layer once, on its first input).
// What the file itself states about a tensor (Keras 3 `__keras_tensor__` shapes on edges,
// `build_config` input shapes, sizes pinned by stored weights) is merged into the recomputed
// shape in one place, TensorTable (graph/shape.ts mergeShapes).
import type { Shape } from '../types.js';
import type { FindingCode } from '../findings.js';
import type { KerasVersion, RuleOutput } from '../layers/types.js';
import { ConfigValueError, RuleError, SizeTooLargeError } from '../layers/types.js';
import { RuleBugError } from '../errors.js';
import { evaluateLayer, UnknownClassError } from '../layers/evaluate.js';
import { isInputClass, ruleFor } from '../layers/registry.js';
import { prod } from '../layers/util.js';
import { allInputs, type LayerSpec, type ModelGraph, type TensorRef } from './types.js';
import { fmtTensor, fromShape, toShape, UNKNOWN_TENSOR, type TensorShape } from './shape.js';
import { evaluatePartial, NO_WEIGHT_AXES, type WeightAxis } from './partial.js';
import { TensorTable, callKey, pinFact, tensorKey, type Pin } from './tensors.js';

export type { Pin } from './tensors.js';
export { tensorKey } from './tensors.js';

export interface CallResult {
  /** What the rule was given, as Keras prints it (null where the rank is unknown). */
  inputShapes: (Shape | null)[];
  /** Null when unknown (the rule cannot tell, the class has no rule, the rule failed). */
  outputShapes: Shape[] | null;
  /** The same, axis by axis: unknown sizes, sizes taken from stored weights. */
  inputs: TensorShape[];
  outputs: TensorShape[] | null;
  /** The tensors the positional inputs are (tensorKey), for sizes pinned by stored weights. */
  inputKeys: string[];
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
  /** The finding code of a rule-error: `layer-rule-error`, `config-invalid-value`, `size-too-large`. */
  problemCode?: FindingCode;
  notes: string[];
  /** Fractional sizes the file's loader truncated (layers/fractional.ts): one sentence each. */
  truncated?: string[];
  inner: ModelResult | null;
  /** The layer's own flag and every ancestor's. */
  trainable: boolean;
  /** For the build call: which input axis each weight axis copies (where an input size was open). */
  weightAxes: ReadonlyMap<string, WeightAxis[]>;
}

export interface ModelResult {
  graph: ModelGraph;
  path: string;
  layers: LayerResult[];
  outputShapes: (Shape | null)[];
  outputs: TensorShape[];
  /** Graph problems: dangling references, cycles. */
  problems: string[];
  /** Shapes stored in the file that disagree with the recomputed ones. */
  shapeDisagreements: { layer: string; message: string }[];
}

export interface InferOptions {
  /** Sizes stored weights pin (check/solve.ts), by tensor. */
  pins?: readonly Pin[];
  /** A nested model's inputs, as the outer call gives them. */
  inputOverride?: TensorShape[] | null;
  path?: string;
  ancestorsTrainable?: boolean;
  depth?: number;
}

const FILLED_NOTE = 'output shape taken from the shape the file stores where it is used (kerascope never runs the layer)';

export function inferModel(graph: ModelGraph, version: KerasVersion, opts: InferOptions = {}): ModelResult {
  return new ModelInference(graph, version, opts).run();
}

/** One model's walk: its layers' results, its tensors, and the problems found on the way. */
class ModelInference {
  private readonly path: string;
  private readonly depth: number;
  private readonly results = new Map<LayerSpec, LayerResult>();
  private readonly byName: Map<string, LayerSpec>;
  private readonly offsets: Map<string, number>;
  private readonly problems: string[];
  private readonly disagreements: ModelResult['shapeDisagreements'] = [];
  private readonly table: TensorTable;

  constructor(
    private readonly graph: ModelGraph,
    private readonly version: KerasVersion,
    private readonly opts: InferOptions,
  ) {
    this.path = opts.path ?? '';
    this.depth = opts.depth ?? 0;
    this.byName = new Map(graph.layers.map((l) => [l.name, l]));
    // Keras numbers a nested model's calls from 1 when the model kept its own construction node
    // (tf_keras functional.py _should_skip_first_node; keras/src/models/functional.py get_config).
    this.offsets = nodeOffsets(graph);
    this.problems = [...graph.problems];
    this.table = new TensorTable((message) => this.disagreements.push(message));
    const trainable = (opts.ancestorsTrainable ?? true) && graph.trainable;
    for (const spec of graph.layers) {
      this.results.set(spec, { spec, parentPath: this.path, calls: [], rule: null, state: 'ok', problem: null, notes: [], inner: null, trainable: trainable && spec.trainable, weightAxes: NO_WEIGHT_AXES });
    }
  }

  run(): ModelResult {
    this.statedFacts();
    this.seedInputs();
    this.walk();
    this.buildUnconnected();
    this.settleOutputs();
    const outputs = this.graph.outputs.map((ref) => this.read(ref));
    return {
      graph: this.graph,
      path: this.path,
      layers: this.graph.layers.map((l) => this.results.get(l)!),
      outputShapes: outputs.map(toShape),
      outputs,
      problems: this.problems,
      shapeDisagreements: this.disagreements,
    };
  }

  /** The tensor a reference names: `path + layer`, its call (offset resolved), its output index. */
  private keyOf(ref: TensorRef): string {
    const target = this.byName.get(ref.layer);
    const call = !target || isInputClass(target.className) ? 0 : Math.max(0, ref.node - (this.offsets.get(ref.layer) ?? 0));
    return tensorKey(this.path, ref.layer, call, ref.tensor);
  }

  /** What the file states about tensors: edge shapes, build_config input shapes, pinned sizes. */
  private statedFacts(): void {
    for (const spec of this.graph.layers) {
      for (const c of spec.calls) {
        for (const ref of allInputs(c.inputs, c.kwargInputs)) {
          if (!this.byName.has(ref.layer)) this.problems.push(`${spec.name} takes its input from ${ref.layer}, which is not in the model`);
          if (!ref.storedShape) continue;
          const stored = ref.storedShape;
          this.table.addFact(this.keyOf(ref), {
            kind: 'file',
            shape: fileShape(stored, `the shape stored on ${spec.name}'s input`),
            conflict: (got) => ({ layer: this.path + spec.name, message: `${this.path}${spec.name}: input from ${ref.layer} is stored as ${fmtTensor(fromShape(stored))} but recomputes to ${fmtTensor(got)}` }),
          });
        }
      }
      const first = spec.calls[0];
      if (!spec.storedInputShape || !first) continue;
      storedList(spec.storedInputShape).forEach((stored, i) => {
        const ref = first.inputs[i];
        if (!ref) return;
        this.table.addFact(this.keyOf(ref), {
          kind: 'file',
          shape: fileShape(stored, `${spec.name}'s build_config`),
          conflict: (got) => ({ layer: this.path + spec.name, message: `${this.path}${spec.name}: build_config stores input shape ${fmtTensor(fromShape(stored))} but it recomputes to ${fmtTensor(got)}` }),
        });
      });
    }
    for (const pin of this.opts.pins ?? []) if (pin.tensor.startsWith(this.path)) this.table.addFact(pin.tensor, { kind: 'weights', shape: pinFact(pin), conflict: null });
  }

  private seedInputs(): void {
    for (const spec of this.graph.layers) {
      if (!isInputClass(spec.className)) continue;
      const idx = this.graph.inputs.findIndex((r) => r.layer === spec.name);
      const override = idx >= 0 ? this.opts.inputOverride?.[idx] : undefined;
      const r = this.results.get(spec)!;
      if (override) {
        this.table.produce(callKey(this.path, spec.name, 0), [override]);
        r.calls.push(callResult([], [], [override]));
        continue;
      }
      this.evaluate(r, 0, [], {}, [], {});
    }
  }

  /** Evaluates every call once its inputs are known; a cycle or a missing producer is a problem, then evaluated with unknowns. */
  private walk(): void {
    let pending: { spec: LayerSpec; call: number }[] = [];
    for (const spec of this.graph.layers) if (!isInputClass(spec.className)) spec.calls.forEach((_, call) => pending.push({ spec, call }));
    for (;;) {
      const before = pending.length;
      pending = pending.filter((p) => !this.tryCall(p.spec, p.call, false));
      if (pending.length === 0) return;
      if (pending.length === before) {
        this.problems.push(`layers wait on each other or on tensors that never come: ${[...new Set(pending.map((p) => p.spec.name))].join(', ')}`);
        for (const p of pending) this.tryCall(p.spec, p.call, true);
        return;
      }
    }
  }

  /**
   * Whether the producer of a reference has run (a reference to a missing layer is "ready": unknown).
   * `key`: the reference's keyOf when the caller has it (each key is a string built anew).
   */
  private ready(ref: TensorRef, key?: string): boolean {
    return !this.byName.has(ref.layer) || this.table.has(key ?? this.keyOf(ref));
  }

  /** The shape of a referenced tensor, with what the file states merged in. */
  private read(ref: TensorRef, key?: string): TensorShape {
    const target = this.byName.get(ref.layer);
    if (!target) return UNKNOWN_TENSOR;
    const { shape, filled, missing } = this.table.read(key ?? this.keyOf(ref));
    if (missing) this.problems.push(`${ref.layer} has no output ${ref.tensor} (node ${ref.node})`);
    const producer = this.results.get(target)!;
    if (filled && !producer.notes.includes(FILLED_NOTE)) producer.notes.push(FILLED_NOTE);
    return shape;
  }

  private tryCall(spec: LayerSpec, call: number, force: boolean): boolean {
    const c = spec.calls[call]!;
    // The positional inputs' keys, made once for the readiness test, the reads and the call's record.
    const keys = c.inputs.map((ref) => this.keyOf(ref));
    if (!force && !(c.inputs.every((ref, i) => this.ready(ref, keys[i])) && Object.values(c.kwargInputs).every((refs) => refs.every((ref) => this.ready(ref))))) return false;
    const inputs = c.inputs.map((ref, i) => this.read(ref, keys[i]));
    const kwargs = Object.fromEntries(Object.entries(c.kwargInputs).map(([k, refs]) => [k, refs.map((ref) => this.read(ref))]));
    this.evaluate(this.results.get(spec)!, call, inputs, kwargs, keys, c.callArgs);
    return true;
  }

  /**
   * Each call's outputs as the rest of the model sees them: with what the file states merged in
   * (a Lambda's output shape stored on the next layer's input, sizes pinned by stored weights).
   */
  private settleOutputs(): void {
    const used = referencedOutputs(this.graph, (ref) => this.keyOf(ref));
    for (const spec of this.graph.layers) {
      const r = this.results.get(spec)!;
      r.calls.forEach((c, call) => {
        const key = callKey(this.path, spec.name, call);
        if (!c || !this.table.has(tensorKey(this.path, spec.name, call, 0))) return;
        const count = Math.max(c.outputs?.length ?? 0, (used.get(key) ?? -1) + 1, 1);
        const outs = Array.from({ length: count }, (_, t) => this.table.read(tensorKey(this.path, spec.name, call, t)).shape);
        const pinned = outs.filter((_, t) => this.table.pinned(tensorKey(this.path, spec.name, call, t)));
        for (const t of pinned) {
          const note = pinNote(t);
          if (note && !r.notes.includes(note)) r.notes.push(note);
        }
        if (c.outputs || outs.some((t) => t.rankKnown || t.axes.length)) r.calls[call] = callResult(c.inputs, c.inputKeys, outs);
      });
    }
  }

  /** Layers never called (unconnected, unbuilt), or whose inputs stayed unknown: built from the input shape build_config stores. */
  private buildUnconnected(): void {
    for (const spec of this.graph.layers) {
      if (isInputClass(spec.className) || !spec.storedInputShape) continue;
      const r = this.results.get(spec)!;
      if (r.rule || r.inner || (r.calls.length > 0 && r.state !== 'no-shape')) continue;
      const calls = r.calls;
      r.calls = [];
      const stored = storedList(spec.storedInputShape).map(fromShape);
      this.evaluate(r, 0, stored, {}, [], {}, false);
      if (calls.length) r.calls = calls;
    }
  }

  /** Runs one call; records it on the result; returns the output shapes or null when unknown. */
  private evaluate(r: LayerResult, call: number, inputs: TensorShape[], kwargs: Record<string, TensorShape[]>, inputKeys: string[], callArgs: Record<string, unknown>, produce = true): TensorShape[] | null {
    const spec = r.spec;
    let outputs: TensorShape[] | null = null;
    const rule = ruleFor(spec.className, spec.module);
    const failedInput = allInputs(inputs, kwargs).some((t) => t.failed);
    if (failedInput) {
      // An input could not be worked out (its producer's rule failed, which is reported there).
      if (!r.rule && !r.inner && r.state === 'ok') r.state = 'no-shape';
      if (rule && !rule.opaque && !spec.inner && !r.rule) this.configProblems(r, inputs, kwargs, callArgs);
    } else if (spec.inner) outputs = this.nested(r, inputs);
    else if (rule?.opaque) {
      r.state = 'opaque';
      r.problem = rule.opaque;
    } else if (!rule) {
      r.state = 'unknown-class';
      r.problem = `no rule for class ${spec.className}`;
    } else outputs = this.applyRule(r, call, inputs, kwargs, callArgs);
    if (produce) this.table.produce(callKey(this.path, spec.name, call), outputs, failedInput || r.state === 'rule-error');
    r.calls[call] = callResult(inputs, inputKeys, outputs);
    return outputs;
  }

  /**
   * A layer on an input that could not be worked out still has its config read: a size no Keras
   * accepts (`units: -7`, issue 10 item 8) is named on every layer that has one, not only the first.
   * The rule runs on inputs of unknown rank; only what it says of the config is kept (the layer stays
   * without a shape). Anything else it throws is ignored here: this pass only adds findings.
   */
  private configProblems(r: LayerResult, inputs: TensorShape[], kwargs: Record<string, TensorShape[]>, callArgs: Record<string, unknown>): void {
    const spec = r.spec;
    const open = (ts: TensorShape[]): TensorShape[] => ts.map(() => UNKNOWN_TENSOR);
    const openKwargs = Object.fromEntries(Object.entries(kwargs).map(([k, v]) => [k, open(v)]));
    try {
      const out = evaluatePartial({ className: spec.className, module: spec.module, name: spec.name, config: spec.config, inputs: open(inputs), kwargs: openKwargs, callArgs, kerasVersion: this.version });
      if (out.rule.truncated) r.truncated = out.rule.truncated;
    } catch (e) {
      if (!(e instanceof ConfigValueError)) return;
      r.state = 'rule-error';
      r.problem = e.message;
      r.problemCode = e.code;
    }
  }

  private applyRule(r: LayerResult, _call: number, inputs: TensorShape[], kwargs: Record<string, TensorShape[]>, callArgs: Record<string, unknown>): TensorShape[] | null {
    const spec = r.spec;
    try {
      const out = evaluatePartial({ className: spec.className, module: spec.module, name: spec.name, config: spec.config, inputs, kwargs, callArgs, kerasVersion: this.version });
      checkSizes(out.rule, out.outputs);
      const unbuilt = allInputs(inputs, kwargs).some((t) => t.unbuilt);
      if (!r.rule) {
        r.rule = out.rule;
        r.weightAxes = out.weightAxes;
        // Built on an input that declares no shape: Keras may never have built it.
        r.state = unbuilt ? 'no-shape' : 'ok';
        r.problem = null;
        r.notes.push(...(out.rule.notes ?? []));
        if (out.rule.truncated) r.truncated = out.rule.truncated;
      }
      // A source that states no shape (an InputLayer without one): what is built on it is unbuilt.
      if (out.outputs === null && inputs.length === 0) {
        r.state = 'no-shape';
        return [{ ...UNKNOWN_TENSOR, unbuilt: true }];
      }
      return out.outputs && out.outputs.length ? out.outputs : null;
    } catch (e) {
      if (e instanceof UnknownClassError) {
        r.state = 'unknown-class';
        r.problem = e.message;
      } else if (e instanceof RuleError) {
        if (!r.rule) {
          r.state = 'rule-error';
          r.problem = e.message;
          r.problemCode = e.code;
        }
      } else if (e instanceof RuleBugError) throw e;
      // Anything else a rule throws is a bug in the rule, named by layer (issue 11), never a finding.
      else throw new RuleBugError(this.path + spec.name, spec.className, e);
      return null;
    }
  }

  /**
   * A model used as a layer. Keras shows its layers as built on the model's own inputs; the outer
   * call's output is the model run on the outer tensors (which may differ, e.g. in a fixed batch size).
   */
  private nested(r: LayerResult, inputs: TensorShape[]): TensorShape[] | null {
    if (this.depth > 64) throw new RuleError('models nested more than 64 deep');
    const inner = r.spec.inner!;
    const declared = declaredInputs(inner, this.version);
    const sub = (override: TensorShape[] | null): ModelResult =>
      inferModel(inner, this.version, { pins: this.opts.pins, inputOverride: override, path: `${r.parentPath}${r.spec.name}/`, ancestorsTrainable: r.trainable, depth: this.depth + 1 });
    if (!r.inner) r.inner = sub(declared ? null : inputs);
    let outs = r.inner.outputs;
    if (!declared || !sameShapes(declared, inputs)) outs = sub(inputs).outputs;
    return outs.length ? outs : null;
  }
}

function callResult(inputs: TensorShape[], inputKeys: string[], outputs: TensorShape[] | null): CallResult {
  return { inputShapes: inputs.map(toShape), outputShapes: outputs ? outputs.map(toShape).filter((s): s is Shape => s !== null) : null, inputs, outputs, inputKeys };
}

/** Per call (callKey): the highest output index anything reads. */
function referencedOutputs(graph: ModelGraph, keyOf: (ref: TensorRef) => string): Map<string, number> {
  const out = new Map<string, number>();
  const note = (ref: TensorRef): void => {
    const key = keyOf(ref);
    const call = key.slice(0, key.lastIndexOf('\u0000'));
    out.set(call, Math.max(out.get(call) ?? 0, ref.tensor));
  };
  for (const spec of graph.layers) for (const c of spec.calls) allInputs(c.inputs, c.kwargInputs).forEach(note);
  graph.outputs.forEach(note);
  return out;
}

/** "output (None, ?, ?, 3): 3 from the shape of the stored conv2d_1/kernel". */
function pinNote(t: TensorShape): string | null {
  const from = t.axes.flatMap((a) => (a.from?.kind === 'weights' && a.size !== null ? [`${a.size} from the shape of the stored ${a.from.what}`] : []));
  if (!from.length) return null;
  const open = t.axes.some((a) => a.unknown) || !t.rankKnown ? '; the sizes shown as ? cannot be known from the file' : '';
  return `output ${fmtTensor(t)}: ${from.join(', ')}${open}`;
}

function fileShape(shape: Shape, what: string): TensorShape {
  return { rankKnown: true, axes: shape.map((size) => (size === null ? { size } : { size, from: { kind: 'file' as const, what } })) };
}

function storedList(s: Shape | Shape[]): Shape[] {
  return (Array.isArray(s[0]) ? s : [s]) as Shape[];
}

/**
 * No real tensor has more than 64 axes, and no count past 2^53 is exact: a file claiming so is refused.
 * The message never prints such a count (a float such as 1.21e+24 is what issue 10 item 8 forbids).
 */
const MAX_RANK = 64;
function checkSizes(rule: RuleOutput, outputs: TensorShape[] | null): void {
  for (const t of outputs ?? []) {
    if (t.axes.length > MAX_RANK) throw new RuleError(`output of rank ${t.axes.length}: beyond any real tensor (at most ${MAX_RANK} axes)`);
    const n = prod(t.axes.map((a) => a.size ?? 1));
    if (n > Number.MAX_SAFE_INTEGER) throw new SizeTooLargeError(`output of shape (${t.axes.map((a) => a.size ?? 'None').join(', ')}) has more than 2^53 elements: size too large to count exactly`);
  }
  let total = 0;
  for (const w of rule.weights) {
    if (!w.shape) continue;
    const n = prod(w.shape);
    total += n;
    if (n > Number.MAX_SAFE_INTEGER) throw new SizeTooLargeError(`${w.name} of shape (${w.shape.join(', ')}) has more than 2^53 elements: size too large to count exactly`);
  }
  if (total > Number.MAX_SAFE_INTEGER) throw new SizeTooLargeError('the weights add up to more than 2^53 parameters: size too large to count exactly');
}

/** The shapes a nested model's own InputLayers declare, in input order; null if any is missing. */
function declaredInputs(graph: ModelGraph, version: KerasVersion): TensorShape[] | null {
  const shapes = graph.inputs.map((ref) => {
    const spec = graph.layers.find((l) => l.name === ref.layer);
    if (!spec || !isInputClass(spec.className)) return null;
    try {
      return evaluateLayer({ className: spec.className, name: spec.name, config: spec.config, inputShapes: [], kerasVersion: version }).outputShapes[0] ?? null;
    } catch (e) {
      if (e instanceof RuleError) return null;
      throw e;
    }
  });
  return shapes.length > 0 && shapes.every((x): x is Shape => x !== null) ? shapes.map(fromShape) : null;
}

function sameShapes(a: TensorShape[], b: TensorShape[]): boolean {
  return a.length === b.length && a.every((s, i) => {
    const t = b[i]!;
    return t.rankKnown && s.axes.length === t.axes.length && s.axes.every((d, j) => d.size === t.axes[j]!.size && !t.axes[j]!.unknown);
  });
}

/** Per layer: 1 when references to it number calls from 1 (see ModelInference), else 0. */
function nodeOffsets(graph: ModelGraph): Map<string, number> {
  const maxRef = new Map<string, number>();
  const note = (ref: TensorRef): void => {
    maxRef.set(ref.layer, Math.max(maxRef.get(ref.layer) ?? 0, ref.node));
  };
  for (const spec of graph.layers) for (const c of spec.calls) allInputs(c.inputs, c.kwargInputs).forEach(note);
  graph.outputs.forEach(note);
  const out = new Map<string, number>();
  for (const spec of graph.layers) {
    const max = maxRef.get(spec.name);
    if (max !== undefined && spec.calls.length > 0 && max >= spec.calls.length) out.set(spec.name, 1);
  }
  return out;
}
