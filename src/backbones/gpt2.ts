// GPT-2: keras_hub/src/models/gpt2/gpt2_backbone.py — a tied token embedding, a learned position
// embedding, KerasHub TransformerDecoder layers (normalize_first, no cross-attention), a final
// LayerNormalization.
import { block, layerCount, layerList, layerNorm, reversible, sequence, size, table } from './parts.js';
import { transformerDecoder } from './transformer.js';
import type { Args, BackboneLayout, BackboneRule, Block } from './types.js';

function gpt2(args: Args): BackboneLayout {
  const vocab = size(args, 'vocabulary_size');
  const layers = layerCount(args);
  const heads = size(args, 'num_heads');
  const hidden = size(args, 'hidden_dim');
  const intermediate = size(args, 'intermediate_dim');
  const maxLength = size(args, 'max_sequence_length', 1024);
  const next = layerList();
  const h: [string, number] = ['hidden_dim', hidden];
  const blocks: Block[] = [
    block('token_embedding', 'ReversibleEmbedding', sequence(hidden), [reversible('token', '', next('ReversibleEmbedding'), ['vocabulary_size', vocab], h, true)]),
    block('position_embedding', 'PositionEmbedding', sequence(hidden), [table('position', '', next('PositionEmbedding'), ['max_sequence_length', maxLength], h)]),
  ];
  for (let i = 0; i < layers; i++) {
    blocks.push(block(`transformer_layer_${i}`, 'TransformerDecoder', sequence(hidden), transformerDecoder(next('TransformerDecoder'), { hidden, heads, intermediate })));
  }
  blocks.push(block('layer_norm', 'LayerNormalization', sequence(hidden), [layerNorm('norm', '', next('LayerNormalization'), h)]));
  return { blocks, opaque: [] };
}

export const rules: BackboneRule[] = [
  {
    classes: ['GPT2Backbone'],
    family: 'gpt2',
    summary:
      'token (vocabulary, hidden) tied + position (max_sequence_length, hidden) embeddings; transformer layers: MultiHeadAttention q/k/v/o (hidden, heads, hidden // heads) with biases, 2 LayerNorms, Dense hidden→intermediate→hidden with biases; final LayerNorm',
    source: 'keras_hub/src/models/gpt2/gpt2_backbone.py; keras_hub/src/layers/modeling/transformer_decoder.py',
    apply: gpt2,
  },
];
