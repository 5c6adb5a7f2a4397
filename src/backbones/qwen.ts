// Qwen (Qwen 2, Qwen 2.5): keras_hub/src/models/qwen/qwen_backbone.py, qwen_decoder.py,
// qwen_attention.py, qwen_layernorm.py. Llama's layout with biases on the query, key and value
// projections (bias_axes "uh" / "vh"), head_dim = hidden_dim // num_query_heads, the output
// embedding tied unless tie_word_embeddings=False.
import { llamaStyleBlocks } from './llama-decoder.js';
import { flag, perHead } from './parts.js';
import type { Args, BackboneLayout, BackboneRule } from './types.js';

function qwen(args: Args): BackboneLayout {
  const blocks = llamaStyleBlocks(args, {
    decoderClass: 'QwenTransformerDecoder',
    normClass: 'QwenLayerNorm',
    tied: flag(args, 'tie_word_embeddings', true),
    headDim: (_, hidden, q) => ['hidden_dim // num_query_heads', perHead(hidden, 'hidden_dim', q, 'num_query_heads')],
    qkvBias: true,
    qkNorm: false,
  });
  return { blocks, opaque: [] };
}

export const rules: BackboneRule[] = [
  {
    classes: ['QwenBackbone'],
    family: 'qwen',
    summary:
      "Llama's layout with query, key and value biases (heads, head_dim); token embedding tied unless tie_word_embeddings=False",
    source: 'keras_hub/src/models/qwen/qwen_backbone.py; qwen_decoder.py; qwen_attention.py',
    apply: qwen,
  },
];
