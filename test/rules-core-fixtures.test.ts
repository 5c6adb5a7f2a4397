// The project's own Keras fixtures (fixtures/keras, written by Keras 3.15.1 with truth.json): every
// layer of the core, activations, normalization, preprocessing and legacy families, evaluated by its
// rule on the inputs and constant call arguments the stored graph gives, must equal Keras's output
// shape, weight paths, shapes, trainable flags and count, and its formula must end with that count.
import { describe, expect, it } from 'vitest';
import { evaluateLayer, parseKerasVersion } from '../src/layers/evaluate.js';
import { ruleFor } from '../src/layers/registry.js';
import { fixtureCases, hasFixtures, type FixtureCase } from './helpers/keras-fixtures.js';

const FAMILIES = new Set(['core', 'activations', 'normalization', 'preprocessing', 'legacy']);

/** Known differences, each with its reason, by `${slug}/${layer}`. */
const DEVIATIONS: Record<string, string> = {};

const cases = fixtureCases().filter((c) => FAMILIES.has(ruleFor(c.className)?.family ?? ''));

function check(c: FixtureCase): void {
  const res = evaluateLayer({ className: c.className, name: c.name, config: c.config, inputShapes: c.inputShapes, kwargShapes: c.kwargShapes, callArgs: c.callArgs, kerasVersion: parseKerasVersion('3.15.1') });
  const got = res.outputShapes.length === 1 ? res.outputShapes[0] : res.outputShapes;
  expect(got, 'output shape').toEqual(c.truth.output_shapes ? c.truth.output_shapes[0] : c.truth.output_shape);
  const at = (p: string): string => (p.lastIndexOf(`${c.name}/`) >= 0 ? p.slice(p.lastIndexOf(`${c.name}/`) + c.name.length + 1) : p);
  const own = res.weights.filter((w) => !w.duplicateOf);
  const ours = own.map((w) => [w.name, w.shape, w.trainable && c.truth.trainable]);
  const theirs = c.truth.weights.map((w) => [at(w.path), w.shape, w.trainable]);
  expect(ours.sort(), 'weights').toEqual(theirs.sort());
  const count = own.reduce((a, w) => a + (w.shape ?? []).reduce((x, y) => x * y, 1), 0);
  expect(count, 'params').toBe(c.truth.params);
  expect(/(\d[\d,]*)$/.exec(res.formula ?? '')?.[1]?.replace(/,/g, ''), 'formula').toBe(String(c.truth.params));
}

describe.runIf(hasFixtures)('fixtures/keras (Keras 3.15.1): core, activations, normalization, preprocessing and legacy layers', () => {
  it('has cases for these families', () => {
    expect(cases.length).toBeGreaterThan(20);
  });
  for (const c of cases) {
    const key = `${c.slug}/${c.name}`;
    if (ruleFor(c.className)!.opaque) continue;
    it(`${key} (${c.className})${DEVIATIONS[key] ? ' — known deviation' : ''}`, () => {
      if (DEVIATIONS[key]) expect(() => check(c)).toThrow();
      else check(c);
    });
  }
});
