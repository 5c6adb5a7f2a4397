// Reshaping: Flatten, Reshape, Permute, RepeatVector, ZeroPadding/Cropping/UpSampling 1D/2D/3D. No weights.
// Keras 3: keras/src/layers/reshaping/*.py, ops/operation_utils.py compute_reshape_output_shape;
// Keras 2: tf_keras/layers/reshaping/*.py; Keras 1.2: keras/layers/core.py, convolutional.py.
import type { Dim, Shape } from '../types.js';
import { RuleError, type Cfg, type LayerRule, type RuleInput, type RuleOutput } from './types.js';
import { count, fmtShape, one, prodOrNull, requireRank, tuple, show } from './util.js';
import { assemble, geometry, rankOf } from './conv-shapes.js';

const NO_WEIGHTS = 'no weights: 0';

function out(shape: Shape): RuleOutput {
  return { outputShapes: [shape], weights: [], formula: NO_WEIGHTS };
}

function whole(v: unknown, what: string): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) throw new RuleError(`config ${what} is not a whole number: ${show(v)}`);
  return v;
}

/** A (before, after) pair from an int (symmetric) or a 2-list. */
function pair(v: unknown, what: string): [number, number] {
  if (Array.isArray(v)) {
    if (v.length !== 2) throw new RuleError(`config ${what} should be a pair: ${show(v)}`);
    return [whole(v[0], what), whole(v[1], what)];
  }
  const x = whole(v, what);
  return [x, x];
}

/** Keras 1.2 ZeroPadding1D/2D also took dicts (keras/layers/convolutional.py): {left_pad, right_pad} or {top_pad, bottom_pad, left_pad, right_pad}. */
function keras1Dict(v: Record<string, unknown>, rank: number, key: string): [number, number][] {
  const get = (k: string) => whole(v[k] ?? 0, `${key}.${k}`);
  if (rank === 1) return [[get('left_pad'), get('right_pad')]];
  if (rank === 2) return [[get('top_pad'), get('bottom_pad')], [get('left_pad'), get('right_pad')]];
  throw new RuleError(`config ${key} cannot be a dict for rank ${rank}`);
}

/**
 * padding / cropping in every form Keras accepts: 1D an int or (left, right); 2D/3D an int, one
 * symmetric int per dim, or one (before, after) pair per dim (zero_padding2d.py, cropping2d.py).
 */
function pairs(cfg: Cfg, key: string, rank: number, fallback: number): [number, number][] {
  const v = cfg[key] ?? fallback;
  if (v && typeof v === 'object' && !Array.isArray(v)) return keras1Dict(v as Record<string, unknown>, rank, key);
  if (rank === 1) return [pair(v, key)];
  if (!Array.isArray(v)) return Array.from({ length: rank }, () => pair(v, key));
  // Keras 1.2 ZeroPadding2D also took a flat (top, bottom, left, right).
  if (rank === 2 && v.length === 4) return [pair(v.slice(0, 2), key), pair(v.slice(2), key)];
  if (v.length !== rank) throw new RuleError(`config ${key} should have ${rank} entries: ${show(v)}`);
  return v.map((x) => pair(x, key));
}

function applyPadding(input: RuleInput, sign: 1 | -1, key: string, fallback: number): RuleOutput {
  const rank = rankOf(input.className);
  const g = geometry(one(input.inputShapes), rank, input.config, input.className);
  const p = pairs(input.config, key, rank, fallback);
  const spatial = g.spatial.map((len, i) => {
    if (len === null) return null;
    const r = len + sign * (p[i]![0] + p[i]![1]);
    if (r <= 0) throw new RuleError(`${key} ${show(p[i])} leaves nothing of a dimension of ${len}`);
    return r;
  });
  return out(assemble(g, spatial, g.channels));
}

function applyUpSampling(input: RuleInput): RuleOutput {
  const rank = rankOf(input.className);
  const g = geometry(one(input.inputShapes), rank, input.config, input.className);
  // Keras 1 UpSampling1D called its factor `length`.
  const key = input.config['size'] == null && input.config['length'] != null ? 'length' : 'size';
  const size = tuple(input.config, key, rank, 2);
  return out(assemble(g, g.spatial.map((len, i) => (len === null ? null : len * size[i]!)), g.channels));
}

/** Flatten: prod of the non-batch dims, None if any is None, 1 for a rank-1 input (flatten.py). */
function applyFlatten({ inputShapes }: RuleInput): RuleOutput {
  const input = one(inputShapes);
  const rest = input.slice(1);
  return out([input[0] ?? null, rest.length === 0 ? 1 : prodOrNull(rest)]);
}

/** Reshape: one -1 resolved from the input size; None dims in the input leave -1 as None. */
function applyReshape({ config, inputShapes }: RuleInput): RuleOutput {
  const input = one(inputShapes);
  const target = config['target_shape'];
  if (!Array.isArray(target)) throw new RuleError(`config target_shape is not a list: ${show(target)}`);
  const dims: Dim[] = target.map((d) => {
    if (d === null || d === -1) return d === -1 ? -1 : null;
    return whole(d, 'target_shape');
  });
  if (dims.filter((d) => d === -1).length > 1) throw new RuleError('target_shape has more than one -1');
  const rest = input.slice(1);
  const size = prodOrNull(rest);
  if (size === null || dims.includes(null)) return out([input[0] ?? null, ...dims.map((d) => (d === -1 ? null : d))]);
  const known = prodOrNull(dims.filter((d) => d !== -1));
  if (!dims.includes(-1)) {
    if (known !== size) throw new RuleError(`cannot reshape ${fmtShape(input)} (${size} values) to ${show(target)}`);
    return out([input[0] ?? null, ...dims]);
  }
  if (!known || size % known !== 0) throw new RuleError(`cannot reshape ${fmtShape(input)} (${size} values) to ${show(target)}`);
  return out([input[0] ?? null, ...dims.map((d) => (d === -1 ? size / known : d))]);
}

/** Permute: `dims` are 1-based indices of the non-batch dims (permute.py). */
function applyPermute({ config, inputShapes }: RuleInput): RuleOutput {
  const input = one(inputShapes);
  const dims = config['dims'];
  if (!Array.isArray(dims)) throw new RuleError(`config dims is not a list: ${show(dims)}`);
  const sorted = [...dims].sort((a, b) => Number(a) - Number(b));
  if (sorted.some((d, i) => d !== i + 1)) throw new RuleError(`dims must be a permutation of 1..${dims.length}: ${show(dims)}`);
  requireRank(input, dims.length + 1, 'Permute');
  return out([input[0] ?? null, ...dims.map((d: number) => input[d] ?? null)]);
}

function applyRepeat({ config, inputShapes }: RuleInput): RuleOutput {
  const input = one(inputShapes);
  requireRank(input, 2, 'RepeatVector');
  return out([input[0] ?? null, count(config, 'n'), input[1] ?? null]);
}

function rule(classes: string[], summary: string, source: string, apply: (i: RuleInput) => RuleOutput): LayerRule {
  return { classes, family: 'reshaping', summary, source, apply };
}

export const rules: LayerRule[] = [
  rule(['Flatten'], 'no weights; (batch, product of the other dims), None if any is None', 'keras/src/layers/reshaping/flatten.py', applyFlatten),
  rule(['Reshape'], 'no weights; target_shape with one -1 resolved from the input size', 'keras/src/layers/reshaping/reshape.py', applyReshape),
  rule(['Permute'], 'no weights; the input dims reordered by dims (1-based)', 'keras/src/layers/reshaping/permute.py', applyPermute),
  rule(['RepeatVector'], 'no weights; (batch, n, features)', 'keras/src/layers/reshaping/repeat_vector.py', applyRepeat),
  rule(['ZeroPadding1D', 'ZeroPadding2D', 'ZeroPadding3D'], 'no weights; each spatial dim + before + after', 'keras/src/layers/reshaping/zero_padding2d.py', (i) => applyPadding(i, 1, 'padding', 1)),
  rule(['Cropping1D', 'Cropping2D', 'Cropping3D'], 'no weights; each spatial dim − before − after', 'keras/src/layers/reshaping/cropping2d.py', // Keras's defaults: Cropping1D (1, 1), Cropping2D 0, Cropping3D 1.
    (i) => applyPadding(i, -1, 'cropping', rankOf(i.className) === 2 ? 0 : 1)),
  rule(['UpSampling1D', 'UpSampling2D', 'UpSampling3D'], 'no weights; each spatial dim × size', 'keras/src/layers/reshaping/up_sampling2d.py', applyUpSampling),
];
