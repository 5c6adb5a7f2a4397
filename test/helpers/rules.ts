// Helpers for layer-rule tests: run one rule by class name, and check every keras3-zoo layer of a
// family against truth.json (written by Keras 3.15.1).
import { expect } from 'vitest';
import type { Shape } from '../../src/types.js';
import { evaluateLayer, parseKerasVersion } from '../../src/layers/evaluate.js';
import { ruleFor } from '../../src/layers/registry.js';
import type { Cfg, RuleOutput } from '../../src/layers/types.js';
import { prod } from '../../src/layers/util.js';
import { zooLayerCases, type ZooLayerCase } from './zoo.js';

export const K3 = parseKerasVersion('3.15.1');
export const K2 = parseKerasVersion('2.2.4');
export const TFK = parseKerasVersion('2.15.0');
export const K1 = parseKerasVersion('1.2.2');

/** Runs the registry's rule for `className` on one call. */
export function run(className: string, config: Cfg, inputShapes: Shape[], version = K3): RuleOutput {
  return evaluateLayer({ className, name: 'layer', config, inputShapes, kerasVersion: version });
}

/** Element count of the expected weights (all shapes must be known). */
export function params(out: RuleOutput): number {
  return out.weights.reduce((t, w) => {
    if (!w.shape) throw new Error(`weight ${w.name} has an unknown shape`);
    return t + prod(w.shape);
  }, 0);
}

/** name → shape of the expected weights, in order. */
export function shapes(out: RuleOutput): [string, number[] | null][] {
  return out.weights.map((w) => [w.name, w.shape]);
}

/** Every top-level zoo layer whose rule belongs to `family`. */
export function zooCasesOf(family: string): ZooLayerCase[] {
  return zooLayerCases().filter((c) => ruleFor(c.className)?.family === family);
}

/**
 * Asserts one zoo layer: output shape, params, and every weight (path `${layer}/${name}` relative to
 * the layer, shape, effective trainable) equal to what Keras 3.15.1 recorded in truth.json.
 */
export function expectZooCase(c: ZooLayerCase): void {
  const got = evaluateLayer({ className: c.className, name: c.name, config: c.config as Cfg, inputShapes: c.inputShapes, kwargShapes: c.kwargShapes, kerasVersion: K3 });
  const outShape = got.outputShapes.length === 1 ? got.outputShapes[0] : got.outputShapes;
  const truthShape = c.truth.output_shapes ? c.truth.output_shapes[0] : c.truth.output_shape;
  expect(outShape, `${c.slug}/${c.name} output shape`).toEqual(truthShape);
  const ours = got.weights.map((w) => ({ name: w.name, shape: w.shape, trainable: w.trainable && c.truth.trainable }));
  const theirs = c.truth.weights.map((w) => {
    const at = w.path.lastIndexOf(`${c.name}/`);
    return { name: at >= 0 ? w.path.slice(at + c.name.length + 1) : w.path, shape: w.shape, trainable: w.trainable };
  });
  expect(ours, `${c.slug}/${c.name} weights`).toEqual(theirs);
  expect(params(got), `${c.slug}/${c.name} params`).toBe(c.truth.params);
  // The explained count ends with Keras's own number: "… = 6,708", "no weights: 0".
  expect(/(\d[\d,]*)$/.exec(got.formula ?? '')?.[1]?.replace(/,/g, ''), `${c.slug}/${c.name} formula`).toBe(String(c.truth.params));
}
