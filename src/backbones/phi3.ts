// Phi-3: keras_hub/src/models/phi3/phi3_backbone.py, phi3_decoder.py, phi3_attention.py,
// phi3_layernorm.py. An untied token embedding; decoder layers with public attributes
// (`pre_attention_layernorm`, `attention` with EinsumDense query_dense / key_dense / value_dense /
// output_dense without biases, head_dim = hidden_dim // num_query_heads, `post_attention_layernorm`,
// Dense feedforward_intermediate_dense, feedforward_gate_dense, feedforward_output_dense without
// bias); a final RMS norm. The rope scaling arguments change no weight.
import { block, dense, einsum, layerCount, layerList, perHead, reversible, scaleNorm, sequence, size, type Piece } from './parts.js';
import type { Args, BackboneLayout, BackboneRule, Block } from './types.js';

function decoder(store: string, hidden: [string, number], inter: [string, number], q: [string, number], kv: [string, number], head: [string, number]): Piece[] {
  const at = `${store}/attention`;
  const ffn = (label: string, input: [string, number], output: [string, number]): Piece => dense(label, `feedforward_${label}_dense`, `${store}/feedforward_${label}_dense`, input, output, false);
  return [
    scaleNorm('pre_attention_layernorm', 'pre_attention_layernorm', `${store}/pre_attention_layernorm`, hidden),
    einsum('query', 'attention/query', `${at}/query_dense`, [hidden, q, head]),
    einsum('key', 'attention/key', `${at}/key_dense`, [hidden, kv, head]),
    einsum('value', 'attention/value', `${at}/value_dense`, [hidden, kv, head]),
    einsum('attention_output', 'attention/attention_output', `${at}/output_dense`, [q, head, hidden]),
    scaleNorm('post_attention_layernorm', 'post_attention_layernorm', `${store}/post_attention_layernorm`, hidden),
    ffn('intermediate', hidden, inter),
    ffn('gate', hidden, inter),
    ffn('output', inter, hidden),
  ];
}

function phi3(args: Args): BackboneLayout {
  const vocab = size(args, 'vocabulary_size');
  const layers = layerCount(args);
  const hidden: [string, number] = ['hidden_dim', size(args, 'hidden_dim')];
  const inter: [string, number] = ['intermediate_dim', size(args, 'intermediate_dim')];
  const q: [string, number] = ['num_query_heads', size(args, 'num_query_heads')];
  const kv: [string, number] = ['num_key_value_heads', size(args, 'num_key_value_heads')];
  const head: [string, number] = ['hidden_dim // num_query_heads', perHead(hidden[1], 'hidden_dim', q[1], 'num_query_heads')];
  const next = layerList();
  const blocks: Block[] = [block('token_embedding', 'ReversibleEmbedding', sequence(hidden[1]), [reversible('token', '', next('ReversibleEmbedding'), ['vocabulary_size', vocab], hidden, false)])];
  for (let i = 0; i < layers; i++) blocks.push(block(`transformer_layer_${i}`, 'Phi3Decoder', sequence(hidden[1]), decoder(next('Phi3Decoder'), hidden, inter, q, kv, head)));
  blocks.push(block('sequence_output_layernorm', 'Phi3LayerNorm', sequence(hidden[1]), [scaleNorm('norm', '', next('Phi3LayerNorm'), hidden)]));
  return { blocks, opaque: [] };
}

export const rules: BackboneRule[] = [
  {
    classes: ['Phi3Backbone'],
    family: 'phi3',
    summary:
      "token embedding (vocabulary, hidden) + reverse (hidden, vocabulary), untied; decoder layers: Llama's attention and gated FFN shapes under public attributes, RMS norms pre- and post-attention; final RMS norm",
    source: 'keras_hub/src/models/phi3/phi3_backbone.py; phi3_decoder.py; phi3_attention.py',
    apply: phi3,
  },
];
