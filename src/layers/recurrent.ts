// Family: recurrent. SimpleRNN, LSTM, GRU (and tf 2.0's UnifiedLSTM/UnifiedGRU), CuDNNLSTM/CuDNNGRU,
// RNN with a cell config, and the cells themselves (recurrent-cells.ts); ConvLSTM in recurrent-conv.ts.
// Keras 3: keras/src/layers/rnn/rnn.py (compute_output_shape), simple_rnn.py, lstm.py, gru.py.
// tf.keras: tf_keras/layers/rnn/base_rnn.py, cudnn_lstm.py, cudnn_gru.py. Keras 1: recurrent-keras1.ts.
import type { Shape } from '../types.js';
import { RuleError, type Cfg, type InnerLayerConfig, type LayerRule, type RuleInput, type RuleOutput } from './types.js';
import { bool, count, fmtShape, known, nest, one, weight } from './util.js';
import { applyCell, cellRules, gateFormula, innerName, type CellKind } from './recurrent-cells.js';
import { keras1Weights } from './recurrent-keras1.js';
import { rules as convRnnRules } from './recurrent-conv.js';

/** The sequence input: (batch, timesteps, features). Initial states passed as extra inputs are ignored. */
export function sequence(inputShapes: Shape[], cls: string): Shape {
  const seq = one(inputShapes);
  if (seq.length !== 3) throw new RuleError(`${cls} expects (batch, timesteps, features), got ${fmtShape(seq)}`);
  return seq;
}

/**
 * What an RNN returns around its cell (rnn.py compute_output_shape): the last output (batch, out) or,
 * with return_sequences, (batch, timesteps, out); with return_state the cell's states follow.
 */
export function rnnOutputs(cfg: Cfg, seq: Shape, cellOut: Shape[]): Shape[] {
  const out = cellOut[0] ?? [];
  const main: Shape = bool(cfg, 'return_sequences', false) ? [seq[0] ?? null, seq[1] ?? null, ...out.slice(1)] : out;
  return bool(cfg, 'return_state', false) ? [main, ...cellOut.slice(1)] : [main];
}

/** SimpleRNN / LSTM / GRU: a layer around its own cell named `<kind>_cell`, stored under `cell`. */
function builtinRnn(classes: string[], kind: CellKind, cellName: string, source: string, summary: string): LayerRule {
  return {
    classes,
    family: 'recurrent',
    summary,
    source,
    apply({ config, inputShapes, kerasVersion, className }): RuleOutput {
      const seq = sequence(inputShapes, className);
      const step: Shape = [seq[0] ?? null, seq[2] ?? null];
      const cell = applyCell(kind, config, step, kerasVersion);
      const outputShapes = rnnOutputs(config, seq, cell.outputShapes);
      if (kerasVersion.major === 1) {
        // Keras 1 layers own their weights directly, one tensor per gate unless consume_less='gpu'.
        const units = count(config, 'units');
        return { outputShapes, weights: keras1Weights(kind, config, known(seq[2]), units), formula: cell.formula };
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
    apply({ config, inputShapes }): RuleOutput {
      const seq = sequence(inputShapes, cls);
      const units = count(config, 'units');
      const inputs = known(seq[2]);
      const width = `${gates} gates·${units} units`;
      const weights = [
        weight('kernel', [inputs, gates * units], `${inputs ?? '?'} inputs × ${width}`),
        weight('recurrent_kernel', [units, gates * units], `${units} units fed back × ${width}`),
        weight('bias', [2 * gates * units], `2 biases (input and recurrent, cuDNN) × ${width}`),
      ];
      const states: Shape[] = Array.from({ length: gates === 4 ? 2 : 1 }, () => [seq[0] ?? null, units]);
      const outputShapes = rnnOutputs(config, seq, [[seq[0] ?? null, units], ...states]);
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
function applyRnn({ config, inputShapes, sub }: RuleInput): RuleOutput {
  const seq = sequence(inputShapes, 'RNN');
  const cell = cellOf(config);
  const r = sub(cell, [[seq[0] ?? null, seq[2] ?? null]]);
  return { outputShapes: rnnOutputs(config, seq, r.outputShapes), weights: nest(r.weights, innerName(cell), 'cell'), formula: r.formula };
}

const lstmSummary = '4 gates × units × (inputs + units + 1 bias): kernel (inputs, 4u), recurrent_kernel (u, 4u), bias (4u)';
const gruSummary = '3 gates × units × (inputs + units + 2 biases with reset_after, else 1): bias (2, 3u) or (3u)';

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
