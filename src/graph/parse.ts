// Stored model config (any era) → ModelGraph.
// Eras handled: Keras 1 (Sequential as a list, `Model` with [[name, node, tensor]] nodes, Keras 1
// argument names), Keras 2 ({name, layers}), tf.keras (`Functional`/`Model`, TF-op layers with
// connections in kwargs), Keras 3 (`module`/`registered_name`/`build_config`, {args, kwargs} nodes with
// `__keras_tensor__`), tfjs (Keras 2 style). Unknown keys are ignored.
import type { Shape } from '../types.js';
import type { LayerCall, LayerSpec, ModelGraph, TensorRef } from './types.js';
import { normalizeConfig } from './legacyArgs.js';
import { ruleFor } from '../layers/registry.js';
import { fmtCount } from '../layers/util.js';
import { asShape, storedBatchShape } from '../keras/input-shape.js';
import { MODEL_CLASSES } from '../keras/models.js';

type Json = Record<string, unknown>;

const MAX_DEPTH = 64;
/**
 * Most layers kerascope analyses in one model, nested models included. Real models have hundreds to
 * a few thousand (EfficientNetB7: 813); a config claiming more is refused, so memory stays bounded
 * (100,000 layers take about 0.4 GB).
 */
export const MAX_LAYERS = 100_000;

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A shape or a list of shapes (build_config of a multi-input layer). */
function asShapes(v: unknown): Shape | Shape[] | null {
  if (Array.isArray(v) && v.length > 0 && v.every((x) => Array.isArray(x) || x === null) && v.some(Array.isArray)) {
    const list = v.map(asShape);
    return list.every((s): s is Shape => s !== null) ? list : null;
  }
  if (isObject(v)) {
    // Keras 3 build_config of a dict-input layer: {"query_shape": …}; keep positional order.
    const list = Object.values(v).map(asShape).filter((s): s is Shape => s !== null);
    return list.length ? list : null;
  }
  return asShape(v);
}

export class ConfigError extends Error {}

/** A node or tensor index: a small whole number, else 0 (never coerced: a nested list would recurse). */
function index(v: unknown): number {
  return typeof v === 'number' && Number.isInteger(v) && v >= 0 && v < 1e6 ? v : 0;
}

/** Parse the top-level `{class_name, config}` of a model. */
export function parseModel(top: unknown, depth = 0): ModelGraph {
  if (depth > MAX_DEPTH) throw new ConfigError(`models nested more than ${MAX_DEPTH} deep`);
  if (!isObject(top)) throw new ConfigError('model config is not an object');
  const className = typeof top['class_name'] === 'string' ? top['class_name'] : '';
  const config = top['config'];
  if (!className) throw new ConfigError('model config has no class_name');
  if (depth === 0) {
    const n = countLayers(top, 0);
    if (n > MAX_LAYERS) throw new ConfigError(`${n > 10 * MAX_LAYERS ? `more than ${fmtCount(10 * MAX_LAYERS)}` : fmtCount(n)} layers: more than kerascope analyses in one model (${fmtCount(MAX_LAYERS)})`);
  }
  if (className === 'Sequential' || (Array.isArray(config) && !isObject(config))) return parseSequential(className, config, top, depth);
  if (isObject(config) && Array.isArray(config['layers'])) return parseFunctional(className, config, depth);
  // A subclassed model stores no layer list (its config is {} or its own arguments).
  return {
    name: isObject(config) && typeof config['name'] === 'string' ? config['name'] : className.toLowerCase(),
    className,
    kind: 'subclassed',
    trainable: !(isObject(config) && config['trainable'] === false),
    layers: [],
    inputs: [],
    outputs: [],
    problems: [],
  };
}

/** Layer entries in a model config, nested models included (stops counting past 10 × MAX_LAYERS). */
function countLayers(model: unknown, depth: number): number {
  if (!isObject(model) || depth > MAX_DEPTH) return 0;
  const cfg = model['config'];
  const list = Array.isArray(cfg) ? cfg : isObject(cfg) && Array.isArray(cfg['layers']) ? cfg['layers'] : [];
  let n = list.length;
  for (const entry of list) {
    if (n > 10 * MAX_LAYERS) break;
    if (isObject(entry) && (Array.isArray(entry['config']) || (isObject(entry['config']) && Array.isArray(entry['config']['layers'])))) n += countLayers(entry, depth + 1);
  }
  return n;
}

function layerName(entry: Json, cfg: Json, fallback: string): string {
  if (typeof entry['name'] === 'string') return entry['name'];
  if (typeof cfg['name'] === 'string') return cfg['name'];
  return fallback;
}

function makeSpec(entry: Json, fallbackName: string, depth: number): LayerSpec {
  const className = typeof entry['class_name'] === 'string' ? entry['class_name'] : 'Unknown';
  const rawCfg = isObject(entry['config']) ? entry['config'] : {};
  const name = layerName(entry, rawCfg, fallbackName);
  const buildConfig = isObject(entry['build_config']) ? entry['build_config'] : null;
  let storedInputShape: Shape | Shape[] | null = null;
  if (buildConfig) storedInputShape = asShapes(buildConfig['input_shape']);
  const inner = Array.isArray(entry['config']) || isNestedModel(className, rawCfg) ? parseModel({ class_name: className, config: entry['config'] }, depth + 1) : null;
  return {
    name,
    className,
    config: normalizeConfig(className, rawCfg),
    module: typeof entry['module'] === 'string' ? entry['module'] : null,
    registeredName: typeof entry['registered_name'] === 'string' ? entry['registered_name'] : null,
    trainable: rawCfg['trainable'] !== false,
    calls: [],
    storedInputShape,
    inner,
    hidden: false,
  };
}

/**
 * A model used as a layer: a model class, or a class without a rule whose config holds a layer list
 * (a custom Sequential/Functional subclass). Layers with sublayers and a rule (Pipeline) stay layers.
 */
function isNestedModel(className: string, cfg: Json): boolean {
  if (MODEL_CLASSES.has(className)) return Object.keys(cfg).length > 0;
  return Array.isArray(cfg['layers']) && !ruleFor(className);
}

// ---------------------------------------------------------------- Sequential

function parseSequential(className: string, config: unknown, top: Json, depth: number): ModelGraph {
  const cfg = isObject(config) ? config : {};
  const entries = (Array.isArray(config) ? config : Array.isArray(cfg['layers']) ? cfg['layers'] : []) as unknown[];
  const name = typeof cfg['name'] === 'string' ? cfg['name'] : typeof top['name'] === 'string' ? (top['name'] as string) : 'sequential';
  const problems: string[] = [];
  const layers: LayerSpec[] = [];
  entries.forEach((e, i) => {
    if (!isObject(e)) problems.push(`layer entry ${i} is not an object`);
    else layers.push(makeSpec(e, `layer_${i}`, depth));
  });

  const merged = mergeOfSequentials(entries[0], layers[0], depth);
  if (merged) return chainAfterMerge(className, name, cfg, layers, merged, problems);

  // The input: an InputLayer entry (tf.keras ≥ 2.?, Keras 3), a first layer's batch_input_shape
  // (Keras 1/2), or the Sequential's build_input_shape (Keras 3). Keras hides it in the summary.
  let input: LayerSpec | undefined = layers[0]?.className === 'InputLayer' ? layers[0] : undefined;
  if (input) input.hidden = true;
  const first = layers.find((l) => l.className !== 'InputLayer');
  if (!input && first) {
    const shape = inputShapeOf(first) ?? asShape(cfg['build_input_shape']);
    // A stored shape that cannot be one ([null, -5]) goes to the InputLayer rule as stored: it says why.
    const raw = first.config['batch_input_shape'];
    input = {
      name: `${first.name}_input`,
      className: 'InputLayer',
      config: { batch_input_shape: shape ?? (raw === undefined ? null : raw) },
      module: null,
      registeredName: null,
      trainable: true,
      calls: [],
      storedInputShape: null,
      inner: null,
      hidden: true,
    };
    layers.unshift(input);
  }
  const inputs = input ? [{ layer: input.name, node: 0, tensor: 0, storedShape: null }] : [];
  return chained({ name, className, kind: 'sequential', trainable: cfg['trainable'] !== false, layers, inputs, outputs: [], problems }, input ?? null);
}

const refTo = (layer: LayerSpec): TensorRef => ({ layer: layer.name, node: 0, tensor: 0, storedShape: null });

/** Each layer after `from` (InputLayers aside) called on the one before; the last one is the output. */
function chained(graph: ModelGraph, from: LayerSpec | null): ModelGraph {
  let prev: TensorRef | null = from ? refTo(from) : null;
  const start = from ? graph.layers.indexOf(from) + 1 : 0;
  for (const layer of graph.layers.slice(start)) {
    if (layer.className === 'InputLayer') continue;
    if (prev) layer.calls.push({ inputs: [prev], kwargInputs: {}, callArgs: {} });
    prev = refTo(layer);
  }
  return { ...graph, outputs: prev ? [prev] : [] };
}

/**
 * Keras 1: a Sequential whose first layer is `Merge([seq_a, seq_b…])` stores the branches in the
 * Merge's config (keras 1.1 models.py Sequential.get_config: `merge_config['layers']` = the sub-models'
 * configs; from_config rebuilds each and merges them). The branches, each with its own input, are
 * returned as parsed Sequentials; null for any other first layer.
 */
function mergeOfSequentials(entry: unknown, spec: LayerSpec | undefined, depth: number): ModelGraph[] | null {
  if (!spec || spec.className !== 'Merge' || !isObject(entry) || !isObject(entry['config'])) return null;
  const branches = entry['config']['layers'];
  if (!Array.isArray(branches) || branches.length === 0 || !branches.every((b) => isObject(b) && typeof b['class_name'] === 'string' && MODEL_CLASSES.has(b['class_name']))) return null;
  return branches.map((b) => parseModel(b, depth + 1));
}

/**
 * The branches' layers inlined before the Merge, in the order Keras 1 saves their weights
 * (models.py flattened_layers: every branch's layers, then the rest); the Merge takes each branch's
 * output, and the rest of the Sequential follows it.
 */
function chainAfterMerge(className: string, name: string, cfg: Json, layers: LayerSpec[], branches: ModelGraph[], problems: string[]): ModelGraph {
  const merge = layers[0]!;
  merge.calls = [{ inputs: branches.flatMap((b) => b.outputs.slice(0, 1)), kwargInputs: {}, callArgs: {} }];
  const all = [...branches.flatMap((b) => b.layers), ...layers];
  const graph: ModelGraph = { name, className, kind: 'sequential', trainable: cfg['trainable'] !== false, layers: all, inputs: branches.flatMap((b) => b.inputs), outputs: [], problems: [...problems, ...branches.flatMap((b) => b.problems)] };
  return chained(graph, merge);
}

/** A Keras 1/2 first layer carries `batch_input_shape` (any spelling, graph/input-shape.ts), or Keras 1 `input_dim`. */
function inputShapeOf(layer: LayerSpec): Shape | null {
  const c = layer.config;
  const b = storedBatchShape(c, false);
  if (b) return b;
  if (typeof c['input_dim'] === 'number' && layer.className !== 'Embedding') {
    const len = typeof c['input_length'] === 'number' ? [c['input_length']] : [];
    return [null, ...len, c['input_dim']];
  }
  if (layer.className === 'Embedding' && c['input_length'] !== undefined) {
    return [null, typeof c['input_length'] === 'number' ? c['input_length'] : null];
  }
  if (layer.storedInputShape && !Array.isArray(layer.storedInputShape[0])) return layer.storedInputShape as Shape;
  return null;
}

// ---------------------------------------------------------------- Functional

function parseFunctional(className: string, cfg: Json, depth: number): ModelGraph {
  const problems: string[] = [];
  const entries = cfg['layers'] as unknown[];
  const layers: LayerSpec[] = [];
  const nodesOf = new Map<LayerSpec, unknown>();
  const names = new Set<string>();
  entries.forEach((e, i) => {
    if (!isObject(e)) {
      problems.push(`layer entry ${i} is not an object`);
      return;
    }
    const spec = makeSpec(e, `layer_${i}`, depth);
    if (names.has(spec.name)) problems.push(`two layers are named ${spec.name}`);
    names.add(spec.name);
    nodesOf.set(spec, e['inbound_nodes']);
    layers.push(spec);
  });
  // Nodes may name layers defined later in the list: parse them once every name is known.
  for (const spec of layers) spec.calls = parseInboundNodes(nodesOf.get(spec), names, problems, spec.name);
  return {
    name: typeof cfg['name'] === 'string' ? cfg['name'] : 'model',
    className,
    kind: 'functional',
    trainable: cfg['trainable'] !== false,
    layers,
    inputs: parseRefList(cfg['input_layers']),
    outputs: parseRefList(cfg['output_layers']),
    problems,
  };
}

/** `[["x",0,0], …]`, a single `["x",0,0]`, or nested lists/dicts of those (Keras 3). */
export function parseRefList(v: unknown): TensorRef[] {
  const out: TensorRef[] = [];
  const walk = (x: unknown, depth: number): void => {
    if (depth > MAX_DEPTH) return;
    if (Array.isArray(x)) {
      if (x.length >= 3 && typeof x[0] === 'string' && typeof x[1] === 'number' && typeof x[2] === 'number') {
        out.push({ layer: x[0], node: x[1], tensor: x[2], storedShape: null });
      } else for (const y of x) walk(y, depth + 1);
    } else if (isObject(x)) for (const y of Object.values(x)) walk(y, depth + 1);
  };
  walk(v, 0);
  return out;
}

function parseInboundNodes(v: unknown, names: Set<string>, problems: string[], owner: string): LayerCall[] {
  if (!Array.isArray(v)) return [];
  const calls: LayerCall[] = [];
  for (const node of v) {
    if (isObject(node) && ('args' in node || 'kwargs' in node)) calls.push(keras3Node(node));
    else if (Array.isArray(node)) calls.push(legacyNode(node, names));
    else problems.push(`${owner}: an inbound node is neither a list nor {args, kwargs}`);
  }
  return calls;
}

/** Keras 3: `{args: [...], kwargs: {...}}` with `__keras_tensor__` objects anywhere inside. */
function keras3Node(node: Json): LayerCall {
  const inputs: TensorRef[] = [];
  collectKerasTensors(node['args'], inputs, 0);
  const kwargInputs: Record<string, TensorRef[]> = {};
  const callArgs: Record<string, unknown> = {};
  if (isObject(node['kwargs'])) {
    for (const [k, val] of Object.entries(node['kwargs'])) {
      const found: TensorRef[] = [];
      collectKerasTensors(val, found, 0);
      if (found.length) kwargInputs[k] = found;
      else callArgs[k] = val;
    }
  }
  return { inputs, kwargInputs, callArgs };
}

function collectKerasTensors(v: unknown, out: TensorRef[], depth: number): void {
  if (depth > MAX_DEPTH) return;
  if (Array.isArray(v)) for (const x of v) collectKerasTensors(x, out, depth + 1);
  else if (isObject(v)) {
    if (v['class_name'] === '__keras_tensor__' && isObject(v['config'])) {
      const h = v['config']['keras_history'];
      if (Array.isArray(h) && typeof h[0] === 'string') {
        out.push({ layer: h[0], node: index(h[1]), tensor: index(h[2]), storedShape: asShape(v['config']['shape']) });
      }
    } else for (const x of Object.values(v)) collectKerasTensors(x, out, depth + 1);
  }
}

/**
 * Keras 1/2/tf.keras/tfjs: a node is a list of `[name, node, tensor, kwargs?]` entries — or, for
 * tf.keras TF-op layers, a single such entry whose kwargs may hold more connections.
 */
function legacyNode(node: unknown[], names: Set<string>): LayerCall {
  const entries = typeof node[0] === 'string' ? [node] : node;
  const inputs: TensorRef[] = [];
  const kwargInputs: Record<string, TensorRef[]> = {};
  const callArgs: Record<string, unknown> = {};
  for (const e of entries) {
    if (!Array.isArray(e) || typeof e[0] !== 'string') continue;
    inputs.push({ layer: e[0], node: index(e[1]), tensor: index(e[2]), storedShape: null });
    const kw = e[3];
    if (isObject(kw)) {
      for (const [k, val] of Object.entries(kw)) {
        const refs = parseRefList(val).filter((r) => names.has(r.layer));
        if (refs.length) kwargInputs[k] = refs;
        else callArgs[k] = val;
      }
    }
  }
  return { inputs, kwargInputs, callArgs };
}
