// RNN cells: the gate arithmetic shared by SimpleRNN/LSTM/GRU (and their cells inside `RNN`).
// Keras 3: keras/src/layers/rnn/simple_rnn.py, lstm.py, gru.py, stacked_rnn_cells.py
// (SimpleRNNCell/LSTMCell/GRUCell.build). tf.keras: tf_keras/layers/rnn/simple_rnn.py, lstm.py, gru.py.
import type { Shape } from '../types.js';
import type { ExpectedWeight, InnerLayerConfig, KerasVersion, LayerRule, RuleInput, RuleOutput } from './types.js';
import { RuleError } from './types.js';
import { bool, count, fmtCount, fmtShape, known, nest, one, trainableFirst, weight, weightCount } from './util.js';
import { kerasMajor } from './common.js';
import { containerNamer, toSnakeCase } from '../keras/naming.js';

export type CellKind = 'simple' | 'lstm' | 'gru';

/** Gates per kind and the state tensors each cell carries (LSTMCell.state_size = [units, units]). */
const GATES: Record<CellKind, number> = { simple: 1, lstm: 4, gru: 3 };
const STATES: Record<CellKind, number> = { simple: 1, lstm: 2, gru: 1 };

/**
 * GRU's reset_after: Keras 3 and tf.keras 2.x (recurrent_v2.GRU, TF ≥ 2.0) default to True; standalone
 * Keras 2.1.x–2.3 (keras/layers/recurrent.py @2.3.1) defaults to False; Keras 1 and Keras 2.0 have no
 * such argument (their GRU is the reset_after=False form). tfjs-layers never supports True. A file with
 * no keras_version at all is a Keras 3 to_json()/config.json (common.ts kerasMajor).
 */
export function resetAfter(cfg: Record<string, unknown>, v: KerasVersion): boolean {
  const given = cfg['reset_after'];
  if (typeof given === 'boolean') return given;
  const major = kerasMajor(v);
  return major >= 3 || (major === 2 && v.tfKeras);
}

function per(gates: number, units: number): string {
  return gates === 1 ? `units=${units}` : `${gates} gates·${units} units`;
}

/** `4 gates × 17 units × (13 inputs + 17 recurrent + 1 bias) = 2,108`. */
export function gateFormula(gates: number, units: number, inputs: number | null, biases: number): string {
  const parts = [`${inputs ?? '?'} inputs`, `${units} recurrent`];
  if (biases > 0) parts.push(biases === 1 ? '1 bias' : `${biases} biases`);
  const total = inputs === null ? '?' : fmtCount(gates * units * (inputs + units + biases));
  const head = gates === 1 ? `${units} units` : `${gates} gates × ${units} units`;
  return `${head} × (${parts.join(' + ')}) = ${total}`;
}

/** kernel, recurrent_kernel, bias as one Keras 2/3 cell creates them, with the reason for each shape. */
export function cellWeights(kind: CellKind, inputs: number | null, units: number, useBias: boolean, twoBiases: boolean): ExpectedWeight[] {
  const g = GATES[kind];
  const width = per(g, units);
  const ws = [
    weight('kernel', [inputs, g * units], `${inputs ?? '?'} inputs × ${width}`),
    weight('recurrent_kernel', [units, g * units], `${units} units fed back × ${width}`),
  ];
  if (useBias) {
    ws.push(
      twoBiases
        ? weight('bias', [2, g * units], `2 biases (input and recurrent, reset_after=True) × ${width}`)
        : weight('bias', [g * units], width),
    );
  }
  return ws;
}

function cellOutput(kind: CellKind, step: Shape, units: number, ws: ExpectedWeight[], biases: number): RuleOutput {
  const batch = step[0] ?? null;
  const states: Shape[] = Array.from({ length: STATES[kind] }, () => [batch, units]);
  return { outputShapes: [[batch, units], ...states], weights: ws, formula: gateFormula(GATES[kind], units, known(step[step.length - 1]), biases) };
}

/** `units` as the cells check it (Keras 3 SimpleRNNCell/LSTMCell/GRUCell: "units must be a positive integer"). */
export function positiveUnits(cfg: Record<string, unknown>): number {
  const u = count(cfg, 'units');
  if (u === 0) throw new RuleError('units must be a positive integer, got 0');
  return u;
}

/** One step of a Keras 2/3 cell on a (batch, features) input: outputs [output, ...states]. */
export function applyCell(kind: CellKind, cfg: Record<string, unknown>, step: Shape, v: KerasVersion): RuleOutput {
  if (step.length !== 2) throw new RuleError(`an RNN cell expects (batch, features) per step, got ${fmtShape(step)}`);
  const u = positiveUnits(cfg);
  const useBias = bool(cfg, 'use_bias', true);
  const two = kind === 'gru' && resetAfter(cfg, v);
  const ws = cellWeights(kind, known(step[1]), u, useBias, two);
  return cellOutput(kind, step, u, ws, useBias ? (two ? 2 : 1) : 0);
}

/** The gates in Keras's concatenation order: lstm.py i, f, c, o; gru.py z, r, h. */
function cellSummary(kind: CellKind): string {
  if (kind === 'gru') return 'gates z, r, h: kernel (inputs, 3u), recurrent_kernel (u, 3u), bias (2, 3u) with reset_after else (3u)';
  if (kind === 'lstm') return 'gates i, f, c, o: kernel (inputs, 4u), recurrent_kernel (u, 4u), bias (4u)';
  return 'kernel (inputs, u), recurrent_kernel (u, u), bias (u)';
}

function cellRule(cls: string, kind: CellKind, file: string): LayerRule {
  return {
    classes: [cls],
    family: 'recurrent',
    summary: cellSummary(kind),
    source: file,
    apply: ({ config, inputShapes, kerasVersion }) => applyCell(kind, config, one(inputShapes), kerasVersion),
  };
}

/** The name a nested config carries, else Keras's default for its class. */
export function innerName(inner: InnerLayerConfig): string {
  const n = inner.config?.['name'];
  return typeof n === 'string' && n !== '' ? n : toSnakeCase(inner.class_name);
}

/**
 * The positional inputs, or, when a Keras 3 node passed the main input by keyword (`layer(sequences=x)`,
 * `layer(inputs=[q, v])`), the tensors of the first of those keywords present.
 */
export function positional({ inputShapes, kwargShapes }: RuleInput, ...keywords: string[]): Shape[] {
  if (inputShapes.length > 0) return inputShapes;
  for (const k of keywords) if (kwargShapes[k]?.length) return kwargShapes[k]!;
  return inputShapes;
}

/**
 * A wrapped layer or cell stored with `trainable: false` owns only non-trainable variables (Keras 3
 * Layer._track_variable, tf.keras Layer.trainable setter); the weight list then keeps Keras's order,
 * trainable first (Layer._legacy_weights).
 */
export function innerWeights(inner: InnerLayerConfig, ws: ExpectedWeight[]): ExpectedWeight[] {
  if (inner.config?.['trainable'] !== false) return ws;
  return ws.map((w) => ({ ...w, trainable: false }));
}

function cellList(config: Record<string, unknown>): InnerLayerConfig[] {
  const cells = config['cells'];
  if (!Array.isArray(cells) || cells.length === 0) throw new RuleError('StackedRNNCells config has no cells');
  return cells as InnerLayerConfig[];
}

/**
 * StackedRNNCells: each cell is built on the previous cell's output size (stacked_rnn_cells.py build);
 * states are all cells' states in order. Keras 3 stores each cell under `cells/<snake class>[_N]`.
 */
function applyStacked({ config, inputShapes, sub }: RuleInput): RuleOutput {
  let step = one(inputShapes);
  const batch = step[0] ?? null;
  const storeName = containerNamer();
  const weights: ExpectedWeight[] = [];
  const states: Shape[] = [];
  const parts: string[] = [];
  let out: Shape = step;
  for (const cell of cellList(config)) {
    const r = sub(cell, [step]);
    weights.push(...nest(innerWeights(cell, r.weights), innerName(cell), `cells/${storeName(cell.class_name)}`));
    out = r.outputShapes[0] ?? [batch, null];
    states.push(...r.outputShapes.slice(1));
    parts.push(`${innerName(cell)}: ${r.formula ?? '?'}`);
    step = [batch, out[out.length - 1] ?? null];
  }
  const total = weights.some((w) => w.shape === null) ? '?' : fmtCount(weightCount(weights));
  return { outputShapes: [out, ...states], weights: trainableFirst(weights), formula: `${parts.join('; ')}; total ${total}` };
}

export const cellRules: LayerRule[] = [
  cellRule('SimpleRNNCell', 'simple', 'keras/src/layers/rnn/simple_rnn.py'),
  cellRule('LSTMCell', 'lstm', 'keras/src/layers/rnn/lstm.py'),
  cellRule('GRUCell', 'gru', 'keras/src/layers/rnn/gru.py'),
  {
    classes: ['StackedRNNCells'],
    family: 'recurrent',
    summary: 'the cells in order, each built on the previous output size; params = sum of the cells',
    source: 'keras/src/layers/rnn/stacked_rnn_cells.py',
    apply: applyStacked,
  },
];
