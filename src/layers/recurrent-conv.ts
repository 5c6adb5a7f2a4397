// ConvLSTM1D/2D/3D (and Keras 2's ConvLSTM2D): an LSTM whose gates are convolutions.
// Keras 3 keras/src/layers/rnn/conv_lstm.py (ConvLSTMCell.build, ConvLSTM.compute_output_shape);
// tf.keras tf_keras/layers/rnn/base_conv_lstm.py. The input convolution follows padding/strides/
// dilation_rate; the recurrent convolution is always `same`, so the state keeps the output's size.
import type { Dim, Shape } from '../types.js';
import { RuleError, type LayerRule, type RuleOutput } from './types.js';
import { keras1ConvLstmWeights } from './recurrent-keras1.js';
import { positional } from './recurrent-cells.js';
import { bool, channelsFirst, convLength, count, fmtCount, fmtShape, known, nest, one, prod, str, tuple, weight } from './util.js';
import { kerasMajor } from './common.js';

function applyConvLstm(rank: number, cls: string, config: Record<string, unknown>, input: Shape, keras1: boolean): RuleOutput {
  if (input.length !== rank + 3) throw new RuleError(`${cls} expects (batch, timesteps, ${rank} spatial dims, channels), got ${fmtShape(input)}`);
  const filters = count(config, 'filters');
  if (filters === 0) throw new RuleError('filters must be a positive integer, got 0');
  const kernel = tuple(config, 'kernel_size', rank);
  const strides = tuple(config, 'strides', rank, 1);
  const dilation = tuple(config, 'dilation_rate', rank, 1);
  const padding = str(config, 'padding', 'valid').toLowerCase();
  const cf = channelsFirst(config);
  const [batch, steps] = [input[0] ?? null, input[1] ?? null];
  const spatialIn = cf ? input.slice(3) : input.slice(2, -1);
  const channels = known(cf ? input[2] : input[input.length - 1]);
  const spatial: Dim[] = spatialIn.map((d, i) => convLength(d, kernel[i]!, padding, strides[i]!, dilation[i]!));
  const state: Shape = cf ? [batch, filters, ...spatial] : [batch, ...spatial, filters];
  const main: Shape = bool(config, 'return_sequences', false) ? [state[0] ?? null, steps, ...state.slice(1)] : state;
  const outputShapes = bool(config, 'return_state', false) ? [main, state, state] : [main];

  const k = kernel.join('×');
  const width = `4 gates·${filters} filters`;
  const ws = [
    weight('kernel', [...kernel, channels, 4 * filters], `${k} kernel × ${channels ?? '?'} input channels × ${width}`),
    weight('recurrent_kernel', [...kernel, filters, 4 * filters], `${k} kernel × ${filters} filters fed back × ${width}`),
  ];
  const useBias = bool(config, 'use_bias', true);
  if (useBias) ws.push(weight('bias', [4 * filters], width));
  const kk = prod(kernel);
  const total = channels === null ? '?' : fmtCount(4 * filters * (kk * channels + kk * filters + (useBias ? 1 : 0)));
  const formula = `4 gates × ${filters} filters × (${k}·${channels ?? '?'} inputs + ${k}·${filters} recurrent${useBias ? ' + 1 bias' : ''}) = ${total}`;
  // Keras 1 kept one tensor per gate; Keras 2/3 concatenate the gates in one cell.
  const weights = keras1 ? keras1ConvLstmWeights(kernel, channels, filters, cf) : nest(ws, 'conv_lstm_cell', 'cell');
  return { outputShapes, weights, formula };
}

function convLstm(rank: number): LayerRule {
  const cls = `ConvLSTM${rank}D`;
  return {
    classes: [cls],
    family: 'recurrent',
    summary: '4 gates × filters × (prod(kernel)·channels + prod(kernel)·filters + 1): kernel k…+(C, 4f), recurrent_kernel k…+(f, 4f), bias (4f)',
    source: `keras/src/layers/rnn/conv_lstm${rank}d.py, conv_lstm.py`,
    apply: (input) => applyConvLstm(rank, cls, input.config, one(positional(input, 'sequences', 'inputs')), kerasMajor(input.kerasVersion) === 1),
  };
}

export const rules: LayerRule[] = [convLstm(1), convLstm(2), convLstm(3)];
