// Shared helpers for layer rules: config getters, conv/pool lengths, broadcasting, formatting.
import type { Dim, Shape } from '../types.js';
import { ConfigValueError, FractionalSizeError, RuleError, type Cfg, type ExpectedWeight } from './types.js';

// ---------------------------------------------------------------- config getters

/**
 * A config value for a message: like JSON, but bounded (strings cut at 40 characters, lists at 8
 * items, two levels deep), so a hostile value nested 100,000 deep cannot blow the stack.
 */
export function show(v: unknown, depth = 0): string {
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v);
  if (v === null || typeof v !== 'object') return String(v);
  if (depth >= 2) return Array.isArray(v) ? '[…]' : '{…}';
  if (Array.isArray(v)) return `[${v.slice(0, 8).map((x) => show(x, depth + 1)).join(', ')}${v.length > 8 ? ', …' : ''}]`;
  const entries = Object.entries(v);
  return `{${entries.slice(0, 6).map(([k, x]) => `${show(k)}: ${show(x, depth + 1)}`).join(', ')}${entries.length > 6 ? ', …' : ''}}`;
}

export function num(cfg: Cfg, key: string, fallback?: number): number {
  const v = cfg[key];
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (v === undefined || v === null) {
    if (fallback !== undefined) return fallback;
    throw new RuleError(`config has no ${key}`);
  }
  throw new ConfigValueError(key, typeof v === 'string' ? `${show(v)} is a string, not a number` : `${show(v)} is not a number`);
}

/** Larger than any layer Keras could build (and small enough that its products stay exact). */
const MAX_SIZE = 2 ** 40;

/** Why `v` cannot be a size (a whole number ≥ 0), or null when it can. */
export function sizeProblem(v: unknown): string | null {
  if (typeof v === 'string') return `${show(v)} is a string, not a number`;
  if (typeof v !== 'number' || !Number.isFinite(v)) return `${show(v)} is not a number`;
  if (!Number.isInteger(v)) return `${v} is not a whole number`;
  if (v < 0) return `${v} is negative`;
  if (v > MAX_SIZE) return `${v} is larger than any real layer (more than 2^40)`;
  return null;
}

/**
 * A positive whole number that shapes may be built from (units, filters…). A positive fraction is a
 * FractionalSizeError: some loaders truncated it (layers/fractional.ts decides, by the file's era).
 */
export function count(cfg: Cfg, key: string, fallback?: number): number {
  const v = num(cfg, key, fallback);
  if (v > 0 && v <= MAX_SIZE && !Number.isInteger(v)) throw new FractionalSizeError(key, v);
  const bad = sizeProblem(v);
  if (bad) throw new ConfigValueError(key, bad);
  return v;
}

export function bool(cfg: Cfg, key: string, fallback: boolean): boolean {
  const v = cfg[key];
  return typeof v === 'boolean' ? v : fallback;
}

export function str(cfg: Cfg, key: string, fallback: string): string {
  const v = cfg[key];
  return typeof v === 'string' ? v : fallback;
}

/**
 * An int or a tuple of ints, expanded to `rank` entries (`kernel_size: 3` → [3, 3]). `fractional`:
 * positive non-whole numbers are kept, as Keras 1/2 kept them (pooling sizes, below).
 */
export function tuple(cfg: Cfg, key: string, rank: number, fallback?: number, fractional = false): number[] {
  let v = cfg[key];
  if (v === undefined || v === null) {
    if (fallback === undefined) throw new RuleError(`config has no ${key}`);
    v = fallback;
  }
  const given: unknown[] = Array.isArray(v) ? v : Array<unknown>(rank).fill(v);
  // One entry stands for every axis (`kernel_size: [3]` of a Conv2D), checked as the others are:
  // `[[3]]` is no size (a nested list once reached String() and the formula's join unchecked).
  const arr = given.length === 1 && rank > 1 ? Array<unknown>(rank).fill(given[0]) : given;
  if (arr.length !== rank) throw new ConfigValueError(key, `should have ${rank} entries: ${show(v)}`);
  return arr.map((x) => {
    const bad = fractional && typeof x === 'number' && Number.isFinite(x) && x > 0 ? null : sizeProblem(x);
    if (bad) throw new ConfigValueError(key, `${show(v)}: ${bad}`);
    return x as number;
  });
}

/** channels_first? Keras 1 `dim_ordering: 'th'` is mapped to this by the graph's legacy step. */
export function channelsFirst(cfg: Cfg): boolean {
  return cfg['data_format'] === 'channels_first';
}

// ---------------------------------------------------------------- shapes

export function prod(dims: readonly number[]): number {
  let p = 1;
  for (const d of dims) p *= d;
  return p;
}

/** Product of dims, or null if any is unknown. */
export function prodOrNull(dims: readonly Dim[]): number | null {
  let p = 1;
  for (const d of dims) {
    if (d === null) return null;
    p *= d;
  }
  return p;
}

export function lastDim(shape: Shape): Dim {
  if (shape.length < 2) throw new RuleError(`expected a tensor of rank ≥ 2, got ${fmtShape(shape)}`);
  return shape[shape.length - 1] ?? null;
}

/** Requires a known dimension for a weight shape; returns null when unknown so the weight is `shape: null`. */
export function known(d: Dim | undefined): number | null {
  return d === undefined || d === null ? null : d;
}

export function requireRank(shape: Shape, rank: number, what: string): void {
  if (shape.length !== rank) throw new RuleError(`${what} expects rank ${rank} input, got ${fmtShape(shape)}`);
}

export function one(inputShapes: Shape[]): Shape {
  const s = inputShapes[0];
  if (!s) throw new RuleError('layer has no input');
  return s;
}

/**
 * Keras's conv output length (keras/src/ops/operation_utils.py compute_conv_output_shape;
 * tf_keras/utils/conv_utils.py conv_output_length): valid floor((n − d·(k−1) − 1)/s) + 1,
 * same/causal ceil(n/s), full n + d·(k−1) (tf.keras only).
 */
export function convLength(n: Dim, k: number, padding: string, stride: number, dilation = 1): Dim {
  if (n === null) return null;
  const kEff = (k - 1) * dilation + 1;
  let out: number;
  if (padding === 'same' || padding === 'causal') out = Math.floor((n - 1) / stride) + 1;
  else if (padding === 'full') out = Math.floor((n + kEff - 1 - 1) / stride) + 1;
  else out = Math.floor((n - kEff) / stride) + 1;
  if (out <= 0) throw new RuleError(`computed output size would be ${out} (input ${n}, kernel ${k}, stride ${stride}, dilation ${dilation}, ${padding})`);
  return out;
}

/** Pooling output length (compute_pooling_output_shape): valid floor((n − p)/s) + 1, same floor((n − 1)/s) + 1. */
export function poolLength(n: Dim, pool: number, padding: string, stride: number): Dim {
  if (n === null) return null;
  const out = padding === 'same' ? Math.floor((n - 1) / stride) + 1 : Math.floor((n - pool) / stride) + 1;
  if (out <= 0) throw new RuleError(`computed output size would be ${out} (input ${n}, pool ${pool}, stride ${stride}, ${padding})`);
  return out;
}

/**
 * Transposed conv output length (keras/src/backend/common/backend_utils.py
 * _get_output_shape_given_tf_padding; tf_keras conv_utils.deconv_output_length).
 */
export function deconvLength(n: Dim, k: number, padding: string, stride: number, dilation = 1, outputPadding: number | null = null): Dim {
  if (n === null) return null;
  const kEff = (k - 1) * dilation + 1;
  if (outputPadding === null) {
    if (padding === 'valid') return n * stride + Math.max(kEff - stride, 0);
    if (padding === 'full') return n * stride - (stride + kEff - 2);
    return n * stride; // same
  }
  let pad: number;
  if (padding === 'same') pad = Math.floor(kEff / 2);
  else if (padding === 'full') pad = kEff - 1;
  else pad = 0;
  return (n - 1) * stride + kEff - 2 * pad + outputPadding;
}

/**
 * Element-wise broadcast of two shapes, None-aware, aligned at the end
 * (keras/src/layers/merging/base_merge.py _compute_elemwise_op_output_shape).
 */
export function broadcast(a: Shape, b: Shape): Shape {
  if (a.length < b.length) return broadcast(b, a);
  const out: Shape = a.slice(0, a.length - b.length);
  for (let i = 0; i < b.length; i++) {
    const x = a[a.length - b.length + i] ?? null;
    const y = b[i] ?? null;
    if (x === null || y === null) out.push(null);
    else if (x === 1) out.push(y);
    else if (y === 1 || x === y) out.push(x);
    else throw new RuleError(`shapes ${fmtShape(a)} and ${fmtShape(b)} cannot be broadcast together`);
  }
  return out;
}

// ---------------------------------------------------------------- formatting

export function fmtShape(shape: readonly Dim[]): string {
  if (shape.length === 1) return `(${shape[0] === null ? 'None' : shape[0]},)`;
  return `(${shape.map((d) => (d === null ? 'None' : String(d))).join(', ')})`;
}

/**
 * A shape as Keras 3's summary prints it (summary_utils.py `format_shape`): `(None, 4)`, and `(None)`
 * for rank 1 — not Python's `(None,)`.
 */
export function kerasShape(shape: Shape): string {
  return `(${shape.map((d) => (d === null ? 'None' : String(d))).join(', ')})`;
}

/** A layer's output: one shape, several (`[(None, 3), (None, 3)]`), or `?` when unknown, as Keras prints. */
export function fmtOutput(out: Shape | Shape[] | null | undefined): string {
  if (out === null || out === undefined) return '?';
  if (out.length > 0 && Array.isArray(out[0])) return `[${(out as Shape[]).map(kerasShape).join(', ')}]`;
  return kerasShape(out as Shape);
}

/** `1,234,567` as Keras prints counts. */
export function fmtCount(n: number): string {
  // A regular expression, not toLocaleString: ICU's first use costs ≈ 14 ms and 8 MB (docs/bench.md).
  if (!Number.isInteger(n)) return String(n);
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** Build an expected weight; shape null when any dim is unknown. */
export function weight(name: string, shape: (number | null)[], why: string, opts: { trainable?: boolean; store?: string } = {}): ExpectedWeight {
  const full = shape.every((d) => d !== null) ? (shape as number[]) : null;
  return { name, shape: full, trainable: opts.trainable ?? true, store: opts.store ?? '', why };
}

/** Total element count of known weights. */
export function weightCount(ws: readonly ExpectedWeight[]): number {
  let t = 0;
  for (const w of ws) if (w.shape) t += prod(w.shape);
  return t;
}

/** Prefix sub-layer weights (wrappers): name `forward_lstm/` + name, store `forward_layer/` + store. */
export function nest(ws: readonly ExpectedWeight[], namePrefix: string, storePrefix: string): ExpectedWeight[] {
  return ws.map((w) => ({
    ...w,
    name: namePrefix ? `${namePrefix}/${w.name}` : w.name,
    store: [storePrefix, w.store].filter((s) => s !== '').join('/'),
  }));
}

/** Keras orders a layer's weights trainable first, then non-trainable (Layer.weights). */
export function trainableFirst(ws: readonly ExpectedWeight[]): ExpectedWeight[] {
  return [...ws.filter((w) => w.trainable), ...ws.filter((w) => !w.trainable)];
}
