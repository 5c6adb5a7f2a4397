// Convolutions: Conv1D/2D/3D, their transposes, SeparableConv, DepthwiseConv, the Keras 1 names
// (Convolution*, AtrousConvolution*, Deconvolution*) and Keras 2's LocallyConnected (locally-connected.ts).
// Keras 3: keras/src/layers/convolutional/base_conv.py, base_conv_transpose.py, base_separable_conv.py,
// base_depthwise_conv.py; Keras 2: tf_keras/layers/convolutional/*.py; Keras 1.2: keras/layers/convolutional.py.
import type { Dim } from '../types.js';
import type { ExpectedWeight, LayerRule, RuleInput, RuleOutput } from './types.js';
import { RuleError } from './types.js';
import { convLength, count, deconvLength, tuple, weight, weightCount } from './util.js';
import { assemble, convSetup, filtersOf, isKeras1, kdims, n, type ConvArgs, type Geometry } from './conv-shapes.js';
import { rules as locallyConnected } from './locally-connected.js';
import { kerasMajor } from './common.js';

function outSpatial(g: Geometry, a: ConvArgs): Dim[] {
  return g.spatial.map((len, i) => convLength(len, a.kernel[i]!, a.padding, a.strides[i]!, a.dilation[i]!));
}

function rule(classes: string[], summary: string, source: string, apply: (input: RuleInput) => RuleOutput): LayerRule {
  return { classes, family: 'conv', summary, source, apply };
}

function bias(useBias: boolean, size: number | null, why: string): ExpectedWeight[] {
  return useBias ? [weight('bias', [size], why)] : [];
}

/** "13 filters × (5 × 103 inputs + 1 bias) = 6,708" */
function perFilter(filters: number, kernel: number[], inputs: string, useBias: boolean, total: number | null): string {
  return useBias
    ? `${filters} filters × (${kdims(kernel)} × ${inputs} + 1 bias) = ${n(total)}`
    : `${filters} filters × ${kdims(kernel)} × ${inputs} (no bias) = ${n(total)}`;
}

// ---------------------------------------------------------------- Conv1D/2D/3D

/**
 * The stored kernel shape. Keras 2/3: `kernel_size + (in/groups, filters)` whatever data_format is
 * (base_conv.py build). Keras 1.2: Theano ordering `(filters, in, k…)`, Convolution1D a 4D
 * `(k, 1, in, filters)`, and Keras 1.0/1.1 Convolution1D `(filters, in, k, 1)` (the shapes Keras 2's
 * legacy loader converts in preprocess_weights_for_loading).
 */
function convKernel(input: RuleInput, g: Geometry, a: ConvArgs, perGroup: number | null, filters: number): ExpectedWeight {
  const k = a.kernel;
  const base = `${kdims(k)} kernel × ${n(perGroup)} input channels × ${filters} filters`;
  if (isKeras1(input)) {
    if (k.length === 1) {
      const old = input.kerasVersion.major === 1 && input.kerasVersion.minor <= 1;
      return old
        ? weight('kernel', [filters, perGroup, k[0]!, 1], `Keras 1.0/1.1 Convolution1D layout (filters, in, k, 1): ${base}`)
        : weight('kernel', [k[0]!, 1, perGroup, filters], `Keras 1 Convolution1D is a 2D kernel (k, 1, in, filters): ${base}`);
    }
    if (g.cf) return weight('kernel', [filters, perGroup, ...k], `Keras 1 Theano ordering (dim_ordering th) keeps (filters, in, ${kdims(k)}): ${base}`);
  }
  // Keras 2 and 3 keep (k…, in, filters) for channels_first too (checked with Keras 3.15.1).
  return weight('kernel', [...k, perGroup, filters], g.cf ? `${base} (same layout for channels_first)` : base);
}

function applyConv(input: RuleInput): RuleOutput {
  const { config } = input;
  const { g, a, useBias } = convSetup(input, input.kerasVersion.tfKeras);
  const filters = filtersOf(config);
  const groups = count(config, 'groups', 1) || 1;
  if (g.channels !== null && g.channels % groups !== 0) throw new RuleError(`${g.channels} input channels do not divide into groups=${groups}`);
  const perGroup = g.channels === null ? null : g.channels / groups;
  const weights = [convKernel(input, g, a, perGroup, filters), ...bias(useBias, filters, `one per filter: filters=${filters}`)];
  const inputs = groups > 1 ? `${n(perGroup)} inputs per group (${n(g.channels)} ÷ ${groups} groups)` : `${n(perGroup)} inputs`;
  const total = perGroup === null ? null : weightCount(weights);
  const formula = perFilter(filters, a.kernel, inputs, useBias, total);
  return { outputShapes: [assemble(g, outSpatial(g, a), filters)], ...lora(config['lora_rank'], weights, filters), formula };
}

/**
 * Keras 3 Conv LoRA (base_conv.py enable_lora, `lora_rank` in the config): on load Keras adds
 * lora_kernel_a (k…, in/groups, rank) and lora_kernel_b (rank, filters) and freezes the kernel. They
 * are never stored (save_own_variables merges them into the kernel), so they are noted, as for Dense.
 */
function lora(rank: unknown, weights: ExpectedWeight[], filters: number): { weights: ExpectedWeight[]; notes?: string[] } {
  if (typeof rank !== 'number' || rank <= 0) return { weights };
  const kernel = weights[0]!;
  const aShape = kernel.shape ? [...kernel.shape.slice(0, -1), rank] : null;
  const a = aShape ? n(aShape.reduce((p, d) => p * d, 1)) : '?';
  const note =
    `lora_rank=${rank}: Keras adds lora_kernel_a (${aShape ? aShape.join(', ') : '?'}) and lora_kernel_b (${rank}, ${filters}) ` +
    `when it loads this layer (${a} + ${n(rank * filters)} params, not stored: merged into kernel on save), and freezes kernel`;
  return { weights: weights.map((w) => (w === kernel ? { ...w, trainable: false } : w)), notes: [note] };
}

const conv = rule(
  ['Conv1D', 'Conv2D', 'Conv3D', 'Convolution1D', 'Convolution2D', 'Convolution3D', 'AtrousConvolution1D', 'AtrousConvolution2D'],
  'kernel (k…, in/groups, filters) + bias (filters): filters × (prod(k) × in/groups + 1); Keras 1 stored th kernels as (filters, in, k…) and Convolution1D as (k, 1, in, filters)',
  'keras/src/layers/convolutional/base_conv.py; Keras 1.2.2 keras/layers/convolutional.py',
  applyConv,
);

// ---------------------------------------------------------------- transposed convolutions

/** Keras 1 Deconvolution2D took the output shape as an argument (`output_shape`, batch included). */
function keras1DeconvSpatial(input: RuleInput, g: Geometry): Dim[] | null {
  const os = input.config['output_shape'];
  if (!Array.isArray(os) || os.length !== g.spatial.length + 2) return null;
  const dims = g.cf ? os.slice(2) : os.slice(1, -1);
  return dims.map((d) => (typeof d === 'number' && Number.isInteger(d) && d > 0 ? d : null));
}

function applyTranspose(input: RuleInput): RuleOutput {
  const { config } = input;
  const { g, a, useBias } = convSetup(input);
  const filters = filtersOf(config);
  // output_padding null: the length follows from padding alone (deconvLength).
  const op = config['output_padding'] == null ? null : tuple(config, 'output_padding', a.kernel.length);
  const keras1 = isKeras1(input);
  const spatial =
    (keras1 ? keras1DeconvSpatial(input, g) : null) ??
    g.spatial.map((len, i) => deconvLength(len, a.kernel[i]!, a.padding, a.strides[i]!, a.dilation[i]!, op ? op[i]! : null));
  const cin = g.channels;
  const base = `${kdims(a.kernel)} kernel × ${filters} filters × ${n(cin)} input channels`;
  let kernel: ExpectedWeight;
  if (keras1) {
    // Keras 1 Deconvolution2D built Convolution2D's kernel; Keras 2 transposes it on load.
    kernel = g.cf
      ? weight('kernel', [filters, cin, ...a.kernel], `Keras 1 Theano ordering (filters, in, ${kdims(a.kernel)}): ${base}`)
      : weight('kernel', [...a.kernel, cin, filters], `Keras 1 Deconvolution kernel (${kdims(a.kernel)}, in, filters): ${base}`);
  } else {
    kernel = weight('kernel', [...a.kernel, filters, cin], `${base} (a transpose keeps filters before inputs)`);
  }
  const weights = [kernel, ...bias(useBias, filters, `one per filter: filters=${filters}`)];
  const total = cin === null ? null : weightCount(weights);
  const formula = perFilter(filters, a.kernel, `${n(cin)} inputs`, useBias, total);
  return { outputShapes: [assemble(g, spatial, filters)], weights, formula };
}

const transpose = rule(
  ['Conv1DTranspose', 'Conv2DTranspose', 'Conv3DTranspose', 'Convolution1DTranspose', 'Convolution2DTranspose', 'Convolution3DTranspose', 'Deconvolution2D', 'Deconvolution3D'],
  'kernel (k…, filters, in) + bias (filters): filters × (prod(k) × in + 1); Keras 1 Deconvolution2D: (k…, in, filters), th (filters, in, k…), output from its output_shape',
  'keras/src/layers/convolutional/base_conv_transpose.py; Keras 1.2.2 keras/layers/convolutional.py',
  applyTranspose,
);

// ---------------------------------------------------------------- SeparableConv

function applySeparable(input: RuleInput): RuleOutput {
  const { config } = input;
  const { g, a, useBias } = convSetup(input);
  const filters = filtersOf(config);
  const dm = count(config, 'depth_multiplier', 1);
  const cin = g.channels;
  const mid = cin === null ? null : cin * dm;
  const ones = a.kernel.map(() => 1);
  const dwWhy = `${kdims(a.kernel)} kernel × ${n(cin)} input channels × depth_multiplier=${dm}`;
  const pwWhy = `1×1 per point: ${n(mid)} depthwise outputs (${n(cin)} × ${dm}) × ${filters} filters`;
  const th = isKeras1(input) && g.cf;
  const weights = [
    th
      ? weight('depthwise_kernel', [dm, cin, ...a.kernel], `Keras 1 Theano ordering (depth_multiplier, in, k…): ${dwWhy}`)
      : weight('depthwise_kernel', [...a.kernel, cin, dm], dwWhy),
    th
      ? weight('pointwise_kernel', [filters, mid, ...ones], `Keras 1 Theano ordering (filters, in·dm, 1…): ${pwWhy}`)
      : weight('pointwise_kernel', [...ones, mid, filters], pwWhy),
    ...bias(useBias, filters, `one per filter: filters=${filters}`),
  ];
  const total = cin === null ? null : weightCount(weights);
  const formula =
    `${kdims(a.kernel)} × ${n(cin)} inputs × ${dm} depth_multiplier + ${n(mid)} × ${filters} filters` +
    `${useBias ? ` + ${filters} bias` : ' (no bias)'} = ${n(total)}`;
  return { outputShapes: [assemble(g, outSpatial(g, a), filters)], weights, formula };
}

const separable = rule(
  ['SeparableConv1D', 'SeparableConv2D', 'SeparableConvolution1D', 'SeparableConvolution2D'],
  'depthwise_kernel (k…, in, dm) + pointwise_kernel (1…, in·dm, filters) + bias (filters): prod(k)·in·dm + in·dm·filters + filters',
  'keras/src/layers/convolutional/base_separable_conv.py',
  applySeparable,
);

// ---------------------------------------------------------------- DepthwiseConv

function applyDepthwise(input: RuleInput): RuleOutput {
  const { config } = input;
  const { g, a, useBias } = convSetup(input);
  const dm = count(config, 'depth_multiplier', 1);
  const cin = g.channels;
  const out = cin === null ? null : cin * dm;
  // Keras 3 names the variable `kernel` (base_depthwise_conv.py); Keras 2 / tf.keras named it
  // `depthwise_kernel` (tf_keras/layers/convolutional/depthwise_conv2d.py).
  // A file without keras_version (Keras 3 to_json / config.json) is Keras 3 (common.ts kerasMajor).
  const name = kerasMajor(input.kerasVersion) >= 3 ? 'kernel' : 'depthwise_kernel';
  const kWhy = `${kdims(a.kernel)} kernel × ${n(cin)} input channels × depth_multiplier=${dm}${name === 'kernel' ? '' : ' (named depthwise_kernel before Keras 3)'}`;
  const weights = [weight(name, [...a.kernel, cin, dm], kWhy), ...bias(useBias, out, `one per output channel: ${n(cin)} × ${dm}`)];
  const total = cin === null ? null : weightCount(weights);
  const formula = useBias
    ? `${n(cin)} inputs × ${dm} depth_multiplier × (${kdims(a.kernel)} + 1 bias) = ${n(total)}`
    : `${n(cin)} inputs × ${dm} depth_multiplier × ${kdims(a.kernel)} (no bias) = ${n(total)}`;
  return { outputShapes: [assemble(g, outSpatial(g, a), out)], weights, formula };
}

const depthwise = rule(
  ['DepthwiseConv1D', 'DepthwiseConv2D'],
  'kernel (k…, in, dm) (named depthwise_kernel before Keras 3) + bias (in·dm): in·dm × (prod(k) + 1)',
  'keras/src/layers/convolutional/base_depthwise_conv.py',
  applyDepthwise,
);

export const rules: LayerRule[] = [conv, transpose, separable, depthwise, ...locallyConnected];
