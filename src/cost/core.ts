// Dense, EinsumDense, Embedding, and the layers that only move data (no arithmetic).
// Keras 3 keras/src/layers/core/{dense,einsum_dense,embedding}.py.
import { show } from '../layers/util.js';
import type { CostRule } from './types.js';
import { CostUnknown } from './types.js';
import { activationOps, cost, elems, flag, input, last, output, weight, ZERO } from './util.js';

const dense: CostRule = {
  classes: ['Dense'],
  family: 'core',
  summary: 'MACs: positions × inputs × units; ops: bias + activation per output element',
  cost(i) {
    const x = input(i);
    const out = elems(output(i));
    const macs = (elems(x) / last(x)) * last(x) * last(output(i));
    return cost(macs, (flag(i.config, 'use_bias', true) ? out : 0) + activationOps(i.config) * out);
  },
};

/**
 * EinsumDense: an einsum of the input with the kernel costs the product of the sizes of every
 * letter of the equation (each output element sums over the contracted letters). The sizes come
 * from the input and the kernel the layer rule expects, so an output axis Keras stores as None
 * (`output_shape=(None, …)`, fixtures/compute README) is known.
 */
const einsumDense: CostRule = {
  classes: ['EinsumDense'],
  family: 'core',
  summary: 'MACs: the product of the sizes of every letter of the equation; ops: bias + activation per output element',
  cost(i) {
    const eq = i.config['equation'];
    const m = typeof eq === 'string' ? /^([a-z.]+),([a-z]+)->([a-z.]+)$/.exec(eq.replace(/\s/g, '')) : null;
    if (!m) throw new CostUnknown(`equation ${show(eq)} is not one the cost reads`);
    const sizes = new Map<string, number>();
    const x = input(i);
    const [lhs, rhs] = [m[1]!, m[2]!];
    const letters = lhs.replace('...', '');
    const ellipsis = lhs.startsWith('...') ? x.slice(0, x.length - letters.length) : [];
    [...letters].forEach((c, k) => sizes.set(c, x[ellipsis.length + k]!));
    const kernel = weight(i, 'kernel');
    [...rhs].forEach((c, k) => sizes.set(c, kernel[k]!));
    // The batch axis (1 per sample) and any leading ellipsis axes multiply like letters.
    const lead = ellipsis.reduce((a, b) => a * b, 1);
    const macs = [...sizes.values()].reduce((a, b) => a * b, 1) * lead;
    const outLetters = [...m[3]!.replace('...', '')];
    if (outLetters.some((c) => !sizes.has(c))) throw new CostUnknown(`equation ${eq as string} names an output axis no operand has`);
    const out = outLetters.reduce((t, c) => t * sizes.get(c)!, lead);
    const bias = i.weights.has('bias') ? out : 0;
    return cost(macs, bias + activationOps(i.config) * out);
  },
};

/** A lookup: no arithmetic (XLA's gather does index bounds checks, not multiply-adds). */
const embedding: CostRule = {
  classes: ['Embedding', 'ReversibleEmbedding'],
  family: 'core',
  summary: 'a lookup: 0 MACs, 0 ops',
  cost: () => ZERO,
};

/** Layers that copy, reshape, slice or pass their input (inference: Dropout and noise do nothing). */
export const FREE = [
  'InputLayer', 'Flatten', 'Reshape', 'Permute', 'RepeatVector', 'Identity', 'Masking',
  'Cropping1D', 'Cropping2D', 'Cropping3D', 'ZeroPadding1D', 'ZeroPadding2D', 'ZeroPadding3D',
  'UpSampling1D', 'UpSampling3D', 'Dropout', 'SpatialDropout1D', 'SpatialDropout2D', 'SpatialDropout3D',
  'AlphaDropout', 'GaussianDropout', 'GaussianNoise', 'ActivityRegularization',
];

const free: CostRule = {
  classes: FREE,
  family: 'core',
  summary: 'moves or passes data (Dropout and noise in inference): 0 MACs, 0 ops',
  cost: () => ZERO,
};

export const rules: CostRule[] = [dense, einsumDense, embedding, free];
