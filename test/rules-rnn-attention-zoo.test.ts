// Every keras3-zoo layer of the recurrent, wrapper and attention classes, evaluated by its rule and
// compared with what Keras 3.15.1 itself recorded in truth.json: output shape(s), and every weight's
// path, shape and trainable flag, in Keras's order. Runs only when ../shared/keras3-zoo exists.
import { describe, expect, it } from 'vitest';
import { evaluateLayer, parseKerasVersion } from '../src/layers/evaluate.js';
import { weightCount } from '../src/layers/util.js';
import { hasZoo, zooLayerCases, type ZooLayerCase } from './helpers/zoo.js';
import type { Shape } from '../src/types.js';

const MINE = new Set([
  'SimpleRNN', 'LSTM', 'GRU', 'RNN', 'ConvLSTM1D', 'ConvLSTM2D', 'ConvLSTM3D',
  'Bidirectional', 'TimeDistributed',
  'Attention', 'AdditiveAttention', 'MultiHeadAttention', 'GroupQueryAttention', 'GroupedQueryAttention',
]);

function truthShapes(c: ZooLayerCase): Shape[] {
  const o = c.truth.output_shape;
  if (o === null) return [];
  return Array.isArray(o[0]) || (o.length > 0 && o[0] === undefined) ? (o as Shape[]) : [o as Shape];
}

const cases = hasZoo ? zooLayerCases().filter((c) => MINE.has(c.className)) : [];

describe.runIf(hasZoo)('keras3-zoo: recurrent, wrapper and attention layers equal Keras 3.15.1', () => {
  it('covers every class of this family that the zoo holds', () => {
    const seen = new Set(cases.map((c) => c.className));
    for (const cls of ['SimpleRNN', 'LSTM', 'GRU', 'RNN', 'ConvLSTM1D', 'ConvLSTM2D', 'ConvLSTM3D', 'Bidirectional', 'TimeDistributed', 'Attention', 'AdditiveAttention', 'MultiHeadAttention', 'GroupQueryAttention']) {
      expect(seen, cls).toContain(cls);
    }
  });

  for (const c of cases) {
    const label = `${c.slug} ${c.name} (${c.className})`;
    // No known deviation: every case must match.
    it(label, () => {
      const out = evaluateLayer({ className: c.className, name: c.name, config: c.config, inputShapes: c.inputShapes, kwargShapes: c.kwargShapes, kerasVersion: parseKerasVersion('3.15.1') });
      expect(out.outputShapes).toEqual(truthShapes(c));
      const prefix = `${c.name}/`;
      const expected = out.weights.map((w) => ({ path: prefix + w.name, shape: w.shape, trainable: w.trainable }));
      const truth = c.truth.weights.map((w) => ({ path: w.path, shape: w.shape, trainable: w.trainable }));
      expect(expected).toEqual(truth);
      expect(weightCount(out.weights)).toBe(c.truth.params);
    });
  }
});
