// MultiHeadAttention and GroupedQueryAttention: EinsumDense projections per head.
// Keras 3: keras/src/layers/attention/multi_head_attention.py (build, _make_output_dense,
// compute_output_shape), grouped_query_attention.py (build); tf.keras:
// tf_keras/layers/attention/multi_head_attention.py. Sublayers are named query, key, (gate,) value,
// attention_output; Keras 3's weights store keeps MHA's under the public properties query_dense…
// output_dense, and GroupedQueryAttention's under the private attributes _query_dense….
import type { Dim, Shape } from '../types.js';
import { RuleError, type Cfg, type ExpectedWeight, type LayerRule, type RuleInput, type RuleOutput } from './types.js';
import { bool, count, fmtCount, fmtShape, known, weight, weightCount, show } from './util.js';
import { kerasMajor } from './common.js';

interface Projection {
  weights: ExpectedWeight[];
  text: string;
}

/** An EinsumDense from `inDim` features to (heads, size), with bias (heads, size) when use_bias. */
function project(name: string, store: string, what: string, inDim: Dim, heads: number, size: number, sizeName: string, useBias: boolean): Projection {
  const d = known(inDim);
  const ws = [weight(`${name}/kernel`, [d, heads, size], `${d ?? '?'} ${what} features × ${heads} heads × ${sizeName}=${size}`, { store })];
  if (useBias) ws.push(weight(`${name}/bias`, [heads, size], `${heads} heads × ${sizeName}=${size}`, { store }));
  const n = d === null ? '?' : fmtCount(weightCount(ws));
  return { weights: ws, text: `${name} ${d ?? '?'}×${heads}×${size}${useBias ? ` + ${heads}×${size}` : ''} = ${n}` };
}

/** The output EinsumDense from (heads, size) back to `out` (the query's features unless output_shape). */
function projectOut(store: string, heads: number, size: number, sizeName: string, out: number[], useBias: boolean): Projection {
  const o = out.join('×');
  const ws = [weight('attention_output/kernel', [heads, size, ...out], `${heads} heads × ${sizeName}=${size} × ${o} output features`, { store })];
  if (useBias) ws.push(weight('attention_output/bias', out, `${o} output features`, { store }));
  return { weights: ws, text: `attention_output ${heads}×${size}×${o}${useBias ? ` + ${o}` : ''} = ${fmtCount(weightCount(ws))}` };
}

function total(parts: Projection[]): RuleOutput['formula'] {
  const ws = parts.flatMap((p) => p.weights);
  const unknown = ws.some((w) => w.shape === null);
  return `${parts.map((p) => p.text).join('; ')}; total ${unknown ? '?' : fmtCount(weightCount(ws))}`;
}

/** query, value and key shapes, whether passed positionally (query, value, key) or as keywords. */
function qvk({ inputShapes, kwargShapes, className }: RuleInput): [Shape, Shape, Shape] {
  const q = inputShapes[0] ?? kwargShapes['query']?.[0];
  const v = inputShapes[1] ?? kwargShapes['value']?.[0];
  const k = inputShapes[2] ?? kwargShapes['key']?.[0] ?? v;
  if (!q || !v || !k) throw new RuleError(`${className} needs query and value inputs`);
  for (const s of [q, v, k]) if (s.length < 3) throw new RuleError(`${className} inputs must be (batch, …, features), got ${fmtShape(s)}`);
  if (!agree(v.slice(1, -1), k.slice(1, -1))) throw new RuleError(`value ${fmtShape(v)} and key ${fmtShape(k)} must agree except in the last dim`);
  return [q, v, k];
}

/** Same rank and no two known dims that differ (an unknown dim agrees with anything). */
function agree(a: Shape, b: Shape): boolean {
  return a.length === b.length && a.every((d, i) => d === null || b[i] === null || d === b[i]);
}

/**
 * `return_attention_scores`: a call argument (Keras 3, tf.keras ≥ 2.4: node kwargs, RuleInput.callArgs);
 * also read from the config, where a few tf.keras versions kept it as a constructor argument.
 */
export function wantsScores({ config, callArgs }: RuleInput): boolean {
  return callArgs?.['return_attention_scores'] === true || bool(config, 'return_attention_scores', false);
}

const last = (s: Shape): Dim => s[s.length - 1] ?? null;

/** output_shape: None → the query's last dim; an int or a tuple otherwise (MultiHeadAttention.__init__). */
function outputDims(config: Cfg, q: Shape): number[] | null {
  const o = config['output_shape'];
  if (typeof o === 'number') return [o];
  if (Array.isArray(o) && o.length > 0) {
    if (o.some((x) => typeof x !== 'number' || !Number.isInteger(x) || x <= 0)) throw new RuleError(`output_shape is not whole numbers: ${show(o)}`);
    return o as number[];
  }
  const d = last(q);
  return d === null ? null : [d];
}

/**
 * MHA attention scores. Keras 3's symbolic spec (multi_head_attention.py compute_output_spec) says
 * (batch, heads, Tq, Tq), the query length twice, and that is the shape its files record. tf.keras
 * computes the real one (_build_attention_equation): the batch and non-attended dims, heads, then
 * the query's and the key's attended dims; attention_axes default to every axis between batch and
 * features.
 */
function mhaScores({ config, kerasVersion }: RuleInput, q: Shape, k: Shape, heads: number): Shape {
  if (kerasMajor(kerasVersion) >= 3) return [q[0] ?? null, heads, q[1] ?? null, q[1] ?? null];
  const rank = q.length + 1; // projected: (batch, …, heads, size)
  const given = config['attention_axes'];
  const axesIn = typeof given === 'number' ? [given] : Array.isArray(given) ? (given as number[]) : null;
  const attn = axesIn ? axesIn.map((a) => (a >= 0 ? a : rank - 1 + a)) : Array.from({ length: rank - 3 }, (_, i) => i + 1);
  const pq: Shape = [...q.slice(0, -1), heads];
  const pk: Shape = [...k.slice(0, -1), heads];
  const batchDims = Array.from({ length: rank - 1 }, (_, i) => i).filter((i) => !attn.includes(i));
  return [...batchDims.map((i) => pq[i] ?? null), ...attn.map((i) => pq[i] ?? null), ...attn.map((i) => pk[i] ?? null)];
}

function applyMha(input: RuleInput): RuleOutput {
  const { config } = input;
  const [q, v, k] = qvk(input);
  const heads = count(config, 'num_heads');
  const keyDim = count(config, 'key_dim');
  const valueDim = config['value_dim'] ? count(config, 'value_dim') : keyDim;
  const useBias = bool(config, 'use_bias', true);
  const out = outputDims(config, q);
  const parts = [project('query', 'query_dense', 'query', last(q), heads, keyDim, 'key_dim', useBias), project('key', 'key_dense', 'key', last(k), heads, keyDim, 'key_dim', useBias)];
  // use_gate (Keras ≥ 3.14, "Add optional Gated Attention"): a sigmoid gate projected from the query, created between key and value.
  if (bool(config, 'use_gate', false)) parts.push(project('gate', '_gate_dense', 'query', last(q), heads, valueDim, 'value_dim', useBias));
  parts.push(project('value', 'value_dense', 'value', last(v), heads, valueDim, 'value_dim', useBias));
  const outProj = out ? projectOut('output_dense', heads, valueDim, 'value_dim', out, useBias) : { weights: [weight('attention_output/kernel', [heads, valueDim, null], 'query features unknown', { store: 'output_dense' })], text: 'attention_output ?' };
  parts.push(outProj);
  const outputShapes: Shape[] = [[...q.slice(0, -1), ...(out ?? [null])]];
  if (wantsScores(input)) outputShapes.push(mhaScores(input, q, k, heads));
  return { outputShapes, weights: parts.flatMap((p) => p.weights), formula: total(parts) };
}

function applyGqa(input: RuleInput): RuleOutput {
  const { config } = input;
  const [q, v, k] = qvk(input);
  const headDim = count(config, 'head_dim');
  const qHeads = count(config, 'num_query_heads');
  const kvHeads = count(config, 'num_key_value_heads');
  if (kvHeads === 0 || qHeads % kvHeads !== 0) throw new RuleError(`num_query_heads=${qHeads} must be a multiple of num_key_value_heads=${kvHeads}`);
  if (last(q) !== null && last(v) !== null && last(q) !== last(v)) throw new RuleError(`query and value must have the same last dim: ${fmtShape(q)}, ${fmtShape(v)}`);
  const useBias = bool(config, 'use_bias', true);
  const parts = [project('query', '_query_dense', 'query', last(q), qHeads, headDim, 'head_dim', useBias), project('key', '_key_dense', 'key', last(k), kvHeads, headDim, 'head_dim', useBias)];
  if (bool(config, 'use_gate', false)) parts.push(project('gate', '_gate_dense', 'query', last(q), qHeads, headDim, 'head_dim', useBias));
  parts.push(project('value', '_value_dense', 'value', last(v), kvHeads, headDim, 'head_dim', useBias));
  const dq = known(last(q));
  parts.push(dq === null ? { weights: [weight('attention_output/kernel', [qHeads, headDim, null], 'query features unknown', { store: '_output_dense' })], text: 'attention_output ?' } : projectOut('_output_dense', qHeads, headDim, 'head_dim', [dq], useBias));
  // grouped_query_attention.py compute_output_spec: scores (batch, query heads, Tq, Tkv).
  const outputShapes: Shape[] = wantsScores(input) ? [q, [q[0] ?? null, qHeads, q[1] ?? null, k[1] ?? null]] : [q];
  return { outputShapes, weights: parts.flatMap((p) => p.weights), formula: total(parts) };
}

export const rules: LayerRule[] = [
  {
    classes: ['MultiHeadAttention'],
    family: 'attention',
    summary: 'query (Dq, H, K), key (Dk, H, K), value (Dv, H, V) with biases (H, ·); attention_output (H, V, O) + (O)',
    source: 'keras/src/layers/attention/multi_head_attention.py',
    apply: applyMha,
  },
  {
    classes: ['GroupQueryAttention', 'GroupedQueryAttention'],
    family: 'attention',
    summary: 'query (D, Hq, h), key and value (D, Hkv, h) with biases; attention_output (Hq, h, D) + (D)',
    source: 'keras/src/layers/attention/grouped_query_attention.py',
    apply: applyGqa,
  },
];


