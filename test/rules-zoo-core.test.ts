// Every keras3-zoo layer whose class belongs to the core, activations, normalization, preprocessing
// or legacy families, run through its rule and compared with what Keras 3.15.1 itself recorded in
// truth.json: output shape(s), and every weight's path, shape, trainable flag (dtype where the rule
// names one). Skips cleanly when ../shared/keras3-zoo is absent.
import { describe, expect, it } from 'vitest';
import { hasZoo, zooLayerCases, type ZooLayerCase } from './helpers/zoo.js';
import { evaluateLayer, parseKerasVersion } from '../src/layers/evaluate.js';
import { ruleFor } from '../src/layers/registry.js';

const FAMILIES = new Set(['core', 'activations', 'normalization', 'preprocessing', 'legacy']);

/** Known differences, each with its reason. Keyed by `${slug}/${layer}`. */
const DEVIATIONS: Record<string, string> = {
  'dz_lambda_neg/lambda':
    'Lambda without a stored output_shape: Keras 3 infers the shape by tracing the Python function, which a file reader cannot run; the rule reports the shape as unknown.',
};

function mine(c: ZooLayerCase): boolean {
  const rule = ruleFor(c.className);
  return rule !== undefined && FAMILIES.has(rule.family);
}

/** truth.json paths are `variable.path`, sometimes with the model name in front: keep what follows `<layer>/`. */
function relPath(path: string, layer: string): string {
  const i = path.indexOf(`${layer}/`);
  return i >= 0 ? path.slice(i + layer.length + 1) : path;
}

describe.runIf(hasZoo)('keras3-zoo: core, activations, normalization, preprocessing and legacy rules', () => {
  const cases = hasZoo ? zooLayerCases().filter(mine) : [];

  it('has cases for these families', () => {
    expect(cases.length).toBeGreaterThan(100);
  });

  for (const c of cases) {
    const key = `${c.slug}/${c.name}`;
    const rule = ruleFor(c.className)!;
    if (rule.opaque) {
      it(`${key} (${c.className}) is recognised as opaque and owns stored tensors`, () => {
        expect(rule.opaque).toMatch(/listed/);
        expect(c.truth.weights.length).toBeGreaterThan(0);
      });
      continue;
    }
    it(`${key} (${c.className})`, () => {
      const res = evaluateLayer({ className: c.className, name: c.name, config: c.config, inputShapes: c.inputShapes, kwargShapes: c.kwargShapes, kerasVersion: parseKerasVersion('3.15.1') });
      if (DEVIATIONS[key]) {
        expect(res.shapeUnknown).toBe(true);
        expect(res.notes?.join(' ')).toMatch(/output_shape/);
        return;
      }
      const got = res.outputShapes.length === 1 ? res.outputShapes[0] : res.outputShapes;
      // The harness feeds the first call's inputs; a shared layer's output_shape is its last call's.
      expect(got).toEqual(c.truth.output_shapes ? c.truth.output_shapes[0] : c.truth.output_shape);
      const want = c.truth.weights.map((w) => ({ path: relPath(w.path, c.name), shape: w.shape, trainable: w.trainable }));
      // A variable Keras tracks twice (duplicateOf) is one entry in truth.json, as in model.weights.
      const have = res.weights.filter((w) => !w.duplicateOf).map((w) => ({ path: w.name, shape: w.shape, trainable: w.trainable && c.truth.trainable }));
      expect([...have].sort((a, b) => a.path.localeCompare(b.path))).toEqual([...want].sort((a, b) => a.path.localeCompare(b.path)));
      for (const w of res.weights) {
        if (!w.dtype) continue;
        const t = c.truth.weights.find((x) => relPath(x.path, c.name) === w.name);
        expect(t?.dtype, w.name).toBe(w.dtype);
      }
      expect(res.weights.filter((w) => !w.duplicateOf).reduce((a, w) => a + (w.shape ?? []).reduce((x, y) => x * y, 1), 0)).toBe(c.truth.params);
      // The explained count ends with Keras's own number: "… = 30", "no weights: 0".
      expect(/(\d[\d,]*)$/.exec(res.formula ?? '')?.[1]?.replace(/,/g, ''), 'formula').toBe(String(c.truth.params));
    });
  }
});
