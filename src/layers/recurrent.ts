// Family: recurrent. SimpleRNN, LSTM, GRU (and tf 2.0's UnifiedLSTM/UnifiedGRU), CuDNNLSTM/CuDNNGRU,
// RNN with a cell config, and the cells themselves (recurrent-cells.ts); ConvLSTM in recurrent-conv.ts.
// Keras 3: keras/src/layers/rnn/rnn.py (compute_output_shape), simple_rnn.py, lstm.py, gru.py.
// tf.keras: tf_keras/layers/rnn/base_rnn.py, cudnn_lstm.py, cudnn_gru.py. Keras 1: recurrent-keras1.ts.
import type { Dim, Shape } from '../types.js';
import { RuleError, type Cfg, type InnerLayerConfig, type LayerRule, type RuleInput, type RuleOutput } from './types.js';
import { bool, fmtShape, known, nest, one, weight } from './util.js';
import { applyCell, cellRules, gateFormula, innerName, innerWeights, positional, positiveUnits, type CellKind } from './recurrent-cells.js';
import { keras1Weights } from './recurrent-keras1.js';
import { rules as convRnnRules } from './recurrent-conv.js';
import { kerasMajor } from './common.js';

/** The sequence input split up. Initial states passed as extra inputs (Keras 2 style) are ignored. */
export interface Sequence {
  batch: Dim;
  steps: Dim;
  features: Dim;
  /** tf.keras `time_major=True`: inputs and sequence outputs are (timesteps, batch, …). */
  timeMajor: boolean;
}

export function sequence(inputShapes: Shape[], cls: string, cfg: Cfg): Sequence {
  const seq = one(inputShapes);
  if (seq.length !== 3) throw new RuleError(`${cls} expects (batch, timesteps, features), got ${fmtShape(seq)}`);
  const timeMajor = bool(cfg, 'time_major', false);
  const [a, b, features] = [seq[0] ?? null, seq[1] ?? null, seq[2] ?? null];
  return timeMajor ? { batch: b, steps: a, features, timeMajor } : { batch: a, steps: b, features, timeMajor };
}

/** One step's input to the cell: (batch, features). */
export function stepShape(seq: Sequence): Shape {
  return [seq.batch, seq.features];
}

/**
 * What an RNN returns around its cell (rnn.py compute_output_shape): the last output (batch, out) or,
 * with return_sequences, (batch, timesteps, out); with return_state the cell's states follow.
 */
export function rnnOutputs(cfg: Cfg, seq: Sequence, cellOut: Shape[]): Shape[] {
  const out = cellOut[0] ?? [];
  const lead: Shape = seq.timeMajor ? [seq.steps, seq.batch] : [seq.batch, seq.steps];
  const main: Shape = bool(cfg, 'return_sequences', false) ? [...lead, ...out.slice(1)] : out;
  return bool(cfg, 'return_state', false) ? [main, ...cellOut.slice(1)] : [main];
}

/** SimpleRNN / LSTM / GRU: a layer around its own cell named `<kind>_cell`, stored under `cell`. */
function builtinRnn(classes: string[], kind: CellKind, cellName: string, source: string, summary: string): LayerRule {
  return {
    classes,
    family: 'recurrent',
    summary,
    source,
    apply(input): RuleOutput {
      const { config, kerasVersion, className } = input;
      const seq = sequence(positional(input, 'sequences', 'inputs'), className, config);
      const cell = applyCell(kind, config, stepShape(seq), kerasVersion);
      const outputShapes = rnnOutputs(config, seq, cell.outputShapes);
      if (kerasMajor(kerasVersion) === 1) {
        // Keras 1 layers own their weights directly, one tensor per gate unless consume_less='gpu'.
        const units = positiveUnits(config);
        return { outputShapes, weights: keras1Weights(kind, config, known(seq.features), units), formula: cell.formula };
      }
      return { outputShapes, weights: nest(cell.weights, cellName, 'cell'), formula: cell.formula };
    },
  };
}

/**
 * CuDNNLSTM / CuDNNGRU (Keras 2.1–2.3 keras/layers/cudnn_recurrent.py, tf_keras/layers/rnn/cudnn_lstm.py,
 * cudnn_gru.py): weights on the layer itself; cuDNN keeps separate input and recurrent biases, so the
 * bias is (8u) for LSTM and (6u) for GRU.
 */
function cudnnRnn(cls: string, gates: number, source: string): LayerRule {
  return {
    classes: [cls],
    family: 'recurrent',
    summary: `kernel (inputs, ${gates}u), recurrent_kernel (u, ${gates}u), bias (${2 * gates}u): input and recurrent biases`,
    source,
    apply(input): RuleOutput {
      const config = input.config;
      const seq = sequence(positional(input, 'inputs'), cls, config);
      const units = positiveUnits(config);
      const inputs = known(seq.features);
      const width = `${gates} gates·${units} units`;
      const weights = [
        weight('kernel', [inputs, gates * units], `${inputs ?? '?'} inputs × ${width}`),
        weight('recurrent_kernel', [units, gates * units], `${units} units fed back × ${width}`),
        weight('bias', [2 * gates * units], `2 biases (input and recurrent, cuDNN) × ${width}`),
      ];
      const states: Shape[] = Array.from({ length: gates === 4 ? 2 : 1 }, () => [seq.batch, units]);
      const outputShapes = rnnOutputs(config, seq, [[seq.batch, units], ...states]);
      return { outputShapes, weights, formula: gateFormula(gates, units, inputs, 2) };
    },
  };
}

/** The cell of an `RNN` config: one cell, or a list (Keras 2 wraps a list in StackedRNNCells). */
function cellOf(config: Cfg): InnerLayerConfig {
  const cell = config['cell'];
  if (Array.isArray(cell)) return { class_name: 'StackedRNNCells', config: { name: 'stacked_rnn_cells', cells: cell } };
  if (!cell || typeof cell !== 'object' || typeof (cell as InnerLayerConfig).class_name !== 'string') throw new RuleError('RNN config has no cell');
  return cell as InnerLayerConfig;
}

/** keras.layers.RNN(cell): the cell's variables live under the cell's own name; the store keeps them in `cell`. */
function applyRnn(input: RuleInput): RuleOutput {
  const { config, sub } = input;
  const seq = sequence(positional(input, 'sequences', 'inputs'), 'RNN', config);
  const cell = cellOf(config);
  const r = sub(cell, [stepShape(seq)]);
  const weights = nest(innerWeights(cell, r.weights), innerName(cell), 'cell');
  if (r.shapeUnknown || r.outputShapes.length === 0) throw new RuleError(`the ${cell.class_name} cell gives no output size`);
  return { outputShapes: rnnOutputs(config, seq, r.outputShapes), weights, formula: r.formula };
}

const lstmSummary = '4 gates (i, f, c, o) × units × (inputs + units + 1 bias): kernel (inputs, 4u), recurrent_kernel (u, 4u), bias (4u)';
const gruSummary = '3 gates (z, r, h) × units × (inputs + units + 2 biases with reset_after, else 1): bias (2, 3u) or (3u)';

export const rules: LayerRule[] = [
  builtinRnn(['SimpleRNN'], 'simple', 'simple_rnn_cell', 'keras/src/layers/rnn/simple_rnn.py', 'units × (inputs + units + 1 bias): kernel (inputs, u), recurrent_kernel (u, u), bias (u)'),
  builtinRnn(['LSTM', 'UnifiedLSTM'], 'lstm', 'lstm_cell', 'keras/src/layers/rnn/lstm.py', lstmSummary),
  builtinRnn(['GRU', 'UnifiedGRU'], 'gru', 'gru_cell', 'keras/src/layers/rnn/gru.py', gruSummary),
  cudnnRnn('CuDNNLSTM', 4, 'tf_keras/layers/rnn/cudnn_lstm.py'),
  cudnnRnn('CuDNNGRU', 3, 'tf_keras/layers/rnn/cudnn_gru.py'),
  {
    classes: ['RNN'],
    family: 'recurrent',
    summary: "the cell's weights (SimpleRNNCell, LSTMCell, GRUCell, StackedRNNCells); outputs as the cell's units",
    source: 'keras/src/layers/rnn/rnn.py',
    apply: applyRnn,
  },
  ...cellRules,
  ...convRnnRules,
];
