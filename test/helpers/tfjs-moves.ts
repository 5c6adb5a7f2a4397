// The layers the property test draws from, by the rank of the tensor they are applied to
// (batch excluded). Each move makes a fresh tfjs layer with random, valid-looking arguments;
// tfjs itself then refuses what Keras would refuse when the layer is applied.
import type { Layer, Rng, Tf } from './tfjs-gen.js';

/** A layer factory: `extra` adds arguments such as inputShape for the first layer of a Sequential. */
export type Make = (extra?: Record<string, unknown>) => Layer;
export type Move = (tf: Tf, r: Rng, shape: number[]) => Make | null;

const ACTIVATIONS = ['linear', 'relu', 'tanh', 'sigmoid', 'softmax', 'elu', 'selu', 'softplus'] as const;
type Args = Record<string, unknown>;

function make<A extends Args>(fn: (args: A) => Layer, args: A): Make {
  return (extra) => fn({ ...args, ...(extra ?? {}) } as A);
}

const L = (tf: Tf) => tf.layers as unknown as Record<string, (a: Args) => Layer>;

/** A wrapper around a fresh inner layer on every call (TimeDistributed keeps the instance it is given). */
function wrap(tf: Tf, wrapper: string, inner: string, innerArgs: Args, args: Args): Make {
  return (extra) => L(tf)[wrapper]!({ layer: L(tf)[inner]!(innerArgs), ...args, ...(extra ?? {}) });
}

/** A layer that takes any rank. */
function anyRank(name: string, args: (r: Rng, s: number[]) => Args): Move {
  return (tf, r, s) => make(L(tf)[name]!, args(r, s));
}

// ---------------------------------------------------------------- any rank

const dense: Move = (tf, r) => make(L(tf)['dense']!, { units: r.int(1, 6), useBias: r.chance(0.8), activation: r.pick(ACTIVATIONS) });

const elementwise: Move[] = [
  anyRank('activation', (r) => ({ activation: r.pick(ACTIVATIONS) })),
  anyRank('reLU', (r) => (r.chance(0.5) ? { maxValue: 6 } : {})),
  anyRank('leakyReLU', (r) => ({ alpha: r.pick([0.1, 0.3]) })),
  anyRank('elu', () => ({})),
  anyRank('softmax', () => ({})),
  anyRank('thresholdedReLU', () => ({ theta: 0.5 })),
  anyRank('dropout', (r) => ({ rate: r.pick([0.1, 0.5]) })),
  anyRank('gaussianNoise', () => ({ stddev: 0.1 })),
  anyRank('gaussianDropout', () => ({ rate: 0.2 })),
  anyRank('alphaDropout', () => ({ rate: 0.2 })),
];

/** PReLU: alpha has the input's shape, with size 1 on each shared axis. */
const prelu: Move = (tf, r, s) => {
  const axes = s.map((_, i) => i + 1).filter(() => r.chance(0.4));
  return make(L(tf)['prelu']!, axes.length && axes.length < s.length ? { sharedAxes: axes } : {});
};

const batchNorm: Move = (tf, r, s) =>
  make(L(tf)['batchNormalization']!, { center: r.chance(0.8), scale: r.chance(0.8), axis: r.chance(0.8) ? -1 : r.int(1, s.length) });

const layerNorm: Move = (tf, r) => make(L(tf)['layerNormalization']!, { center: r.chance(0.8), scale: r.chance(0.8) });

/** Reshape to a random factorisation of the element count (rank 1 to 3). */
const reshape: Move = (tf, r, s) => {
  const n = s.reduce((a, b) => a * b, 1);
  if (n > 512) return null;
  const divisors = [...Array(n).keys()].map((i) => i + 1).filter((d) => n % d === 0);
  const a = r.pick(divisors);
  const rest = n / a;
  const b = r.pick(divisors.filter((d) => rest % d === 0));
  const target = r.pick([[n], [a, rest], [a, b, rest / b], [-1, rest], [a, -1]]);
  return make(L(tf)['reshape']!, { targetShape: target });
};

const permute: Move = (tf, r, s) => {
  if (s.length < 2) return null;
  const dims = s.map((_, i) => i + 1);
  for (let i = dims.length - 1; i > 0; i--) {
    const j = r.int(0, i);
    [dims[i], dims[j]] = [dims[j]!, dims[i]!];
  }
  return make(L(tf)['permute']!, { dims });
};

const flatten: Move = (tf, _r, s) => (s.length >= 2 ? make(L(tf)['flatten']!, {}) : null);

// ---------------------------------------------------------------- rank 1

const rank1: Move[] = [
  (tf, r) => make(L(tf)['repeatVector']!, { n: r.int(1, 4) }),
  (tf, r) => make(L(tf)['rescaling']!, { scale: r.pick([1 / 255, 2]), offset: r.pick([0, -1]) }),
];

// ---------------------------------------------------------------- rank 2: (steps, features)

function rnnArgs(r: Rng): Args {
  return { units: r.int(1, 5), returnSequences: r.chance(0.5), useBias: r.chance(0.85), activation: r.pick(['tanh', 'relu']) };
}

const RNNS = ['simpleRNN', 'lstm', 'gru'] as const;

/** RNN around a cell, or around a list of cells (StackedRNNCells), as tf.layers.rnn builds them. */
const rnnWithCells: Move = (tf, r) => {
  const cells = ['simpleRNNCell', 'lstmCell', 'gruCell'] as const;
  const n = r.int(1, 2);
  const specs = [...Array(n)].map(() => [r.pick(cells), { units: r.int(1, 4) }] as const);
  const returnSequences = r.chance(0.5);
  return (extra) => {
    const made = specs.map(([c, a]) => L(tf)[c]!(a));
    return L(tf)['rnn']!({ cell: made.length === 1 ? made[0] : made, returnSequences, ...(extra ?? {}) });
  };
};

const rank2: Move[] = [
  rnnWithCells,
  (tf, r, s) => {
    const k = r.int(1, Math.min(4, s[0]!));
    const strides = r.chance(0.7) ? 1 : r.int(2, 3);
    // 'causal': tfjs computes its output length as 'valid', and kerascope follows tfjs in a tfjs file
    // (LOADER_RULES in tfjs-property.test.ts).
    const padding = r.pick(['valid', 'same', 'causal']);
    const dilationRate = strides === 1 && r.chance(0.3) ? 2 : 1;
    return make(L(tf)['conv1d']!, { filters: r.int(1, 5), kernelSize: k, strides, padding, dilationRate, useBias: r.chance(0.8) });
  },
  (tf, r, s) => {
    const poolSize = r.int(1, Math.min(3, s[0]!));
    return make(L(tf)[r.pick(['maxPooling1d', 'averagePooling1d'])]!, { poolSize, strides: r.chance(0.5) ? null : r.int(1, 3), padding: r.pick(['valid', 'same']) });
  },
  (tf, r) => make(L(tf)[r.pick(['globalMaxPooling1d', 'globalAveragePooling1d'])]!, {}),
  (tf, r) => make(L(tf)[r.pick(RNNS)]!, rnnArgs(r)),
  (tf, r) => wrap(tf, 'bidirectional', r.pick(RNNS), rnnArgs(r), { mergeMode: r.pick(['concat', 'sum', 'mul', 'ave']) }),
  (tf, r) => wrap(tf, 'timeDistributed', 'dense', { units: r.int(1, 5), useBias: r.chance(0.8) }, {}),
  (tf, r) => make(L(tf)['spatialDropout1d']!, { rate: r.pick([0.1, 0.5]) }),
  (tf) => make(L(tf)['masking']!, { maskValue: 0 }),
];

// ---------------------------------------------------------------- rank 3: (rows, cols, channels)

function kernel2(r: Rng, s: number[]): number[] {
  return [r.int(1, Math.min(3, s[0]!)), r.int(1, Math.min(3, s[1]!))];
}

function convArgs(r: Rng, s: number[]): Args {
  const strides = r.chance(0.7) ? 1 : r.int(2, 3);
  return {
    kernelSize: kernel2(r, s),
    strides,
    padding: r.pick(['valid', 'same']),
    dilationRate: strides === 1 && r.chance(0.25) ? 2 : 1,
    useBias: r.chance(0.8),
    dataFormat: r.chance(0.15) ? 'channelsFirst' : 'channelsLast',
  };
}

const rank3: Move[] = [
  (tf, r, s) => make(L(tf)['conv2d']!, { filters: r.int(1, 5), ...convArgs(r, s) }),
  (tf, r, s) => make(L(tf)['conv2dTranspose']!, { filters: r.int(1, 4), ...convArgs(r, s), dilationRate: 1 }),
  // depth_multiplier 1 only: tfjs's SeparableConv2D config omits it (see KNOWN in tfjs-property.test.ts).
  (tf, r, s) => make(L(tf)['separableConv2d']!, { filters: r.int(1, 5), ...convArgs(r, s) }),
  // tfjs's DepthwiseConv2D output shape ignores dilation_rate; kerascope follows tfjs (LOADER_RULES).
  (tf, r, s) => make(L(tf)['depthwiseConv2d']!, { depthMultiplier: r.int(1, 3), ...convArgs(r, s) }),
  (tf, r, s) => {
    const pool = kernel2(r, s);
    return make(L(tf)[r.pick(['maxPooling2d', 'averagePooling2d'])]!, {
      poolSize: pool,
      strides: r.chance(0.5) ? null : [r.int(1, 2), r.int(1, 2)],
      padding: r.pick(['valid', 'same']),
      dataFormat: r.chance(0.15) ? 'channelsFirst' : 'channelsLast',
    });
  },
  (tf, r) => make(L(tf)[r.pick(['globalMaxPooling2d', 'globalAveragePooling2d'])]!, {}),
  (tf, r) => make(L(tf)['zeroPadding2d']!, { padding: [[r.int(0, 2), r.int(0, 2)], [r.int(0, 2), r.int(0, 2)]] }),
  (tf, r, s) => {
    const crop = (n: number) => [r.int(0, Math.floor((n - 1) / 2)), r.int(0, Math.floor((n - 1) / 2))];
    return make(L(tf)['cropping2D']!, { cropping: [crop(s[0]!), crop(s[1]!)] });
  },
  (tf, r) => make(L(tf)['upSampling2d']!, { size: [r.int(1, 2), r.int(1, 3)] }),
  // No Resizing, no CenterCrop: tfjs gets their shapes wrong (see KNOWN in tfjs-property.test.ts).
  (tf, r, s) => wrap(tf, 'timeDistributed', 'conv1d', { filters: r.int(1, 4), kernelSize: r.int(1, Math.min(3, s[1]!)), padding: r.pick(['valid', 'same']) }, {}),
];

// ---------------------------------------------------------------- rank 4: (depth, rows, cols, channels) or (time, rows, cols, channels)

const rank4: Move[] = [
  (tf, r, s) => {
    const k = [r.int(1, Math.min(2, s[0]!)), r.int(1, Math.min(3, s[1]!)), r.int(1, Math.min(3, s[2]!))];
    return make(L(tf)['conv3d']!, { filters: r.int(1, 3), kernelSize: k, strides: r.chance(0.7) ? 1 : 2, padding: r.pick(['valid', 'same']), useBias: r.chance(0.8) });
  },
  (tf, r) => make(L(tf)[r.pick(['maxPooling3d', 'averagePooling3d'])]!, { poolSize: [1, 2, 2], padding: r.pick(['valid', 'same']) }),
  (tf, r) => make(L(tf)['conv3dTranspose']!, { filters: r.int(1, 3), kernelSize: [1, 2, 2], strides: r.pick([1, 2]), padding: r.pick(['valid', 'same']), useBias: r.chance(0.8) }),
  (tf, r, s) => make(L(tf)['convLstm2d']!, { filters: r.int(1, 3), kernelSize: kernel2(r, s.slice(1)), padding: r.pick(['valid', 'same']), returnSequences: r.chance(0.5) }),
];

// ---------------------------------------------------------------- by rank

/** One of the element-wise layers (activations, dropouts, noise): weighted as one move. */
const anyElementwise: Move = (tf, r, s) => r.pick(elementwise)(tf, r, s);

const shared: Move[] = [dense, anyElementwise, prelu, batchNorm, layerNorm, reshape, permute, flatten];

/** The moves that apply to a tensor of this shape (batch excluded). */
export function movesFor(shape: number[]): Move[] {
  const byRank: Record<number, Move[]> = { 1: rank1, 2: rank2, 3: rank3, 4: rank4 };
  const own = byRank[shape.length] ?? [];
  // Weight the rank's own layers (convolutions, recurrent…) about as much as all the generic ones.
  return [...shared, ...own, ...own, ...own];
}

/** Moves that keep every axis but the last: for branches that are merged afterwards. */
export const keepAxes: Move[] = [dense, anyElementwise, prelu, batchNorm, layerNorm];
