// T5: keras_hub/src/models/t5/t5_backbone.py, t5_transformer_layer.py, t5_multi_head_attention.py,
// t5_layer_norm.py. One token embedding shared by encoder and decoder (tied unless
// tie_embedding_weights=False); num_layers encoder and num_layers decoder T5TransformerLayers; a
// T5LayerNorm after each stack. Attention projections are Dense layers without bias from hidden_dim
// to num_heads × key_value_dim (key_value_dim defaults to hidden_dim // num_heads) and back; the
// first layer of each stack owns the relative attention bias (32 buckets × num_heads); the
// feed-forward network is input_projector (+ gate_projector when use_gated_activation) and
// output_projector, all without bias. Encoder layers come before decoder layers in `model.layers`.
import { block, dense, flag, layerCount, layerList, optSize, own, perHead, reversible, scaleNorm, sequence, size, type Piece } from './parts.js';
import type { Args, BackboneLayout, BackboneRule, Block } from './types.js';

/** T5MultiHeadAttention.relative_attention_buckets. */
const BUCKETS = 32;

interface T5Sizes {
  hidden: [string, number];
  inner: [string, number];
  inter: [string, number];
  heads: [string, number];
  gated: boolean;
}

function attention(name: string, store: string, s: T5Sizes, relativeBias: boolean): Piece[] {
  const proj = (p: string, input: [string, number], output: [string, number]): Piece => dense(`${name}.${p}`, `${name}/${p}_projector`, `${store}/${p}_projector`, input, output, false);
  return [
    ...(relativeBias ? [own(`${name}.relative_attention_bias`, `${name}/embeddings`, store, 0, [['relative_attention_buckets', BUCKETS], s.heads])] : []),
    proj('query', s.hidden, s.inner),
    proj('key', s.hidden, s.inner),
    proj('value', s.hidden, s.inner),
    proj('output', s.inner, s.hidden),
  ];
}

function t5Layer(store: string, s: T5Sizes, decoder: boolean, first: boolean): Piece[] {
  const norm = (n: string): Piece => scaleNorm(n, n, `${store}/${n}`, s.hidden, 'weight');
  const ffn = (p: string, input: [string, number], output: [string, number]): Piece => dense(`${p}_projector`, `${p}_projector`, `${store}/${p}_projector`, input, output, false);
  return [
    ...attention('self_attention', `${store}/self_attention`, s, first),
    norm('self_attention_layer_norm'),
    ...(decoder ? [...attention('cross_attention', `${store}/cross_attention`, s, false), norm('cross_attention_layer_norm')] : []),
    ffn('input', s.hidden, s.inter),
    ...(s.gated ? [ffn('gate', s.hidden, s.inter)] : []),
    ffn('output', s.inter, s.hidden),
    norm('layer_norm'),
  ];
}

function t5(args: Args): BackboneLayout {
  const vocab = size(args, 'vocabulary_size');
  const layers = layerCount(args);
  const hidden = size(args, 'hidden_dim');
  const heads = size(args, 'num_heads');
  const kv = optSize(args, 'key_value_dim');
  const kvDim: [string, number] = kv !== null ? ['key_value_dim', kv] : ['hidden_dim // num_heads', perHead(hidden, 'hidden_dim', heads, 'num_heads')];
  const s: T5Sizes = {
    hidden: ['hidden_dim', hidden],
    inner: [`num_heads × ${kvDim[0]}`, heads * kvDim[1]],
    inter: ['intermediate_dim', size(args, 'intermediate_dim')],
    heads: ['num_heads', heads],
    gated: flag(args, 'use_gated_activation', true),
  };
  const next = layerList();
  const blocks: Block[] = [block('token_embedding', 'ReversibleEmbedding', sequence(hidden), [reversible('token', '', next('ReversibleEmbedding'), ['vocabulary_size', vocab], s.hidden, flag(args, 'tie_embedding_weights', true))])];
  const stack = (kind: 'encoder' | 'decoder'): void => {
    for (let i = 0; i < layers; i++) blocks.push(block(`transformer_${kind}_layer_${i}`, 'T5TransformerLayer', sequence(hidden), t5Layer(next('T5TransformerLayer'), s, kind === 'decoder', i === 0)));
  };
  stack('encoder');
  stack('decoder');
  // The two output norms come after their stacks in model.layers: encoder's first.
  const encoderNorm = next('T5LayerNorm');
  const decoderNorm = next('T5LayerNorm');
  const encoderEnd = blocks.length - layers;
  blocks.splice(encoderEnd, 0, block('encoder_output_layer_norm', 'T5LayerNorm', sequence(hidden), [scaleNorm('norm', '', encoderNorm, s.hidden, 'weight')]));
  blocks.push(block('decoder_output_layer_norm', 'T5LayerNorm', sequence(hidden), [scaleNorm('norm', '', decoderNorm, s.hidden, 'weight')]));
  return { blocks, opaque: [] };
}

export const rules: BackboneRule[] = [
  {
    classes: ['T5Backbone'],
    family: 't5',
    summary:
      'token embedding (vocabulary, hidden) tied unless tie_embedding_weights=False; encoder and decoder layers: Dense q/k/v (hidden, heads × key_value_dim) and output (heads × key_value_dim, hidden) without bias, relative attention bias (32, heads) in each stack\'s first layer, decoder cross-attention alike, FFN input (+ gate) (hidden, intermediate) and output (intermediate, hidden) without bias, T5LayerNorms (hidden); an output T5LayerNorm per stack',
    source: 'keras_hub/src/models/t5/t5_backbone.py; t5_transformer_layer.py; t5_multi_head_attention.py',
    apply: t5,
  },
];
