// Lambda layers that change the shape and store no output_shape (issue 9, defect 1), on Keras 2.2.4
// files written byte for byte by fixtures/keras2-lambda/generate.ts (the Udacity behavioral-cloning
// family: a crop Lambda, a resize Lambda). The sizes asserted are the ones Keras 2 built on
// TensorFlow, worked out in the generator; kerascope never runs the function, so the sizes after it
// are open and the stored weights pin them.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { analyze } from '../src/index.js';
import type { LayerReport, Report } from '../src/types.js';
import { writeLegacyH5, type LegacyH5Spec } from '../fixtures/builder/h5.js';
import { cropModel, resizeModel } from '../fixtures/keras2-lambda/generate.js';
import { CORPUS, hasCorpus } from './helpers/zoo.js';

const FIX = 'fixtures/keras2-lambda';
const dir = mkdtempSync(join(tmpdir(), 'kerascope-lambda-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const errors = (r: Report): string[] => r.findings.filter((f) => f.severity === 'error').map((f) => f.message);
const layer = (r: Report, name: string): LayerReport => r.layers.find((l) => l.name === name)!;
const weight = (r: Report, name: string, w: string) => layer(r, name).weights.find((x) => x.name === w)!;

/** The fixture with one stored tensor reshaped: what Keras 2 would have refused to load. */
async function variant(make: () => LegacyH5Spec, tensor: string, shape: number[], edit: (s: LegacyH5Spec) => void = () => {}): Promise<string> {
  const spec = make();
  const hit = spec.layers.flatMap((l) => l.weights).find((w) => w.name === tensor);
  expect(hit, tensor).toBeDefined();
  hit!.shape = shape;
  edit(spec);
  const file = join(dir, `${tensor.replace(/\W/g, '_')}-${shape.join('x')}.h5`);
  await writeLegacyH5(file, spec);
  return file;
}

describe('Keras 2.2.4 crop Lambda (Sequential, fixtures/keras2-lambda/carnd-crop.h5)', () => {
  it('is consistent: every stored tensor agrees with a shape the Lambda could produce', async () => {
    const r = await analyze(join(FIX, 'carnd-crop.h5'));
    expect(errors(r)).toEqual([]);
    expect(r.verdict).toBe('consistent');
    expect(r.totals.params).toBe(348_219);
    expect(r.totals.storedParams).toBe(348_219);
  });

  it('takes the sizes the config cannot tell from the stored weights, and says so', async () => {
    const r = await analyze(join(FIX, 'carnd-crop.h5'));
    // Keras 2 on TensorFlow: Flatten of (1, 33, 64) = 2,112, the first axis of dense_1's kernel.
    expect(weight(r, 'dense_1', 'kernel')).toMatchObject({ expectedShape: [2112, 100], storedShape: [2112, 100], status: 'ok', fromStored: [0] });
    expect(layer(r, 'flatten_1').outputShape).toEqual([null, 2112]);
    // conv2d_1's input channels (3) are the stored kernel's own; conv2d_2's 24 are checked against filters=24.
    expect(weight(r, 'conv2d_1', 'kernel')).toMatchObject({ expectedShape: [5, 5, 3, 24], fromStored: [2] });
    expect(weight(r, 'conv2d_2', 'kernel').fromStored).toBeUndefined();
    expect(layer(r, 'lambda_1').outputShape).toBeNull();
    expect(layer(r, 'conv2d_1').outputShape).toEqual([null, null, null, 24]);
    const notes = r.findings.filter((f) => f.severity === 'info').map((f) => f.message);
    expect(notes).toContain('flatten_1: output (None, 2112): 2112 from the shape of the stored dense_1/kernel');
    expect(notes.some((m) => m.startsWith('lambda_1: no output_shape stored'))).toBe(true);
    // The Lambda's note is filed under the code its registry entry names; another layer's is a layer-note.
    expect(r.findings.filter((f) => f.layer === 'lambda_1' && f.category === 'consistency').map((f) => f.code)).toEqual(['lambda-shape']);
    expect(r.findings.find((f) => f.message.startsWith('flatten_1: output'))!.code).toBe('layer-note');
  });

  it('still finds a stored tensor that no output of the Lambda could explain', async () => {
    // conv2d_2's input channels are conv2d_1's filters, whatever the Lambda returns.
    const r1 = await analyze(await variant(cropModel, 'conv2d_2/kernel:0', [5, 5, 25, 36]));
    expect(errors(r1)).toContain('conv2d_2/kernel: expected (5, 5, 24, 36) from 5×5 kernel × 24 input channels × 36 filters, stored (5, 5, 25, 36)');
    // dense_1's first axis is open, its second is units=100.
    const r2 = await analyze(await variant(cropModel, 'dense_1/kernel:0', [2112, 101]));
    expect(errors(r2)[0]).toMatch(/^dense_1\/kernel: expected \(2112, 100\) from 2112 inputs × units=100, stored \(2112, 101\)/);
    expect(r2.verdict).toBe('inconsistent');
  });

  it('on Theano Keras 2 took the input shape (Lambda.compute_output_shape), and the file is checked against it', async () => {
    const theano = (s: LegacyH5Spec): void => void (s.backend = 'theano');
    // The input shape kept: convolutions on (160, 320, 3) end at (13, 33, 64), Flatten 27,456.
    const ok = await analyze(await variant(cropModel, 'dense_1/kernel:0', [27456, 100], theano));
    expect(errors(ok)).toEqual([]);
    expect(layer(ok, 'lambda_1').outputShape).toEqual([null, 160, 320, 3]);
    const bad = await analyze(await variant(cropModel, 'dense_1/kernel:0', [2112, 100], theano));
    expect(errors(bad)[0]).toMatch(/^dense_1\/kernel: expected \(27456, 100\)/);
  });
});

describe('Keras 2.2.4 resize Lambda (functional Model, fixtures/keras2-lambda/carnd-resize.h5)', () => {
  it('is consistent; BatchNormalization pins the channels, which conv2d_1 is then checked against', async () => {
    const r = await analyze(join(FIX, 'carnd-resize.h5'));
    expect(errors(r)).toEqual([]);
    expect(r.verdict).toBe('consistent');
    expect(r.totals.params).toBe(252_231);
    expect(weight(r, 'batch_normalization_1', 'gamma')).toMatchObject({ expectedShape: [3], status: 'ok', fromStored: [0] });
    // beta and the statistics are checked against gamma's size; so are conv2d_1's input channels.
    expect(weight(r, 'batch_normalization_1', 'moving_variance')).toMatchObject({ expectedShape: [3], status: 'ok' });
    expect(weight(r, 'batch_normalization_1', 'moving_variance').fromStored).toBeUndefined();
    expect(weight(r, 'conv2d_1', 'kernel').fromStored).toBeUndefined();
    // NVIDIA on (66, 200, 3): Flatten of (1, 18, 64) = 1,152.
    expect(weight(r, 'dense_1', 'kernel')).toMatchObject({ expectedShape: [1152, 100], fromStored: [0] });
    expect(layer(r, 'cropping2d_1').outputShape).toEqual([null, 65, 320, 3]);
  });

  it('a convolution that disagrees with the BatchNormalization before it is located', async () => {
    const r = await analyze(await variant(resizeModel, 'conv2d_1/kernel:0', [5, 5, 4, 24]));
    expect(errors(r)).toContain('conv2d_1/kernel: expected (5, 5, 3, 24) from 5×5 kernel × 3 input channels × 24 filters, stored (5, 5, 4, 24)');
    expect(layer(r, 'conv2d_1').status).toBe('mismatch');
  });
});

describe.runIf(hasCorpus)('a real file of the family (../shared/corpus)', () => {
  it('k2-0-6-carnd-nvidia-lambda: Keras 2.0.6 on TensorFlow, a normalising Lambda: consistent, sizes from the weights', async () => {
    const r = await analyze(join(CORPUS, 'k2-0-6-carnd-nvidia-lambda/model.h5'));
    expect(errors(r)).toEqual([]);
    expect(weight(r, 'dense_1', 'kernel')).toMatchObject({ expectedShape: [1728, 60], fromStored: [0] });
  });
});
