// The seed notebook (../shared/seed) is the first acceptance test: its five models, written by the
// project as Keras 2.0 to_json files (fixtures/seed), must give exactly the notebook's figures.
import { describe, expect, test } from 'vitest';
import { analyze } from '../src/index.js';
import type { LayerReport, Report } from '../src/types.js';

const seed = (name: string): Promise<Report> => analyze(`fixtures/seed/${name}.json`);
const params = (r: Report): number[] => r.layers.map((l) => l.params);
const dims = (l: LayerReport): (number | null)[] => l.outputShape as (number | null)[];

describe('seed notebook', () => {
  test('MLP softmax: Dense 147, Dropout 0, Dense 104, Dropout 0, Dense 322; total 573', async () => {
    const r = await seed('mlp-softmax');
    expect(params(r)).toEqual([147, 0, 104, 0, 322]);
    expect(r.totals.params).toBe(573);
    expect(r.totals.trainableParams).toBe(573);
    expect(r.totals.nonTrainableParams).toBe(0);
    expect(r.layers.map(dims)).toEqual([[null, 7], [null, 7], [null, 13], [null, 13], [null, 23]]);
  });

  test('MLP binary: 147, 104, 14; total 265', async () => {
    const r = await seed('mlp-binary');
    expect(params(r)).toEqual([147, 0, 104, 0, 14]);
    expect(r.totals.params).toBe(265);
  });

  test('VGG-like on (100, 100, 3): counts and spatial sizes 98, 96, 48, 46, 44, 22', async () => {
    const r = await seed('vgg-like');
    expect(params(r)).toEqual([196, 832, 0, 0, 2006, 2926, 0, 0, 0, 211531, 0, 696]);
    const spatial = r.layers.slice(0, 7).filter((l) => l.className !== 'Dropout').map((l) => dims(l)[1]);
    expect(spatial).toEqual([98, 96, 48, 46, 44, 22]);
    expect(dims(r.layers[8]!)).toEqual([null, 9196]);
    expect(r.totals.params).toBe(196 + 832 + 2006 + 2926 + 211531 + 696);
  });

  test('Embedding(7, 13) 91, LSTM(17) 2108, Dense 18; total 2217', async () => {
    const r = await seed('lstm');
    expect(params(r)).toEqual([91, 2108, 0, 18]);
    expect(r.totals.params).toBe(2217);
    expect(dims(r.layers[0]!)).toEqual([null, null, 13]);
    expect(dims(r.layers[1]!)).toEqual([null, 17]);
  });

  test('the LSTM count is explained: 4 gates × 17 units × (13 inputs + 17 recurrent + 1 bias) = 2108', async () => {
    const r = await seed('lstm');
    const lstm = r.layers[1]!;
    expect(lstm.formula).toMatch(/4 gates × 17 units × \(13 inputs? \+ 17 recurrent \+ 1 bias\) = 2,?108/);
    expect(lstm.weights.map((w) => w.expectedShape)).toEqual([[13, 68], [17, 68], [68]]);
  });

  test('Conv1D stack on (70, 103): 6708, 901, 2280, 2645, Dense 24; lengths 66, 63, 21, 15, 10', async () => {
    const r = await seed('conv1d');
    expect(params(r)).toEqual([6708, 901, 0, 2280, 2645, 0, 0, 24]);
    expect(r.layers.slice(0, 5).map((l) => dims(l)[1])).toEqual([66, 63, 21, 15, 10]);
  });

  test('a config alone is unverified, never inconsistent', async () => {
    const r = await seed('mlp-softmax');
    expect(r.verdict).toBe('unverified');
    expect(r.findings.filter((f) => f.severity === 'error')).toEqual([]);
  });
});
