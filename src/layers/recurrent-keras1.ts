// Keras 1 recurrent weights as Keras 1.2.2 stored them (keras/layers/recurrent.py @1.2.2, build()).
// Keras 1 kept one tensor per gate: LSTM W_i,U_i,b_i,W_c,U_c,b_c,W_f,U_f,b_f,W_o,U_o,b_o (its
// trainable_weights list is i, c, f, o although the gates are created i, f, c, o), GRU W_z…b_h, and
// with consume_less='gpu' (Keras 2 maps it to implementation=2) one W, U, b per layer. Keras 2's loader
// concatenates them (keras/engine/saving.py preprocess_weights_for_loading @2.2.4).
import type { ExpectedWeight } from './types.js';
import type { CellKind } from './recurrent-cells.js';
import { weight } from './util.js';

const GATE_NAMES: Record<CellKind, string[]> = {
  simple: [],
  lstm: ['i', 'c', 'f', 'o'],
  gru: ['z', 'r', 'h'],
};
const GATE_WORDS: Record<string, string> = { i: 'input gate', c: 'cell candidate', f: 'forget gate', o: 'output gate', z: 'update gate', r: 'reset gate', h: 'candidate' };

/** True when the Keras 1 layer kept its gates fused (consume_less='gpu', or implementation=2 after mapping). */
export function fusedKeras1(cfg: Record<string, unknown>): boolean {
  return cfg['consume_less'] === 'gpu' || cfg['implementation'] === 2;
}

function fused(kind: CellKind, inputs: number | null, units: number): ExpectedWeight[] {
  const g = kind === 'lstm' ? 4 : kind === 'gru' ? 3 : 1;
  const width = g === 1 ? `units=${units}` : `${g} gates·${units} units`;
  return [
    weight('W', [inputs, g * units], `${inputs ?? '?'} inputs × ${width}`),
    weight('U', [units, g * units], `${units} units fed back × ${width}`),
    weight('b', [g * units], width),
  ];
}

/** The tensors a Keras 1 SimpleRNN / LSTM / GRU stores, in stored order. */
export function keras1Weights(kind: CellKind, cfg: Record<string, unknown>, inputs: number | null, units: number): ExpectedWeight[] {
  if (kind === 'simple' || fusedKeras1(cfg)) return fused(kind, inputs, units);
  const ws: ExpectedWeight[] = [];
  for (const g of GATE_NAMES[kind]) {
    const word = GATE_WORDS[g] ?? g;
    ws.push(
      weight(`W_${g}`, [inputs, units], `${inputs ?? '?'} inputs × units=${units} (${word})`),
      weight(`U_${g}`, [units, units], `${units} units fed back × units=${units} (${word})`),
      weight(`b_${g}`, [units], `units=${units} (${word})`),
    );
  }
  return ws;
}

/**
 * Keras 1.2.2 ConvLSTM2D (keras/layers/convolutional_recurrent.py @1.2.2): per gate W, U, b in the
 * order i, c, f, o; kernels in the dim_ordering's layout, Theano (filters, channels, rows, cols) or
 * TensorFlow (rows, cols, channels, filters).
 */
export function keras1ConvLstmWeights(kernel: number[], channels: number | null, filters: number, th: boolean): ExpectedWeight[] {
  const k = kernel.join('×');
  const w = (into: number | null) => (th ? [filters, into, ...kernel] : [...kernel, into, filters]);
  const ws: ExpectedWeight[] = [];
  for (const g of GATE_NAMES.lstm) {
    const word = GATE_WORDS[g] ?? g;
    ws.push(
      weight(`W_${g}`, w(channels), `${k} kernel × ${channels ?? '?'} input channels × ${filters} filters (${word}, ${th ? 'th' : 'tf'} layout)`),
      weight(`U_${g}`, w(filters), `${k} kernel × ${filters} filters fed back × ${filters} filters (${word})`),
      weight(`b_${g}`, [filters], `${filters} filters (${word})`),
    );
  }
  return ws;
}
