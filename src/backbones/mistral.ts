// Mistral: keras_hub/src/models/mistral/mistral_backbone.py, mistral_transformer_decoder.py,
// mistral_attention.py, mistral_layer_norm.py. Llama's layout with an always untied output
// embedding (tie_weights=False) and head_dim from its argument, else hidden_dim // num_query_heads
// (CachedMistralAttention.build). sliding_window changes no weight.
import { headDimArg, llamaStyleBlocks } from './llama-decoder.js';
import type { Args, BackboneLayout, BackboneRule } from './types.js';

function mistral(args: Args): BackboneLayout {
  const blocks = llamaStyleBlocks(args, {
    decoderClass: 'MistralTransformerDecoder',
    normClass: 'MistralLayerNormalization',
    tied: false,
    headDim: headDimArg,
    qkvBias: false,
    qkNorm: false,
  });
  return { blocks, opaque: [] };
}

export const rules: BackboneRule[] = [
  {
    classes: ['MistralBackbone'],
    family: 'mistral',
    summary:
      "Llama's layout: token embedding (vocabulary, hidden) + reverse (hidden, vocabulary), always untied; head_dim from its argument or hidden // query_heads",
    source: 'keras_hub/src/models/mistral/mistral_backbone.py; mistral_transformer_decoder.py; mistral_attention.py',
    apply: mistral,
  },
];
