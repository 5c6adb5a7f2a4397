// Merges of n inputs: n − 1 operations per output element (Average one more, the divide);
// Concatenate copies; Dot is a batched dot product. Keras 3 keras/src/layers/merging/*.py.
import { show } from '../layers/util.js';
import { CostUnknown, type CostRule } from './types.js';
import { cost, elems, input, output, ZERO } from './util.js';

const elementwise: CostRule = {
  classes: ['Add', 'Subtract', 'Multiply', 'Maximum', 'Minimum'],
  family: 'merging',
  summary: '(inputs − 1) ops per output element',
  cost: (i) => cost(0, (i.inputs.length - 1) * elems(output(i))),
};

const average: CostRule = {
  classes: ['Average'],
  family: 'merging',
  summary: '(inputs − 1) adds + 1 divide per output element',
  cost: (i) => cost(0, i.inputs.length * elems(output(i))),
};

const concatenate: CostRule = {
  classes: ['Concatenate'],
  family: 'merging',
  summary: 'a copy: 0 ops',
  cost: () => ZERO,
};

/** Dot: each output element is a dot product over the contracted axis (its size: the first input's elements / what survives). */
const dot: CostRule = {
  classes: ['Dot'],
  family: 'merging',
  summary: 'MACs: output elements × the contracted axis size; normalize=True adds the L2 normalisation of both inputs',
  cost(i) {
    const a = input(i, 0);
    const b = input(i, 1);
    const out = elems(output(i));
    const raw = i.config['axes'];
    const axis = typeof raw === 'number' ? raw : Array.isArray(raw) && typeof raw[0] === 'number' ? raw[0] : null;
    if (axis === null) throw new CostUnknown(`axes ${show(raw)} is not one the cost reads`);
    const size = a[axis < 0 ? a.length + axis : axis];
    if (size === undefined) throw new CostUnknown(`axes ${axis} is outside the input`);
    const norm = i.config['normalize'] === true ? 3 * (elems(a) + elems(b)) : 0;
    return cost(out * size, norm);
  },
};

export const rules: CostRule[] = [elementwise, average, concatenate, dot];
