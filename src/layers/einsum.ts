// EinsumDense: kernel and bias shapes from the equation, as Keras 3's
// keras/src/layers/core/einsum_dense.py `_analyze_einsum_string` / `_analyze_split_string` work them out.
import type { LayerRule } from './types.js';
import { RuleError } from './types.js';
import { one, weight, fmtShape, str } from './util.js';
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

export const einsumDense: LayerRule = {
  classes: ['EinsumDense'],
  family: 'core',
  summary: 'kernel: per weight-spec letter the output dim (if in the output spec) else the input dim; bias over bias_axes',
  source: 'keras/src/layers/core/einsum_dense.py (_analyze_split_string)',
  apply({ config, inputShapes }) {
    const equation = str(config, 'equation', '');
    const biasAxes = typeof config['bias_axes'] === 'string' && config['bias_axes'] !== '' ? config['bias_axes'] : null;
    const s = analyzeEinsum(equation, biasAxes, one(inputShapes), config['output_shape']);
    const weights = [weight('kernel', s.kernel, `${equation}: ${fmtShape(s.kernel)} from the weight spec`)];
    if (s.bias) weights.push(weight('bias', s.bias, `bias_axes '${biasAxes}': ${fmtShape(s.bias)}`));
    const notes = config['dtype'] && typeof config['dtype'] === 'object' && /Quantized|Int4/.test(String((config['dtype'] as Record<string, unknown>)['class_name']))
      ? ['quantized EinsumDense: its int8 kernel_scale layout depends on the equation; only the float layout is computed']
      : undefined;
    const parts = weights.map((w) => (w.shape ? w.shape.join(' × ') : '?'));
    const t = weights.every((w) => w.shape) ? weights.reduce((a, w) => a + w.shape!.reduce((x, y) => x * y, 1), 0) : null;
    return { outputShapes: [s.output], weights, formula: `${parts.join(' + ')} = ${t === null ? '?' : t.toLocaleString('en-US')}`, ...(notes ? { notes } : {}) };
  },
};
