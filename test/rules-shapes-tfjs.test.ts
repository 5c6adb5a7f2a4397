// The conv, pooling, reshaping and merging rules against TensorFlow.js layers, one layer at a time, over a wide
// seeded sweep of arguments (kernel, strides, dilation, padding, data_format, depth_multiplier, bias):
// for each random case tfjs builds the layer on a symbolic input; its output shape and weight shapes
// (in tfjs's order and names) must equal the rule's. Cases tfjs refuses are skipped; a case the rule
// refuses while tfjs accepts is a failure. tfjs follows tf.keras, so the rules run as Keras 2.
// Where tfjs and Keras disagree the rules follow Keras: the sweep avoids those arguments and the
// last block pins each difference with its reason.
import { beforeAll, describe, expect, it } from 'vitest';
import type { Shape } from '../src/types.js';
import { loadTf, rng, type Tf } from './helpers/tfjs-gen.js';
import { TFK, run } from './helpers/rules.js';

type Rand = () => number;
const int = (r: Rand, lo: number, hi: number): number => lo + Math.floor(r() * (hi - lo + 1));
const pick = <T>(r: Rand, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
const ints = (r: Rand, n: number, lo: number, hi: number): number[] => Array.from({ length: n }, () => int(r, lo, hi));

interface Case {
  className: string;
  /** Keras config (snake_case) for the rule. */
  keras: Record<string, unknown>;
  /** tfjs constructor args (camelCase). */
  tfjs: Record<string, unknown>;
  input: number[];
  /** Further inputs of a merge layer. */
  more?: number[][];
}

const FACTORY: Record<string, string> = {
  Conv1D: 'conv1d',
  Conv2D: 'conv2d',
  Conv3D: 'conv3d',
  Conv2DTranspose: 'conv2dTranspose',
  Conv3DTranspose: 'conv3dTranspose',
  SeparableConv2D: 'separableConv2d',
  DepthwiseConv2D: 'depthwiseConv2d',
  MaxPooling1D: 'maxPooling1d',
  AveragePooling2D: 'averagePooling2d',
  MaxPooling3D: 'maxPooling3d',
  GlobalAveragePooling2D: 'globalAveragePooling2d',
  ZeroPadding2D: 'zeroPadding2d',
  Cropping2D: 'cropping2D',
  UpSampling2D: 'upSampling2d',
  Flatten: 'flatten',
  Reshape: 'reshape',
  Permute: 'permute',
  Add: 'add',
  Maximum: 'maximum',
  Concatenate: 'concatenate',
  Dot: 'dot',
};

/** Spatial input with channels placed by data_format. */
function inputOf(r: Rand, rank: number, cf: boolean, lo = 4, hi = 13): number[] {
  const spatial = ints(r, rank, lo, hi);
  const c = int(r, 1, 5);
  return cf ? [c, ...spatial] : [...spatial, c];
}

function convCase(r: Rand, className: string, rank: number): Case {
  const transpose = className.includes('Transpose');
  const sep = className.startsWith('Separable');
  const dw = className.startsWith('Depthwise');
  // tfjs: Conv1D and the 3D layers take channels_last only.
  const cf = rank === 2 && r() < 0.3;
  const k = ints(r, rank, 1, 4);
  const strides = ints(r, rank, 1, 3);
  // tf.keras refuses dilation > 1 with strides > 1; tfjs has no dilation for transposes.
  const dilation = strides.every((s) => s === 1) && !transpose ? ints(r, rank, 1, 2) : k.map(() => 1);
  // 'causal' is a known tfjs difference (below).
  const padding = pick(r, ['valid', 'same']);
  const useBias = r() < 0.7;
  const filters = int(r, 1, 6);
  const dm = int(r, 1, 3);
  const dataFormat = cf ? 'channels_first' : 'channels_last';
  const keras: Record<string, unknown> = { kernel_size: k, strides, padding, data_format: dataFormat, dilation_rate: dilation, use_bias: useBias };
  const tfjs: Record<string, unknown> = { kernelSize: k, strides, padding, dataFormat: cf ? 'channelsFirst' : 'channelsLast', dilationRate: dilation, useBias };
  if (!dw) Object.assign(keras, { filters }) && Object.assign(tfjs, { filters });
  if (sep || dw) Object.assign(keras, { depth_multiplier: dm }) && Object.assign(tfjs, { depthMultiplier: dm });
  if (transpose) Object.assign(keras, { output_padding: null });
  return { className, keras, tfjs, input: inputOf(r, rank, cf) };
}

function poolCase(r: Rand, className: string, rank: number): Case {
  const cf = rank === 2 && r() < 0.3;
  const pool = ints(r, rank, 1, 3);
  const strides = r() < 0.3 ? null : ints(r, rank, 1, 3);
  const padding = pick(r, ['valid', 'same']);
  return {
    className,
    keras: { pool_size: pool, strides, padding, data_format: cf ? 'channels_first' : 'channels_last' },
    tfjs: { poolSize: rank === 1 ? pool[0] : pool, strides: strides && rank === 1 ? strides[0] : strides ?? undefined, padding, ...(rank > 1 ? { dataFormat: cf ? 'channelsFirst' : 'channelsLast' } : {}) },
    input: inputOf(r, rank, cf),
  };
}

function reshapeCase(r: Rand, className: string): Case {
  const cf = r() < 0.3;
  const dataFormat = cf ? 'channels_first' : 'channels_last';
  const tfFormat = cf ? 'channelsFirst' : 'channelsLast';
  const pairs = [ints(r, 2, 0, 3), ints(r, 2, 0, 3)];
  switch (className) {
    case 'ZeroPadding2D':
      return { className, keras: { padding: pairs, data_format: dataFormat }, tfjs: { padding: pairs, dataFormat: tfFormat }, input: inputOf(r, 2, cf) };
    case 'Cropping2D':
      return { className, keras: { cropping: pairs, data_format: dataFormat }, tfjs: { cropping: pairs, dataFormat: tfFormat }, input: inputOf(r, 2, cf, 7, 13) };
    case 'UpSampling2D': {
      const size = ints(r, 2, 1, 3);
      return { className, keras: { size, data_format: dataFormat }, tfjs: { size, dataFormat: tfFormat }, input: inputOf(r, 2, cf) };
    }
    default:
      // keepdims is a known tfjs difference (below).
      return { className, keras: { data_format: dataFormat, keepdims: false }, tfjs: { dataFormat: tfFormat }, input: inputOf(r, 2, cf) };
  }
}

/** Flatten, Reshape (with a -1), Permute on a random rank-2..4 input. */
function shapeCase(r: Rand, className: string): Case {
  const input = ints(r, int(r, 2, 4), 1, 6);
  if (className === 'Flatten') return { className, keras: {}, tfjs: {}, input };
  if (className === 'Permute') {
    const dims = input.map((_, i) => i + 1).sort(() => r() - 0.5);
    return { className, keras: { dims }, tfjs: { dims }, input };
  }
  const size = input.reduce((a, b) => a * b, 1);
  const first = pick(r, [1, 2, 3, 4, 6].filter((d) => size % d === 0));
  const target = r() < 0.5 ? [first, -1] : [-1, first];
  return { className, keras: { target_shape: target }, tfjs: { targetShape: target }, input };
}

/** Element-wise merges with broadcast 1s, Concatenate on a random axis, Dot on random matching axes. */
function mergeCase(r: Rand, className: string): Case {
  const rank = int(r, 1, 3);
  const base = ints(r, rank, 2, 5);
  if (className === 'Concatenate') {
    const axis = int(r, 1, rank) * (r() < 0.5 ? 1 : -1);
    const at = axis > 0 ? axis - 1 : rank + axis;
    const other = base.map((d, i) => (i === at ? int(r, 1, 5) : d));
    return { className, keras: { axis }, tfjs: { axis }, input: base, more: [other] };
  }
  if (className === 'Dot') {
    // tfjs's batchDot takes ranks 2 and 3 only.
    base.splice(2);
    const b = ints(r, int(r, 1, 2), 2, 5);
    const a0 = int(r, 0, base.length - 1);
    const a1 = int(r, 0, b.length - 1);
    b[a1] = base[a0]!;
    const axes = [a0 + 1, a1 + 1];
    return { className, keras: { axes, normalize: false }, tfjs: { axes }, input: base, more: [b] };
  }
  const other = base.map((d) => (r() < 0.3 ? 1 : d));
  return { className, keras: {}, tfjs: {}, input: base, more: [r() < 0.5 ? other : other.slice(int(r, 0, rank - 1))] };
}

const KINDS: [string, (r: Rand) => Case][] = [
  ['Conv1D', (r) => convCase(r, 'Conv1D', 1)],
  ['Conv2D', (r) => convCase(r, 'Conv2D', 2)],
  ['Conv3D', (r) => convCase(r, 'Conv3D', 3)],
  ['Conv2DTranspose', (r) => convCase(r, 'Conv2DTranspose', 2)],
  ['Conv3DTranspose', (r) => convCase(r, 'Conv3DTranspose', 3)],
  ['SeparableConv2D', (r) => convCase(r, 'SeparableConv2D', 2)],
  ['DepthwiseConv2D', (r) => convCase(r, 'DepthwiseConv2D', 2)],
  ['MaxPooling1D', (r) => poolCase(r, 'MaxPooling1D', 1)],
  ['AveragePooling2D', (r) => poolCase(r, 'AveragePooling2D', 2)],
  ['MaxPooling3D', (r) => poolCase(r, 'MaxPooling3D', 3)],
  ['GlobalAveragePooling2D', (r) => reshapeCase(r, 'GlobalAveragePooling2D')],
  ['ZeroPadding2D', (r) => reshapeCase(r, 'ZeroPadding2D')],
  ['Cropping2D', (r) => reshapeCase(r, 'Cropping2D')],
  ['UpSampling2D', (r) => reshapeCase(r, 'UpSampling2D')],
  ['Flatten', (r) => shapeCase(r, 'Flatten')],
  ['Reshape', (r) => shapeCase(r, 'Reshape')],
  ['Permute', (r) => shapeCase(r, 'Permute')],
  ['Add', (r) => mergeCase(r, 'Add')],
  ['Maximum', (r) => mergeCase(r, 'Maximum')],
  ['Concatenate', (r) => mergeCase(r, 'Concatenate')],
  ['Dot', (r) => mergeCase(r, 'Dot')],
];

interface TfjsAnswer {
  shape: Shape;
  weights: [string, number[]][];
}

/** tfjs's own answer, or null when tfjs refuses the case. */
function tfjsAnswer(tf: Tf, c: Case): TfjsAnswer | null {
  try {
    const make = (tf.layers as unknown as Record<string, (a: unknown) => InstanceType<Tf['layers']['Layer']>>)[FACTORY[c.className]!]!;
    const layer = make(c.tfjs);
    const inputs = [c.input, ...(c.more ?? [])].map((s) => tf.input({ batchShape: [null, ...s] }));
    const y = layer.apply(inputs.length === 1 ? inputs[0]! : inputs) as { shape: Shape };
    if (y.shape.some((d) => d !== null && d <= 0)) return null;
    return { shape: y.shape, weights: layer.weights.map((w) => [w.originalName.split('/').pop()!, w.shape as number[]]) };
  } catch {
    return null;
  }
}

const SEED = 20261127;
const PER_KIND = 60;

describe('conv, pooling, reshaping and merging rules agree with TensorFlow.js layer by layer', () => {
  let tf: Tf;
  beforeAll(async () => {
    tf = await loadTf();
  });

  it.each(KINDS.map(([k]) => k))('%s: random arguments', (kind) => {
    const make = KINDS.find(([k]) => k === kind)![1];
    const r = rng(SEED + kind.length * 7919 + kind.charCodeAt(0)).next;
    const failures: string[] = [];
    let compared = 0;
    for (let i = 0; i < PER_KIND; i++) {
      const c = make(r);
      const want = tfjsAnswer(tf, c);
      if (!want) continue;
      compared++;
      try {
        const got = run(c.className, c.keras, [c.input, ...(c.more ?? [])].map((s) => [null, ...s]), TFK);
        const ours = { shape: got.outputShapes[0], weights: got.weights.map((w) => [w.name, w.shape]) };
        if (JSON.stringify(ours) !== JSON.stringify(want)) failures.push(`${JSON.stringify(c.keras)} on ${JSON.stringify(c.input)}: tfjs ${JSON.stringify(want)}, rule ${JSON.stringify(ours)}`);
      } catch (e) {
        failures.push(`${JSON.stringify(c.keras)} on ${JSON.stringify(c.input)}: rule refused (${(e as Error).message}), tfjs gave ${JSON.stringify(want)}`);
      }
    }
    expect(failures).toEqual([]);
    // The sweep must really compare: most random cases are valid.
    expect(compared).toBeGreaterThan(PER_KIND / 2);
  });
});

describe('known tfjs differences: the rules follow Keras', () => {
  let tf: Tf;
  beforeAll(async () => {
    tf = await loadTf();
  });

  it("causal Conv1D: tfjs shortens like 'valid'; Keras keeps ceil(n / s) (keras-formats.md §4, checked with Keras 3.15.1)", () => {
    const c: Case = { className: 'Conv1D', keras: { filters: 2, kernel_size: [3], strides: [1], padding: 'causal' }, tfjs: { filters: 2, kernelSize: 3, padding: 'causal' }, input: [9, 4] };
    expect(tfjsAnswer(tf, c)?.shape).toEqual([null, 7, 2]);
    expect(run(c.className, c.keras, [[null, ...c.input]], TFK).outputShapes).toEqual([[null, 9, 2]]);
  });
  it('GlobalAveragePooling2D keepdims: tfjs ignores it; Keras keeps 1s (zoo dz_gmp2d_keep_cf)', () => {
    const c: Case = { className: 'GlobalAveragePooling2D', keras: { keepdims: true }, tfjs: { keepdims: true }, input: [5, 5, 3] };
    expect(tfjsAnswer(tf, c)?.shape).toEqual([null, 3]);
    expect(run(c.className, c.keras, [[null, ...c.input]], TFK).outputShapes).toEqual([[null, 1, 1, 3]]);
  });
});
