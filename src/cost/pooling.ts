// Pooling: a max pool compares window − 1 times per output, an average pool adds window − 1 times
// and divides once; a global pool reduces every input element once (and divides, for an average).
// Keras 3 keras/src/layers/pooling/*.py.
import { show } from '../layers/util.js';
import { CostUnknown, type CostInput, type CostRule } from './types.js';
import { cost, elems, input, output } from './util.js';

function poolWindow(i: CostInput, rank: number): number {
  const p = i.config['pool_size'] ?? i.config['pool_length'];
  const sizes = typeof p === 'number' ? Array<number>(rank).fill(p) : Array.isArray(p) ? p : null;
  if (!sizes || sizes.length !== rank || !sizes.every((d) => typeof d === 'number' && d > 0)) throw new CostUnknown(`pool_size ${show(p)} is not one the cost reads`);
  return (sizes as number[]).reduce((a, b) => a * b, 1);
}

const POOL = ['1D', '2D', '3D'];

const maxPool: CostRule = {
  classes: POOL.flatMap((d) => [`MaxPooling${d}`, `MaxPool${d}`]),
  family: 'pooling',
  summary: '(window − 1) comparisons per output element',
  cost: (i) => cost(0, (poolWindow(i, input(i).length - 2) - 1) * elems(output(i))),
};

const avgPool: CostRule = {
  classes: POOL.flatMap((d) => [`AveragePooling${d}`, `AvgPool${d}`]),
  family: 'pooling',
  summary: '(window − 1) adds + 1 divide per output element',
  cost: (i) => cost(0, poolWindow(i, input(i).length - 2) * elems(output(i))),
};

const globalMax: CostRule = {
  classes: POOL.flatMap((d) => [`GlobalMaxPooling${d}`, `GlobalMaxPool${d}`]),
  family: 'pooling',
  summary: 'one comparison per input element',
  cost: (i) => cost(0, elems(input(i))),
};

const globalAvg: CostRule = {
  classes: POOL.flatMap((d) => [`GlobalAveragePooling${d}`, `GlobalAvgPool${d}`]),
  family: 'pooling',
  summary: 'one add per input element + one divide per output element',
  cost: (i) => cost(0, elems(input(i)) + elems(output(i))),
};

export const rules: CostRule[] = [maxPool, avgPool, globalMax, globalAvg];
