// fixtures/compute stays true to itself (issue 14's ground truth): every model the generator saved is
// there with the layers truth.json costs, the output bytes follow from the recorded shapes and
// dtypes, and the conventions fixtures/compute/README.md states hold exactly on XLA's own figures —
// FLOPs = 2 × MACs + one per element of each elementwise op where every tap of the kernel is
// inside the input, fewer where padding is involved, a recurrent loop counted once unless
// unrolled. The MACs here come from each layer's config and shapes, never from kerascope.
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import JSZip from 'jszip';
import { describe, expect, test } from 'vitest';

const DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../fixtures/compute');

type Shape = (number | null)[];
interface Cost { flops: number; transcendentals: number; 'bytes accessed': number }
interface Xla { compiled: Cost; unoptimized: Cost; hlo_ops: Record<string, number> }
interface AtBatch { xla: Xla; xla_unrolled?: Xla; output_bytes: number; output_shapes: number[][] }
interface Layer {
  name: string;
  class_name: string;
  params: number;
  input_shapes: Shape[];
  output_shapes: Shape[];
  output_dtypes: string[];
  config: Record<string, unknown>;
  batch_1: AtBatch;
  [batch: `batch_${number}`]: AtBatch;
}
interface Case { file: string; total_params: number; layers: Layer[]; model: Record<string, { xla: Xla; output_bytes: number }> }
interface Truth { keras_version: string; jax_version: string; batch_sizes: number[]; cases: Record<string, Case> }

const truth = JSON.parse(readFileSync(join(DIR, 'truth.json'), 'utf8')) as Truth;
const [, BIG] = truth.batch_sizes as [number, number];
const layers = Object.values(truth.cases).flatMap((c) => c.layers);
const byName = new Map(layers.map((l) => [l.name, l]));
const layer = (name: string): Layer => byName.get(name) ?? expect.unreachable(`no layer ${name}`);
const prod = (s: readonly (number | null)[]): number => s.reduce<number>((a, d) => a * (d ?? 1), 1);
const ITEMSIZE: Record<string, number> = { float32: 4, bfloat16: 2, float16: 2, int32: 4 };
const flops = (l: Layer, batch: number): number => l[`batch_${batch}`]!.xla.compiled.flops;

test('the truth names its writers and covers every family issue 14 lists', () => {
  expect(truth.keras_version).toMatch(/^3\./);
  expect(truth.batch_sizes[0]).toBe(1);
  const classes = new Set(layers.map((l) => l.class_name));
  for (const c of ['Dense', 'Conv1D', 'Conv2D', 'Conv3D', 'Conv1DTranspose', 'Conv2DTranspose', 'Conv3DTranspose',
    'SeparableConv1D', 'SeparableConv2D', 'DepthwiseConv1D', 'DepthwiseConv2D', 'Embedding', 'SimpleRNN', 'LSTM',
    'GRU', 'Attention', 'MultiHeadAttention', 'BatchNormalization', 'LayerNormalization', 'GroupNormalization',
    'MaxPooling2D', 'AveragePooling2D', 'GlobalAveragePooling2D', 'Add', 'Multiply', 'Concatenate']) {
    expect(classes, c).toContain(c);
  }
});

describe.each(Object.entries(truth.cases))('%s', (_name, c) => {
  test('the saved .keras holds the layers costed, with their configs', async () => {
    const zip = await JSZip.loadAsync(gunzipSync(readFileSync(join(DIR, c.file))));
    const config = JSON.parse(await zip.file('config.json')!.async('string')) as { config: { layers: { class_name: string; config: { name: string } }[] } };
    const saved = config.config.layers.filter((l) => l.class_name !== 'InputLayer');
    expect(saved.map((l) => [l.config.name, l.class_name])).toEqual(c.layers.map((l) => [l.name, l.class_name]));
    expect(zip.file('model.weights.h5')).not.toBeNull();
    expect(c.layers.reduce((a, l) => a + l.params, 0)).toBe(c.total_params);
  });

  test('output bytes are the output shapes at each batch times the dtype size', () => {
    for (const l of c.layers) {
      for (const b of truth.batch_sizes) {
        const at = l[`batch_${b}`]!;
        // The batch is the first dimension; another unknown one (EinsumDense's None) is what the call gave.
        expect(at.output_shapes).toEqual(l.output_shapes.map((s, i) => s.map((d, j) => d ?? (j === 0 ? b : at.output_shapes[i]![j]))));
        const bytes = at.output_shapes.reduce((a, s, i) => a + prod(s) * ITEMSIZE[l.output_dtypes[i]!]!, 0);
        expect(at.output_bytes, `${l.name} at ${b}`).toBe(bytes);
        expect(at.xla.compiled.flops).toBeGreaterThanOrEqual(0);
      }
    }
    for (const b of truth.batch_sizes) expect(c.model[`batch_${b}`]!.output_bytes).toBeGreaterThan(0);
  });
});

/** MACs of a convolution whose every kernel tap lands inside the input (no padding). */
function convMacs(l: Layer, batch: number): number {
  const cfg = l.config as { kernel_size: number[]; filters?: number; groups?: number; depth_multiplier?: number; data_format: string };
  const cf = cfg.data_format === 'channels_first';
  const inShape = l.input_shapes[0]!;
  const cin = (cf ? inShape[1] : inShape.at(-1)) as number;
  const taps = prod(cfg.kernel_size);
  if (l.class_name.endsWith('Transpose')) return batch * prod(cf ? inShape.slice(2) : inShape.slice(1, -1)) * taps * cin * cfg.filters!;
  const outElems = batch * prod(l.output_shapes[0]!.slice(1));
  if (l.class_name.startsWith('Depthwise')) return outElems * taps;
  return outElems * taps * (cin / (cfg.groups ?? 1));
}

const elementwise = (l: Layer, batch: number): number => {
  const cfg = l.config as { use_bias?: boolean; activation?: string };
  const out = batch * prod(l.output_shapes[0]!.slice(1));
  return (cfg.use_bias ? out : 0) + (cfg.activation === 'relu' ? out : 0);
};

describe('the conventions README.md states, on XLA\'s figures', () => {
  test.each(['dense_relu', 'dense_nobias', 'dense_seq', 'conv2d_pointwise'])(
    '%s: flops = 2 × batch × in × units + bias + ReLU (tanh is a transcendental)', (n) => {
      const l = layer(n);
      for (const b of truth.batch_sizes) {
        const inner = prod(l.input_shapes[0]!.slice(1, -1)) * b;
        const cin = l.input_shapes[0]!.at(-1) as number;
        const units = l.output_shapes[0]!.at(-1) as number;
        expect(flops(l, b), `${n} at ${b}`).toBe(2 * inner * cin * units + elementwise(l, b));
      }
      expect(layer('dense_seq').batch_1.xla.compiled.transcendentals).toBe(prod(layer('dense_seq').output_shapes[0]!));
    });

  test.each(['conv1d_valid', 'conv2d_valid', 'conv2d_cf', 'conv3d_valid', 'conv1d_transpose', 'conv3d_transpose',
    'depthwise_conv1d'])('%s (no padding): flops = 2 × MACs + bias + ReLU', (n) => {
    const l = layer(n);
    for (const b of truth.batch_sizes) expect(flops(l, b), `${n} at ${b}`).toBe(2 * convMacs(l, b) + elementwise(l, b));
  });

  test.each(['conv1d_same_s2', 'conv1d_causal_d2', 'conv2d_same_s2', 'conv2d_groups', 'conv3d_same_s2', 'conv2d_transpose'])(
    '%s (padding): XLA counts fewer flops than every kernel tap would give (taps on padding are skipped)', (n) => {
      const l = layer(n);
      expect(flops(l, 1)).toBeLessThan(2 * convMacs(l, 1) + elementwise(l, 1));
      expect(flops(l, 1)).toBeGreaterThan(convMacs(l, 1));
    });

  test.each([['simple_rnn', 1], ['lstm_seq', 4], ['gru', 3], ['gru_reset_before', 3]] as const)(
    '%s: the scan is counted once; unrolled, flops ≥ 2 × steps × gates × units × (features + units)', (n, gates) => {
      const l = layer(n);
      const [, steps, features] = l.input_shapes[0] as [null, number, number];
      const units = (l.config as { units: number }).units;
      for (const b of truth.batch_sizes) {
        const at = l[`batch_${b}`]!;
        const unrolled = at.xla_unrolled!.compiled.flops;
        expect(at.xla.hlo_ops['while'] ?? 0, `${n}: a loop`).toBeGreaterThanOrEqual(0);
        expect(unrolled).toBeGreaterThanOrEqual(2 * b * steps * gates * units * (features + units));
        expect(unrolled).toBeLessThan(2 * 2 * b * steps * gates * units * (features + units));
        expect(at.xla.compiled.flops).toBeLessThan(unrolled);
      }
    });

  test('pooling: a max pool compares window − 1 times per output; merges cost inputs − 1 ops per element', () => {
    for (const n of ['max_pool1d', 'max_pool2d', 'max_pool3d']) {
      const l = layer(n);
      const window = prod((l.config as { pool_size: number[] }).pool_size);
      expect(flops(l, BIG), n).toBe(BIG * prod(l.output_shapes[0]!.slice(1)) * (window - 1));
    }
    const gmp = layer('global_max_pool2d');
    const [, h, w, ch] = gmp.input_shapes[0] as [null, number, number, number];
    expect(flops(gmp, 1)).toBe(ch * (h * w - 1));
    for (const [n, inputs] of [['add', 3], ['subtract', 2], ['multiply', 3], ['maximum', 2], ['minimum', 2]] as const) {
      const l = layer(n);
      expect(flops(l, BIG), n).toBe(BIG * prod(l.output_shapes[0]!.slice(1)) * (inputs - 1));
    }
    for (const n of ['concatenate', 'dropout']) expect(flops(layer(n), BIG), n).toBe(0);
  });

  test('an Embedding lookup is no multiply-add: a gather, and 2 flops per output element of index checks', () => {
    const l = layer('embedding');
    for (const b of truth.batch_sizes) {
      const ops = l[`batch_${b}`]!.xla.hlo_ops;
      expect(ops['gather']).toBe(1);
      expect(ops['dot'] ?? 0).toBe(0);
      expect(flops(l, b)).toBe(2 * b * prod(l.output_shapes[0]!.slice(1)));
    }
  });

  test('mixed_bfloat16: each cast counts one flop per element (inputs, kernel, bias), before XLA adds its own', () => {
    const l = layer('dense_bf16');
    const [, cin] = l.input_shapes[0] as [null, number];
    const units = l.output_shapes[0]!.at(-1) as number;
    for (const b of truth.batch_sizes) {
      const at = l[`batch_${b}`]!.xla;
      expect(at.unoptimized.flops).toBe(2 * b * cin * units + b * units + b * cin + cin * units + units);
      expect(at.compiled.flops).toBeGreaterThan(at.unoptimized.flops);
      expect(at.hlo_ops['convert']).toBeGreaterThan(0);
    }
  });
});
