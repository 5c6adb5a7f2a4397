// Layers of real files in ../shared/corpus, run through their rules with the input shapes Keras
// printed, compared with the Keras-printed summaries quoted in each SOURCE.md. Skips without the corpus.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CORPUS, hasCorpus } from './helpers/zoo.js';
import { run, params } from './helpers/rules.js';
import { parseKerasVersion } from '../src/layers/evaluate.js';
import type { Shape } from '../src/types.js';

type Json = Record<string, unknown>;

/** The file's layer configs by name (Keras 1 files may hold a JSON string holding the JSON). */
function layers(file: string): Map<string, { className: string; config: Json }> {
  let doc = JSON.parse(readFileSync(join(CORPUS, file), 'utf8')) as unknown;
  if (typeof doc === 'string') doc = JSON.parse(doc);
  const cfg = (doc as Json)['config'];
  const list = (Array.isArray(cfg) ? cfg : (cfg as Json)['layers']) as Json[];
  return new Map(list.map((l) => [((l['config'] as Json)['name'] as string) ?? '', { className: l['class_name'] as string, config: l['config'] as Json }]));
}

function check(file: string, version: string, name: string, input: Shape, want: { params: number; shape: Shape }): void {
  const layer = layers(file).get(name);
  expect(layer, name).toBeDefined();
  const out = run(layer!.className, layer!.config, [input], parseKerasVersion(version));
  expect(params(out), `${name} params`).toBe(want.params);
  expect(out.outputShapes, `${name} output`).toEqual([want.shape]);
}

describe.runIf(hasCorpus)('corpus summaries printed by Keras', () => {
  it('k1-2-0-functional-merge: Keras 1 BatchNormalization over axis=1 owns 92 = 4 × 23', () => {
    const f = 'k1-2-0-functional-merge-weights-json/cnn.json';
    for (const bn of ['bn0', 'bn1b', 'bn1c', 'bn2a', 'bn2b', 'bn2c', 'bnF']) check(f, '1.2.0', bn, [null, 23, 80, 32], { params: 92, shape: [null, 23, 80, 32] });
  });

  it('k2-3-1-weights-json-bn-named: BatchNormalization axis=1 on (None, 60, 79, 3) owns 240; the Dense head 28,900 / 5,050 / 510 / 11', () => {
    const f = 'k2-3-1-weights-json-bn-named/model.json';
    check(f, '2.3.1', 'Normalize', [null, 60, 79, 3], { params: 240, shape: [null, 60, 79, 3] });
    check(f, '2.3.1', 'FC2', [null, 288], { params: 28900, shape: [null, 100] });
    check(f, '2.3.1', 'FC3', [null, 100], { params: 5050, shape: [null, 50] });
    check(f, '2.3.1', 'FC4', [null, 50], { params: 510, shape: [null, 10] });
    check(f, '2.3.1', 'Readout', [null, 10], { params: 11, shape: [null, 1] });
  });

  it('json-k2-3-bilstm-postag: Embedding(47238, 128) on 190 tokens owns 6,046,464', () => {
    check('json-k2-3-bilstm-postag/model.json', '2.3.1', 'embedding_1', [null, 190], { params: 6046464, shape: [null, 190, 128] });
  });

  it('json-k1-1-2-carnd-doubleencoded: the Keras 1 Lambda with a raw output_shape gives (None, 40, 80, 3)', () => {
    check('json-k1-1-2-carnd-doubleencoded/model.json', '1.1.2', 'lambda_1', [null, 40, 80, 3], { params: 0, shape: [null, 40, 80, 3] });
  });
});
