// The Llama-style decoder layer. Llama, Mistral, Qwen (Qwen2) and Qwen3 each have their own copy
// of the class in keras-hub (llama/llama_decoder.py + llama_attention.py, mistral/
// mistral_transformer_decoder.py + mistral_attention.py, qwen/qwen_decoder.py + qwen_attention.py,
// qwen3/qwen3_decoder.py + qwen3_attention.py), all with the same attributes: `_self_attention_layer`
// holding EinsumDense `_query_dense` (hidden, query_heads, head_dim), `_key_dense` and `_value_dense`
// (hidden, kv_heads, head_dim), `_output_dense` (query_heads, head_dim, hidden); an RMS-style
// `_self_attention_layernorm`; a gated feed-forward network of three Dense layers without bias
// (`_feedforward_intermediate_dense`, `_feedforward_gate_dense` hidden→intermediate,
// `_feedforward_output_dense` intermediate→hidden); `_feedforward_layernorm`. What differs per
// family: Qwen's query/key/value biases, Qwen3's per-head query and key norms, where head_dim comes from.
import { block, dense, einsum, layerCount, layerList, optSize, perHead, reversible, scaleNorm, sequence, size, type Piece } from './parts.js';
import type { Args, Block } from './types.js';

export interface LlamaStyle {
  hidden: number;
  intermediate: number;
  queryHeads: number;
  kvHeads: number;
  /** The per-head size and where it comes from (`hidden_dim // num_query_heads`, `head_dim`). */
  headDim: [string, number];
  /** Qwen: query, key and value EinsumDense with bias over their heads (bias_axes "uh" / "vh"). */
  qkvBias: boolean;
  /** Qwen3: RMS norms (head_dim) after the query and key projections. */
  qkNorm: boolean;
}

function attention(store: string, a: LlamaStyle): Piece[] {
  const hidden: [string, number] = ['hidden_dim', a.hidden];
  const q: [string, number] = ['num_query_heads', a.queryHeads];
  const kv: [string, number] = ['num_key_value_heads', a.kvHeads];
  const at = `${store}/_self_attention_layer`;
  const proj = (label: string, heads: [string, number]): Piece =>
    einsum(label, `self_attention/${label}`, `${at}/_${label}_dense`, [hidden, heads, a.headDim], a.qkvBias ? [heads, a.headDim] : undefined);
  const norm = (of: string): Piece[] => (a.qkNorm ? [scaleNorm(`${of}_norm`, `self_attention/${of}_dense_layernorm`, `${at}/_${of}_dense_layer_norm`, a.headDim)] : []);
  return [
    proj('query', q),
    ...norm('query'),
    proj('key', kv),
    ...norm('key'),
    proj('value', kv),
    einsum('attention_output', 'self_attention/attention_output', `${at}/_output_dense`, [q, a.headDim, hidden]),
  ];
}

/** One decoder layer's variables, in the order `layer.weights` lists them. */
export function llamaDecoder(store: string, a: LlamaStyle): Piece[] {
  const hidden: [string, number] = ['hidden_dim', a.hidden];
  const inter: [string, number] = ['intermediate_dim', a.intermediate];
  const ffn = (label: string, input: [string, number], output: [string, number]): Piece => dense(label, `feedforward_${label}_dense`, `${store}/_feedforward_${label}_dense`, input, output, false);
  return [
    ...attention(store, a),
    scaleNorm('self_attention_layernorm', 'self_attention_layernorm', `${store}/_self_attention_layernorm`, hidden),
    ffn('intermediate', hidden, inter),
    ffn('gate', hidden, inter),
    ffn('output', inter, hidden),
    scaleNorm('feedforward_layernorm', 'feedforward_layernorm', `${store}/_feedforward_layernorm`, hidden),
  ];
}

export interface LlamaStyleBackbone {
  /** The decoder and final-norm classes, which name their store elements. */
  decoderClass: string;
  normClass: string;
  /** Whether the output embedding is the token embedding (tie_weights). */
  tied: boolean;
  headDim: (args: Args, hidden: number, queryHeads: number) => [string, number];
  qkvBias: boolean;
  qkNorm: boolean;
}

/** token_embedding, transformer_layer_0…, sequence_output_layernorm. */
export function llamaStyleBlocks(args: Args, b: LlamaStyleBackbone): Block[] {
  const vocab = size(args, 'vocabulary_size');
  const layers = layerCount(args);
  const hidden = size(args, 'hidden_dim');
  const queryHeads = size(args, 'num_query_heads');
  const a: LlamaStyle = {
    hidden,
    intermediate: size(args, 'intermediate_dim'),
    queryHeads,
    kvHeads: size(args, 'num_key_value_heads'),
    headDim: b.headDim(args, hidden, queryHeads),
    qkvBias: b.qkvBias,
    qkNorm: b.qkNorm,
  };
  const next = layerList();
  const h: [string, number] = ['hidden_dim', hidden];
  const blocks: Block[] = [block('token_embedding', 'ReversibleEmbedding', sequence(hidden), [reversible('token', '', next('ReversibleEmbedding'), ['vocabulary_size', vocab], h, b.tied)])];
  for (let i = 0; i < layers; i++) blocks.push(block(`transformer_layer_${i}`, b.decoderClass, sequence(hidden), llamaDecoder(next(b.decoderClass), a)));
  blocks.push(block('sequence_output_layernorm', b.normClass, sequence(hidden), [scaleNorm('norm', '', next(b.normClass), h)]));
  return blocks;
}

/** head_dim from its argument when given, else hidden_dim // num_query_heads (Mistral, Qwen3 attention `build`). */
export function headDimArg(args: Args, hidden: number, queryHeads: number): [string, number] {
  const own = optSize(args, 'head_dim');
  return own !== null ? ['head_dim', own] : ['hidden_dim // num_query_heads', perHead(hidden, 'hidden_dim', queryHeads, 'num_query_heads')];
}
