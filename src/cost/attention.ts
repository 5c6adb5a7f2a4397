// Attention layers, with the query length Tq and the key/value length Tv of the call.
// Keras 3 keras/src/layers/attention/{attention,additive_attention,multi_head_attention,
// grouped_query_attention}.py.
import { CostUnknown, type CostInput, type CostRule, type Sizes } from './types.js';
import { add, cost, flag, input, weight } from './util.js';

/** Softmax over n elements: max, subtract, exp, sum, divide — 5 ops each. */
const SOFTMAX = 5;

function seq(s: Sizes, what: string): { t: number; d: number } {
  if (s.length !== 3) throw new CostUnknown(`a ${what} of rank ${s.length} is not one the cost reads (attention over several axes)`);
  return { t: s[1]!, d: s[2]! };
}

/** Attention / AdditiveAttention: inputs [query, value] or [query, value, key]. */
function qv(i: CostInput): { tq: number; tv: number; d: number } {
  const q = seq(input(i, 0), 'query');
  const v = seq(input(i, 1), 'value');
  return { tq: q.t, tv: v.t, d: q.d };
}

const dotAttention: CostRule = {
  classes: ['Attention'],
  family: 'attention',
  summary: 'MACs: Tq × Tv × dim (scores) + Tq × Tv × dim (weighted values); ops: softmax, scale; score_mode concat: add, tanh, sum per Tq × Tv × dim',
  cost(i) {
    const { tq, tv, d } = qv(i);
    const scores = tq * tv;
    const scale = flag(i.config, 'use_scale', false) ? scores : 0;
    if (i.config['score_mode'] === 'concat') return cost(scores * d, 3 * scores * d + scale + SOFTMAX * scores);
    return cost(2 * scores * d, scale + SOFTMAX * scores);
  },
};

const additiveAttention: CostRule = {
  classes: ['AdditiveAttention'],
  family: 'attention',
  summary: 'MACs: Tq × Tv × dim (weighted values); ops: add, tanh, scale, sum per Tq × Tv × dim, softmax',
  cost(i) {
    const { tq, tv, d } = qv(i);
    const scores = tq * tv;
    const scaled = flag(i.config, 'use_scale', true) ? 1 : 0;
    return cost(scores * d, (3 + scaled) * scores * d + SOFTMAX * scores);
  },
};

/**
 * MultiHeadAttention and GroupQueryAttention from the projection kernels the layer rule expects:
 * query (Dq, Hq, K), key (Dk, Hkv, K), value (Dv, Hkv, V), attention_output (Hq, V, …O).
 * Projections, scores Hq × Tq × Tv × K, the weighted values Hq × Tq × Tv × V, the output
 * projection; biases, the 1/√K query scale and the softmax as ops. The key's length is the value's.
 */
function heads(i: CostInput) {
  const q = seq(input(i, 0), 'query');
  const v = seq(input(i, 1), 'value');
  const [dq, hq, k] = weight(i, 'query/kernel');
  const [dk, hkv] = weight(i, 'key/kernel');
  const [dv, , vd] = weight(i, 'value/kernel');
  const outKernel = weight(i, 'attention_output/kernel');
  const o = outKernel.slice(2).reduce((a, b) => a * b, 1);
  if ([dq, hq, k, dk, hkv, dv, vd].some((x) => x === undefined)) throw new CostUnknown('projection kernels of an unexpected rank');
  const macs = q.t * dq! * hq! * k! + v.t * dk! * hkv! * k! + v.t * dv! * hkv! * vd! + hq! * q.t * v.t * (k! + vd!) + q.t * hq! * vd! * o;
  const bias = (name: string, n: number) => (i.weights.has(name) ? n : 0);
  const biases = bias('query/bias', q.t * hq! * k!) + bias('key/bias', v.t * hkv! * k!) + bias('value/bias', v.t * hkv! * vd!) + bias('attention_output/bias', q.t * o);
  const gate = i.weights.has('gate/kernel') ? cost(q.t * dq! * hq! * vd!, 5 * q.t * hq! * vd!) : cost(0);
  return add(cost(macs, biases + q.t * hq! * k! + SOFTMAX * hq! * q.t * v.t), gate);
}

const multiHead: CostRule = {
  classes: ['MultiHeadAttention', 'GroupQueryAttention', 'GroupedQueryAttention'],
  family: 'attention',
  summary: 'MACs: query, key, value and output projections + heads × Tq × Tv × (key_dim + value_dim); ops: biases, query scale, softmax',
  cost: heads,
};

export const rules: CostRule[] = [dotAttention, additiveAttention, multiHead];
