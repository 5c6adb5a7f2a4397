// The loader that will read a file decides the rule (issue 9, defects 5 and 6). The folders of
// fixtures/tfjs/ made by make-loader-cases.ts were written by tfjs-layers 4.22 itself; tfjs's own
// loader (tf.loadLayersModel through an IOHandler that hands it the folder) is the judge of which
// load, and kerascope must agree with it.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type * as TF from '@tensorflow/tfjs';
import { analyze } from '../src/index.js';
import { parseModel } from '../src/graph/parse.js';
import { inferModel } from '../src/graph/infer.js';
import { parseKerasVersion } from '../src/layers/evaluate.js';
import { loadTf } from './helpers/tfjs-gen.js';
import { convertKeras3 } from './helpers/tfjs-convert.js';

const folder = (name: string): string => join(import.meta.dirname, '..', 'fixtures', 'tfjs', name);

/** An IOHandler that gives tfjs the folder as saved: model.json's topology and manifest, weights.bin. */
function folderHandler(name: string): TF.io.IOHandler {
  return {
    load: async () => {
      const json = JSON.parse(readFileSync(join(folder(name), 'model.json'), 'utf8'));
      const bytes = readFileSync(join(folder(name), 'weights.bin'));
      return { modelTopology: json.modelTopology, weightSpecs: json.weightsManifest[0].weights, weightData: new Uint8Array(bytes).buffer };
    },
  };
}

describe('causal Conv1D → Flatten → Dense saved by tfjs-layers (defect 5)', () => {
  it('tfjs loads it, with the causal output length computed like valid', async () => {
    const tf = await loadTf();
    const model = await tf.loadLayersModel(folderHandler('causal-conv1d'));
    expect(model.getLayer('conv1d').outputShape).toEqual([null, 8, 4]);
    expect(model.countParams()).toBe(61);
  });

  it('kerascope follows tfjs: consistent, and warns that the model would not convert back to Keras', async () => {
    const r = await analyze(join(folder('causal-conv1d'), 'model.json'));
    expect(r.findings.filter((f) => f.severity === 'error')).toEqual([]);
    expect(r.verdict).toBe('consistent');
    expect(r.layers.map((l) => [l.name, l.outputShape, l.params])).toEqual([
      ['conv1d', [null, 8, 4], 28],
      ['flatten', [null, 32], 0],
      ['dense', [null, 1], 33],
    ]);
    const warning = r.findings.find((f) => f.code === 'loader-semantics')!;
    expect(warning).toMatchObject({ severity: 'warning', layer: 'conv1d' });
    expect(warning.message).toContain('dense/kernel would be (40, 1) instead of (32, 1)');
    expect(warning.message).toContain('would not convert back to Keras as it is');
  });

  it('the same config read by Keras keeps the causal length: the loader, not the config, decides', () => {
    const json = JSON.parse(readFileSync(join(folder('causal-conv1d'), 'model.json'), 'utf8'));
    const graph = parseModel(json.modelTopology);
    const conv = (loader?: 'tfjs') => inferModel(graph, parseKerasVersion('2.15.0', loader)).layers.find((l) => l.spec.name === 'conv1d')!.calls[0]!.outputShapes;
    expect(conv('tfjs')).toEqual([[null, 8, 4]]);
    expect(conv()).toEqual([[null, 10, 4]]);
  });
});

describe('SeparableConv2D with depth_multiplier 2 saved by tfjs-layers (defect 6)', () => {
  it("tfjs refuses its own file: the saved config lost depth_multiplier", async () => {
    const tf = await loadTf();
    await expect(tf.loadLayersModel(folderHandler('separable-depth-multiplier'))).rejects.toThrow('Shape mismatch: [3,3,5,1] vs. [3,3,5,2]');
    const json = JSON.parse(readFileSync(join(folder('separable-depth-multiplier'), 'model.json'), 'utf8'));
    expect(Object.keys(json.modelTopology.config.layers[0].config)).not.toContain('depth_multiplier');
  });

  it('kerascope calls it inconsistent, at the depthwise kernel, and says why', async () => {
    const r = await analyze(join(folder('separable-depth-multiplier'), 'model.json'));
    expect(r.verdict).toBe('inconsistent');
    const mismatch = r.findings.filter((f) => f.code === 'weight-shape-mismatch').map((f) => f.message);
    expect(mismatch[0]).toMatch(/^separable_conv2d\/depthwise_kernel: expected \(3, 3, 5, 1\).*stored \(3, 3, 5, 2\)/);
    expect(mismatch[0]).toContain('implies depth_multiplier=2, which the saved config lacks');
    expect(mismatch[0]).toContain('known tfjs serialization gap');
  });
});

describe("a functional Keras 3 model converted to tfjs: Keras 3's inbound nodes", () => {
  it("tfjs refuses them, and kerascope says so at the first layer with such nodes, in tfjs's words", async () => {
    const models = join(import.meta.dirname, '..', 'fixtures', 'keras', 'models');
    const file = (await convertKeras3('pooling', join(models, 'pooling.json'), join(models, 'pooling.weights.h5'), '3.15.1'))!;
    try {
      // Give the InputLayer tfjs's spelling and tfjs's weight names, so the nodes are what tfjs meets first.
      const json = JSON.parse(readFileSync(file, 'utf8'));
      for (const l of json.modelTopology.model_config.config.layers) if (l.class_name === 'InputLayer') l.config.batch_input_shape = l.config.batch_shape;
      writeFileSync(file, JSON.stringify(json));
      const tf = await loadTf();
      const weightData = new Uint8Array(readFileSync(join(dirname(file), 'group1-shard1of1.bin'))).buffer;
      const thrown = await tf.loadLayersModel(tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs: json.weightsManifest[0].weights, weightData })).then(
        () => 'loaded',
        (e: Error) => e.message,
      );
      expect(thrown).toBe('Corrupted configuration, expected array for nodeData: [object Object]');
      const r = await analyze(file);
      const nodes = r.findings.find((f) => f.code === 'tfjs-refuses' && f.message.includes('inbound nodes'))!;
      expect(nodes.layer).toBe(json.modelTopology.model_config.config.layers.find((l: { inbound_nodes: unknown[] }) => l.inbound_nodes.length)!.name);
      expect(nodes.message).toContain('("Corrupted configuration, expected array for nodeData")');
      expect(r.findings.filter((f) => f.code === 'tfjs-refuses' && f.message.includes('InputLayer'))).toEqual([]);
    } finally {
      rmSync(dirname(file), { recursive: true, force: true });
    }
  });
});
