// Bidirectional and TimeDistributed against Keras facts: corpus summaries and stored shapes, and the
// naming rules of keras/src/layers/rnn/bidirectional.py (Keras 3) and tf_keras/layers/rnn/bidirectional.py.
import { describe, expect, it } from 'vitest';
import { RuleError } from '../src/layers/types.js';
import { runRule, shapes } from './helpers/run-rule.js';

const lstm = (config: Record<string, unknown>) => ({ class_name: 'LSTM', config });
const dense = (config: Record<string, unknown>) => ({ class_name: 'Dense', config });

describe('Bidirectional', () => {
  it('json-k2-3-bilstm-postag (Keras 2.3.1): Bidirectional(LSTM(256)) on 128 features = 788,480, (None, 190, 512)', () => {
    // Printed summary: bidirectional_3 (Bidirection (None, 190, 512) 788480.
    const out = runRule('Bidirectional', { name: 'bidirectional_1', layer: lstm({ name: 'lstm_1', units: 256, return_sequences: true }), merge_mode: 'concat' }, [[null, 190, 128]], '2.3.1');
    expect(out.outputShapes).toEqual([[null, 190, 512]]);
    expect(out.params).toBe(788480);
    expect(out.weights.map((w) => w.name)).toEqual([
      'forward_lstm_1/lstm_cell/kernel', 'forward_lstm_1/lstm_cell/recurrent_kernel', 'forward_lstm_1/lstm_cell/bias',
      'backward_lstm_1/lstm_cell/kernel', 'backward_lstm_1/lstm_cell/recurrent_kernel', 'backward_lstm_1/lstm_cell/bias',
    ]);
    expect(out.weights.map((w) => w.store)).toEqual(['forward_layer/cell', 'forward_layer/cell', 'forward_layer/cell', 'backward_layer/cell', 'backward_layer/cell', 'backward_layer/cell']);
    expect(out.formula).toBe('forward and backward LSTM, each 4 gates × 256 units × (128 inputs + 256 recurrent + 1 bias) = 394,240: 2 × 394,240 = 788,480');
  });

  it('tfjs-k2-7-bilstm-abusive (Keras 2.7.0 via the tfjs converter): three stacked Bidirectional(LSTM) layers', () => {
    // weightsManifest: bidirectional/forward_lstm/lstm_cell_1/kernel (50, 512), …/recurrent_kernel (128, 512),
    // bias (512), then backward_lstm; bidirectional_1 kernels (256, 256), (64, 256); bidirectional_2 (128, 128), (32, 128).
    // tf.keras scopes the cell as lstm_cell_N, so names are hints; the shapes and the order are the facts.
    const a = runRule('Bidirectional', { layer: lstm({ name: 'lstm', units: 128, return_sequences: true }) }, [[null, 100, 50]], '2.7.0');
    expect(a.outputShapes).toEqual([[null, 100, 256]]);
    expect(shapes(a).map(([, s]) => s)).toEqual([[50, 512], [128, 512], [512], [50, 512], [128, 512], [512]]);
    expect(a.weights.map((w) => w.name.split('/')[0])).toEqual(['forward_lstm', 'forward_lstm', 'forward_lstm', 'backward_lstm', 'backward_lstm', 'backward_lstm']);
    const b = runRule('Bidirectional', { layer: lstm({ name: 'lstm_1', units: 64, return_sequences: true }) }, a.outputShapes, '2.7.0');
    expect(shapes(b).map(([, s]) => s).slice(0, 3)).toEqual([[256, 256], [64, 256], [256]]);
    const c = runRule('Bidirectional', { layer: lstm({ name: 'lstm_2', units: 32 }) }, b.outputShapes, '2.7.0');
    expect(c.outputShapes).toEqual([[null, 64]]);
    expect(shapes(c).map(([, s]) => s).slice(0, 3)).toEqual([[128, 128], [32, 128], [128]]);
  });

  it('merge_mode sum / mul / ave keep the inner shape; None returns both outputs (Keras 3)', () => {
    for (const mode of ['sum', 'mul', 'ave']) {
      const out = runRule('Bidirectional', { layer: lstm({ units: 4 }), merge_mode: mode }, [[null, 6, 3]], '3.15.1');
      expect(out.outputShapes).toEqual([[null, 4]]);
    }
    const none = runRule('Bidirectional', { layer: lstm({ units: 4 }), merge_mode: null }, [[null, 6, 3]], '3.15.1');
    expect(none.outputShapes).toEqual([[null, 4], [null, 4]]);
  });

  it('return_state appends the forward states, then the backward states (bidirectional.py compute_output_shape)', () => {
    const out = runRule('Bidirectional', { layer: lstm({ units: 4, return_state: true, return_sequences: true }) }, [[null, 6, 3]], '3.15.1');
    expect(out.outputShapes).toEqual([[null, 6, 8], [null, 4], [null, 4], [null, 4], [null, 4]]);
  });

  it('Keras 3 keeps a stored backward_layer name as it is; the forward name is not prefixed twice', () => {
    const out = runRule('Bidirectional', {
      layer: { class_name: 'GRU', config: { name: 'forward_gru', units: 2 } },
      backward_layer: { class_name: 'GRU', config: { name: 'backward_gru', units: 2, go_backwards: true } },
    }, [[null, 5, 3]], '3.15.1');
    expect([...new Set(out.weights.map((w) => w.name.split('/')[0]))]).toEqual(['forward_gru', 'backward_gru']);
  });

  it('a Keras 3 to_json() (no keras_version) keeps the stored backward_layer name too', () => {
    const out = runRule('Bidirectional', {
      layer: { class_name: 'GRU', config: { name: 'forward_gru', units: 2 } },
      backward_layer: { class_name: 'GRU', config: { name: 'backward_gru', units: 2, go_backwards: true } },
    }, [[null, 5, 3]], null);
    expect([...new Set(out.weights.map((w) => w.name.split('/')[0]))]).toEqual(['forward_gru', 'backward_gru']);
  });

  it('tf.keras prefixes a user-given backward layer with backward_ (tf_keras bidirectional.py)', () => {
    const out = runRule('Bidirectional', {
      layer: lstm({ name: 'lstm', units: 2 }),
      backward_layer: lstm({ name: 'lstm_1', units: 2, go_backwards: true, activation: 'relu' }),
    }, [[null, 5, 3]], '2.15.0');
    expect([...new Set(out.weights.map((w) => w.name.split('/')[0]))]).toEqual(['forward_lstm', 'backward_lstm_1']);
  });

  it('a backward layer of another size shows in its own weights; outputs follow the forward layer as Keras 3 compute_output_shape does (checked with Keras 3.15.1: 132 params)', () => {
    const out = runRule('Bidirectional', { layer: lstm({ units: 2 }), backward_layer: lstm({ units: 3, go_backwards: true }), merge_mode: null }, [[null, 5, 3]], '3.15.1');
    expect(out.outputShapes).toEqual([[null, 2], [null, 2]]);
    expect(shapes(out)[3]).toEqual(['lstm/lstm_cell/kernel', [3, 12]]);
    expect(out.formula).toBe('forward LSTM: 4 gates × 2 units × (3 inputs + 2 recurrent + 1 bias) = 48; backward LSTM: 4 gates × 3 units × (3 inputs + 3 recurrent + 1 bias) = 84; 48 + 84 = 132');
  });

  it('a wrapped layer stored with trainable: false owns non-trainable variables (keras-formats §4, trainable status)', () => {
    const out = runRule('Bidirectional', { layer: lstm({ units: 2, trainable: false }) }, [[null, 5, 3]], '3.15.1');
    expect(out.weights.map((w) => w.trainable)).toEqual(Array(6).fill(false));
  });

  it('refuses an unknown merge_mode and a missing layer', () => {
    expect(() => runRule('Bidirectional', { layer: lstm({ units: 2 }), merge_mode: 'max' }, [[null, 5, 3]], '3.15.1')).toThrow(RuleError);
    expect(() => runRule('Bidirectional', {}, [[null, 5, 3]], '3.15.1')).toThrow(RuleError);
  });
});

describe('TimeDistributed', () => {
  it('json-k2-3-bilstm-postag (Keras 2.3.1): TimeDistributed(Dense(27)) on (None, 190, 512) = 13,851', () => {
    const out = runRule('TimeDistributed', { name: 'time_distributed_1', layer: dense({ name: 'dense_1', units: 27 }) }, [[null, 190, 512]], '2.3.1');
    expect(out.outputShapes).toEqual([[null, 190, 27]]);
    expect(out.params).toBe(13851);
    expect(shapes(out)).toEqual([['dense_1/kernel', [512, 27]], ['dense_1/bias', [27]]]);
    expect(out.weights.every((w) => w.store === 'layer')).toBe(true);
    expect(out.formula).toBe('Dense applied to each of 190 time steps with one set of weights: 27 units × (512 inputs + 1 bias) = 13,851');
  });

  it('k2-2-4-seq2seq-katakana (Keras 2.2.4): TimeDistributed(Dense(89)) stores kernel (64, 89), bias (89)', () => {
    const out = runRule('TimeDistributed', { layer: dense({ units: 89 }) }, [[null, 45, 64]], '2.2.4');
    expect(out.outputShapes).toEqual([[null, 45, 89]]);
    expect(shapes(out).map(([, s]) => s)).toEqual([[64, 89], [89]]);
  });

  it('wraps a recurrent layer over an extra time axis (inner built on (batch,) + input[2:]; checked with Keras 3.15.1)', () => {
    const out = runRule('TimeDistributed', { layer: lstm({ name: 'lstm', units: 4 }) }, [[null, 3, 7, 5]], '3.15.1');
    expect(out.outputShapes).toEqual([[null, 3, 4]]);
    expect(shapes(out)[0]).toEqual(['lstm/lstm_cell/kernel', [5, 16]]);
    expect(out.weights[0]!.store).toBe('layer/cell');
  });

  it('a frozen inner layer makes its weights non-trainable', () => {
    const out = runRule('TimeDistributed', { layer: dense({ units: 2, trainable: false }) }, [[null, 3, 4]], '2.15.0');
    expect(out.weights.map((w) => w.trainable)).toEqual([false, false]);
  });

  it('takes its input passed by keyword (td(inputs=x)), as Bidirectional takes sequences=', () => {
    expect(runRule('TimeDistributed', { layer: dense({ units: 2 }) }, [], '3.15.1', { inputs: [[null, 3, 4]] }).outputShapes).toEqual([[null, 3, 2]]);
    expect(runRule('Bidirectional', { layer: lstm({ units: 2 }) }, [], '3.15.1', { sequences: [[null, 3, 4]] }).outputShapes).toEqual([[null, 4]]);
  });

  it('wraps a Sequential model: each layer in turn, named <model>/<layer>/…, stored under layer/layers/<snake class>[_N]', () => {
    // fixtures/keras wrappers_more (Keras 3.15.1): (None, 3, 2), 34 params, per_step/dense/kernel (5, 4) …,
    // stored as layers/time_distributed/layer/layers/dense/vars/0 and …/layers/dense_1/vars/0.
    const model = { class_name: 'Sequential', config: { name: 'per_step', layers: [
      { class_name: 'InputLayer', config: { batch_shape: [null, 5], name: 'input_layer_1' } },
      dense({ name: 'dense', units: 4 }), dense({ name: 'dense_1', units: 2 }),
    ] } };
    const out = runRule('TimeDistributed', { name: 'time_distributed', layer: model }, [[null, 3, 5]], '3.15.1');
    expect(out.outputShapes).toEqual([[null, 3, 2]]);
    expect(out.params).toBe(34);
    expect(out.weights.map((w) => `${w.name} ${w.store}`)).toEqual([
      'per_step/dense/kernel layer/layers/dense', 'per_step/dense/bias layer/layers/dense',
      'per_step/dense_1/kernel layer/layers/dense_1', 'per_step/dense_1/bias layer/layers/dense_1',
    ]);
    expect(out.formula).toBe('Sequential applied to each of 3 time steps with one set of weights: per_step (Sequential): dense 24 + dense_1 10 = 34');
  });

  it('a wrapped Lambda without output_shape leaves the shape unknown instead of guessing (Keras 3)', () => {
    const out = runRule('TimeDistributed', { layer: { class_name: 'Lambda', config: { name: 'f', function: 'x' } } }, [[null, 3, 4]], '3.15.1');
    expect(out.shapeUnknown).toBe(true);
    expect(out.outputShapes).toEqual([]);
    expect(out.notes?.at(-1)).toBe('the wrapped Lambda gives no output shape, so neither does the wrapper');
  });

  it('refuses an input without a time axis', () => {
    expect(() => runRule('TimeDistributed', { layer: dense({ units: 2 }) }, [[null, 5]], '3.15.1')).toThrow(RuleError);
  });
});
