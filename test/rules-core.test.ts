// Core rules on hand cases whose numbers come from Keras itself: the seed notebook's printed
// summaries (../shared/seed), keras-formats.md §4 lines "checked with Keras 3.15.1", corpus
// SOURCE.md summaries, and Keras 3.15 source facts (dense.py, einsum_dense.py, embedding.py).
import { describe, expect, it } from 'vitest';
import { run, params, shapes, K1, K2, K3, TFK } from './helpers/rules.js';
import { ConfigValueError } from '../src/layers/types.js';
import { evaluateLayer } from '../src/layers/evaluate.js';

describe('InputLayer', () => {
  it('uses Keras 3 batch_shape and Keras 1/2 batch_input_shape', () => {
    expect(run('InputLayer', { batch_shape: [null, 9] }, []).outputShapes).toEqual([[null, 9]]);
    // corpus k1-2-0-functional-merge: cifar (InputLayer) (None, 46, 160, 3)
    expect(run('InputLayer', { batch_input_shape: [null, 46, 160, 3], input_dtype: 'float32' }, [], K1).outputShapes).toEqual([[null, 46, 160, 3]]);
    expect(run('InputLayer', { batch_shape: [null, 9] }, []).weights).toEqual([]);
  });
  it('says the shape is unknown for a config with no shape at all (an unbuilt model)', () => {
    const out = run('InputLayer', { name: 'x' }, []);
    expect(out.shapeUnknown).toBe(true);
    expect(out.notes?.[0]).toMatch(/stores no input shape/);
  });
  it('refuses sizes that cannot be sizes, naming the key (issue 10 item 8)', () => {
    for (const [shape, why] of [[[null, -5], /-5 is negative/], [[null, '3'], /"3" is a string/], [[null, 2.5], /2.5 is not a whole number/]] as const) {
      const e = (() => {
        try {
          run('InputLayer', { batch_input_shape: shape }, []);
        } catch (err) {
          return err;
        }
        return null;
      })();
      expect(e).toBeInstanceOf(ConfigValueError);
      expect((e as ConfigValueError).key).toBe('batch_input_shape');
      expect((e as Error).message).toMatch(why);
    }
  });
});

describe('Dense', () => {
  it('gives the seed MLP counts 147, 104, 322 and 14', () => {
    // seed: Dense(7, input_dim=20) 147; Dense(13) 104; Dense(23) 322; Dense(1) on 13 inputs 14.
    expect(params(run('Dense', { units: 7 }, [[null, 20]]))).toBe(147);
    expect(params(run('Dense', { units: 13 }, [[null, 7]]))).toBe(104);
    expect(params(run('Dense', { units: 23 }, [[null, 13]]))).toBe(322);
    expect(params(run('Dense', { units: 1 }, [[null, 13]]))).toBe(14);
    expect(run('Dense', { units: 23 }, [[null, 13]]).formula).toBe('23 units × (13 inputs + 1 bias) = 322');
  });
  it('works on the last axis of any rank (keras-formats §4: (B,4,5) → (B,4,7), 42)', () => {
    const out = run('Dense', { units: 7 }, [[null, 4, 5]]);
    expect(out.outputShapes).toEqual([[null, 4, 7]]);
    expect(params(out)).toBe(42);
  });
  it('drops the bias with use_bias=false (Keras 1 bias=false is mapped to it)', () => {
    expect(shapes(run('Dense', { units: 5, use_bias: false }, [[null, 6, 2]]))).toEqual([['kernel', [2, 5]]]);
  });
  it('keeps an unknown input dim as an unknown kernel shape', () => {
    const out = run('Dense', { units: 3 }, [[null, null]]);
    expect(out.weights[0]!.shape).toBeNull();
    expect(out.formula).toContain('?');
  });
  it('int8_from_float32: int8 kernel and kernel_scale, both frozen; stored as kernel, bias, kernel_scale', () => {
    // Keras 3.15 dense.py _int8_build and variable_serialization_spec; zoo dz_quantized_int8 dense_17.
    const dtype = { module: 'keras.dtype_policies', class_name: 'QuantizedDTypePolicy', config: { mode: 'int8', source_name: 'float32' } };
    const out = run('Dense', { units: 4, dtype }, [[null, 6]]);
    expect(out.weights.map((w) => [w.name, w.shape, w.trainable, w.dtype ?? 'float', w.storeIndex])).toEqual([
      ['bias', [4], true, 'float', 1],
      ['kernel', [6, 4], false, 'int8', 0],
      ['kernel_scale', [4], false, 'float', 2],
    ]);
    expect(params(out)).toBe(32);
    expect(out.formula).toMatch(/^int8_from_float32: /);
  });
  it('reads the policy from a plain name string too (Keras 3.0–3.3)', () => {
    expect(run('Dense', { units: 4, dtype: 'int8_from_mixed_bfloat16' }, [[null, 6]]).weights.map((w) => w.name)).toEqual(['bias', 'kernel', 'kernel_scale']);
  });
  it('int4 per channel packs two values per int8 along units; sub-channel adds zero points and g_idx', () => {
    const perChannel = run('Dense', { units: 5, dtype: { class_name: 'Int4DTypePolicy', config: { mode: 'int4/-1', source_name: 'float32' } } }, [[null, 6]]);
    expect(shapes(perChannel)).toEqual([['bias', [5]], ['kernel', [6, 3]], ['kernel_scale', [5]]]);
    const block = run('Dense', { units: 4, dtype: { class_name: 'Int4DTypePolicy', config: { mode: 'int4/4', source_name: 'float32' } } }, [[null, 10]]);
    expect(shapes(block)).toEqual([['bias', [4]], ['kernel', [10, 2]], ['kernel_scale', [3, 4]], ['kernel_zero', [3, 4]], ['g_idx', [10]]]);
    expect(block.weights.map((w) => w.storeIndex)).toEqual([1, 0, 2, 3, 4]);
  });
  it('float8 keeps the float kernel and adds six trainable scales and histories', () => {
    const out = run('Dense', { units: 2, dtype: { class_name: 'QuantizedFloat8DTypePolicy', config: { mode: 'float8', source_name: 'float32', amax_history_length: 16 } } }, [[null, 3]]);
    expect(out.weights.map((w) => w.name)).toEqual(['kernel', 'bias', 'inputs_scale', 'inputs_amax_history', 'kernel_scale', 'kernel_amax_history', 'outputs_grad_scale', 'outputs_grad_amax_history']);
    expect(params(out)).toBe(6 + 2 + 3 * (1 + 16));
    expect(out.weights.every((w) => w.trainable)).toBe(true);
  });
  it('GPTQ / AWQ: uint8 kernel stored transposed and packed, group scales; vars order as Keras 3.15 dense_test.py loads them', () => {
    // test_quantized_layer_load_own_variables: Dense(16, dtype="gptq/4/8_from_float32") built on (None, 8)
    // loads vars 0 bias, 1 kernel, 2 kernel_scale, 3 kernel_zero, 4 g_idx (awq: 4 awq_scales, 5 g_idx).
    const gptq = run('Dense', { units: 16, dtype: 'gptq/4/8_from_float32' }, [[null, 8]]);
    expect(gptq.weights.map((w) => [w.name, w.shape, w.dtype ?? 'float', w.trainable, w.storeIndex])).toEqual([
      ['bias', [16], 'float', true, 0],
      ['kernel', [8, 8], 'uint8', false, 1],
      ['kernel_scale', [16, 1], 'float', false, 2],
      ['kernel_zero', [16, 1], 'uint8', false, 3],
      ['g_idx', [8], 'float32', false, 4],
    ]);
    const awq = run('Dense', { units: 16, dtype: { class_name: 'AWQDTypePolicy', config: { mode: 'awq/4/4', source_name: 'float32' } } }, [[null, 8]]);
    expect(awq.weights.map((w) => `${w.name} ${w.shape} ${w.storeIndex}`)).toEqual(['bias 16 0', 'kernel 8,8 1', 'kernel_scale 16,2 2', 'kernel_zero 16,2 3', 'awq_scales 8 4', 'g_idx 8 5']);
    expect(() => run('Embedding', { input_dim: 5, output_dim: 2, dtype: 'gptq/4/8_from_float32' }, [[null, 3]])).toThrow(/not analysed/);
  });
  it('lora_rank: LoRA factors counted and frozen kernel, as fixtures/keras dense_lora (Keras 3.15.1) records: 66 for Dense(2) on 15 inputs, rank 2', () => {
    const out = run('Dense', { units: 2, lora_rank: 2 }, [[null, 15]]);
    expect(out.weights.map((w) => [w.name, w.shape, w.trainable, w.storeIndex ?? null, w.inKeras3Store ?? true])).toEqual([
      ['bias', [2], true, 1, true],
      ['lora_kernel_a', [15, 2], true, null, false],
      ['lora_kernel_b', [2, 2], true, null, false],
      ['kernel', [15, 2], false, 0, true],
    ]);
    expect(params(out)).toBe(66);
    expect(out.formula).toBe('2 units × (15 inputs + 1 bias) + LoRA 15 × 2 + 2 × 2 = 66');
    // Embedding: lora_embeddings_a (input_dim, rank), lora_embeddings_b (rank, output_dim): 68 for (10, 4), rank 2.
    expect(params(run('Embedding', { input_dim: 10, output_dim: 4, lora_rank: 2 }, [[null, 5]]))).toBe(68);
  });
  it('mixed precision keeps float32 variables: no quantized weights, no dtype claimed', () => {
    const out = run('Dense', { units: 1, dtype: { class_name: 'DTypePolicy', config: { name: 'mixed_bfloat16' } } }, [[null, 18]]);
    expect(shapes(out)).toEqual([['kernel', [18, 1]], ['bias', [1]]]);
    expect(out.weights.some((w) => w.dtype)).toBe(false);
  });
});

describe('EinsumDense', () => {
  it('"abc,cde->abde" on (B,6,5) gives (B,None,3,4), kernel (5,3,4), bias (3,4), 72 (keras-formats §4)', () => {
    const out = run('EinsumDense', { equation: 'abc,cde->abde', output_shape: [null, 3, 4], bias_axes: 'de' }, [[null, 6, 5]]);
    expect(out.outputShapes).toEqual([[null, null, 3, 4]]);
    expect(shapes(out)).toEqual([['kernel', [5, 3, 4]], ['bias', [3, 4]]]);
    expect(params(out)).toBe(72);
  });
  it('pads the bias with 1 for non-bias letters after the first bias letter', () => {
    const out = run('EinsumDense', { equation: 'ab,bcd->acd', output_shape: [3, 4], bias_axes: 'c' }, [[null, 5]]);
    expect(shapes(out)).toEqual([['kernel', [5, 3, 4]], ['bias', [3, 1]]]);
  });
  it('handles left-elided equations', () => {
    const out = run('EinsumDense', { equation: '...b,bc->...c', output_shape: 7, bias_axes: 'c' }, [[null, 4, 5]]);
    expect(out.outputShapes).toEqual([[null, 4, 7]]);
    expect(shapes(out)).toEqual([['kernel', [5, 7]], ['bias', [7]]]);
  });
  it('inserts several left-elided dims the way _analyze_split_string does (each at position 1)', () => {
    // Keras 3.15 einsum_dense.py: `for i in range(1, elided): output_shape.insert(1, input_shape[i])`,
    // and EinsumDense.compute_output_shape is what Functional models record.
    const out = run('EinsumDense', { equation: '...b,bc->...c', output_shape: 7 }, [[null, 2, 3, 5]]);
    expect(out.outputShapes).toEqual([[null, 3, 2, 7]]);
  });
  it('int4: the kernel flattened to (reduced, other) and packed; per-channel or grouped scales (Keras 3.15 einsum_dense_test.py)', () => {
    // test_int4_grouped_vs_perchannel_scale_shapes: ab,bc->ac, 256 → 64: (64,) per channel, (4, 64) with block_size 64.
    const int4 = (block: number) => ({ class_name: 'Int4DTypePolicy', config: { mode: `int4/${block}`, source_name: 'float32' } });
    const pc = run('EinsumDense', { equation: 'ab,bc->ac', output_shape: [64], dtype: int4(-1) }, [[null, 256]]);
    expect(shapes(pc)).toEqual([['kernel', [256, 32]], ['kernel_scale', [64]]]);
    const grouped = run('EinsumDense', { equation: 'ab,bc->ac', output_shape: [64], dtype: int4(64) }, [[null, 256]]);
    expect(grouped.weights.find((w) => w.name === 'kernel_scale')!.shape).toEqual([4, 64]);
    // test_int4_multi_reduced_axes_scale_shape: bnh,nhd->bd on (None, 4, 32), block 64: 2 groups.
    const multi = run('EinsumDense', { equation: 'bnh,nhd->bd', output_shape: [64], dtype: int4(64) }, [[null, 4, 32]]);
    expect(multi.weights.find((w) => w.name === 'kernel_scale')!.shape).toEqual([2, 64]);
    expect(multi.weights.find((w) => w.name === 'kernel')!.shape).toEqual([128, 32]);
  });
  it('int8: int8 kernel of the float shape; kernel_scale with reduced axes set to 1, in output order', () => {
    // einsum_dense.py _get_kernel_scale_shape with _analyze_quantization_info's axes.
    const dense = run('EinsumDense', { equation: 'ab,bc->ac', output_shape: [6], bias_axes: 'c', dtype: 'int8_from_float32' }, [[null, 5]]);
    expect(dense.weights.map((w) => [w.name, w.shape, w.dtype ?? 'float', w.storeIndex])).toEqual([
      ['bias', [6], 'float', 1],
      ['kernel', [5, 6], 'int8', 0],
      ['kernel_scale', [1, 6], 'float', 2],
    ]);
    const query = run('EinsumDense', { equation: 'abc,cde->abde', output_shape: [null, 2, 4], dtype: 'int8_from_float32' }, [[null, 3, 8]]);
    expect(query.weights.find((w) => w.name === 'kernel_scale')!.shape).toEqual([1, 1, 2, 4]);
  });
  it('refuses an equation Keras refuses', () => {
    expect(() => run('EinsumDense', { equation: 'ab->b', output_shape: [3] }, [[null, 5]])).toThrow(/invalid einsum equation/);
  });
});

describe('Embedding', () => {
  it('gives the seed Embedding(7, 13) 91 with the formula in its words', () => {
    const out = run('Embedding', { input_dim: 7, output_dim: 13 }, [[null, null]]);
    expect(out.outputShapes).toEqual([[null, null, 13]]);
    expect(params(out)).toBe(91);
    expect(out.formula).toBe('7 inputs × 13 output_dim = 91');
    expect(out.weights[0]!.name).toBe('embeddings');
  });
  it('Keras 2 input_length fills an unknown sequence dim', () => {
    expect(run('Embedding', { input_dim: 100, output_dim: 8, input_length: 12 }, [[null, null]], K2).outputShapes).toEqual([[null, 12, 8]]);
    // keras/layers/embeddings.py @2.2.4: a known input length must equal input_length.
    expect(() => run('Embedding', { input_dim: 100, output_dim: 8, input_length: 12 }, [[null, 10]], K2)).toThrow(/input_length/);
  });
  it('int8 embeddings: int8 table and one scale per row', () => {
    const out = run('Embedding', { input_dim: 10, output_dim: 4, dtype: 'int8_from_float32' }, [[null, 3]]);
    expect(out.weights.map((w) => [w.name, w.shape, w.dtype ?? 'float', w.trainable])).toEqual([
      ['embeddings', [10, 4], 'int8', false],
      ['embeddings_scale', [10], 'float', false],
    ]);
  });
});

describe('ReversibleEmbedding', () => {
  it('owns reverse_embeddings only when not tied', () => {
    expect(shapes(run('ReversibleEmbedding', { input_dim: 24, output_dim: 6, tie_weights: false }, [[null, 4]]))).toEqual([['embeddings', [24, 6]], ['reverse_embeddings', [6, 24]]]);
    expect(params(run('ReversibleEmbedding', { input_dim: 24, output_dim: 6 }, [[null, 4]]))).toBe(144);
  });
  it('a reverse=True call maps back to input_dim (zoo dz_reversible_embedding second call: (None, 4, 24))', () => {
    const out = evaluateLayer({ className: 'ReversibleEmbedding', name: 'rev_emb', config: { input_dim: 24, output_dim: 6, tie_weights: false }, inputShapes: [[null, 4, 6]], callArgs: { reverse: true }, kerasVersion: K3 });
    expect(out.outputShapes).toEqual([[null, 4, 24]]);
  });
});

describe('Lambda', () => {
  it('adds the batch dim to a stored output_shape (Keras 1 raw, corpus carnd: (None, 40, 80, 3))', () => {
    const out = run('Lambda', { output_shape: [40, 80, 3], output_shape_type: 'raw', function_type: 'lambda' }, [[null, 40, 80, 3]], K1);
    expect(out.outputShapes).toEqual([[null, 40, 80, 3]]);
    expect(out.shapeUnknown).toBeFalsy();
  });
  it('reads Keras 3 tuples, lists of shapes, and reports a function-valued output_shape as unknown', () => {
    expect(run('Lambda', { output_shape: [2] }, [[null, 4]]).outputShapes).toEqual([[null, 2]]);
    expect(run('Lambda', { output_shape: { class_name: '__tuple__', config: { value: [3, 5] } } }, [[null, 4]]).outputShapes).toEqual([[null, 3, 5]]);
    expect(run('Lambda', { output_shape: [[2], [3]] }, [[null, 4]]).outputShapes).toEqual([[null, 2], [null, 3]]);
    const fn = run('Lambda', { output_shape: { class_name: '__lambda__', config: { code: 'x' } } }, [[null, 4]]);
    expect(fn.shapeUnknown).toBe(true);
    expect(fn.outputShapes).toEqual([]);
    expect(fn.notes?.[0]).toMatch(/function/);
  });
  it('without output_shape: unknown, unless the file says Keras 1/2 ran on Theano (which took the input shape)', () => {
    // Keras 1.2 / 2.x Lambda.compute_output_shape traced the function on TensorFlow (and CNTK from
    // 2.1) and defaulted to the input shape only on Theano (keras/layers/core.py).
    for (const v of [K3, TFK, K1, { ...K1, backend: 'tensorflow' }, { ...K2, backend: 'tensorflow' }, { ...TFK, backend: 'theano' }]) {
      const out = run('Lambda', { output_shape: null }, [[null, 3]], v);
      expect(out.shapeUnknown, v.raw ?? '').toBe(true);
      expect(out.notes?.[0]).toMatch(/no output_shape stored/);
    }
    for (const v of [{ ...K1, backend: 'theano' }, { ...K2, backend: 'theano' }]) {
      const out = run('Lambda', { output_shape: null }, [[null, 46, 160, 3]], v);
      expect(out.outputShapes).toEqual([[null, 46, 160, 3]]);
      expect(out.notes?.[0]).toMatch(/Theano took the input shape/);
    }
  });
  it('refuses a stored output_shape with a size that cannot be one', () => {
    expect(() => run('Lambda', { output_shape: [-5], output_shape_type: 'raw' }, [[null, 3]], K1)).toThrow(/output_shape: \[-5\]: -5 is negative/);
  });
});

describe('weightless core layers', () => {
  for (const cls of ['Activation', 'Dropout', 'SpatialDropout2D', 'GaussianNoise', 'GaussianDropout', 'AlphaDropout', 'ActivityRegularization', 'Identity', 'Masking']) {
    it(`${cls} returns its input shape and owns nothing`, () => {
      const out = run(cls, { rate: 0.5 }, [[null, 5, 5, 3]]);
      expect(out.outputShapes).toEqual([[null, 5, 5, 3]]);
      expect(out.weights).toEqual([]);
    });
  }
});
