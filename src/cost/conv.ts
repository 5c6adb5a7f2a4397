// Convolutions: every kernel tap counted (torchinfo's rule), also where it lands on `same` or
// `causal` padding — XLA skips those taps, so its count is lower there (docs/compute.md).
// Keras 3 keras/src/layers/convolutional/*.py.
import { show } from '../layers/util.js';
import type { Cfg } from '../layers/types.js';
import { CostUnknown, type CostInput, type CostRule, type Sizes } from './types.js';
import { activationOps, cost, elems, flag, input, output, spatial } from './util.js';

/** Taps of the kernel's window: the product of `kernel_size` (Keras 1 names mapped by graph/legacyArgs.ts). */
function window(i: CostInput, spatialRank: number): number {
  const k = i.config['kernel_size'];
  const sizes = typeof k === 'number' ? Array<number>(spatialRank).fill(k) : Array.isArray(k) ? k : null;
  if (!sizes || sizes.length !== spatialRank || !sizes.every((d) => typeof d === 'number' && Number.isInteger(d) && d > 0)) throw new CostUnknown(`kernel_size ${show(k)} is not one the cost reads`);
  return (sizes as number[]).reduce((a, b) => a * b, 1);
}

function whole(cfg: Cfg, key: string, fallback: number): number {
  const v = cfg[key];
  if (v === undefined || v === null) return fallback;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) throw new CostUnknown(`${key} ${show(v)} is not a whole number`);
  return v;
}

function rankOf(s: Sizes): number {
  return s.length - 2;
}

function epilogue(cfg: Cfg, out: Sizes): number {
  const n = elems(out);
  return (flag(cfg, 'use_bias', true) ? n : 0) + activationOps(cfg) * n;
}

/** Conv1D/2D/3D: each output position × window taps × input channels / groups × filters. */
const conv: CostRule = {
  classes: ['Conv1D', 'Conv2D', 'Conv3D'],
  family: 'conv',
  summary: 'MACs: output positions × kernel taps × (input channels / groups) × filters; ops: bias + activation per output element',
  cost(i) {
    const x = input(i);
    const out = output(i);
    const taps = window(i, rankOf(x));
    const perGroupIn = spatial(x, i.config).channels / whole(i.config, 'groups', 1);
    const { positions, channels: filters } = spatial(out, i.config);
    return cost(positions * taps * perGroupIn * filters, epilogue(i.config, out));
  },
};

/** Transposed: each input position scatters window taps × input channels × filters. */
const transpose: CostRule = {
  classes: ['Conv1DTranspose', 'Conv2DTranspose', 'Conv3DTranspose', 'Deconvolution2D', 'Deconvolution3D'],
  family: 'conv',
  summary: 'MACs: input positions × kernel taps × input channels × filters; ops: bias + activation per output element',
  cost(i) {
    const x = input(i);
    const out = output(i);
    const taps = window(i, rankOf(x));
    const { positions, channels } = spatial(x, i.config);
    const filters = spatial(out, i.config).channels;
    return cost(positions * taps * channels * filters, epilogue(i.config, out));
  },
};

/** Depthwise then pointwise: output positions × (taps × channels × multiplier + channels × multiplier × filters). */
const separable: CostRule = {
  classes: ['SeparableConv1D', 'SeparableConv2D'],
  family: 'conv',
  summary: 'MACs: output positions × (kernel taps × channels × depth_multiplier + channels × depth_multiplier × filters)',
  cost(i) {
    const x = input(i);
    const out = output(i);
    const taps = window(i, rankOf(x));
    const { channels } = spatial(x, i.config);
    const { positions, channels: filters } = spatial(out, i.config);
    const mult = whole(i.config, 'depth_multiplier', 1);
    return cost(positions * (taps * channels * mult + channels * mult * filters), epilogue(i.config, out));
  },
};

const depthwise: CostRule = {
  classes: ['DepthwiseConv1D', 'DepthwiseConv2D'],
  family: 'conv',
  summary: 'MACs: output positions × kernel taps × channels × depth_multiplier; ops: bias + activation per output element',
  cost(i) {
    const x = input(i);
    const out = output(i);
    const taps = window(i, rankOf(x));
    const { positions, channels } = spatial(out, i.config);
    return cost(positions * taps * channels, epilogue(i.config, out));
  },
};

export const rules: CostRule[] = [conv, transpose, separable, depthwise];
