// Output shapes of the tf.* calls tf.keras records as TFOpLambda / SlicingOpLambda layers
// (tf_keras/layers/core/tf_op_layer.py), and of the raw graph ops TF 2.0–2.3 recorded as
// TensorFlowOpLayer (tensorflow/python/keras/engine/base_layer.py, `node_def.op`), for the ops whose shape follows from the input shapes and the
// call's constant arguments (RuleInput.callArgs). Any other op is left unknown: kerascope does not
// run TensorFlow.
import type { Cfg } from './types.js';
import { RuleError } from './types.js';
import { broadcast, fmtShape, show } from './util.js';
import type { Dim, Shape } from '../types.js';

/** Ops whose result has the broadcast shape of their tensor inputs. */
const ELEMENTWISE = new Set([
  '__operators__.add', '__operators__.sub', '__operators__.mul', '__operators__.truediv', '__operators__.neg', '__operators__.pow',
  'math.add', 'math.add_n', 'math.subtract', 'math.multiply', 'math.truediv', 'math.divide', 'math.maximum', 'math.minimum',
  'math.pow', 'math.negative', 'math.abs', 'math.exp', 'math.log', 'math.sqrt', 'math.rsqrt', 'math.square', 'math.sign',
  'math.sigmoid', 'math.tanh', 'math.erf', 'math.softplus', 'math.reciprocal', 'math.log_sigmoid', 'math.floor', 'math.round',
  'math.sin', 'math.cos', 'math.l2_normalize', 'nn.l2_normalize', 'nn.relu', 'nn.relu6', 'nn.silu', 'nn.swish', 'nn.gelu',
  'nn.elu', 'nn.selu', 'nn.sigmoid', 'nn.tanh', 'nn.softmax', 'nn.log_softmax', 'math.softmax', 'identity', 'cast',
  'clip_by_value', 'math.squared_difference', 'nn.bias_add', 'stop_gradient',
]);

const REDUCE = /^(math\.)?reduce_(mean|sum|max|min|prod|std|variance|logsumexp|any|all|euclidean_norm)$/;

function axisOf(v: unknown, rank: number): number[] | null {
  if (v === null || v === undefined) return null;
  const arr = Array.isArray(v) ? v : [v];
  return arr.map((a) => {
    if (typeof a !== 'number' || !Number.isInteger(a) || a < -rank || a >= rank) throw new RuleError(`axis ${show(v)} out of range for rank ${rank}`);
    return a < 0 ? a + rank : a;
  });
}

function reduce(x: Shape, args: Cfg): Shape {
  const axes = axisOf(args['axis'], x.length) ?? x.map((_, i) => i);
  if (args['keepdims'] === true) return x.map((d, i) => (axes.includes(i) ? 1 : d));
  return x.filter((_, i) => !axes.includes(i));
}

/** Python's `len(range(*slice(start, stop, step).indices(n)))`. */
function sliceLength(n: Dim, s: Cfg): Dim {
  const step = typeof s['step'] === 'number' ? s['step'] : 1;
  const start = typeof s['start'] === 'number' ? s['start'] : null;
  const stop = typeof s['stop'] === 'number' ? s['stop'] : null;
  if (step === 0) throw new RuleError('slice step cannot be zero');
  if (n === null) return null;
  const clamp = (v: number, lo: number, hi: number): number => Math.min(Math.max(v, lo), hi);
  const norm = (v: number): number => (v < 0 ? v + n : v);
  if (step > 0) {
    const a = start === null ? 0 : clamp(norm(start), 0, n);
    const b = stop === null ? n : clamp(norm(stop), 0, n);
    return Math.max(0, Math.ceil((b - a) / step));
  }
  const a = start === null ? n - 1 : clamp(norm(start), -1, n - 1);
  const b = stop === null ? -1 : clamp(norm(stop), -1, n - 1);
  return Math.max(0, Math.ceil((b - a) / step));
}

const isEllipsis = (e: unknown): boolean => e === '...' || (typeof e === 'object' && e !== null && (e as Cfg)['class_name'] === '__ellipsis__');

/** `x[slice_spec]`: ints drop a dim, None adds one, slices shorten, `...` keeps the dims it stands for. */
function getitem(x: Shape, args: Cfg): Shape {
  const raw = args['slice_spec'];
  const spec = Array.isArray(raw) ? raw : [raw];
  const consuming = spec.filter((e) => e !== null && !isEllipsis(e)).length;
  if (consuming > x.length) throw new RuleError(`slice ${show(raw)} has more indices than ${fmtShape(x)} has dims`);
  const out: Shape = [];
  let i = 0;
  for (const e of spec) {
    if (e === null) out.push(1);
    else if (isEllipsis(e)) for (let k = 0; k < x.length - consuming; k++) out.push(x[i++] ?? null);
    else if (typeof e === 'number') i++;
    else if (typeof e === 'object') out.push(sliceLength(x[i++] ?? null, e as Cfg));
    else throw new RuleError(`slice entry ${show(e)} is not understood`);
  }
  return [...out, ...x.slice(i)];
}

function expandDims(x: Shape, args: Cfg): Shape {
  const a = typeof args['axis'] === 'number' ? args['axis'] : null;
  if (a === null) throw new RuleError('expand_dims without axis');
  const at = a < 0 ? a + x.length + 1 : a;
  return [...x.slice(0, at), 1, ...x.slice(at)];
}

function squeeze(x: Shape, args: Cfg): Shape | null {
  const axes = axisOf(args['axis'], x.length);
  if (axes) return x.filter((_, i) => !axes.includes(i));
  return x.some((d) => d === null) ? null : x.filter((d) => d !== 1);
}

function transpose(x: Shape, args: Cfg): Shape {
  const perm = Array.isArray(args['perm']) ? (args['perm'] as number[]) : x.map((_, i) => x.length - 1 - i);
  return perm.map((p) => x[p] ?? null);
}

function concat(xs: Shape[], args: Cfg): Shape {
  const a = axisOf(args['axis'] ?? 0, xs[0]!.length)![0]!;
  const dims = xs.map((s) => s[a] ?? null);
  const out = [...xs[0]!];
  out[a] = dims.some((d) => d === null) ? null : (dims as number[]).reduce((p, q) => p + q, 0);
  return out;
}

/** tf.reshape: the target shape (batch included) with one -1 resolved, None where the input has None. */
function reshape(x: Shape, args: Cfg): Shape | null {
  const target = args['shape'];
  if (!Array.isArray(target) || !target.every((d) => typeof d === 'number' || d === null)) return null;
  const dims = target as (number | null)[];
  const size = x.every((d) => d !== null) ? (x as number[]).reduce((a, b) => a * b, 1) : null;
  const rest = dims.filter((d) => d !== -1);
  if (dims.filter((d) => d === -1).length > 1) throw new RuleError(`reshape target ${show(target)} has more than one -1`);
  const knownRest = rest.every((d) => d !== null) ? (rest as number[]).reduce((a, b) => a * b, 1) : null;
  return dims.map((d) => (d !== -1 ? d : size === null || knownRest === null || knownRest === 0 ? null : size / knownRest));
}

/** tf.linalg.matmul: (…, n, k) · (…, k, m) → (…, n, m), with transpose_a / transpose_b. */
function matmul(a: Shape, b: Shape | undefined, args: Cfg): Shape | null {
  if (!b || a.length < 2 || b.length < 2) return null;
  const n = args['transpose_a'] === true ? a[a.length - 1] : a[a.length - 2];
  const m = args['transpose_b'] === true ? b[b.length - 2] : b[b.length - 1];
  const batch = broadcast(a.slice(0, -2), b.slice(0, -2));
  return [...batch, n ?? null, m ?? null];
}

/** Output shape of `tf.<fn>` on these tensors, or null when it is not derivable from the file. */
export function tfOpShape(fn: string, tensors: Shape[], args: Cfg): Shape | null {
  const x = tensors[0];
  if (!x) return null;
  if (ELEMENTWISE.has(fn)) return tensors.slice(1).reduce((a, b) => broadcast(a, b), x);
  if (REDUCE.test(fn)) return reduce(x, args);
  switch (fn) {
    case '__operators__.getitem':
      return args['slice_spec'] === undefined ? null : getitem(x, args);
    case 'expand_dims':
      return expandDims(x, args);
    case 'squeeze':
      return squeeze(x, args);
    case 'transpose':
    case 'compat.v1.transpose':
      return transpose(x, args);
    case 'concat':
      return concat(tensors, args);
    case 'reshape':
      return reshape(x, args);
    case 'linalg.matmul':
    case '__operators__.matmul':
      return matmul(x, tensors[1], args);
    case 'math.argmax':
    case 'math.argmin':
      return reduce(x, { axis: args['axis'] ?? 0 });
    default:
      return null;
  }
}

/** TF graph op names (TensorFlowOpLayer `node_def.op`) whose result has the broadcast shape of their inputs. */
const ELEMENTWISE_NODE_OPS = new Set([
  'Add', 'AddV2', 'Sub', 'Mul', 'RealDiv', 'Div', 'Maximum', 'Minimum', 'Pow', 'SquaredDifference', 'Neg', 'Abs', 'Exp',
  'Log', 'Sqrt', 'Rsqrt', 'Square', 'Sign', 'Reciprocal', 'Relu', 'Relu6', 'Elu', 'Selu', 'Sigmoid', 'Tanh', 'Softplus',
  'Softmax', 'LogSoftmax', 'Erf', 'Cast', 'Identity', 'Floor', 'Round', 'ClipByValue',
]);

/** Output shape of a TensorFlowOpLayer's graph op, or null when it is not derivable from the file. */
export function nodeOpShape(op: string, tensors: Shape[]): Shape | null {
  const x = tensors[0];
  if (!x || !ELEMENTWISE_NODE_OPS.has(op)) return null;
  return tensors.slice(1).reduce((a, b) => broadcast(a, b), x);
}
