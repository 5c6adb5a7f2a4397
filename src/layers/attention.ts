// Family: attention. Attention (Luong), AdditiveAttention (Bahdanau); the projection-based layers
// MultiHeadAttention and GroupedQueryAttention are in attention-heads.ts.
// Keras 3: keras/src/layers/attention/attention.py, additive_attention.py;
// tf.keras: tf_keras/layers/attention/attention.py, additive_attention.py, base_dense_attention.py.
import type { Shape } from '../types.js';
import { RuleError, type LayerRule, type RuleInput, type RuleOutput } from './types.js';
import { bool, fmtCount, fmtShape, str, weight, weightCount } from './util.js';
import { rules as headRules, wantsScores } from './attention-heads.js';
import { positional } from './recurrent-cells.js';
import { kerasMajor } from './common.js';

/** [query, value, key?]: Keras takes them as one list input; key defaults to value. */
function qvk(inputShapes: Shape[], cls: string): [Shape, Shape, Shape] {
  const [q, v, k] = inputShapes;
  if (!q || !v) throw new RuleError(`${cls} needs [query, value] (and optionally key) inputs, got ${inputShapes.length}`);
  if (q.length < 2 || v.length < 2) throw new RuleError(`${cls} inputs must have rank ≥ 2: ${fmtShape(q)}, ${fmtShape(v)}`);
  return [q, v, k ?? v];
}

/** attention.py compute_output_spec: (…, Tq, value dim); with return_attention_scores the scores (…, Tq, Tv) follow. */
function attentionOutputs(input: RuleInput, q: Shape, v: Shape, k: Shape): Shape[] {
  const out: Shape = [...q.slice(0, -1), v[v.length - 1] ?? null];
  if (!wantsScores(input)) return [out];
  return [out, [...q.slice(0, -1), k[k.length - 2] ?? null]];
}

function weightsFormula(ws: ReturnType<typeof weight>[], what: string): string {
  return ws.length === 0 ? `no weights (${what}): 0` : `${ws.map((w) => w.name).join(' + ')} = ${fmtCount(weightCount(ws))}`;
}

/** Attention: a scalar `scale` when use_scale (default False), a scalar `concat_score_weight` when score_mode='concat'. */
function applyAttention(input: RuleInput): RuleOutput {
  const { config, className } = input;
  const [q, v, k] = qvk(positional(input, 'inputs'), className);
  const ws = [];
  if (bool(config, 'use_scale', false)) ws.push(weight('scale', [], 'one scalar multiplying the scores (use_scale=True)'));
  if (str(config, 'score_mode', 'dot') === 'concat') ws.push(weight('concat_score_weight', [], "one scalar for score_mode='concat'"));
  return { outputShapes: attentionOutputs(input, q, v, k), weights: ws, formula: weightsFormula(ws, "use_scale=False, score_mode='dot'") };
}

/**
 * AdditiveAttention: `scale` (dim,) when use_scale (default True). Keras 3 takes dim from the query,
 * tf.keras from the value; Keras requires them equal, so both give the same shape on a valid model.
 */
function applyAdditive(input: RuleInput): RuleOutput {
  const { config, className, kerasVersion } = input;
  const [q, v, k] = qvk(positional(input, 'inputs'), className);
  const k3 = kerasMajor(kerasVersion) >= 3;
  const from = k3 ? q : v;
  const dim = from[from.length - 1] ?? null;
  const ws = bool(config, 'use_scale', true) ? [weight('scale', [dim], `${dim ?? '?'} features (last dim of the ${k3 ? 'query' : 'value'})`)] : [];
  return { outputShapes: attentionOutputs(input, q, v, k), weights: ws, formula: weightsFormula(ws, 'use_scale=False') };
}

export const rules: LayerRule[] = [
  {
    classes: ['Attention'],
    family: 'attention',
    summary: "scale () if use_scale; concat_score_weight () if score_mode='concat'; output (…, Tq, value dim)",
    source: 'keras/src/layers/attention/attention.py',
    apply: applyAttention,
  },
  {
    classes: ['AdditiveAttention'],
    family: 'attention',
    summary: 'scale (dim,) if use_scale (default True); output (…, Tq, value dim)',
    source: 'keras/src/layers/attention/additive_attention.py',
    apply: applyAdditive,
  },
  ...headRules,
];
