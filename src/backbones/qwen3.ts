// Qwen 3: keras_hub/src/models/qwen3/qwen3_backbone.py, qwen3_decoder.py, qwen3_attention.py,
// qwen3_layernorm.py. Llama's layout with head_dim from its argument (else hidden_dim //
// num_query_heads, Qwen3Attention.build), RMS norms over each query and key head
// (`_query_dense_layer_norm`, `_key_dense_layer_norm`, Qwen3LayerNorm(head_dim)), no biases, the
// output embedding tied unless tie_word_embeddings=False.
import { headDimArg, llamaStyleBlocks } from './llama-decoder.js';
import { flag } from './parts.js';
import type { Args, BackboneLayout, BackboneRule } from './types.js';

function qwen3(args: Args): BackboneLayout {
  const blocks = llamaStyleBlocks(args, {
    decoderClass: 'Qwen3TransformerDecoder',
    normClass: 'Qwen3LayerNorm',
    tied: flag(args, 'tie_word_embeddings', true),
    headDim: headDimArg,
    qkvBias: false,
    qkNorm: true,
  });
  return { blocks, opaque: [] };
}

export const rules: BackboneRule[] = [
  {
    classes: ['Qwen3Backbone'],
    family: 'qwen3',
    summary: "Llama's layout with head_dim from its argument and query and key RMS norms (head_dim); token embedding tied unless tie_word_embeddings=False",
    source: 'keras_hub/src/models/qwen3/qwen3_backbone.py; qwen3_decoder.py; qwen3_attention.py',
    apply: qwen3,
  },
];
