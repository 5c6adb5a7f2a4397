// Activation layers: the activation's ops per element (cost/util.ts ACTIVATION_OPS).
// Keras 3 keras/src/layers/activations/*.py.
import type { CostRule } from './types.js';
import { activationOps, activationOpsByName, cost, elems, output } from './util.js';

function perElement(classes: string[], ops: number, summary: string): CostRule {
  return { classes, family: 'activations', summary, cost: (i) => cost(0, ops * elems(output(i))) };
}

export const rules: CostRule[] = [
  { classes: ['Activation'], family: 'activations', summary: "the activation's ops per element", cost: (i) => cost(0, activationOps(i.config) * elems(output(i))) },
  {
    classes: ['ReLU'],
    family: 'activations',
    summary: 'max(x, 0), + 1 for max_value, + 1 for negative_slope',
    cost: (i) => cost(0, (1 + (typeof i.config['max_value'] === 'number' ? 1 : 0) + (i.config['negative_slope'] ? 1 : 0)) * elems(output(i))),
  },
  perElement(['Softmax'], activationOpsByName('softmax'), 'max, subtract, exp, sum, divide per element'),
  perElement(['LeakyReLU'], activationOpsByName('leaky_relu'), 'multiply, max per element'),
  perElement(['ELU'], activationOpsByName('elu'), 'exp, subtract, multiply, select per element'),
  perElement(['PReLU'], 3, 'max, min × alpha, add per element'),
  perElement(['ThresholdedReLU'], 2, 'compare, select per element'),
];
