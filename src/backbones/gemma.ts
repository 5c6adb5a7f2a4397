// Gemma and Gemma 2: keras_hub/src/models/gemma/gemma_backbone.py, gemma_decoder_block.py,
// gemma_attention.py, rms_normalization.py. A tied token embedding (vocabulary, hidden), decoder
// blocks with grouped-query attention (num_query_heads query heads, num_key_value_heads key/value
// heads, each head_dim wide) and a gated feed-forward network whose two gating kernels are
// intermediate_dim // 2 wide (GemmaDecoderBlock halves it; Gemma 3 does not), a final RMS norm.
// Gemma 2 is the same class with use_post_attention_norm / use_post_ffw_norm.
import { block, einsum, flag, layerCount, layerList, perHead, reversible, scaleNorm, sequence, size, type Piece } from './parts.js';
import type { Args, BackboneLayout, BackboneRule, Block } from './types.js';

export interface GemmaBlockArgs {
  hidden: number;
  intermediate: number;
  queryHeads: number;
  kvHeads: number;
  headDim: number;
  /** Width of each gating kernel: intermediate_dim // 2 (Gemma, Gemma 2) or intermediate_dim (Gemma 3). */
  gate: [string, number];
  postAttentionNorm: boolean;
  postFfwNorm: boolean;
  /** Gemma 3's RMS norms over each query and key head (use_query_key_norm). */
  queryKeyNorm: boolean;
}

/** Gemma-family attention (CachedGemmaAttention, CachedGemma3Attention): EinsumDense kernels, no biases. */
function attention(store: string, a: GemmaBlockArgs): Piece[] {
  const hidden: [string, number] = ['hidden_dim', a.hidden];
  const head: [string, number] = ['head_dim', a.headDim];
  const q: [string, number] = ['num_query_heads', a.queryHeads];
  const kv: [string, number] = ['num_key_value_heads', a.kvHeads];
  const at = `${store}/attention`;
  const pieces = [
    einsum('query', 'attention/query', `${at}/query_dense`, [q, hidden, head]),
    einsum('key', 'attention/key', `${at}/key_dense`, [kv, hidden, head]),
    einsum('value', 'attention/value', `${at}/value_dense`, [kv, hidden, head]),
  ];
  if (a.queryKeyNorm) pieces.push(scaleNorm('query_norm', 'attention/query_norm', `${at}/query_norm`, head), scaleNorm('key_norm', 'attention/key_norm', `${at}/key_norm`, head));
  pieces.push(einsum('attention_output', 'attention/attention_output', `${at}/output_dense`, [q, head, hidden]));
  return pieces;
}

/** One GemmaDecoderBlock / Gemma3DecoderBlock, its variables in creation order. */
export function gemmaBlock(store: string, a: GemmaBlockArgs): Piece[] {
  const hidden: [string, number] = ['hidden_dim', a.hidden];
  const norm = (n: string): Piece => scaleNorm(n, n, `${store}/${n}`, hidden);
  return [
    norm('pre_attention_norm'),
    ...(a.postAttentionNorm ? [norm('post_attention_norm')] : []),
    ...attention(store, a),
    norm('pre_ffw_norm'),
    ...(a.postFfwNorm ? [norm('post_ffw_norm')] : []),
    einsum('ffw_gating', 'ffw_gating', `${store}/gating_ffw`, [hidden, a.gate]),
    einsum('ffw_gating_2', 'ffw_gating_2', `${store}/gating_ffw_2`, [hidden, a.gate]),
    einsum('ffw_linear', 'ffw_linear', `${store}/ffw_linear`, [a.gate, hidden]),
  ];
}

/** The arguments every Gemma generation shares. */
export function gemmaArgs(args: Args, gate: (intermediate: number) => [string, number], queryKeyNorm: boolean): { vocab: number; layers: number; block: GemmaBlockArgs } {
  const intermediate = size(args, 'intermediate_dim');
  return {
    vocab: size(args, 'vocabulary_size'),
    layers: layerCount(args),
    block: {
      hidden: size(args, 'hidden_dim'),
      intermediate,
      queryHeads: size(args, 'num_query_heads'),
      kvHeads: size(args, 'num_key_value_heads'),
      headDim: size(args, 'head_dim'),
      gate: gate(intermediate),
      postAttentionNorm: flag(args, 'use_post_attention_norm', false),
      postFfwNorm: flag(args, 'use_post_ffw_norm', false),
      queryKeyNorm,
    },
  };
}

/** token_embedding, decoder_block_0…, final_normalization; `blockClass` names the decoder's store element. */
export function gemmaBlocks(a: ReturnType<typeof gemmaArgs>, blockClass: string, next: (cls: string) => string): Block[] {
  const hidden: [string, number] = ['hidden_dim', a.block.hidden];
  const blocks: Block[] = [block('token_embedding', 'ReversibleEmbedding', sequence(a.block.hidden), [reversible('token', '', next('ReversibleEmbedding'), ['vocabulary_size', a.vocab], hidden, true)])];
  for (let i = 0; i < a.layers; i++) blocks.push(block(`decoder_block_${i}`, blockClass, sequence(a.block.hidden), gemmaBlock(next(blockClass), a.block)));
  blocks.push(block('final_normalization', 'RMSNormalization', sequence(a.block.hidden), [scaleNorm('norm', '', next('RMSNormalization'), hidden)]));
  return blocks;
}

function gemma(args: Args): BackboneLayout {
  // GemmaDecoderBlock: output_shape=(None, self.intermediate_dim // 2) for both gating kernels.
  const a = gemmaArgs(args, (n) => ['intermediate_dim // 2', perHead(n, 'intermediate_dim', 2, '2')], false);
  return { blocks: gemmaBlocks(a, 'GemmaDecoderBlock', layerList()), opaque: [] };
}

export const rules: BackboneRule[] = [
  {
    classes: ['GemmaBackbone'],
    family: 'gemma',
    summary:
      'token embedding (vocabulary, hidden) tied; decoder blocks: query (query_heads, hidden, head_dim), key and value (kv_heads, hidden, head_dim), output (query_heads, head_dim, hidden), gating ×2 (hidden, intermediate // 2), linear (intermediate // 2, hidden), RMS norms (hidden) pre-attention, pre-FFW and (Gemma 2) post-attention, post-FFW; final RMS norm',
    source: 'keras_hub/src/models/gemma/gemma_backbone.py; gemma_decoder_block.py; gemma_attention.py',
    apply: gemma,
  },
];
