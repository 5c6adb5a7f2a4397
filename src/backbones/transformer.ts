// KerasHub's shared transformer layers, used by several backbones (BERT, DistilBERT, RoBERTa,
// GPT-2…): keras_hub/src/layers/modeling/transformer_encoder.py and transformer_decoder.py. Both
// build a Keras MultiHeadAttention with key_dim = hidden_dim // num_heads and biases, two
// LayerNormalizations and a two-Dense feed-forward network with biases.
import { dense, layerNorm, multiHeadAttention, perHead, type Piece } from './parts.js';

export interface TransformerSizes {
  hidden: number;
  heads: number;
  intermediate: number;
}

/** Per-head size both layers compute in `build`: `int(hidden_dim // num_heads)`, 0 refused. */
function keyDim(s: TransformerSizes): [string, number] {
  return ['hidden_dim // num_heads', perHead(s.hidden, 'hidden_dim', s.heads, 'num_heads')];
}

function feedForward(store: string, s: TransformerSizes): Piece[] {
  return [
    dense('feedforward_intermediate_dense', 'feedforward_intermediate_dense', `${store}/_feedforward_intermediate_dense`, ['hidden_dim', s.hidden], ['intermediate_dim', s.intermediate], true),
    dense('feedforward_output_dense', 'feedforward_output_dense', `${store}/_feedforward_output_dense`, ['intermediate_dim', s.intermediate], ['hidden_dim', s.hidden], true),
  ];
}

/**
 * TransformerEncoder: `_self_attention_layer` (MHA named self_attention_layer), its LayerNorm, the
 * feed-forward LayerNorm, then the two Dense layers — in the order `layer.weights` lists them.
 */
export function transformerEncoder(store: string, s: TransformerSizes): Piece[] {
  const hidden: [string, number] = ['hidden_dim', s.hidden];
  return [
    ...multiHeadAttention('self_attention_layer', `${store}/_self_attention_layer`, hidden, ['num_heads', s.heads], keyDim(s), true),
    layerNorm('self_attention_layer_norm', 'self_attention_layer_norm', `${store}/_self_attention_layer_norm`, hidden),
    layerNorm('feedforward_layer_norm', 'feedforward_layer_norm', `${store}/_feedforward_layer_norm`, hidden),
    ...feedForward(store, s),
  ];
}

/**
 * TransformerDecoder without cross-attention (decoder-only use, as GPT-2): `_self_attention_layer`
 * (a CachedMultiHeadAttention named self_attention), its LayerNorm, the feed-forward network, then
 * the feed-forward LayerNorm.
 */
export function transformerDecoder(store: string, s: TransformerSizes): Piece[] {
  const hidden: [string, number] = ['hidden_dim', s.hidden];
  return [
    ...multiHeadAttention('self_attention', `${store}/_self_attention_layer`, hidden, ['num_heads', s.heads], keyDim(s), true),
    layerNorm('self_attention_layer_norm', 'self_attention_layer_norm', `${store}/_self_attention_layer_norm`, hidden),
    ...feedForward(store, s),
    layerNorm('feedforward_layer_norm', 'feedforward_layer_norm', `${store}/_feedforward_layer_norm`, hidden),
  ];
}
