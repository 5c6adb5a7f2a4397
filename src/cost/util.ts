// Helpers shared by the cost rules: sizes, config getters, activations' element counts.
import { show } from '../layers/util.js';
import type { Cfg } from '../layers/types.js';
import { CostUnknown, type Cost, type CostInput, type Sizes } from './types.js';

export const ZERO: Cost = { macs: 0, ops: 0, fixedOps: 0 };

export function cost(macs: number, ops = 0, fixedOps = 0): Cost {
  return { macs, ops, fixedOps };
}

export function add(...costs: Cost[]): Cost {
  return costs.reduce((t, c) => ({ macs: t.macs + c.macs, ops: t.ops + c.ops, fixedOps: t.fixedOps + c.fixedOps }), ZERO);
}

export function times(c: Cost, n: number): Cost {
  return { macs: c.macs * n, ops: c.ops * n, fixedOps: c.fixedOps * n };
}

export function elems(s: Sizes | undefined): number {
  if (!s) throw new CostUnknown('a tensor the cost needs is missing');
  return s.reduce((a, b) => a * b, 1);
}

export const last = (s: Sizes): number => s[s.length - 1] ?? 1;

export function input(i: CostInput, n = 0): Sizes {
  const s = i.inputs[n];
  if (!s) throw new CostUnknown(`input ${n + 1} is unknown`);
  return s;
}

export function output(i: CostInput, n = 0): Sizes {
  const s = i.outputs[n];
  if (!s) throw new CostUnknown(`output ${n + 1} is unknown`);
  return s;
}

export function weight(i: CostInput, name: string): number[] {
  const w = i.weights.get(name);
  if (!w) throw new CostUnknown(`the size of ${name} is unknown`);
  return w;
}

export function flag(cfg: Cfg, key: string, fallback: boolean): boolean {
  const v = cfg[key];
  return typeof v === 'boolean' ? v : fallback;
}

export function channelsFirst(cfg: Cfg): boolean {
  return cfg['data_format'] === 'channels_first' || cfg['dim_ordering'] === 'th';
}

/** A per-sample tensor without its batch axis and channel axis: the spatial positions. */
export function spatial(s: Sizes, cfg: Cfg): { positions: number; channels: number } {
  const first = channelsFirst(cfg);
  const channels = first ? s[1]! : last(s);
  return { positions: elems(s) / channels, channels };
}

/**
 * Element operations of an activation, per element, counting the math, not an implementation:
 * a transcendental (exp, tanh, erf, log) is one op. relu max(x, 0); sigmoid 1 / (1 + exp(−x));
 * softmax max, subtract, exp, sum, divide; gelu x · ½ · (1 + erf(x / √2)); the tanh approximation
 * ½x(1 + tanh(√(2/π)(x + 0.044715x³))). Keras 3 keras/src/activations/activations.py.
 */
const ACTIVATION_OPS: Record<string, number> = {
  linear: 0, relu: 1, relu6: 2, tanh: 1, sigmoid: 4, hard_sigmoid: 4, softmax: 5, log_softmax: 6,
  gelu: 5, gelu_approximate: 9, elu: 4, selu: 5, softplus: 3, softsign: 3, swish: 5, silu: 5,
  exponential: 1, leaky_relu: 2, mish: 5, hard_silu: 5, hard_swish: 5, tanh_shrink: 2, celu: 5,
  hard_tanh: 2, squareplus: 4, glu: 5, sparse_plus: 4, log_sigmoid: 4, sparsemax: 6, soft_shrink: 3,
  hard_shrink: 2, threshold: 2,
};

/** Ops per element of a config's activation (`activation` key by default); unknown for a custom one. */
export function activationOps(cfg: Cfg, key = 'activation'): number {
  const a = cfg[key];
  if (a === undefined || a === null) return 0;
  const name = typeof a === 'string' ? a : typeof a === 'object' && a !== null ? nameOf(a as Cfg) : null;
  if (name === null) throw new CostUnknown(`activation ${show(a)} has no known count`);
  const ops = ACTIVATION_OPS[name.toLowerCase()];
  if (ops === undefined) throw new CostUnknown(`activation ${name} has no known count`);
  return ops;
}

/** Keras 3 may store a function as {class_name: "function", config: "relu"}; a Keras 2 object as {class_name, config: {name}}. */
function nameOf(a: Cfg): string | null {
  const inner = a['config'];
  if (typeof inner === 'string') return inner;
  if (inner && typeof inner === 'object' && typeof (inner as Cfg)['name'] === 'string') return (inner as Cfg)['name'] as string;
  return null;
}

export function activationOpsByName(name: string): number {
  const ops = ACTIVATION_OPS[name.toLowerCase()];
  if (ops === undefined) throw new CostUnknown(`activation ${name} has no known count`);
  return ops;
}
