// Falcon: keras_hub/src/models/falcon/falcon_backbone.py, falcon_transformer_decoder.py,
// falcon_attention.py. A tied token embedding (ReversibleEmbedding's default); decoder layers with
// LayerNorm input_layernorm, `attention_layer` (EinsumDense query_dense / key_dense / value_dense
// (hidden, heads, hidden // heads) with bias (heads, head), Dense output_dense (hidden, hidden) with
// bias), LayerNorm post_attention_layernorm, Dense dense_h_to_4h and dense_4h_to_h with biases; a
// final LayerNorm.
import { block, dense, einsum, layerCount, layerList, layerNorm, perHead, reversible, sequence, size, type Piece } from './parts.js';
import type { Args, BackboneLayout, BackboneRule, Block } from './types.js';

function decoder(store: string, hidden: [string, number], inter: [string, number], heads: [string, number]): Piece[] {
  const head: [string, number] = ['hidden_dim // num_attention_heads', perHead(hidden[1], 'hidden_dim', heads[1], 'num_attention_heads')];
  const at = `${store}/attention_layer`;
  const proj = (label: string): Piece => einsum(label, `attention/${label}_dense`, `${at}/${label}_dense`, [hidden, heads, head], [heads, head]);
  return [
    layerNorm('input_layernorm', 'input_layernorm', `${store}/input_layernorm`, hidden),
    proj('query'),
    proj('key'),
    proj('value'),
    dense('output', 'attention/output_dense', `${at}/output_dense`, hidden, hidden, true),
    layerNorm('post_attention_layernorm', 'post_attention_layernorm', `${store}/post_attention_layernorm`, hidden),
    dense('dense_h_to_4h', 'dense_h_to_4h', `${store}/dense_h_to_4h`, hidden, inter, true),
    dense('dense_4h_to_h', 'dense_4h_to_h', `${store}/dense_4h_to_h`, inter, hidden, true),
  ];
}

function falcon(args: Args): BackboneLayout {
  const vocab = size(args, 'vocabulary_size');
  const layers = layerCount(args);
  const hidden: [string, number] = ['hidden_dim', size(args, 'hidden_dim')];
  const inter: [string, number] = ['intermediate_dim', size(args, 'intermediate_dim')];
  const heads: [string, number] = ['num_attention_heads', size(args, 'num_attention_heads')];
  const next = layerList();
  const blocks: Block[] = [block('token_embedding', 'ReversibleEmbedding', sequence(hidden[1]), [reversible('token', '', next('ReversibleEmbedding'), ['vocabulary_size', vocab], hidden, true)])];
  for (let i = 0; i < layers; i++) blocks.push(block(`transformer_layer_${i}`, 'FalconTransformerDecoder', sequence(hidden[1]), decoder(next('FalconTransformerDecoder'), hidden, inter, heads)));
  blocks.push(block('final_layernorm', 'LayerNormalization', sequence(hidden[1]), [layerNorm('norm', '', next('LayerNormalization'), hidden)]));
  return { blocks, opaque: [] };
}

export const rules: BackboneRule[] = [
  {
    classes: ['FalconBackbone'],
    family: 'falcon',
    summary:
      'token embedding (vocabulary, hidden) tied; decoder layers: LayerNorm, query/key/value (hidden, heads, hidden // heads) with biases, output Dense (hidden, hidden) with bias, LayerNorm, Dense hidden→intermediate→hidden with biases; final LayerNorm',
    source: 'keras_hub/src/models/falcon/falcon_backbone.py; falcon_transformer_decoder.py; falcon_attention.py',
    apply: falcon,
  },
];
