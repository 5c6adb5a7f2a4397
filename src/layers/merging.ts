// Merging: Add, Subtract, Multiply, Average, Maximum, Minimum, Concatenate, Dot, and Keras 1's Merge.
// No weights. Keras 3: keras/src/layers/merging/base_merge.py, concatenate.py, dot.py;
// Keras 1.2: keras/engine/topology.py Merge.get_output_shape_for.
import type { Dim, Shape } from '../types.js';
import { RuleError, type LayerRule, type RuleInput, type RuleOutput } from './types.js';
import { broadcast, fmtShape, num, str, show } from './util.js';

const NO_WEIGHTS = 'no weights: 0';

function out(shape: Shape): RuleOutput {
  return { outputShapes: [shape], weights: [], formula: NO_WEIGHTS };
}

function atLeast(shapes: Shape[], k: number, what: string): void {
  if (shapes.length < k) throw new RuleError(`${what} needs at least ${k} inputs, got ${shapes.length}`);
}

/**
 * Element-wise: the non-batch dims broadcast together (None-aware); the batch dim is the one
 * known batch size if all agree, else None (base_merge.py compute_output_shape).
 */
export function elementwise(shapes: Shape[]): Shape {
  let rest = shapes[0]!.slice(1);
  for (const s of shapes.slice(1)) rest = broadcast(rest, s.slice(1));
  const batches = new Set(shapes.map((s) => s[0] ?? null).filter((b) => b !== null));
  return [batches.size === 1 ? [...batches][0]! : null, ...rest];
}

function axisIndex(axis: number, rank: number): number {
  const a = axis < 0 ? axis + rank : axis;
  if (!Number.isInteger(a) || a < 0 || a >= rank) throw new RuleError(`axis ${axis} is out of range for rank ${rank}`);
  return a;
}

/** Concatenate: sum along `axis`, None if any input's is None; other dims from the first input (concatenate.py). */
export function concatenate(shapes: Shape[], axis: number): Shape {
  const rank = shapes[0]!.length;
  const a = axisIndex(axis, rank);
  const output = [...shapes[0]!];
  for (const s of shapes.slice(1)) {
    if (s.length !== rank) throw new RuleError(`cannot concatenate ${fmtShape(shapes[0]!)} and ${fmtShape(s)}: ranks differ`);
    s.forEach((d, i) => {
      const o = output[i] ?? null;
      if (i !== a && i !== 0 && d !== null && o !== null && d !== o) throw new RuleError(`cannot concatenate ${fmtShape(shapes[0]!)} and ${fmtShape(s)} on axis ${axis}`);
    });
    const x = output[a] ?? null;
    const y = s[a] ?? null;
    output[a] = x === null || y === null ? null : x + y;
  }
  return output;
}

/**
 * Dot: both inputs lose their contracted axis, the second also its batch dim; a rank-1 result
 * gets a trailing 1 (dot.py compute_output_shape; Keras 1 Merge dot/cos the same with dot_axes).
 */
export function dot(a: Shape, b: Shape, given: unknown): Shape {
  // Keras 0.x wrote dot_axes as ([1], [2]); Keras 1.x reads one int from each.
  const axes = Array.isArray(given) ? given.map((x) => (Array.isArray(x) && x.length === 1 ? x[0] : x)) : given;
  let ax: [number, number];
  if (typeof axes === 'number') ax = axes < 0 ? [axisIndex(axes, a.length), axisIndex(axes, b.length)] : [axes, axes];
  else if (Array.isArray(axes) && axes.length === 2 && axes.every((x) => typeof x === 'number')) ax = [axisIndex(axes[0], a.length), axisIndex(axes[1], b.length)];
  else throw new RuleError(`axes should be an int or a pair of ints: ${show(given)}`);
  if (ax[0] >= a.length || ax[1] >= b.length) throw new RuleError(`axes ${show(given)} out of range for ${fmtShape(a)} and ${fmtShape(b)}`);
  const x = a[ax[0]] ?? null;
  const y = b[ax[1]] ?? null;
  if (x !== null && y !== null && x !== y) throw new RuleError(`Dot axes do not match: ${x} (axis ${ax[0]} of ${fmtShape(a)}) ≠ ${y} (axis ${ax[1]} of ${fmtShape(b)})`);
  const s1 = a.filter((_, i) => i !== ax[0]);
  const s2 = b.filter((_, i) => i !== ax[1]).slice(1);
  const output: Dim[] = [...s1, ...s2];
  return output.length === 1 ? [...output, 1] : output;
}

function applyElementwise({ className, inputShapes }: RuleInput): RuleOutput {
  atLeast(inputShapes, className === 'Subtract' ? 2 : 1, className);
  if (className === 'Subtract' && inputShapes.length !== 2) throw new RuleError(`Subtract needs exactly 2 inputs, got ${inputShapes.length}`);
  return out(elementwise(inputShapes));
}

function applyConcatenate({ config, inputShapes }: RuleInput): RuleOutput {
  atLeast(inputShapes, 1, 'Concatenate');
  return out(concatenate(inputShapes, num(config, 'axis', -1)));
}

function applyDot({ config, inputShapes }: RuleInput): RuleOutput {
  if (inputShapes.length !== 2) throw new RuleError(`Dot needs exactly 2 inputs, got ${inputShapes.length}`);
  return out(dot(inputShapes[0]!, inputShapes[1]!, config['axes']));
}

/** Keras 1 sum/mul/ave/max required equal shapes and returned the first (Merge._arguments_validation). */
function sameShapes(shapes: Shape[], mode: string): Shape {
  const first = shapes[0]!;
  for (const s of shapes.slice(1)) {
    const clash = s.length !== first.length || s.some((d, i) => d !== null && first[i] != null && d !== first[i]);
    if (clash) throw new RuleError(`Merge mode ${mode} needs inputs of the same shape: ${fmtShape(first)} and ${fmtShape(s)}`);
  }
  return first;
}

/** Keras 1 Merge with a lambda `mode`: only a stored `output_shape` tuple tells the shape. */
function lambdaMerge(config: RuleInput['config'], shapes: Shape[]): RuleOutput {
  const os = config['output_shape'];
  if (Array.isArray(os) && str(config, 'output_shape_type', 'raw') === 'raw') {
    return { ...out([shapes[0]![0] ?? null, ...os.map((d) => (typeof d === 'number' ? d : null))]), notes: ['Merge with a lambda mode: shape from its stored output_shape'] };
  }
  return { outputShapes: [], weights: [], formula: NO_WEIGHTS, shapeUnknown: true, notes: ['Merge with a lambda mode and no stored output_shape tuple: output shape unknown'] };
}

function applyMerge({ config, inputShapes }: RuleInput): RuleOutput {
  atLeast(inputShapes, 2, 'Merge');
  const mode = config['mode'] ?? 'sum'; // Keras 1 Merge(mode='sum') by default
  if (str(config, 'mode_type', 'raw') !== 'raw' || typeof mode !== 'string') return lambdaMerge(config, inputShapes);
  switch (mode) {
    case 'sum':
    case 'mul':
    case 'ave':
    case 'max':
      return out(sameShapes(inputShapes, mode));
    case 'concat':
      return out(concatenate(inputShapes, num(config, 'concat_axis', -1)));
    case 'dot':
    case 'cos':
      if (inputShapes.length !== 2) throw new RuleError(`Merge mode ${mode} needs exactly 2 inputs`);
      return out(dot(inputShapes[0]!, inputShapes[1]!, config['dot_axes'] ?? -1));
    default:
      throw new RuleError(`unknown Merge mode ${show(mode)}`);
  }
}

export const rules: LayerRule[] = [
  {
    classes: ['Add', 'Subtract', 'Multiply', 'Average', 'Maximum', 'Minimum'],
    family: 'merging',
    summary: 'no weights; inputs broadcast element-wise (None-aware)',
    source: 'keras/src/layers/merging/base_merge.py',
    apply: applyElementwise,
  },
  {
    classes: ['Concatenate'],
    family: 'merging',
    summary: 'no weights; sizes along axis add up',
    source: 'keras/src/layers/merging/concatenate.py',
    apply: applyConcatenate,
  },
  {
    classes: ['Dot'],
    family: 'merging',
    summary: 'no weights; contracts axes, drops the second batch dim',
    source: 'keras/src/layers/merging/dot.py',
    apply: applyDot,
  },
  {
    classes: ['Merge'],
    family: 'merging',
    summary: 'Keras 1 only: no weights; sum/mul/ave/max same shape, concat on concat_axis, dot/cos on dot_axes, a lambda mode its stored output_shape',
    source: 'keras/engine/topology.py (Keras 1.2) Merge',
    apply: applyMerge,
  },
];
