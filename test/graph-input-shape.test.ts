// The input shape in every spelling a writer uses (issue 9, defect 4; src/graph/input-shape.ts):
// TensorFlow.js folders converted from Keras 3 (fixtures/tfjs/keras3-converted*, made by
// fixtures/tfjs/make-keras3-converted.ts in tensorflowjs_converter 4.22's layout), checked against
// Keras 3.15.1's own summary of that model (fixtures/keras/truth.json, seed_conv1d_stack), and what
// tfjs's own loader does with them.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyze } from '../src/index.js';
import { parseModel } from '../src/graph/parse.js';
import { inferModel } from '../src/graph/infer.js';
import { parseKerasVersion } from '../src/layers/evaluate.js';
import type { Report } from '../src/types.js';
import { loadTf } from './helpers/tfjs-gen.js';

const root = join(import.meta.dirname, '..', 'fixtures');
const truth = (JSON.parse(readFileSync(join(root, 'keras', 'truth.json'), 'utf8')) as { slug: string; total_params: number; layers: { name: string; output_shape: unknown; params: number }[] }[]).find(
  (m) => m.slug === 'seed_conv1d_stack',
)!;

/** What Keras printed for each layer: [name, output shape, params]. */
const kerasRows = truth.layers.map((l) => [l.name, l.output_shape, l.params]);
const rows = (r: Report) => r.layers.map((l) => [l.name, l.outputShape, l.params]);

describe('tfjs converted from Keras 3', () => {
  it.each([
    ['keras3-converted', 'batch_shape (what the converter copies from Keras 3)'],
    ['keras3-converted-patched', 'batchInputShape (the hand patch that tfjs apps apply)'],
  ])('%s: the InputLayer’s %s gives every shape Keras printed', async (dir) => {
    const r = await analyze(join(root, 'tfjs', dir, 'model.json'));
    expect(rows(r)).toEqual(kerasRows);
    expect(r.totals.params).toBe(truth.total_params);
    expect(r.findings.filter((f) => f.code === 'shape-unknown')).toEqual([]);
    // The tensors agree with the architecture; what is wrong is only what tfjs's loader refuses (below).
    expect(r.findings.filter((f) => f.severity === 'error').map((f) => f.code)).toEqual(dir === 'keras3-converted' ? ['tfjs-refuses', 'tfjs-refuses'] : ['tfjs-refuses']);
  });

  it("tfjs 4.22's own loader refuses both: it reads batch_input_shape only, and loads weights by tfjs names, not Keras 3 store paths", async () => {
    const tf = await loadTf();
    const load = (dir: string) => {
      const json = JSON.parse(readFileSync(join(root, 'tfjs', dir, 'model.json'), 'utf8'));
      const weightData = new Uint8Array(readFileSync(join(root, 'tfjs', dir, 'group1-shard1of1.bin'))).buffer;
      return tf.loadLayersModel(tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs: json.weightsManifest[0].weights, weightData }));
    };
    // kerascope names each refusal with tfjs's own words: the first one tfjs meets is among them.
    for (const dir of ['keras3-converted', 'keras3-converted-patched']) {
      const thrown = await load(dir).then(() => 'loaded', (e: Error) => e.message);
      const r = await analyze(join(root, 'tfjs', dir, 'model.json'));
      const said = r.findings.filter((f) => f.code === 'tfjs-refuses').map((f) => f.message);
      expect(said.some((m) => m.includes(`("${thrown}")`)), `${dir}: ${thrown}`).toBe(true);
    }
    await expect(load('keras3-converted')).rejects.toThrow('An InputLayer should be passed either a `batchInputShape` or an `inputShape`');
    await expect(load('keras3-converted-patched')).rejects.toThrow('Provided weight data has no target variable: layers/conv1d/vars/0');
  });
});

describe('every spelling of the input shape', () => {
  const dense = { class_name: 'Dense', config: { name: 'd', units: 2 } };
  const outputOf = (inputConfig: Record<string, unknown>) => {
    const graph = parseModel({ class_name: 'Sequential', config: { name: 's', layers: [{ class_name: 'InputLayer', config: { name: 'in', ...inputConfig } }, dense] } });
    return inferModel(graph, parseKerasVersion('3.15.1')).outputShapes;
  };
  it.each([
    [{ batch_input_shape: [null, 5] }, [null, 2]],
    [{ batch_shape: [4, 5] }, [4, 2]],
    [{ batchInputShape: [null, 5] }, [null, 2]],
    [{ batchShape: [null, 5] }, [null, 2]],
    [{ input_shape: [5] }, [null, 2]],
    [{ inputShape: [5], batchSize: 8 }, [8, 2]],
    [{ shape: [5], batch_size: 3 }, [3, 2]],
  ])('InputLayer %j → Dense(2) %j', (cfg, out) => {
    expect(outputOf(cfg)).toEqual([out]);
  });

  it('a first layer of a Keras 2 Sequential: batchInputShape and inputShape as well, but not a bare shape', () => {
    const first = (cfg: Record<string, unknown>) =>
      inferModel(parseModel({ class_name: 'Sequential', config: [{ class_name: 'Dense', config: { name: 'd', units: 2, ...cfg } }] }), parseKerasVersion('2.2.4')).layers.find((l) => l.spec.name === 'd')!.calls[0]?.inputShapes;
    expect(first({ batchInputShape: [null, 7] })).toEqual([[null, 7]]);
    expect(first({ inputShape: [7] })).toEqual([[null, 7]]);
    expect(first({ shape: [7] })).toEqual([null]);
  });
});
