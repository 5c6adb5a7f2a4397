// What backbone rules are built from: reading constructor arguments, the store names Keras gives
// the backbone's layers, and the Keras layers every KerasHub backbone is made of (Dense,
// EinsumDense, LayerNormalization and the RMS-style norms, Embedding, ReversibleEmbedding,
// MultiHeadAttention), each as the tensors it builds, named by variable path and store path.
import type { Shape } from '../types.js';
import { containerNamer } from '../keras/naming.js';
import { fmtCount, prod, show } from '../layers/util.js';
import { BackboneArgsError, BackboneTooLargeError, type Args, type Block, type ExpectedTensor } from './types.js';

// ---------------------------------------------------------------- constructor arguments

/** Larger than any backbone Keras builds, small enough that every product stays exact. */
const MAX_SIZE = 2 ** 40;
/** More transformer layers than any released backbone (Llama 3.1 405B has 126): counted from the file instead. */
export const MAX_LAYERS = 1024;

/** A whole number ≥ 1 (≥ 0 with `zero`): a size a backbone is built from. */
export function size(args: Args, key: string, fallback?: number, zero = false): number {
  const v = args[key] ?? fallback;
  if (v === undefined || v === null) throw new BackboneArgsError(`config has no ${key}`);
  if (typeof v !== 'number' || !Number.isInteger(v)) throw new BackboneArgsError(`config ${key}: ${show(v)} is not a whole number`);
  if (v < (zero ? 0 : 1)) throw new BackboneArgsError(`config ${key}: ${v} is ${zero ? 'negative' : 'not positive'}`);
  if (v > MAX_SIZE) throw new BackboneArgsError(`config ${key}: ${v} is larger than any real backbone (more than 2^40)`);
  return v;
}

/** A size that may be null (`head_dim=None`: derived by the layer). */
export function optSize(args: Args, key: string): number | null {
  return args[key] === undefined || args[key] === null ? null : size(args, key);
}

/** `num_layers`, bounded: a config claiming a million layers is not expanded one by one. */
export function layerCount(args: Args, key = 'num_layers'): number {
  const n = size(args, key, undefined, true);
  if (n > MAX_LAYERS) throw new BackboneTooLargeError(`${key}=${n} is more than kerascope expands layer by layer (${MAX_LAYERS})`);
  return n;
}

export function flag(args: Args, key: string, fallback: boolean): boolean {
  const v = args[key];
  if (v === undefined || v === null) return fallback;
  if (typeof v !== 'boolean') throw new BackboneArgsError(`config ${key}: ${show(v)} is not true or false`);
  return v;
}

/** `a // b` as KerasHub computes a per-head size; zero is refused as the layer refuses it. */
export function perHead(total: number, totalName: string, heads: number, headsName: string): number {
  const d = Math.floor(total / heads);
  if (d === 0) throw new BackboneArgsError(`${totalName}=${total} // ${headsName}=${heads} is 0: the attention layer cannot be built`);
  return d;
}

// ---------------------------------------------------------------- store names

/**
 * The container paths of a Functional backbone's `layers` list, in `model.layers` order: one
 * counter per snake_cased class (keras/src/saving/saving_lib.py `_save_container_state`), so the
 * second TransformerEncoder is `layers/transformer_encoder_1`. Weightless layers of a class that
 * also has weighted ones must be named too, in their place, since they take a number.
 */
export function layerList(container = 'layers'): (className: string) => string {
  const name = containerNamer();
  return (className) => `${container}/${name(className)}`;
}

// ---------------------------------------------------------------- tensors

/** A Keras layer's tensors with a short label for the block's formula (`query 16×4×6 + 4×6`). */
export interface Piece {
  label: string;
  tensors: ExpectedTensor[];
}

/** `name` is the sublayer's variable path prefix ('' for the layer's own variables). */
function tensor(name: string, variable: string, store: string, index: number, shape: number[], why: string): ExpectedTensor {
  return { name: name ? `${name}/${variable}` : variable, store, index, shape, why };
}

/** `hidden_dim=16`, `(intermediate_dim // 2)=12`, or a bare `1`: a size with where it comes from. */
export function dim(from: string, n: number): string {
  if (from === String(n)) return from;
  return /\s/.test(from) ? `(${from})=${n}` : `${from}=${n}`;
}

/** A Dense layer (keras/src/layers/core/dense.py): kernel (in, units) then bias (units). */
export function dense(label: string, name: string, store: string, input: [string, number], units: [string, number], useBias: boolean): Piece {
  const ts = [tensor(name, 'kernel', store, 0, [input[1], units[1]], `${dim(...input)} × ${dim(...units)}`)];
  if (useBias) ts.push(tensor(name, 'bias', store, 1, [units[1]], dim(...units)));
  return { label, tensors: ts };
}

/**
 * An EinsumDense layer (keras/src/layers/core/einsum_dense.py): its kernel, then the bias over
 * `bias_axes` when it has one. `factors` name each kernel axis.
 */
export function einsum(label: string, name: string, store: string, factors: [string, number][], bias?: [string, number][]): Piece {
  const ts = [tensor(name, 'kernel', store, 0, factors.map((f) => f[1]), factors.map((f) => dim(...f)).join(' × '))];
  if (bias) ts.push(tensor(name, 'bias', store, 1, bias.map((f) => f[1]), bias.map((f) => dim(...f)).join(' × ')));
  return { label, tensors: ts };
}

/** LayerNormalization (keras/src/layers/normalization/layer_normalization.py): gamma, beta over the last axis. */
export function layerNorm(label: string, name: string, store: string, features: [string, number]): Piece {
  return { label, tensors: [tensor(name, 'gamma', store, 0, [features[1]], dim(...features)), tensor(name, 'beta', store, 1, [features[1]], dim(...features))] };
}

/** An RMS-style norm with one weight over the last axis: `scale` (Gemma, Llama, Mistral…), `weight` (T5). */
export function scaleNorm(label: string, name: string, store: string, features: [string, number], variable = 'scale'): Piece {
  return { label, tensors: [tensor(name, variable, store, 0, [features[1]], dim(...features))] };
}

/** Embedding (keras/src/layers/core/embedding.py) or KerasHub PositionEmbedding: one (rows, features) table. */
export function table(label: string, name: string, store: string, rows: [string, number], features: [string, number]): Piece {
  return { label, tensors: [tensor(name, 'embeddings', store, 0, [rows[1], features[1]], `${dim(...rows)} × ${dim(...features)}`)] };
}

/**
 * ReversibleEmbedding (keras/src/layers/core/reversible_embedding.py; KerasHub re-exports it):
 * embeddings (vocabulary, hidden), and reverse_embeddings (hidden, vocabulary) unless tie_weights.
 */
export function reversible(label: string, name: string, store: string, vocab: [string, number], hidden: [string, number], tied: boolean): Piece {
  const p = table(label, name, store, vocab, hidden);
  if (!tied) p.tensors.push(tensor(name, 'reverse_embeddings', store, 1, [hidden[1], vocab[1]], `${dim(...hidden)} × ${dim(...vocab)} (untied output embedding)`));
  return p;
}

/** A single weight owned by the layer itself (ViT's class_token, T5's relative attention bias). */
export function own(label: string, name: string, store: string, index: number, factors: [string, number][]): Piece {
  return { label, tensors: [tensor('', name, store, index, factors.map((f) => f[1]), factors.map((f) => dim(...f)).join(' × '))] };
}

/**
 * Keras MultiHeadAttention built for (query = value = hidden features)
 * (keras/src/layers/attention/multi_head_attention.py `build`): query, key, value EinsumDense
 * (hidden, heads, key_dim) with bias (heads, key_dim), attention_output (heads, key_dim, hidden)
 * with bias (hidden). The store keeps them under the properties query_dense…output_dense.
 */
export function multiHeadAttention(name: string, store: string, hidden: [string, number], heads: [string, number], keyDim: [string, number], useBias: boolean): Piece[] {
  const proj = (p: string, s: string): Piece => einsum(p, `${name}/${p}`, `${store}/${s}`, [hidden, heads, keyDim], useBias ? [heads, keyDim] : undefined);
  return [
    proj('query', 'query_dense'),
    proj('key', 'key_dense'),
    proj('value', 'value_dense'),
    einsum('attention_output', `${name}/attention_output`, `${store}/output_dense`, [heads, keyDim, hidden], useBias ? [hidden] : undefined),
  ];
}

// ---------------------------------------------------------------- blocks

const dims = (t: ExpectedTensor): string => (t.shape.length ? t.shape.join('×') : '1');
const leaf = (t: ExpectedTensor): string => t.name.slice(t.name.lastIndexOf('/') + 1);

/** `query (16×4×6 + 4×6)`: a piece's sizes under its label. */
function term(p: Piece): string {
  const sizes = p.tensors.map(dims);
  return sizes.length === 1 ? `${p.label} ${sizes[0]}` : `${p.label} (${sizes.join(' + ')})`;
}

export function count(pieces: readonly Piece[]): number {
  return pieces.reduce((n, p) => n + p.tensors.reduce((m, t) => m + prod(t.shape), 0), 0);
}

/** One report row: its tensors and the count spelled out piece by piece. */
export function block(name: string, className: string, outputShape: Shape | null, pieces: Piece[]): Block {
  // A layer of one piece (an embedding, a norm) is spelled by its variables: `gamma 8 + beta 8`.
  const terms = pieces.length === 1 ? pieces[0]!.tensors.map((t) => `${leaf(t)} ${dims(t)}`) : pieces.map(term);
  const formula = `${terms.join(' + ')} = ${fmtCount(count(pieces))}`;
  return { name, className, outputShape, formula, tensors: pieces.flatMap((p) => p.tensors) };
}

/** (None, None, hidden): a token sequence of any length. */
export const sequence = (hidden: number): Shape => [null, null, hidden];
