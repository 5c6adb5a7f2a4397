// Shared pieces of the spatial rules (conv.ts, locally-connected.ts, pooling.ts, reshaping.ts): where
// the channels sit, the era of the kernel layout, and the arguments every convolution reads.
import type { Dim, Shape } from '../types.js';
import { RuleError, type Cfg, type RuleInput } from './types.js';
import { bool, channelsFirst, count, fmtCount, fmtShape, known, one, str, tuple, show } from './util.js';

/** 1, 2 or 3 from `Conv2D`, `AtrousConvolution1D`, `LocallyConnected2D`… */
export function rankOf(className: string): number {
  const m = /([123])D/.exec(className);
  if (!m) throw new RuleError(`cannot tell the rank of ${className}`);
  return Number(m[1]);
}

/** A conv input split into batch dims, spatial dims and channels, as `data_format` says. */
export interface Geometry {
  /** The batch dim, or several leading dims where tf.keras allows them. */
  batch: Dim[];
  spatial: Dim[];
  /** Input channels, null when unknown. */
  channels: number | null;
  cf: boolean;
}

/**
 * `extraBatch`: tf.keras convolutions take inputs of rank > rank + 2 and keep the extra leading dims
 * (tf_keras/layers/convolutional/base_conv.py compute_output_shape, `batch_rank`); Keras 3 does not.
 */
export function geometry(input: Shape, rank: number, cfg: Cfg, className: string, extraBatch = false): Geometry {
  const ok = input.length === rank + 2 || (extraBatch && input.length > rank + 2);
  if (!ok) throw new RuleError(`${className} expects rank ${rank + 2} input, got ${fmtShape(input)}`);
  const cf = channelsFirst(cfg);
  const b = input.length - rank - 1;
  const batch = input.slice(0, b);
  const spatial = cf ? input.slice(b + 1) : input.slice(b, -1);
  const channels = known(cf ? input[b] : input[input.length - 1]);
  return { batch, spatial, channels, cf };
}

/** Puts batch, spatial dims and channels back in `data_format` order. */
export function assemble(g: Geometry, spatial: Dim[], channels: Dim): Shape {
  return g.cf ? [...g.batch, channels, ...spatial] : [...g.batch, ...spatial, channels];
}

/** The arguments every convolution reads, with Keras's defaults. */
export interface ConvArgs {
  kernel: number[];
  strides: number[];
  dilation: number[];
  padding: string;
}

export function convArgs(cfg: Cfg, rank: number): ConvArgs {
  const kernel = tuple(cfg, 'kernel_size', rank);
  if (kernel.some((k) => k === 0)) throw new RuleError(`kernel_size has a zero: ${show(cfg['kernel_size'])}`);
  const strides = tuple(cfg, 'strides', rank, 1);
  if (strides.some((s) => s === 0)) throw new RuleError(`strides has a zero: ${show(cfg['strides'])}`);
  const dilation = tuple(cfg, 'dilation_rate', rank, 1);
  if (dilation.some((d) => d === 0)) throw new RuleError(`dilation_rate has a zero: ${show(cfg['dilation_rate'])}`);
  return { kernel, strides, dilation, padding: str(cfg, 'padding', 'valid').toLowerCase() };
}

/** Kernel dims as Keras prints them in a formula: `3×3`. */
export function kdims(kernel: number[]): string {
  return kernel.join('×');
}

/** `?` for an unknown number in a formula, else the number with thousands separators. */
export function n(x: number | null): string {
  return x === null ? '?' : fmtCount(x);
}

/**
 * Keras 1 stored kernels in its own layouts: Theano ordering (`dim_ordering: 'th'`, mapped to
 * channels_first) put the filters first, and Convolution1D was a 2D kernel with a unit column.
 * A file is Keras 1 when its keras_version says so; a file without a version is Keras 1 when
 * the stored class name is one only Keras 1 wrote (Keras 2 and 3 serialize the Conv* names).
 */
const KERAS1_ONLY = new Set([
  'Convolution1D',
  'Convolution2D',
  'Convolution3D',
  'AtrousConvolution1D',
  'AtrousConvolution2D',
  'Deconvolution2D',
  'Deconvolution3D',
  'SeparableConvolution2D',
]);

export function isKeras1(input: RuleInput): boolean {
  const v = input.kerasVersion;
  return v.major === 1 || (v.raw === null && KERAS1_ONLY.has(input.className));
}

export function filtersOf(cfg: Cfg): number {
  const f = count(cfg, 'filters');
  if (f === 0) throw new RuleError('filters is 0');
  return f;
}

/** What every convolution rule reads first: its input geometry, the conv arguments, use_bias. */
export interface ConvSetup {
  g: Geometry;
  a: ConvArgs;
  useBias: boolean;
}

export function convSetup(input: RuleInput, extraBatch = false): ConvSetup {
  const rank = rankOf(input.className);
  const g = geometry(one(input.inputShapes), rank, input.config, input.className, extraBatch);
  return { g, a: convArgs(input.config, rank), useBias: bool(input.config, 'use_bias', true) };
}
