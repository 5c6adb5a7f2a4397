// EinsumDense: kernel and bias shapes from the equation, as Keras 3's
// keras/src/layers/core/einsum_dense.py `_analyze_einsum_string` / `_analyze_split_string` work them out.
import type { LayerRule, ExpectedWeight } from './types.js';
import { RuleError } from './types.js';
import { one, weight, fmtShape, str, prodOrNull } from './util.js';
import { quantization, intKernelWeights, float8Weights, withStoreOrder, requireNotGrouped, lora, type Quantization } from './quantize.js';
import { total } from './common.js';
import type { Dim, Shape } from '../types.js';

interface Split {
  input: string;
  kernel: string;
  output: string;
  leftElided: boolean;
}

/** The three accepted forms: `ab,bc->ac`, `...ab,bc->...ac`, `ab...,bc->ac...`. */
function splitEquation(equation: string): Split {
  const s = equation.replace(/\.\.\./g, '0');
  let m = /^([a-zA-Z]+),([a-zA-Z]+)->([a-zA-Z]+)$/.exec(s);
  if (m) return { input: m[1]!, kernel: m[2]!, output: m[3]!, leftElided: false };
  m = /^0([a-zA-Z]+),([a-zA-Z]+)->0([a-zA-Z]+)$/.exec(s);
  if (m) return { input: m[1]!, kernel: m[2]!, output: m[3]!, leftElided: true };
  m = /^([a-zA-Z]{2,})0,([a-zA-Z]+)->([a-zA-Z]+)0$/.exec(s);
  if (m) return { input: m[1]!, kernel: m[2]!, output: m[3]!, leftElided: false };
  throw new RuleError(`invalid einsum equation '${equation}': expected [X],[Y]->[Z], ...[X],[Y]->...[Z] or [X]...,[Y]->[Z]...`);
}

function partialOutput(v: unknown): Dim[] {
  if (typeof v === 'number') return [v];
  if (Array.isArray(v)) return v.map((d) => (typeof d === 'number' ? d : null));
  throw new RuleError('EinsumDense config has no output_shape');
}

export interface EinsumShapes {
  kernel: Dim[];
  bias: Dim[] | null;
  output: Shape;
}

/** `_analyze_split_string`: the user's output_shape (None kept as None) with batch and elided dims added. */
export function analyzeEinsum(equation: string, biasAxes: string | null, input: Shape, outputShape: unknown): EinsumShapes {
  const sp = splitEquation(equation);
  const elided = input.length - sp.input.length;
  const output: Dim[] = [input[0] ?? null, ...partialOutput(outputShape)];
  if (elided > 0 && sp.leftElided) for (let i = 1; i < elided; i++) output.splice(1, 0, input[i] ?? null);
  else if (elided > 0) for (let i = input.length - elided; i < input.length; i++) output.push(input[i] ?? null);
  const inIdx = (c: string): number => (sp.leftElided ? sp.input.indexOf(c) + elided : sp.input.indexOf(c));
  const outIdx = (c: string): number => (sp.leftElided ? sp.output.indexOf(c) + elided : sp.output.indexOf(c));
  for (const c of sp.input) {
    if (!sp.output.includes(c)) continue;
    const o = output[outIdx(c)];
    const i = input[inIdx(c)];
    if (o !== null && o !== undefined && o !== i) throw new RuleError(`input and output shape do not match at shared dimension '${c}': ${i} vs ${o}`);
  }
  const kernel = [...sp.kernel].map((c) => {
    if (sp.output.includes(c)) return output[outIdx(c)] ?? null;
    if (sp.input.includes(c)) return input[inIdx(c)] ?? null;
    throw new RuleError(`weight dimension '${c}' is in neither the input spec '${sp.input}' nor the output spec '${sp.output}'`);
  });
  let bias: Dim[] | null = null;
  if (biasAxes) {
    for (const c of biasAxes) if (!sp.output.includes(c)) throw new RuleError(`bias dimension '${c}' is not part of the output spec '${sp.output}'`);
    const first = Math.min(...[...biasAxes].map((c) => sp.output.indexOf(c)));
    bias = [...sp.output.slice(first)].map((c) => (biasAxes.includes(c) ? output[outIdx(c)] ?? null : 1));
    if (!sp.leftElided) for (let i = 0; i < elided; i++) bias.push(1);
  }
  return { kernel, bias, output };
}

/**
 * The specs with elided dims given letters of their own (`_analyze_quantization_info.get_specs`):
 * left-elided dims are prepended to input and output, right-elided ones appended.
 */
function fullSpecs(equation: string, rank: number): { input: string; kernel: string; output: string } {
  const sp = splitEquation(equation);
  const used = new Set(sp.input + sp.kernel + sp.output);
  const free = [...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'].filter((c) => !used.has(c));
  let { input, output } = sp;
  const elided = equation.includes('...') ? rank - sp.input.length : 0;
  for (let i = 0; i < elided; i++) {
    input = sp.leftElided ? free[i] + input : input + free[i];
    output = sp.leftElided ? free[i] + output : output + free[i];
  }
  return { input, kernel: sp.kernel, output };
}

/**
 * The int8 per-channel `kernel_scale` shape (einsum_dense.py `_get_kernel_scale_shape` with the axes of
 * `_analyze_quantization_info`): the kernel with its reduced axes set to 1, put in output order,
 * with 1s where output letters are not kernel letters. Python's loop variable `index` carries over
 * between the loops there, and so it does here.
 */
export function einsumKernelScaleShape(equation: string, rank: number, kernel: Dim[]): Dim[] {
  const { input, kernel: w, output } = fullSpecs(equation, rank);
  let index = -1;
  const inReduced: number[] = [];
  for (let i = 0; i < input.length; i++) if ((index = output.indexOf(input[i]!)) === -1) inReduced.push(i);
  const wReduced: number[] = [];
  for (let i = 0; i < w.length; i++) if ((index = output.indexOf(w[i]!)) === -1) wReduced.push(i);
  const inExpand: number[] = [];
  const wExpand: number[] = [];
  const wTranspose: number[] = [];
  for (let i = 0; i < output.length; i++) {
    if (!input.includes(output[i]!)) inExpand.push(i);
    if (!w.includes(output[i]!)) wExpand.push(i);
    else wTranspose.push(w.indexOf(output[i]!));
  }
  for (const _ of inReduced) if (inExpand.length) index = inExpand.shift()!;
  const wSqueeze: number[] = [];
  for (const ori of wReduced) {
    if (wExpand.length) index = wExpand.shift()!;
    else wSqueeze.push(ori);
    wTranspose.splice(index, 0, ori);
  }
  const reducedTo1 = kernel.map((d, i) => (wReduced.includes(i) ? 1 : d));
  const scale = wTranspose.map((a) => reducedTo1[a] ?? null);
  for (const a of [...wExpand].sort((x, y) => x - y)) scale.splice(a, 0, 1);
  for (const a of [...wSqueeze].sort((x, y) => y - x)) scale.splice(a, 1);
  return scale;
}

/** Quantized EinsumDense variables (`_int8_build`, `_int4_build`, `_float8_build`). */
function quantizedEinsum(q: Quantization, equation: string, rank: number, kernel: Dim[], bias: ExpectedWeight[]): ExpectedWeight[] {
  requireNotGrouped(q, 'EinsumDense');
  const floatKernel = weight('kernel', kernel, `${equation}: ${fmtShape(kernel)} from the weight spec`);
  if (q.mode === 'float8') {
    const ws = [floatKernel, ...bias, ...float8Weights(q)];
    return withStoreOrder(ws, ws.map((w) => w.name));
  }
  const order = ['kernel', 'bias', 'kernel_scale', 'kernel_zero', 'g_idx'];
  if (q.mode === 'int8') {
    const scale = einsumKernelScaleShape(equation, rank, kernel);
    const ws = [...bias, { ...floatKernel, trainable: false, dtype: 'int8', why: `${q.name}: int8 copy of the kernel` }, weight('kernel_scale', scale, 'kernel with its reduced axes set to 1, in output order', { trainable: false })];
    return withStoreOrder(ws, order);
  }
  // int4: the kernel flattened to (reduced dims, other dims), packed two per int8.
  const { kernel: w, output } = fullSpecs(equation, rank);
  const rows = prodOrNull(kernel.filter((_, i) => !output.includes(w[i]!)));
  const cols = prodOrNull(kernel.filter((_, i) => output.includes(w[i]!)));
  if (cols === null) throw new RuleError('int4 EinsumDense needs every kernel dimension');
  return withStoreOrder([...bias, ...intKernelWeights(q, 'kernel', rows, cols, 1, 1)], order);
}

export const einsumDense: LayerRule = {
  classes: ['EinsumDense'],
  family: 'core',
  summary: 'kernel: per weight-spec letter the output dim (if in the output spec) else the input dim; bias over bias_axes; Keras 3 int8/int4/float8 policies add their quantized variables',
  source: 'keras/src/layers/core/einsum_dense.py (_analyze_split_string)',
  apply({ config, inputShapes }) {
    const equation = str(config, 'equation', '');
    const biasAxes = typeof config['bias_axes'] === 'string' && config['bias_axes'] !== '' ? config['bias_axes'] : null;
    const input = one(inputShapes);
    const s = analyzeEinsum(equation, biasAxes, input, config['output_shape']);
    const bias = s.bias ? [weight('bias', s.bias, `bias_axes '${biasAxes}': ${fmtShape(s.bias)}`)] : [];
    const q = quantization(config);
    if (q) {
      const weights = quantizedEinsum(q, equation, input.length, s.kernel, bias);
      return { outputShapes: [s.output], weights, formula: `${q.name}: ${weights.map((w) => `${w.name} ${w.shape ? fmtShape(w.shape) : '?'}`).join(' + ')} = ${total(weights)}` };
    }
    const weights = lora(config, 'kernel', [weight('kernel', s.kernel, `${equation}: ${fmtShape(s.kernel)} from the weight spec`), ...bias]);
    return { outputShapes: [s.output], weights, formula: `${weights.map((w) => (w.shape ? w.shape.join(' × ') : '?')).join(' + ')} = ${total(weights)}` };
  },
};
