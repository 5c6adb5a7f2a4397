import { describe, expect, it } from 'vitest';
import { UsageError } from '../src/errors.js';
import { nearNames, renderExplain } from '../src/report/explain.js';
import { layer, seedLstmMismatch, seedLstmReport, w } from './report-fixtures.js';

describe('renderExplain', () => {
  it('explains every layer when none is named, the layerless ones too', () => {
    const text = renderExplain(seedLstmReport());
    expect(text).toMatch(/^embedding_5 \(Embedding\): 7 input_dim × 13 output_dim = 91$/m);
    expect(text).toMatch(/^dropout_26 \(Dropout\): no weights, 0 params$/m);
    expect(text).toMatch(/^dense_29 \(Dense\): 17 inputs × 1 units \+ 1 bias = 18$/m);
  });

  it('says where the file disagrees, tensor by tensor', () => {
    const text = renderExplain(seedLstmMismatch(), ['dense_29']);
    expect(text).toMatch(/kernel\s+\(17, 1\): 17 inputs × 1 units — stored \(17, 2\): MISMATCH/);
    expect(text).toMatch(/bias\s+\(1,\): 1 units — stored ok/);
  });

  it('names missing, extra, non-trainable and unverified tensors', () => {
    const bn = layer('bn', 'BatchNormalization', [null, 4], [
      w('gamma', [4], '4 features', { status: 'missing', storedShape: null }),
      w('moving_mean', [4], '4 features', { trainable: false, status: 'unverified', storedShape: null }),
      w('surplus', [3], '', { status: 'extra', expectedShape: null, storedShape: [3] }),
    ]);
    const text = renderExplain(seedLstmReport({ layers: [bn] }), ['bn']);
    expect(text).toContain('gamma        (4,): 4 features — not stored: MISSING');
    expect(text).toContain('moving_mean  (4,) [non-trainable]: 4 features — not verified (no stored weights)');
    expect(text).toContain('surplus      (3,): no explanation — stored (3,) but not expected: EXTRA');
  });

  it('finds nested layers by name or by path and says when a class has no rule', () => {
    const inner = layer('mystery', 'MyLayer', null, [w('v', [2, 2], '', { status: 'unverified' })], { status: 'unknown-class' });
    const outer = layer('block', 'Functional', [null, 2], [], { layers: [inner], params: 4 });
    const r = seedLstmReport({ layers: [outer] });
    expect(renderExplain(r, ['block/mystery'])).toBe(renderExplain(r, ['mystery']));
    expect(renderExplain(r, ['mystery'])).toContain('block/mystery (MyLayer): 4 params');
    expect(renderExplain(r, ['mystery'])).toContain('no rule for MyLayer');
    expect(renderExplain(r)).toContain('\n  block/mystery (MyLayer)');
  });

  it('refuses an unknown name with a UsageError listing near names, or the layers', () => {
    expect(() => renderExplain(seedLstmReport(), ['dense_2'])).toThrow(UsageError);
    expect(() => renderExplain(seedLstmReport(), ['dense_2'])).toThrow('no layer named dense_2; did you mean dense_29?');
    expect(() => renderExplain(seedLstmReport(), ['zzzzzzzzzzzz'])).toThrow('layers: embedding_5, lstm_5, dropout_26, dense_29');
  });
});

describe('nearNames', () => {
  it('ranks by edit distance and accepts substrings', () => {
    expect(nearNames('lstm', ['lstm_5', 'dense', 'lstm_50'])).toEqual(['lstm_5', 'lstm_50']);
    expect(nearNames('dens_1', ['dense_1', 'dense_2', 'conv'])).toEqual(['dense_1', 'dense_2']);
    expect(nearNames('abc', ['xyz'])).toEqual([]);
  });
});
