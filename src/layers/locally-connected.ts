// Keras 2 / tf.keras LocallyConnected1D/2D (dropped by Keras 3) and Keras 1's, which is implementation 1:
// a separate kernel for every output position.
// tf_keras/layers/locally_connected/locally_connected1d.py, locally_connected2d.py (build);
// Keras 1.2: keras/layers/local.py.
import type { LayerRule, RuleInput, RuleOutput } from './types.js';
import { RuleError } from './types.js';
import { convLength, count, prodOrNull, weight, weightCount } from './util.js';
import { assemble, convSetup, filtersOf, kdims, n } from './conv-shapes.js';

/**
 * Implementation 3 stores only the connected (input, output) pairs: tf_keras conv_utils
 * conv_connected_inputs gives, per dim, the input range [center − ⌊k/2⌋, center + k − ⌊k/2⌋)
 * clipped to the input, with center = o·s (+ ⌊k/2⌋ for valid padding).
 */
function connections(len: number, outLen: number, k: number, s: number, padding: string): number {
  const left = Math.floor(k / 2);
  const right = k - left;
  let total = 0;
  for (let o = 0; o < outLen; o++) {
    const center = o * s + (padding === 'valid' ? left : 0);
    total += Math.max(0, Math.min(len, center + right) - Math.max(0, center - left));
  }
  return total;
}

function apply(input: RuleInput): RuleOutput {
  const { config } = input;
  const { g, a, useBias } = convSetup(input);
  const filters = filtersOf(config);
  const impl = count(config, 'implementation', 1);
  if (impl === 1 && a.padding !== 'valid') throw new RuleError('LocallyConnected implementation 1 only supports padding="valid"');
  const outSp = g.spatial.map((len, i) => convLength(len, a.kernel[i]!, a.padding, a.strides[i]!));
  const inSp = g.spatial;
  const cin = g.channels;
  const positions = prodOrNull(outSp);
  const patch = cin === null ? null : a.kernel.reduce((p, k) => p * k, 1) * cin;
  let kernelShape: (number | null)[];
  let why: string;
  if (impl === 1) {
    kernelShape = [positions, patch, filters];
    why = `${n(positions)} output positions × (${kdims(a.kernel)} × ${n(cin)} inputs) × ${filters} filters`;
  } else if (impl === 2) {
    kernelShape = g.cf ? [cin, ...inSp, filters, ...outSp] : [...inSp, cin, ...outSp, filters];
    why = `dense masked kernel: input ${n(prodOrNull(inSp))} positions × ${n(cin)} channels × ${n(positions)} output positions × ${filters} filters`;
  } else if (impl === 3) {
    const known = inSp.every((d) => d !== null) && outSp.every((d) => d !== null) && cin !== null;
    const pairs = known ? inSp.reduce<number>((p, len, i) => p * connections(len!, outSp[i]!, a.kernel[i]!, a.strides[i]!, a.padding), 1) : null;
    kernelShape = [pairs === null ? null : pairs * cin! * filters];
    why = `sparse kernel: ${n(pairs)} connected (input, output) position pairs × ${n(cin)} inputs × ${filters} filters`;
  } else {
    throw new RuleError(`unknown LocallyConnected implementation ${impl}`);
  }
  const weights = [weight('kernel', kernelShape, why)];
  if (useBias) weights.push(weight('bias', [...outSp, filters], `one per output position and filter: ${n(positions)} × ${filters}`));
  const total = weights.every((w) => w.shape) ? weightCount(weights) : null;
  const formula =
    impl === 1
      ? `${n(positions)} positions × ${filters} filters × (${kdims(a.kernel)} × ${n(cin)} inputs${useBias ? ' + 1 bias' : ''}) = ${n(total)}`
      : `implementation ${impl}: ${why}${useBias ? ` + ${n(positions)} × ${filters} bias` : ''} = ${n(total)}`;
  return { outputShapes: [assemble(g, outSp, filters)], weights, formula };
}

export const rules: LayerRule[] = [
  {
    classes: ['LocallyConnected1D', 'LocallyConnected2D'],
    family: 'conv',
    summary: 'Keras 1/2 only: an unshared kernel per output position: positions × filters × (prod(k) × in + 1) (implementation 1; 2 dense masked, 3 sparse)',
    source: 'tf_keras/layers/locally_connected/locally_connected1d.py, locally_connected2d.py',
    apply,
  },
];
