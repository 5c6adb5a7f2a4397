// Runs one layer rule the way the graph does, for hand-written rule tests.
import { evaluateLayer, parseKerasVersion } from '../../src/layers/evaluate.js';
import type { RuleOutput } from '../../src/layers/types.js';
import { weightCount } from '../../src/layers/util.js';
import type { Shape } from '../../src/types.js';

export function runRule(
  className: string,
  config: Record<string, unknown>,
  inputShapes: Shape[],
  kerasVersion: string | null,
  kwargShapes: Record<string, Shape[]> = {},
  callArgs: Record<string, unknown> = {},
): RuleOutput & { params: number } {
  const name = typeof config['name'] === 'string' ? config['name'] : className.toLowerCase();
  const out = evaluateLayer({ className, name, config, inputShapes, kwargShapes, callArgs, kerasVersion: parseKerasVersion(kerasVersion) });
  return { ...out, params: weightCount(out.weights) };
}

/** name → shape, in the rule's order. */
export function shapes(out: RuleOutput): [string, number[] | null][] {
  return out.weights.map((w) => [w.name, w.shape]);
}

/** The classes of the recurrent, wrapper and attention rule files, as Keras 3 configs name them. */
export const RNN_ATTENTION_CLASSES = [
  'SimpleRNN', 'LSTM', 'GRU', 'RNN', 'ConvLSTM1D', 'ConvLSTM2D', 'ConvLSTM3D',
  'Bidirectional', 'TimeDistributed',
  'Attention', 'AdditiveAttention', 'MultiHeadAttention', 'GroupQueryAttention',
];
