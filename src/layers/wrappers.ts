// Family: wrappers. Bidirectional and TimeDistributed: the wrapped layer's own rule does the work.
// Keras 3: keras/src/layers/rnn/bidirectional.py, time_distributed.py;
// tf.keras: tf_keras/layers/rnn/bidirectional.py, time_distributed.py.
import type { Shape } from '../types.js';
import { RuleError, type Cfg, type ExpectedWeight, type InnerLayerConfig, type KerasVersion, type LayerRule, type RuleInput, type RuleOutput } from './types.js';
import { bool, fmtCount, fmtShape, nest, one, trainableFirst, weightCount, show } from './util.js';
import { innerName, innerWeights, positional } from './recurrent-cells.js';
import { containerNamer } from '../keras/naming.js';
import { kerasMajor } from './common.js';

function inner(config: Cfg, key: string): InnerLayerConfig | null {
  const v = config[key];
  if (v === undefined || v === null) return null;
  if (typeof v !== 'object' || typeof (v as InnerLayerConfig).class_name !== 'string') throw new RuleError(`${key} is not a layer config`);
  return v as InnerLayerConfig;
}

function strip(name: string, prefix: string): string {
  return name.startsWith(prefix) ? name.slice(prefix.length) : name;
}

/**
 * The two directions' names, which prefix their variable paths. Keras 3 stores the forward layer
 * already renamed `forward_<name>` and always stores `backward_layer` under its final name; tf.keras
 * stores the original layer and prefixes both at build time (`forward_lstm`, `backward_lstm`), also a
 * user-given backward layer.
 */
function directionNames(layer: InnerLayerConfig, backward: InnerLayerConfig | null, v: KerasVersion): [string, string] {
  const base = strip(innerName(layer), 'forward_');
  if (!backward) return [`forward_${base}`, `backward_${strip(base, 'backward_')}`];
  return [`forward_${base}`, kerasMajor(v) >= 3 ? innerName(backward) : `backward_${innerName(backward)}`];
}

/** Without a stored backward_layer, Keras rebuilds the layer from its config with go_backwards flipped. */
function backwardConfig(layer: InnerLayerConfig, given: InnerLayerConfig | null): InnerLayerConfig {
  if (given) return given;
  return { ...layer, config: { ...layer.config, go_backwards: !bool(layer.config ?? {}, 'go_backwards', false) } };
}

/**
 * Run a wrapped layer: its rule through the registry, or, for a wrapped Sequential model (Keras 3
 * `TimeDistributed(Sequential([...]))`), each of its layers in turn. Keras names those variables
 * `<model name>/<layer name>/…` and its weights store keeps them under `layers/<snake class>[_N]`
 * (saving_lib container naming; a Sequential's `layers` leave out its InputLayer).
 */
function runInner(ri: RuleInput, layer: InnerLayerConfig, input: Shape): RuleOutput {
  return layer.class_name === 'Sequential' ? runSequential(ri, layer, input) : ri.sub(layer, [input]);
}

function sequentialLayers(model: InnerLayerConfig): InnerLayerConfig[] {
  const cfg = model.config as unknown;
  const layers = Array.isArray(cfg) ? cfg : (model.config?.['layers'] as unknown);
  if (!Array.isArray(layers)) throw new RuleError('the wrapped Sequential has no layers');
  return (layers as InnerLayerConfig[]).filter((l) => l?.class_name !== 'InputLayer');
}

function runSequential(ri: RuleInput, model: InnerLayerConfig, input: Shape): RuleOutput {
  const storeName = containerNamer();
  const weights: ExpectedWeight[] = [];
  const parts: string[] = [];
  let shape = input;
  let unknown: RuleOutput | null = null;
  for (const layer of sequentialLayers(model)) {
    const r: RuleOutput = runInner(ri, layer, shape);
    weights.push(...nest(innerWeights(layer, r.weights), innerName(layer), `layers/${storeName(layer.class_name)}`));
    parts.push(`${innerName(layer)} ${fmtCount(weightCount(r.weights))}`);
    const out = r.outputShapes[0];
    if (r.shapeUnknown || !out) {
      unknown = r;
      break;
    }
    shape = out;
  }
  const formula = `${innerName(model)} (Sequential): ${parts.join(' + ') || 'no layers'} = ${fmtCount(weightCount(weights))}`;
  if (unknown) return { outputShapes: [], weights: trainableFirst(weights), formula, shapeUnknown: true, notes: unknown.notes ?? [] };
  return { outputShapes: [shape], weights: trainableFirst(weights), formula };
}

/** merge_mode: concat (default), sum, mul, ave, or None (a stored null: both outputs returned). */
function mergeMode(config: Cfg): string | null {
  const m = config['merge_mode'];
  if (m === undefined) return 'concat';
  if (m === null) return null;
  if (m === 'concat' || m === 'sum' || m === 'mul' || m === 'ave') return m;
  throw new RuleError(`merge_mode ${show(m)} is not concat, sum, mul, ave or None`);
}

function merged(out: Shape, mode: string | null): Shape[] {
  if (mode === null) return [out, out];
  if (mode !== 'concat') return [out];
  const last = out[out.length - 1] ?? null;
  return [[...out.slice(0, -1), last === null ? null : last * 2]];
}

/** bidirectional.py compute_output_shape: merged output(s), then forward states, then backward states. */
function applyBidirectional(input: RuleInput): RuleOutput {
  const { config, kerasVersion } = input;
  const layer = inner(config, 'layer');
  if (!layer) throw new RuleError('Bidirectional config has no layer');
  const given = inner(config, 'backward_layer');
  const mode = mergeMode(config);
  const seq = one(positional(input, 'sequences', 'inputs'));
  const fwd = runInner(input, layer, seq);
  const back = backwardConfig(layer, given);
  const bwd = runInner(input, back, seq);
  const [fname, bname] = directionNames(layer, given, kerasVersion);
  const weights = trainableFirst([...nest(innerWeights(layer, fwd.weights), fname, 'forward_layer'), ...nest(innerWeights(back, bwd.weights), bname, 'backward_layer')]);
  const formula = bidirectionalFormula(layer.class_name, back.class_name, fwd, bwd);
  const out = fwd.outputShapes[0];
  if (fwd.shapeUnknown || !out) return unknownShape(layer, weights, formula, fwd);
  const returnState = bool(layer.config ?? {}, 'return_state', false);
  const outputShapes = [...merged(out, mode), ...(returnState ? [...fwd.outputShapes.slice(1), ...bwd.outputShapes.slice(1)] : [])];
  return { outputShapes, weights, formula };
}

/** The wrapped layer cannot tell its output shape (a Lambda without output_shape…): neither can the wrapper. */
function unknownShape(layer: InnerLayerConfig, weights: ExpectedWeight[], formula: string, r: RuleOutput): RuleOutput {
  const notes = [...(r.notes ?? []), `the wrapped ${layer.class_name} gives no output shape, so neither does the wrapper`];
  return { outputShapes: [], weights, formula, notes, shapeUnknown: true };
}

/** "forward and backward LSTM, each 4 gates × … = 394,240: 2 × 394,240 = 788,480". */
function bidirectionalFormula(fcls: string, bcls: string, fwd: RuleOutput, bwd: RuleOutput): string {
  const [f, b] = [weightCount(fwd.weights), weightCount(bwd.weights)];
  if (fcls === bcls && f === b && fwd.formula === bwd.formula) {
    return `forward and backward ${fcls}, each ${fwd.formula ?? fmtCount(f)}: 2 × ${fmtCount(f)} = ${fmtCount(f + b)}`;
  }
  return `forward ${fcls}: ${fwd.formula ?? fmtCount(f)}; backward ${bcls}: ${bwd.formula ?? fmtCount(b)}; ${fmtCount(f)} + ${fmtCount(b)} = ${fmtCount(f + b)}`;
}

/**
 * time_distributed.py: the inner layer is built on (batch,) + input[2:] and its output gets the
 * timesteps back at axis 1. Its weights are shared by every step; Keras 3 stores them under `layer`.
 */
function applyTimeDistributed(ri: RuleInput): RuleOutput {
  const { config } = ri;
  const layer = inner(config, 'layer');
  if (!layer) throw new RuleError('TimeDistributed config has no layer');
  const input = one(positional(ri, 'inputs'));
  if (input.length < 3) throw new RuleError(`TimeDistributed expects (batch, timesteps, …), got ${fmtShape(input)}`);
  const r = runInner(ri, layer, [input[0] ?? null, ...input.slice(2)]);
  const steps = input[1] === null ? 'each time step' : `each of ${input[1]} time steps`;
  const formula = `${layer.class_name} applied to ${steps} with one set of weights: ${r.formula ?? fmtCount(weightCount(r.weights))}`;
  const weights = trainableFirst(nest(innerWeights(layer, r.weights), innerName(layer), 'layer'));
  const child = r.outputShapes[0];
  if (r.shapeUnknown || !child) return unknownShape(layer, weights, formula, r);
  return { outputShapes: [[child[0] ?? null, input[1] ?? null, ...child.slice(1)]], weights, formula, ...(r.notes ? { notes: r.notes } : {}) };
}

export const rules: LayerRule[] = [
  {
    classes: ['Bidirectional'],
    family: 'wrappers',
    summary: 'forward + backward copies of the wrapped RNN: 2 × its params; concat doubles the last dim',
    source: 'keras/src/layers/rnn/bidirectional.py',
    apply: applyBidirectional,
  },
  {
    classes: ['TimeDistributed'],
    family: 'wrappers',
    summary: 'the wrapped layer built on (batch,) + input[2:]; same params, timesteps put back at axis 1',
    source: 'keras/src/layers/rnn/time_distributed.py',
    apply: applyTimeDistributed,
  },
];
