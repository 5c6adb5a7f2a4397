// SimpleRNN, LSTM, GRU: one step's arithmetic × the number of time steps (the unrolled count).
// XLA counts Keras's jax.lax.scan loop body once; fixtures/compute has each layer unrolled too,
// which is what this compares with. Keras 3 keras/src/layers/rnn/{simple_rnn,lstm,gru}.py.
import { show } from '../layers/util.js';
import type { Cfg } from '../layers/types.js';
import { CostUnknown, type Cost, type CostInput, type CostRule } from './types.js';
import { activationOps, cost, flag, input, times } from './util.js';

function sequence(i: CostInput): { steps: number; features: number } {
  const x = input(i);
  if (x.length !== 3) throw new CostUnknown(`a recurrent input of rank ${x.length} is not one the cost reads`);
  return { steps: x[1]!, features: x[2]! };
}

function units(cfg: Cfg): number {
  const u = cfg['units'];
  if (typeof u !== 'number' || !Number.isInteger(u) || u < 0) throw new CostUnknown(`units ${show(u)} is not a whole number`);
  return u;
}

/** Keras's defaults: activation tanh, recurrent_activation sigmoid (hard_sigmoid in Keras 1 and 2.0–2.2). */
function acts(cfg: Cfg): { a: number; ra: number } {
  return { a: cfg['activation'] === undefined ? 1 : activationOps(cfg), ra: cfg['recurrent_activation'] === undefined ? 4 : activationOps(cfg, 'recurrent_activation') };
}

/**
 * One step of a cell with `gates` gate blocks: the input and recurrent products (gates × units ×
 * (features + units) MACs), then `ops` element operations per unit.
 */
function step(gates: number, u: number, features: number, ops: number): Cost {
  return cost(gates * u * (features + u), ops * u);
}

const simpleRnn: CostRule = {
  classes: ['SimpleRNN'],
  family: 'recurrent',
  summary: 'steps × units × (features + units) MACs; per step and unit: bias, add, activation',
  cost(i) {
    const { steps, features } = sequence(i);
    const u = units(i.config);
    const bias = flag(i.config, 'use_bias', true) ? 1 : 0;
    return times(step(1, u, features, bias + 1 + acts(i.config).a), steps);
  },
};

const lstm: CostRule = {
  classes: ['LSTM', 'CuDNNLSTM'],
  family: 'recurrent',
  summary: 'steps × 4 gates × units × (features + units) MACs; per step and unit: 4 biases, 4 adds, 3 gate activations, 2 activations, c = f·c + i·g, h = o·tanh(c)',
  cost(i) {
    const { steps, features } = sequence(i);
    const u = units(i.config);
    const { a, ra } = acts(i.config);
    const bias = flag(i.config, 'use_bias', true) ? 4 : 0;
    return times(step(4, u, features, bias + 4 + 3 * ra + 2 * a + 3 + 1), steps);
  },
};

const gru: CostRule = {
  classes: ['GRU', 'CuDNNGRU'],
  family: 'recurrent',
  summary: 'steps × 3 gates × units × (features + units) MACs; per step and unit: biases (6 with reset_after), 2 gate activations, the candidate, h = z·h + (1 − z)·h̃',
  cost(i) {
    const { steps, features } = sequence(i);
    const u = units(i.config);
    const { a, ra } = acts(i.config);
    const useBias = flag(i.config, 'use_bias', true);
    // reset_after (Keras 3 and tf.keras 2's default) keeps two bias vectors: the layer rule's bias is (2, 3u).
    const resetAfter = [...i.weights].some(([name, shape]) => name.endsWith('bias') && shape.length === 2);
    const bias = useBias ? (resetAfter ? 6 : 3) : 0;
    return times(step(3, u, features, bias + 2 + 2 * ra + 2 + a + 4), steps);
  },
};

export const rules: CostRule[] = [simpleRnn, lstm, gru];
