// Normalization layers in inference. No MACs; the element operations of the math Keras runs
// (keras/src/layers/normalization/*.py, keras/src/ops/nn.py): a transcendental (rsqrt) is one op.
import { show } from '../layers/util.js';
import type { Cfg } from '../layers/types.js';
import { CostUnknown, type CostRule, type Sizes } from './types.js';
import { cost, elems, flag, input } from './util.js';

/** The normalised axes' sizes (`axis` int or list, negative from the end) → group size per statistic. */
function reduced(s: Sizes, cfg: Cfg, fallback: number[]): number {
  const raw = cfg['axis'];
  const axes = typeof raw === 'number' ? [raw] : Array.isArray(raw) ? raw : fallback;
  return axes.reduce((t: number, a) => {
    if (typeof a !== 'number' || !Number.isInteger(a)) throw new CostUnknown(`axis ${show(a)} is not an axis`);
    const k = a < 0 ? s.length + a : a;
    const d = s[k];
    if (d === undefined || k === 0) throw new CostUnknown(`axis ${a} is outside the input`);
    return t * d;
  }, 1);
}

/** BatchNormalization folds its moving statistics into a scale and a shift once per call (per channel: add ε, rsqrt, × γ, × mean, β −), then 2 ops per element. */
const batchNorm: CostRule = {
  classes: ['BatchNormalization', 'SyncBatchNormalization'],
  family: 'normalization',
  summary: '2 ops per element (scale, shift) + 6 per channel once per call (ε, rsqrt, γ, mean, β)',
  cost(i) {
    const x = input(i);
    const channels = reduced(x, i.config, [-1]);
    return cost(0, 2 * elems(x), 6 * channels);
  },
};

/**
 * LayerNormalization (keras/src/ops/nn.py _layer_normalization): moments over the axis (mean: a
 * sum; variance: a sum, a subtract, a square, a sum — 4 per element), then inv = rsqrt(var + ε) · γ,
 * res = β − mean · inv, x · inv + res (5 per element with scale and center); per normalised group
 * 2 divides, + ε, rsqrt, negate. rms_scaling (deprecated) scales by the variance, as Keras does:
 * 4 + x · inv (+ · γ) per element, 4 per group.
 */
const layerNorm: CostRule = {
  classes: ['LayerNormalization'],
  family: 'normalization',
  summary: '9 ops per element + 5 per normalised group (scale, center each 1 per element; rms_scaling 6 + 4)',
  cost(i) {
    const x = input(i);
    const n = elems(x);
    const groups = n / reduced(x, i.config, [-1]);
    const scale = flag(i.config, 'scale', true) ? 1 : 0;
    const center = flag(i.config, 'center', true) ? 1 : 0;
    if (flag(i.config, 'rms_scaling', false)) return cost(0, (5 + scale) * n + 4 * groups);
    return cost(0, (7 + scale + center) * n + 5 * groups);
  },
};

/**
 * GroupNormalization (keras/src/layers/normalization/group_normalization.py): moments per group
 * (4 per element), then x · inv + res (2 per element), where inv · γ, −mean · inv and + β act on
 * one value per channel, and each group's statistics take 5 (2 divides, + ε, rsqrt, negate).
 */
const groupNorm: CostRule = {
  classes: ['GroupNormalization'],
  family: 'normalization',
  summary: '6 ops per element + 3 per channel + 5 per group',
  cost(i) {
    const x = input(i);
    const g = i.config['groups'];
    if (typeof g !== 'number' || !Number.isInteger(g) || g < 1) throw new CostUnknown(`groups ${show(g)} is not a whole number`);
    const channels = reduced(x, i.config, [-1]);
    return cost(0, 6 * elems(x) + 3 * channels + 5 * g);
  },
};

/** UnitNormalization: x / ‖x‖ over the axis: square, sum, multiply per element; rsqrt per vector. */
const unitNorm: CostRule = {
  classes: ['UnitNormalization'],
  family: 'normalization',
  summary: '3 ops per element + 2 per vector',
  cost(i) {
    const x = input(i);
    const n = elems(x);
    return cost(0, 3 * n + 2 * (n / reduced(x, i.config, [-1])));
  },
};

/** RMSNormalization (Keras ≥ 3.9): x · rsqrt(mean(x²) + ε) · scale. */
const rmsNorm: CostRule = {
  classes: ['RMSNormalization'],
  family: 'normalization',
  summary: '4 ops per element + 3 per vector',
  cost(i) {
    const x = input(i);
    const n = elems(x);
    return cost(0, 4 * n + 3 * (n / reduced(x, i.config, [-1])));
  },
};

export const rules: CostRule[] = [batchNorm, layerNorm, groupNorm, unitNorm, rmsNorm];
