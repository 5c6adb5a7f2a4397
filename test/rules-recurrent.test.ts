// Recurrent rules against Keras facts: the seed notebook, corpus files (their printed summaries and
// the tensor shapes Keras wrote into them), Keras source (cited per case). Each case names the Keras
// version whose behaviour it proves.
import { describe, expect, it } from 'vitest';
import { RuleError } from '../src/layers/types.js';
import { runRule, shapes } from './helpers/run-rule.js';

describe('LSTM', () => {
  it('seed (Keras 2.0): Embedding(7, 13) then LSTM(17) owns 2,108 parameters, explained', () => {
    // ../shared/seed: summary prints lstm_5 (LSTM) (None, 17) 2108 after embedding (None, None, 13).
    const out = runRule('LSTM', { name: 'lstm_5', units: 17 }, [[null, null, 13]], '2.0.8');
    expect(out.outputShapes).toEqual([[null, 17]]);
    expect(out.params).toBe(2108);
    expect(out.formula).toBe('4 gates × 17 units × (13 inputs + 17 recurrent + 1 bias) = 2,108');
    expect(shapes(out)).toEqual([
      ['lstm_cell/kernel', [13, 68]],
      ['lstm_cell/recurrent_kernel', [17, 68]],
      ['lstm_cell/bias', [68]],
    ]);
    expect(out.weights.map((w) => w.why)).toEqual([
      '13 inputs × 4 gates·17 units',
      '17 units fed back × 4 gates·17 units',
      '4 gates·17 units',
    ]);
    expect(out.weights.every((w) => w.store === 'cell' && w.trainable)).toBe(true);
  });

  it('k2-2-4-seq2seq-katakana (Keras 2.2.4): encoder and decoder LSTM(64), states passed as extra inputs', () => {
    // Stored in the file: lstm_1/kernel:0 (64, 256), recurrent_kernel:0 (64, 256), bias:0 (256).
    const enc = runRule('LSTM', { name: 'lstm_1', units: 64 }, [[null, 85, 64]], '2.2.4');
    expect(enc.outputShapes).toEqual([[null, 64]]);
    expect(shapes(enc).map(([, s]) => s)).toEqual([[64, 256], [64, 256], [256]]);
    // lstm_2 is called on [embedding_2, lstm_1 h, lstm_1 c] with return_sequences=True.
    const dec = runRule('LSTM', { name: 'lstm_2', units: 64, return_sequences: true }, [[null, 45, 64], [null, 64], [null, 64]], '2.2.4');
    expect(dec.outputShapes).toEqual([[null, 45, 64]]);
    expect(dec.params).toBe(4 * 64 * (64 + 64 + 1));
  });

  it('tfk-2-2-4tf-weights-json-lstm (tf.keras 2.2.4-tf): LSTM(50) on (None, 1, 6) stores (6, 200), (50, 200), (200)', () => {
    // That file names them lstm/kernel:0 without the cell scope (tf.keras added it in TF 2.2): names are hints.
    const out = runRule('LSTM', { name: 'lstm', units: 50, implementation: 2 }, [[null, 1, 6]], '2.2.4-tf');
    expect(out.outputShapes).toEqual([[null, 50]]);
    expect(shapes(out).map(([, s]) => s)).toEqual([[6, 200], [50, 200], [200]]);
  });

  it('return_state gives [output, h, c] (keras/src/layers/rnn/rnn.py compute_output_shape, Keras 3)', () => {
    const out = runRule('LSTM', { units: 5, return_sequences: true, return_state: true }, [[null, 7, 3]], '3.15.1');
    expect(out.outputShapes).toEqual([[null, 7, 5], [null, 5], [null, 5]]);
  });

  it('tf.keras time_major=True reads (timesteps, batch, features) and returns sequences time-major (tf_keras/layers/rnn/base_rnn.py)', () => {
    const out = runRule('LSTM', { units: 5, time_major: true, return_sequences: true, return_state: true }, [[7, null, 3]], '2.15.0');
    expect(out.outputShapes).toEqual([[7, null, 5], [null, 5], [null, 5]]);
    expect(out.weights[0]!.shape).toEqual([3, 20]);
  });

  it('a Keras 3 node may pass the sequence by keyword (lstm(sequences=x), as Keras 3.15.1 writes it): it is the input then', () => {
    const out = runRule('LSTM', { units: 5 }, [], '3.15.1', { sequences: [[null, 7, 3]] });
    expect(out.outputShapes).toEqual([[null, 5]]);
    expect(out.weights[0]!.shape).toEqual([3, 20]);
  });

  it('use_bias=False drops the bias and says so in the formula (Keras 3)', () => {
    const out = runRule('LSTM', { units: 2, use_bias: false }, [[null, 4, 3]], '3.15.1');
    expect(shapes(out)).toEqual([['lstm_cell/kernel', [3, 8]], ['lstm_cell/recurrent_kernel', [2, 8]]]);
    expect(out.formula).toBe('4 gates × 2 units × (3 inputs + 2 recurrent) = 40');
  });

  it('Keras 1.2.2 stores 12 per-gate tensors in the order i, c, f, o (keras/layers/recurrent.py @1.2.2)', () => {
    const out = runRule('LSTM', { name: 'lstm_1', units: 17 }, [[null, 10, 13]], '1.2.2');
    expect(out.weights.map((w) => w.name)).toEqual(['W_i', 'U_i', 'b_i', 'W_c', 'U_c', 'b_c', 'W_f', 'U_f', 'b_f', 'W_o', 'U_o', 'b_o']);
    expect(out.weights.map((w) => w.shape)).toEqual(Array(4).fill([[13, 17], [17, 17], [17]]).flat());
    expect(out.params).toBe(2108);
    expect(out.weights[0]!.why).toBe('13 inputs × units=17 (input gate)');
  });

  it("Keras 1.2.2 with consume_less='gpu' stores one W, U, b (mapped to implementation=2 as Keras 2 does)", () => {
    for (const cfg of [{ units: 17, consume_less: 'gpu' }, { units: 17, implementation: 2 }]) {
      const out = runRule('LSTM', cfg, [[null, 10, 13]], '1.2.2');
      expect(shapes(out)).toEqual([['W', [13, 68]], ['U', [17, 68]], ['b', [68]]]);
    }
  });

  it('Keras 2.3.1 implementation=2 is not a Keras 1 layout: still kernel, recurrent_kernel, bias', () => {
    const out = runRule('LSTM', { units: 17, implementation: 2 }, [[null, 10, 13]], '2.3.1');
    expect(out.weights.map((w) => w.name)).toEqual(['lstm_cell/kernel', 'lstm_cell/recurrent_kernel', 'lstm_cell/bias']);
  });

  it('refuses a rank-2 input, a config without units, and units=0 (Keras 3: units must be a positive integer)', () => {
    expect(() => runRule('LSTM', { units: 3 }, [[null, 4]], '3.15.1')).toThrow(RuleError);
    expect(() => runRule('LSTM', {}, [[null, 4, 2]], '3.15.1')).toThrow(RuleError);
    expect(() => runRule('GRU', { units: 0 }, [[null, 4, 2]], '3.15.1')).toThrow(RuleError);
  });
});

describe('GRU and reset_after across versions', () => {
  // keras-formats.md §4, checked with Keras 3.15.1: GRU(6) on 5 features is 234 with reset_after,
  // 216 without: 3·(5·6 + 6² + 2·6) and 3·(5·6 + 6² + 6).
  const run = (version: string | null, extra: Record<string, unknown> = {}) => runRule('GRU', { units: 6, ...extra }, [[null, 4, 5]], version);

  it('Keras 3 defaults to reset_after=True: bias (2, 3u), 234', () => {
    const out = run('3.15.1');
    expect(out.params).toBe(234);
    expect(shapes(out)[2]).toEqual(['gru_cell/bias', [2, 18]]);
    expect(out.formula).toBe('3 gates × 6 units × (5 inputs + 6 recurrent + 2 biases) = 234');
  });

  it('tf.keras 2.x (recurrent_v2, TF ≥ 2.0) defaults to reset_after=True: 234', () => {
    expect(run('2.15.0').params).toBe(234);
    expect(run('2.4.0').params).toBe(234);
  });

  it('standalone Keras 2.2.4 defaults to reset_after=False: bias (3u), 216', () => {
    const out = run('2.2.4');
    expect(out.params).toBe(216);
    expect(shapes(out)[2]).toEqual(['gru_cell/bias', [18]]);
  });

  it('a config with no keras_version is a Keras 3 to_json(): reset_after defaults to True', () => {
    expect(run(null).params).toBe(234);
  });

  it('an explicit reset_after wins in every version', () => {
    expect(run('3.15.1', { reset_after: false }).params).toBe(216);
    expect(run('2.2.4', { reset_after: true }).params).toBe(234);
  });

  it('keras3-9-legacy-h5-gru-attention-lambda (Keras 3.9.1): GRU(50) on 5 features = 8,550', () => {
    // The printed summary: gru (GRU) (None, 50) 8,550; the file stores gru_cell/bias (2, 150).
    const out = runRule('GRU', { name: 'gru', units: 50 }, [[null, 30, 5]], '3.9.1');
    expect(out.outputShapes).toEqual([[null, 50]]);
    expect(out.params).toBe(8550);
    expect(shapes(out)).toEqual([['gru_cell/kernel', [5, 150]], ['gru_cell/recurrent_kernel', [50, 150]], ['gru_cell/bias', [2, 150]]]);
    expect(out.formula).toBe('3 gates × 50 units × (5 inputs + 50 recurrent + 2 biases) = 8,550');
  });

  it('Keras 1.2.2 stores 9 tensors W_z…b_h (or W, U, b with consume_less=gpu), no reset_after', () => {
    const out = runRule('GRU', { units: 6 }, [[null, 4, 5]], '1.2.2');
    expect(out.weights.map((w) => w.name)).toEqual(['W_z', 'U_z', 'b_z', 'W_r', 'U_r', 'b_r', 'W_h', 'U_h', 'b_h']);
    expect(out.params).toBe(216);
    const gpu = runRule('GRU', { units: 6, consume_less: 'gpu' }, [[null, 4, 5]], '1.2.2');
    expect(shapes(gpu)).toEqual([['W', [5, 18]], ['U', [6, 18]], ['b', [18]]]);
  });

  it('UnifiedGRU (TF 2.0 alpha name) follows GRU', () => {
    expect(runRule('UnifiedGRU', { units: 6 }, [[null, 4, 5]], '2.2.4-tf').params).toBe(234);
  });
});

describe('SimpleRNN', () => {
  it('units × (inputs + units + 1) with return_state (keras-formats §4; Keras 3)', () => {
    const out = runRule('SimpleRNN', { units: 3, return_state: true }, [[null, 5, 2]], '3.15.1');
    expect(out.outputShapes).toEqual([[null, 3], [null, 3]]);
    expect(out.params).toBe(2 * 3 + 3 * 3 + 3);
    expect(out.formula).toBe('3 units × (2 inputs + 3 recurrent + 1 bias) = 18');
    expect(out.weights[0]!.why).toBe('2 inputs × units=3');
  });

  it('Keras 1.2.2 stores W, U, b', () => {
    const out = runRule('SimpleRNN', { units: 3 }, [[null, 5, 2]], '1.2.2');
    expect(shapes(out)).toEqual([['W', [2, 3]], ['U', [3, 3]], ['b', [3]]]);
  });
});

describe('CuDNNLSTM / CuDNNGRU (Keras 2.1–2.3 cudnn_recurrent.py, tf_keras cudnn_lstm.py)', () => {
  it('k2-2-0-cudnnlstm-attention (Keras 2.2.0): the shapes Keras wrote, bias 8·units', () => {
    // attention_model.h5: lstm/kernel:0 (64, 256), recurrent_kernel:0 (64, 256), bias:0 (512).
    const a = runRule('CuDNNLSTM', { name: 'lstm', units: 64, return_sequences: true }, [[null, 24, 64]], '2.2.0');
    expect(a.outputShapes).toEqual([[null, 24, 64]]);
    expect(shapes(a)).toEqual([['kernel', [64, 256]], ['recurrent_kernel', [64, 256]], ['bias', [512]]]);
    // cool_feature.h5: CuDNNLSTM(48) on 64 channels: (64, 192), (48, 192), (384).
    const b = runRule('CuDNNLSTM', { units: 48, return_sequences: true }, [[null, 24, 64]], '2.2.0');
    expect(shapes(b).map(([, s]) => s)).toEqual([[64, 192], [48, 192], [384]]);
    expect(b.formula).toBe('4 gates × 48 units × (64 inputs + 48 recurrent + 2 biases) = 21,888');
  });

  it('CuDNNGRU bias is 6·units and return_state adds one state', () => {
    const out = runRule('CuDNNGRU', { units: 10, return_state: true }, [[null, 3, 7]], '2.2.4');
    expect(shapes(out)).toEqual([['kernel', [7, 30]], ['recurrent_kernel', [10, 30]], ['bias', [60]]]);
    expect(out.outputShapes).toEqual([[null, 10], [null, 10]]);
  });
});

describe('RNN with cell configs', () => {
  const cell = (class_name: string, config: Record<string, unknown>) => ({ class_name, config });

  it('RNN(LSTMCell) names variables after the cell and keeps them in the store under cell (Keras 3)', () => {
    const out = runRule('RNN', { name: 'rnn', cell: cell('LSTMCell', { name: 'lstm_cell_7', units: 2 }), return_state: true }, [[null, 5, 4]], '3.15.1');
    expect(shapes(out)).toEqual([['lstm_cell_7/kernel', [4, 8]], ['lstm_cell_7/recurrent_kernel', [2, 8]], ['lstm_cell_7/bias', [8]]]);
    expect(out.weights.every((w) => w.store === 'cell')).toBe(true);
    expect(out.outputShapes).toEqual([[null, 2], [null, 2], [null, 2]]);
  });

  it('a list of cells is stacked (Keras 2 RNN wraps it in StackedRNNCells): each cell built on the last one', () => {
    const out = runRule('RNN', { cell: [cell('SimpleRNNCell', { name: 'a', units: 3 }), cell('GRUCell', { name: 'b', units: 2, reset_after: false })] }, [[null, 5, 4]], '2.3.1');
    expect(shapes(out)).toEqual([
      ['stacked_rnn_cells/a/kernel', [4, 3]], ['stacked_rnn_cells/a/recurrent_kernel', [3, 3]], ['stacked_rnn_cells/a/bias', [3]],
      ['stacked_rnn_cells/b/kernel', [3, 6]], ['stacked_rnn_cells/b/recurrent_kernel', [2, 6]], ['stacked_rnn_cells/b/bias', [6]],
    ]);
    expect(out.outputShapes).toEqual([[null, 2]]);
    expect(out.formula).toBe('a: 3 units × (4 inputs + 3 recurrent + 1 bias) = 24; b: 3 gates × 2 units × (3 inputs + 2 recurrent + 1 bias) = 36; total 60');
  });

  it('two cells of one class get _N store names (Keras 3 saving_lib container naming)', () => {
    const out = runRule('RNN', { cell: cell('StackedRNNCells', { cells: [cell('LSTMCell', { units: 2 }), cell('LSTMCell', { units: 2 })] }) }, [[null, 5, 4]], '3.15.1');
    expect([...new Set(out.weights.map((w) => w.store))]).toEqual(['cell/cells/lstm_cell', 'cell/cells/lstm_cell_1']);
  });

  it('a frozen cell inside StackedRNNCells moves its weights after the trainable ones (Layer._legacy_weights order)', () => {
    const out = runRule('RNN', { cell: [cell('SimpleRNNCell', { name: 'a', units: 3, trainable: false }), cell('SimpleRNNCell', { name: 'b', units: 2 })] }, [[null, 5, 4]], '2.3.1');
    expect(out.weights.map((w) => `${w.name} ${w.trainable}`)).toEqual([
      'stacked_rnn_cells/b/kernel true', 'stacked_rnn_cells/b/recurrent_kernel true', 'stacked_rnn_cells/b/bias true',
      'stacked_rnn_cells/a/kernel false', 'stacked_rnn_cells/a/recurrent_kernel false', 'stacked_rnn_cells/a/bias false',
    ]);
  });

  it('refuses an RNN without a cell', () => {
    expect(() => runRule('RNN', {}, [[null, 5, 4]], '3.15.1')).toThrow(RuleError);
  });
});

describe('ConvLSTM', () => {
  it('ConvLSTM2D(4, 3) on 2 channels = 880 (keras-formats §4, Keras 3.15.1); valid conv shrinks 8 → 6', () => {
    const out = runRule('ConvLSTM2D', { filters: 4, kernel_size: [3, 3] }, [[null, 5, 8, 8, 2]], '3.15.1');
    expect(out.params).toBe(880);
    expect(out.outputShapes).toEqual([[null, 6, 6, 4]]);
    expect(shapes(out)).toEqual([['conv_lstm_cell/kernel', [3, 3, 2, 16]], ['conv_lstm_cell/recurrent_kernel', [3, 3, 4, 16]], ['conv_lstm_cell/bias', [16]]]);
    expect(out.formula).toBe('4 gates × 4 filters × (3×3·2 inputs + 3×3·4 recurrent + 1 bias) = 880');
  });

  it('ConvLSTM2D channels_first, strides, return_sequences and return_state (Keras 2 rule; the same numbers checked with Keras 3.15.1)', () => {
    const out = runRule('ConvLSTM2D', { filters: 3, kernel_size: 3, strides: 2, padding: 'same', data_format: 'channels_first', return_sequences: true, return_state: true }, [[null, 4, 2, 9, 9]], '2.2.4');
    expect(out.outputShapes).toEqual([[null, 4, 3, 5, 5], [null, 3, 5, 5], [null, 3, 5, 5]]);
    expect(out.weights[0]!.shape).toEqual([3, 3, 2, 12]);
  });

  it("Keras 1.2.2 ConvLSTM2D stores W, U, b per gate (i, c, f, o) in the dim_ordering's kernel layout", () => {
    // keras/layers/convolutional_recurrent.py @1.2.2 build(): W_shape th (nb_filter, stack, rows, cols).
    const th = runRule('ConvLSTM2D', { filters: 4, kernel_size: [3, 3], data_format: 'channels_first' }, [[null, 5, 2, 8, 8]], '1.2.2');
    expect(th.weights.map((w) => w.name)).toEqual(['W_i', 'U_i', 'b_i', 'W_c', 'U_c', 'b_c', 'W_f', 'U_f', 'b_f', 'W_o', 'U_o', 'b_o']);
    expect(shapes(th).slice(0, 3)).toEqual([['W_i', [4, 2, 3, 3]], ['U_i', [4, 4, 3, 3]], ['b_i', [4]]]);
    expect(th.params).toBe(880);
    const tf = runRule('ConvLSTM2D', { filters: 4, kernel_size: [3, 3] }, [[null, 5, 8, 8, 2]], '1.2.2');
    expect(shapes(tf).slice(0, 2)).toEqual([['W_i', [3, 3, 2, 4]], ['U_i', [3, 3, 4, 4]]]);
  });

  it('refuses an input of the wrong rank', () => {
    expect(() => runRule('ConvLSTM1D', { filters: 2, kernel_size: 2 }, [[null, 4, 3]], '3.15.1')).toThrow(RuleError);
  });
});
