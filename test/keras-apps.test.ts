// keras.applications end to end (issue 4, Coverage): one model per family, written by Keras 3.15.1
// with weights=None as gzipped to_json (fixtures/keras-apps, generate.py), analysed from the file.
// Every top-level layer's class, output shape (per call) and params, and the model totals, must
// equal what Keras itself printed into truth.json.gz; the verdict is 'unverified' (a config without
// weights) and no finding is an error. A disagreement is listed in DEVIATIONS with its reason.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { afterAll, describe, expect, test } from 'vitest';
import { analyze } from '../src/index.js';
import type { Report, Shape } from '../src/types.js';
import { CORPUS, hasCorpus } from './helpers/zoo.js';

const APPS = resolve(dirname(fileURLToPath(import.meta.url)), '../fixtures/keras-apps');

interface AppLayer {
  name: string;
  class_name: string;
  output_shape: Shape | Shape[] | null;
  output_shapes?: (Shape | Shape[])[];
  params: number;
  trainable_params: number;
  non_trainable_params: number;
  /** Only for classes an application defines itself (LayerScale…): [variable name, shape, trainable]. */
  weights?: [string, number[], boolean][];
}
interface AppModel {
  model_name: string;
  model_class: string;
  input_size: number;
  total_params: number;
  trainable_params: number;
  non_trainable_params: number;
  layers: AppLayer[];
}
interface AppTruth { keras_version: string; with_weights: string[]; models: Record<string, AppModel> }

const truth = JSON.parse(gunzipSync(readFileSync(join(APPS, 'truth.json.gz'))).toString('utf8')) as AppTruth;

/**
 * Known disagreements: `model` → the exact lines kerascope still gets wrong, each with its reason.
 * A listed line that starts to match fails the test, so the list cannot outlive the bug.
 */
const DEVIATIONS: Record<string, Record<string, string>> = {};

const show = (v: unknown): string => JSON.stringify(v);

/**
 * A variable created without a name is called auto_name("variable"), which appends a session-wide
 * counter (keras/src/backend/common/variables.py → utils/naming.py uniquify): `variable`,
 * `variable_1`… in creation order. The counter is not part of the layer, so it is dropped.
 */
const autoName = (name: string): string => name.replace(/^variable_\d+$/, 'variable');

function differences(r: Report, m: AppModel, verdict: Report['verdict']): string[] {
  const out: string[] = [];
  const same = (where: string, what: string, ours: unknown, keras: unknown): void => {
    if (show(ours) !== show(keras)) out.push(`${where} ${what}: kerascope ${show(ours)}, Keras ${show(keras)}`);
  };
  for (const f of r.findings.filter((x) => x.severity === 'error')) out.push(`finding error ${f.code}: ${f.message}`);
  same('(model)', 'verdict', r.verdict, verdict);
  same('(model)', 'className', r.model?.className, m.model_class);
  same('(model)', 'name', r.model?.name, m.model_name);
  same('(model)', 'totals.params', r.totals.params, m.total_params);
  same('(model)', 'totals.trainableParams', r.totals.trainableParams, m.trainable_params);
  same('(model)', 'totals.nonTrainableParams', r.totals.nonTrainableParams, m.non_trainable_params);
  same('(model)', 'layer names', r.layers.map((l) => l.name), m.layers.map((t) => t.name));
  // Every class an application uses has a rule: no count or shape is taken on trust from the file.
  for (const l of r.layers.filter((x) => x.status === 'unknown-class')) out.push(`${l.name} status: unknown-class ${l.className}`);
  for (const t of m.layers) {
    const l = r.layers.find((x) => x.name === t.name);
    if (!l) continue;
    same(t.name, 'className', l.className, t.class_name);
    same(t.name, 'outputShape', l.outputShape, t.output_shape);
    if (t.output_shapes) same(t.name, 'outputShapes (per call)', l.outputShapes, t.output_shapes);
    same(t.name, 'params', l.params, t.params);
    same(t.name, 'trainableParams', l.trainableParams, t.trainable_params);
    same(t.name, 'nonTrainableParams', l.nonTrainableParams, t.non_trainable_params);
    if (t.weights) same(t.name, 'weights', l.weights.map((w) => [w.name, w.expectedShape, w.trainable]), t.weights.map(([n, shape, tr]) => [autoName(n), shape, tr]));
  }
  return out;
}

const dir = mkdtempSync(join(tmpdir(), 'kerascope-apps-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * `<name>.<ext>.gz` gunzipped into a temp folder of its own per extension: kerascope pairs a
 * to_json file with a same-named .h5 beside it, and the to_json tests are about the config alone.
 */
function unpack(name: string, ext: string): string {
  mkdirSync(join(dir, ext), { recursive: true });
  const file = join(dir, ext, `${name}.${ext}`);
  writeFileSync(file, gunzipSync(readFileSync(join(APPS, `${name}.${ext}.gz`))));
  return file;
}

function expectKeras(name: string, r: Report, verdict: Report['verdict']): void {
  const m = truth.models[name]!;
  const listed = DEVIATIONS[name] ?? {};
  const found = differences(r, m, verdict);
  expect(found.filter((line) => !(line in listed)), `${name}: unlisted disagreements`).toEqual([]);
  expect(Object.keys(listed).filter((line) => !found.includes(line)), `${name}: listed deviations that no longer occur`).toEqual([]);
  expect(r.layers.length).toBe(m.layers.length);
}

describe('keras.applications, to_json of Keras ' + truth.keras_version, () => {
  test('one model per family is present', () => {
    expect(Object.keys(truth.models).length).toBeGreaterThanOrEqual(13);
  });
  for (const [name, m] of Object.entries(truth.models)) {
    test(`${name} (${m.model_name}, ${m.input_size}×${m.input_size}): shapes, params, totals`, async () => {
      expectKeras(name, await analyze(unpack(name, 'json')), 'unverified');
    });
  }
});

// The same figures from files that hold the weights (zeroed by the generator): .keras, legacy .h5,
// and the Keras 3 weights store with the to_json config. Every stored tensor
// must be the one kerascope expects, so the verdict is 'consistent' and nothing is missing or extra.
describe('keras.applications with their weights, .keras, .h5 and .weights.h5 of Keras ' + truth.keras_version, () => {
  test('some models were saved with weights', () => {
    expect(truth.with_weights.length).toBeGreaterThanOrEqual(3);
  });
  for (const name of truth.with_weights) {
    for (const ext of ['keras', 'h5', 'weights.h5']) {
      test(`${name}.${ext}: consistent, every tensor matched`, async () => {
        // A Keras 3 weights store holds no config: it is read with the model's to_json.
        const opts = ext === 'weights.h5' ? { config: unpack(name, 'json') } : {};
        const r = await analyze(unpack(name, ext), opts);
        expectKeras(name, r, 'consistent');
        const m = truth.models[name]!;
        expect(r.totals.storedParams, `${name}.${ext}: elements stored`).toBe(m.total_params);
        const off = r.layers.flatMap((l) => l.weights.filter((w) => w.status !== 'ok').map((w) => `${l.name}/${w.name} ${w.status}`));
        expect(off).toEqual([]);
      });
    }
  }
});

// ../shared/corpus/json-k2-2-mobilenet: a Keras 2.2.0 to_json of MobileNet at 224×224, 1000 classes,
// whose repository printed no summary. Keras 3.15.1's MobileNet of the same arguments is the same
// architecture (keras/src/applications/mobilenet.py; Keras 2.2 wrote ReLU6 as Activation and padded
// differently, so only layers of the same name are compared): every such layer's output shape and
// params, and the totals, must be Keras 3's.
/**
 * The one listed difference: before each strided depthwise conv, Keras 2.2's MobileNet pads
 * ((1, 1), (1, 1)) (the file's conv_pad_N config) where Keras 3 pads ((0, 1), (0, 1)), so those
 * ZeroPadding2D outputs are one row and one column larger; the conv after them (valid, stride 2)
 * gives the same shape in both, which the other rows prove.
 */
function k22Shape(t: AppLayer): AppLayer['output_shape'] {
  if (t.class_name !== 'ZeroPadding2D') return t.output_shape;
  const [b, h, w, c] = t.output_shape as Shape;
  return [b!, h! + 1, w! + 1, c!];
}

describe.runIf(hasCorpus)('a Keras 2.2.0 MobileNet (corpus) against Keras 3.15.1\'s MobileNet(224, 1000)', () => {
  test('same-named layers: output shape and params; totals', async () => {
    const r = await analyze(join(CORPUS, 'json-k2-2-mobilenet/model.json'));
    const m = truth.models['mobilenet_224']!;
    expect(r.kerasVersion).toBe('2.2.0');
    expect(r.verdict).toBe('unverified');
    expect(r.findings.filter((f) => f.severity === 'error')).toEqual([]);
    expect([r.totals.params, r.totals.trainableParams, r.totals.nonTrainableParams]).toEqual([m.total_params, m.trainable_params, m.non_trainable_params]);
    const shared = m.layers.filter((t) => r.layers.some((l) => l.name === t.name));
    // Every layer that owns weights is among them (conv1, conv_dw_N, conv_pw_N, their _bn, conv_preds).
    expect(shared.filter((t) => t.params > 0).length).toBe(m.layers.filter((t) => t.params > 0).length);
    const ours = shared.map((t) => { const l = r.layers.find((x) => x.name === t.name)!; return [t.name, l.outputShape, l.params, l.trainableParams]; });
    expect(ours).toEqual(shared.map((t) => [t.name, k22Shape(t), t.params, t.trainable_params]));
  });
});
