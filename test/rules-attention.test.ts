// Attention rules against Keras facts: the keras3-9 corpus file, and counts derived by hand from the
// variable shapes that Keras's own build() creates (keras/src/layers/attention/*.py, cited per case).
import { describe, expect, it } from 'vitest';
import { RuleError } from '../src/layers/types.js';
import { runRule, shapes } from './helpers/run-rule.js';

describe('Attention (attention.py)', () => {
  it('keras3-9-legacy-h5-gru-attention-lambda (Keras 3.9.1): (None, 1, 50) over (None, 30, 50), no stored weights', () => {
    const out = runRule('Attention', { name: 'attention', use_scale: false, score_mode: 'dot' }, [[null, 1, 50], [null, 30, 50]], '3.9.1');
    expect(out.outputShapes).toEqual([[null, 1, 50]]);
    expect(out.weights).toEqual([]);
  });

  it("use_scale adds a scalar scale, score_mode='concat' a scalar concat_score_weight", () => {
    const out = runRule('Attention', { use_scale: true, score_mode: 'concat' }, [[null, 4, 6], [null, 5, 3], [null, 5, 6]], '3.15.1');
    expect(shapes(out)).toEqual([['scale', []], ['concat_score_weight', []]]);
    expect(out.params).toBe(2);
    // The output takes the value's last dim (compute_output_shape: (*query[:-1], value[-1])).
    expect(out.outputShapes).toEqual([[null, 4, 3]]);
  });

  it('return_attention_scores (a call argument, or a config key) adds scores (…, Tq, Tv) (attention.py compute_output_spec)', () => {
    expect(runRule('Attention', {}, [[null, 4, 6], [null, 5, 6]], '3.15.1', {}, { return_attention_scores: true }).outputShapes).toEqual([[null, 4, 6], [null, 4, 5]]);
    expect(runRule('AdditiveAttention', { return_attention_scores: true }, [[null, 4, 6], [null, 5, 6]], '2.4.0').outputShapes).toEqual([[null, 4, 6], [null, 4, 5]]);
    expect(runRule('Attention', {}, [[null, 4, 6], [null, 5, 6]], '3.15.1', {}, { return_attention_scores: false }).outputShapes).toEqual([[null, 4, 6]]);
  });

  it('takes [query, value] passed by keyword (attention(inputs=[q, v]))', () => {
    expect(runRule('Attention', {}, [], '3.15.1', { inputs: [[null, 4, 6], [null, 5, 3]] }).outputShapes).toEqual([[null, 4, 3]]);
  });

  it('refuses a single input', () => {
    expect(() => runRule('Attention', {}, [[null, 4, 6]], '3.15.1')).toThrow(RuleError);
  });
});

describe('AdditiveAttention (additive_attention.py)', () => {
  it('use_scale defaults to True: scale (dim,)', () => {
    const out = runRule('AdditiveAttention', {}, [[null, 3, 5], [null, 4, 5]], '3.15.1');
    expect(shapes(out)).toEqual([['scale', [5]]]);
    expect(out.outputShapes).toEqual([[null, 3, 5]]);
  });

  it('use_scale=False: no weights', () => {
    expect(runRule('AdditiveAttention', { use_scale: false }, [[null, 3, 5], [null, 4, 5]], '2.15.0').weights).toEqual([]);
  });
});

describe('MultiHeadAttention (multi_head_attention.py build / _make_output_dense)', () => {
  // query EinsumDense (Dq, H, K) + (H, K); key (Dk, H, K) + (H, K); value (Dv, H, V) + (H, V);
  // attention_output (H, V, O) + (O,), O = output_shape or the query's last dim.
  it('2 heads, key_dim 3 on query (None, 4, 5), value (None, 6, 7): 36 + 48 + 48 + 35 = 167', () => {
    const out = runRule('MultiHeadAttention', { num_heads: 2, key_dim: 3 }, [[null, 4, 5], [null, 6, 7]], '3.15.1');
    expect(shapes(out)).toEqual([
      ['query/kernel', [5, 2, 3]], ['query/bias', [2, 3]],
      ['key/kernel', [7, 2, 3]], ['key/bias', [2, 3]],
      ['value/kernel', [7, 2, 3]], ['value/bias', [2, 3]],
      ['attention_output/kernel', [2, 3, 5]], ['attention_output/bias', [5]],
    ]);
    expect(out.params).toBe(167);
    expect(out.outputShapes).toEqual([[null, 4, 5]]);
    expect(out.weights.map((w) => w.store)).toEqual(['query_dense', 'query_dense', 'key_dense', 'key_dense', 'value_dense', 'value_dense', 'output_dense', 'output_dense']);
    expect(out.formula).toBe('query 5×2×3 + 2×3 = 36; key 7×2×3 + 2×3 = 48; value 7×2×3 + 2×3 = 48; attention_output 2×3×5 + 5 = 35; total 167');
  });

  it('a key passed as a keyword, value_dim, tuple output_shape and no biases (checked with Keras 3.15.1)', () => {
    const out = runRule('MultiHeadAttention', { num_heads: 2, key_dim: 3, value_dim: 4, output_shape: [2, 3], use_bias: false }, [[null, 4, 5], [null, 6, 7]], '3.15.1', { key: [[null, 6, 9]] });
    expect(shapes(out)).toEqual([['query/kernel', [5, 2, 3]], ['key/kernel', [9, 2, 3]], ['value/kernel', [7, 2, 4]], ['attention_output/kernel', [2, 4, 2, 3]]]);
    expect(out.outputShapes).toEqual([[null, 4, 2, 3]]);
  });

  it('attention_axes on a rank-4 query leaves the projections on the last dim (tf.keras 2.15)', () => {
    const out = runRule('MultiHeadAttention', { num_heads: 2, key_dim: 2, attention_axes: [2], output_shape: 6 }, [[null, 3, 4, 8], [null, 3, 4, 8]], '2.15.0');
    expect(out.outputShapes).toEqual([[null, 3, 4, 6]]);
    expect(shapes(out)[0]).toEqual(['query/kernel', [8, 2, 2]]);
    expect(shapes(out)[6]).toEqual(['attention_output/kernel', [2, 2, 6]]);
  });

  it('use_gate (Keras ≥ 3.14) adds gate/kernel (Dq, H, V) between key and value (checked with Keras 3.15.1)', () => {
    const out = runRule('MultiHeadAttention', { num_heads: 2, key_dim: 3, value_dim: 4, use_gate: true }, [[null, 4, 5], [null, 6, 7]], '3.15.1');
    expect(out.weights.map((w) => w.name).slice(4, 6)).toEqual(['gate/kernel', 'gate/bias']);
    expect(out.weights[4]!.shape).toEqual([5, 2, 4]);
    expect(out.weights[4]!.store).toBe('_gate_dense');
  });

  it('return_attention_scores: Keras 3 records (batch, heads, Tq, Tq), its compute_output_spec uses the query length twice', () => {
    // Checked with Keras 3.15.1: scores (None, 2, 4, 4) here, and (None, 2, 3, 3) for the rank-4 query with attention_axes=(2,).
    const out = runRule('MultiHeadAttention', { num_heads: 2, key_dim: 3 }, [[null, 4, 5], [null, 6, 7]], '3.15.1', {}, { return_attention_scores: true });
    expect(out.outputShapes).toEqual([[null, 4, 5], [null, 2, 4, 4]]);
    const axes = runRule('MultiHeadAttention', { num_heads: 2, key_dim: 2, attention_axes: [2] }, [[null, 3, 4, 8], [null, 3, 5, 8]], '3.15.1', {}, { return_attention_scores: true });
    expect(axes.outputShapes).toEqual([[null, 3, 4, 8], [null, 2, 3, 3]]);
  });

  it('return_attention_scores in tf.keras: the computed (batch, heads, Tq, Tk), and with attention_axes (batch, other dims, heads, Tq…, Tk…)', () => {
    // tf_keras multi_head_attention.py _build_attention_equation: product = batch dims (heads included) + query attention dims + key attention dims.
    const out = runRule('MultiHeadAttention', { num_heads: 2, key_dim: 3 }, [[null, 4, 5], [null, 6, 7]], '2.15.0', {}, { return_attention_scores: true });
    expect(out.outputShapes[1]).toEqual([null, 2, 4, 6]);
    const axes = runRule('MultiHeadAttention', { num_heads: 2, key_dim: 2, attention_axes: [2] }, [[null, 3, 4, 8], [null, 3, 5, 8]], '2.15.0', {}, { return_attention_scores: true });
    expect(axes.outputShapes).toEqual([[null, 3, 4, 8], [null, 3, 2, 4, 5]]);
  });

  it('refuses value and key that differ before the last dim; an unknown length agrees with any', () => {
    expect(() => runRule('MultiHeadAttention', { num_heads: 2, key_dim: 3 }, [[null, 4, 5], [null, 6, 7], [null, 5, 7]], '3.15.1')).toThrow(RuleError);
    expect(runRule('MultiHeadAttention', { num_heads: 2, key_dim: 3 }, [[null, 4, 5], [null, null, 7], [null, 5, 7]], '3.15.1').params).toBe(167);
  });
});

describe('GroupedQueryAttention (grouped_query_attention.py build)', () => {
  it('4 query heads, 2 key/value heads, head_dim 3 on 8 features: 108 + 54 + 54 + 104 = 320', () => {
    const out = runRule('GroupQueryAttention', { head_dim: 3, num_query_heads: 4, num_key_value_heads: 2 }, [[null, 5, 8], [null, 6, 8]], '3.15.1');
    expect(shapes(out)).toEqual([
      ['query/kernel', [8, 4, 3]], ['query/bias', [4, 3]],
      ['key/kernel', [8, 2, 3]], ['key/bias', [2, 3]],
      ['value/kernel', [8, 2, 3]], ['value/bias', [2, 3]],
      ['attention_output/kernel', [4, 3, 8]], ['attention_output/bias', [8]],
    ]);
    expect(out.params).toBe(320);
    expect(out.outputShapes).toEqual([[null, 5, 8]]);
    expect(out.weights[0]!.store).toBe('_query_dense');
  });

  it('return_attention_scores adds (batch, query heads, Tq, Tkv) (grouped_query_attention.py compute_output_spec)', () => {
    const out = runRule('GroupQueryAttention', { head_dim: 3, num_query_heads: 4, num_key_value_heads: 2 }, [[null, 5, 8], [null, 6, 8]], '3.15.1', {}, { return_attention_scores: true });
    expect(out.outputShapes).toEqual([[null, 5, 8], [null, 4, 5, 6]]);
  });

  it('refuses query and value of different widths, and query heads not a multiple of key/value heads', () => {
    expect(() => runRule('GroupedQueryAttention', { head_dim: 3, num_query_heads: 4, num_key_value_heads: 2 }, [[null, 5, 8], [null, 6, 7]], '3.15.1')).toThrow(RuleError);
    expect(() => runRule('GroupedQueryAttention', { head_dim: 3, num_query_heads: 3, num_key_value_heads: 2 }, [[null, 5, 8], [null, 6, 8]], '3.15.1')).toThrow(RuleError);
  });
});
