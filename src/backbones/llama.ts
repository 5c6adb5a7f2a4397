// Llama, Llama 3: keras_hub/src/models/llama/llama_backbone.py, llama_decoder.py,
// llama_attention.py, llama_layernorm.py; keras_hub/src/models/llama3/llama3_backbone.py
// (Llama3Backbone subclasses LlamaBackbone, same layers). head_dim = hidden_dim // num_query_heads
// (LlamaAttention.build); the output embedding is untied unless tie_word_embeddings.
import { llamaStyleBlocks } from './llama-decoder.js';
import { flag, perHead } from './parts.js';
import type { Args, BackboneLayout, BackboneRule } from './types.js';

function llama(args: Args): BackboneLayout {
  const blocks = llamaStyleBlocks(args, {
    decoderClass: 'LlamaTransformerDecoder',
    normClass: 'LlamaLayerNorm',
    tied: flag(args, 'tie_word_embeddings', false),
    headDim: (_, hidden, q) => ['hidden_dim // num_query_heads', perHead(hidden, 'hidden_dim', q, 'num_query_heads')],
    qkvBias: false,
    qkNorm: false,
  });
  if (!('tie_word_embeddings' in args)) {
    // Checked with keras-hub at KERAS_HUB_COMMIT: a tied LlamaBackbone saved to a preset reloads
    // untied and from_preset fails ("Layer 'token_embedding' expected 2 variables").
    const reverse = blocks[0]!.tensors.find((t) => t.name === 'reverse_embeddings');
    if (reverse) reverse.note = "LlamaBackbone.get_config() in keras-hub 0.32 does not save tie_word_embeddings: a backbone saved with tied embeddings reloads untied, and keras-hub's from_preset refuses its weights too";
  }
  return { blocks, opaque: [] };
}

export const rules: BackboneRule[] = [
  {
    classes: ['LlamaBackbone', 'Llama3Backbone'],
    family: 'llama',
    summary:
      'token embedding (vocabulary, hidden) + reverse (hidden, vocabulary) unless tie_word_embeddings; decoder layers: query (hidden, query_heads, hidden // query_heads), key and value (hidden, kv_heads, same), output (query_heads, same, hidden), no biases; gated FFN: intermediate and gate (hidden, intermediate), output (intermediate, hidden); RMS norms (hidden) ×2; final RMS norm',
    source: 'keras_hub/src/models/llama/llama_backbone.py; llama_decoder.py; llama_attention.py; keras_hub/src/models/llama3/llama3_backbone.py',
    apply: llama,
  },
];
