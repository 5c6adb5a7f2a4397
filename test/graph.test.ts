// The graph step on hand-written configs: Keras 1 names, node numbering of nested models, broken graphs
// and the layer limit. Shapes asserted are Keras's (docs quoted per case).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { analyze, UnreadableError } from '../src/index.js';
import { normalizeConfig } from '../src/graph/legacyArgs.js';
import type { Report } from '../src/types.js';
import { renderTable } from '../src/report/table.js';
import { writeLegacyH5 } from '../fixtures/builder/h5.js';

const dir = mkdtempSync(join(tmpdir(), 'kerascope-graph-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
function write(model: unknown): string {
  const file = join(dir, `m${n++}.json`);
  writeFileSync(file, JSON.stringify(model));
  return file;
}
const input = (name: string, shape: (number | null)[]) => ({ name, class_name: 'InputLayer', config: { name, batch_input_shape: shape }, inbound_nodes: [] });
const dense = (name: string, units: number, from: [string, number, number][]) => ({ name, class_name: 'Dense', config: { name, units }, inbound_nodes: [from.map(([l, i, t]) => [l, i, t, {}])] });
const functional = (layers: unknown[], inputs: string[], outputs: [string, number, number][]) => ({ class_name: 'Model', keras_version: '2.2.4', config: { name: 'm', layers, input_layers: inputs.map((i) => [i, 0, 0]), output_layers: outputs } });
const errors = (r: Report): string[] => r.findings.filter((f) => f.severity === 'error').map((f) => f.message);

describe('Keras 1 argument names (keras/legacy/interfaces.py at 2.2.4)', () => {
  test('Convolution2D(nb_filter, nb_row, nb_col, subsample, border_mode, dim_ordering th)', () => {
    const c = normalizeConfig('Convolution2D', { nb_filter: 8, nb_row: 3, nb_col: 5, subsample: [2, 2], border_mode: 'same', dim_ordering: 'th', bias: false });
    expect(c).toMatchObject({ filters: 8, kernel_size: [3, 5], strides: [2, 2], padding: 'same', data_format: 'channels_first', use_bias: false });
  });
  test('output_dim is units, except for Embedding', () => {
    expect(normalizeConfig('Dense', { output_dim: 7 })['units']).toBe(7);
    expect(normalizeConfig('Embedding', { input_dim: 7, output_dim: 13 })['units']).toBeUndefined();
  });
  test('wrapped layers are mapped too', () => {
    const c = normalizeConfig('TimeDistributed', { layer: { class_name: 'Dense', config: { output_dim: 3 } } });
    expect((c['layer'] as { config: Record<string, unknown> }).config['units']).toBe(3);
  });
});

describe('functional graphs', () => {
  test('two inputs, two outputs, a shared layer: weights once, a shape per call', async () => {
    const shared = { ...dense('shared', 3, []), inbound_nodes: [[['a', 0, 0, {}]], [['b', 0, 0, {}]]] };
    const r = await analyze(write(functional([input('a', [null, 4]), input('b', [null, 4]), shared], ['a', 'b'], [['shared', 0, 0], ['shared', 1, 0]])));
    const layer = r.layers.find((l) => l.name === 'shared')!;
    expect(layer.params).toBe(4 * 3 + 3); // Dense(3) on 4 features, counted once
    expect(layer.outputShapes).toEqual([[null, 3], [null, 3]]);
    expect(r.totals.params).toBe(15);
  });

  test('a reference to a layer that does not exist is a finding, not a crash', async () => {
    const r = await analyze(write(functional([input('a', [null, 4]), dense('d', 2, [['ghost', 0, 0]])], ['a'], [['d', 0, 0]])));
    expect(errors(r).some((m) => /ghost/.test(m))).toBe(true);
  });

  test('a cycle is a finding, not a hang', async () => {
    const r = await analyze(write(functional([input('a', [null, 4]), dense('x', 2, [['y', 0, 0]]), dense('y', 2, [['x', 0, 0]])], ['a'], [['y', 0, 0]])));
    expect(errors(r).some((m) => /wait on each other/.test(m))).toBe(true);
  });

  test('a model nested as a layer is numbered from node 1 (tf_keras functional.py _should_skip_first_node)', async () => {
    const inner = { name: 'inner', class_name: 'Model', config: { name: 'inner', layers: [input('i', [null, 4]), dense('d', 2, [['i', 0, 0]])], input_layers: [['i', 0, 0]], output_layers: [['d', 0, 0]] }, inbound_nodes: [[['a', 0, 0, {}]]] };
    const r = await analyze(write(functional([input('a', [null, 4]), inner, dense('head', 1, [['inner', 1, 0]])], ['a'], [['head', 0, 0]])));
    expect(errors(r)).toEqual([]);
    expect(r.layers.find((l) => l.name === 'head')!.params).toBe(3); // Dense(1) on the inner model's 2 outputs
    expect(r.layers.find((l) => l.name === 'inner')!.layers!.map((l) => l.name)).toEqual(['i', 'd']);
  });
});

describe('limits', () => {
  /** A Sequential of an InputLayer and `n` Dropouts, built as text (a million layer objects built, stringified and parsed kept a test worker busy for 30 s on a loaded machine). */
  function dropouts(n: number): string {
    const input = JSON.stringify({ class_name: 'InputLayer', config: { name: 'in', batch_input_shape: [null, 4] } });
    const layers = Array.from({ length: n }, (_, i) => `{"class_name":"Dropout","config":{"name":"d${i}","rate":0.1}}`).join(',');
    const file = join(dir, `dropouts-${n}.json`);
    writeFileSync(file, `{"class_name":"Sequential","config":{"name":"m","layers":[${input},${layers}]}}`);
    return file;
  }
  const refusal = (file: string) => analyze(file).then(() => null, (err: unknown) => err);

  test('a config of 200,000 layers is refused in one line by the layer limit (the InputLayer and 200,000 Dropouts)', async () => {
    const e = await refusal(dropouts(200_000));
    expect(e).toBeInstanceOf(UnreadableError);
    expect((e as Error).message).toMatch(/: 200,001 layers: more than kerascope analyses in one model \(100,000\)$/);
  });

  test('a config of a million layers is refused unparsed, by the JSON limits (2,000,000 object members)', async () => {
    const e = await refusal(dropouts(1_000_000));
    expect(e).toBeInstanceOf(UnreadableError);
    expect((e as Error).message).toMatch(/JSON of more than 2,000,000 object members: more than kerascope reads/);
  });
});

describe('Keras 3 operations in a Functional graph (fixtures/keras-ops, written by Keras 3.15.1)', () => {
  test('ops.reshape/sum/transpose/matmul are not the layers of the same name: no false finding, Keras shapes', async () => {
    const { readFileSync } = await import('node:fs');
    const truth = JSON.parse(readFileSync('fixtures/keras-ops/truth.json', 'utf8')) as { total_params: number; layers: { name: string; output_shape: (number | null)[][] }[] };
    const r = await analyze('fixtures/keras-ops/ops.json');
    expect(errors(r)).toEqual([]);
    expect(r.totals.params).toBe(truth.total_params);
    for (const t of truth.layers) {
      const l = r.layers.find((x) => x.name === t.name)!;
      // matmul is a model output: no later edge stores its shape, and kerascope has no rule for ops.matmul
      if (t.name === 'matmul') expect(l.outputShape).toBeNull();
      else expect(l.outputShape, t.name).toEqual(t.output_shape.length === 1 ? t.output_shape[0] : t.output_shape);
    }
  });
});

describe('absurd sizes (issue 10 item 8): an error finding naming the layer and the key, never a float', () => {
  const seq = (layers: unknown[]) => ({ class_name: 'Sequential', keras_version: '2.2.4', backend: 'tensorflow', config: { name: 's', layers } });
  const findings = (r: Report, code: string) => r.findings.filter((f) => f.code === code);

  test('units that cannot be a size: -7, "3", 2.5', async () => {
    // Keras 2.2.4 hands a fractional shape to the backend unchanged: tf.random_uniform refuses it.
    const fraction = '2.5 is not a whole number: Keras 2.2.4 passes it unchanged to the backend, which cannot make a variable of a fractional shape';
    for (const [units, why] of [[-7, '-7 is negative'], ['3', '"3" is a string, not a number'], [2.5, fraction]] as const) {
      const r = await analyze(write(seq([{ class_name: 'Dense', config: { name: 'd', units, batch_input_shape: [null, 5] } }])));
      expect(findings(r, 'config-invalid-value').map((f) => [f.severity, f.layer, f.message])).toEqual([['error', 'd', `d (Dense): config units: ${why}`]]);
      expect(r.verdict).toBe('inconsistent');
    }
  });

  test('every layer with a bad size is named, also those after a layer whose shape could not be worked out (npm run attack, item 8)', async () => {
    // tf.keras 2.15 truncates Dense units (int(2.5) = 2): a warning there, an error for -7 and "3".
    const dense = (name: string, units: unknown) => ({ class_name: 'Dense', config: { name, units } });
    const input = { class_name: 'InputLayer', config: { name: 'input_1', batch_input_shape: [null, -5] } };
    const r = await analyze(write({ ...seq([input, dense('negative', -7), dense('text', '3'), dense('fraction', 2.5)]), keras_version: '2.15.0' }));
    expect(findings(r, 'config-invalid-value').map((f) => f.message)).toEqual([
      'input_1 (InputLayer): config batch_input_shape: [null, -5]: -5 is negative',
      'negative (Dense): config units: -7 is negative',
      'text (Dense): config units: "3" is a string, not a number',
    ]);
    expect(findings(r, 'config-size-truncated').map((f) => f.layer)).toEqual(['fraction']);
    expect(r.layers.map((l) => l.outputShape)).toEqual([null, null, null]);
  });

  test('a stored input shape with a negative size is refused, not read as unknown', async () => {
    const r = await analyze(write(seq([{ class_name: 'Dense', config: { name: 'd', units: 3, batch_input_shape: [null, -5] } }])));
    expect(findings(r, 'config-invalid-value').map((f) => f.message)).toEqual(['d_input (InputLayer): config batch_input_shape: [null, -5]: -5 is negative']);
  });

  test('a Conv2D with 2^32 filters and a 65536² kernel: size too large to count exactly, no float count', async () => {
    const conv = { class_name: 'Conv2D', config: { name: 'c', filters: 2 ** 32, kernel_size: [65536, 65536], batch_input_shape: [null, 65536, 65536, 3] } };
    const r = await analyze(write(seq([conv])));
    const big = findings(r, 'size-too-large');
    expect(big.map((f) => [f.severity, f.layer])).toEqual([['error', 'c']]);
    // The kernel: 65536 × 65536 × 3 × 2^32 = 3 × 2^64 elements.
    expect(big[0]!.message).toBe('c (Conv2D): kernel of shape (65536, 65536, 3, 4294967296) has more than 2^53 elements: size too large to count exactly');
    expect(Number.isSafeInteger(r.totals.params)).toBe(true);
    const table = renderTable(r);
    expect(table).toContain(' Total params: 0 (0.00 B)');
    expect(table.split('Findings')[0]).not.toMatch(/e\+\d|PB/);
  });
});

describe('a fractional size is judged by the loader of its era, never rounded (sweep: bc-datlife 03e5fae Dense(output_dim=0.3))', () => {
  const dense = (version: string | null, className: string, cfg: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
    class_name: 'Sequential',
    ...(version ? { keras_version: version } : {}),
    ...extra,
    config: [{ class_name: className, config: { name: 'd', batch_input_shape: [null, 4], ...cfg } }, { class_name: 'Dense', config: { name: 'e', output_dim: 2 } }],
  });
  const truncated = (r: Report) => r.findings.filter((f) => f.code === 'config-size-truncated');

  test('Keras 1: the TensorFlow backend built int(0.3) = 0 (keras 1.2.0 tensorflow_backend.py tuple(map(int, shape))): a warning, checked against the stored weights', async () => {
    const json = write(dense('1.2.0', 'Dense', { output_dim: 0.3 }));
    const weights = join(dir, 'fraction-k1.h5');
    // What Keras 1.2.0 on TensorFlow saved for it: d_W (4, 0), d_b (0,), then e_W (0, 2), e_b (2,).
    await writeLegacyH5(weights, { modelConfig: null, kerasVersion: '1.2.0', backend: 'tensorflow', layers: [
      { name: 'd', weights: [{ name: 'd_W', shape: [4, 0] }, { name: 'd_b', shape: [0] }] },
      { name: 'e', weights: [{ name: 'e_W', shape: [0, 2] }, { name: 'e_b', shape: [2] }] },
    ] });
    const r = await analyze(json, { weights });
    expect(errors(r)).toEqual([]);
    expect(r.verdict).toBe('consistent');
    expect(truncated(r).map((f) => [f.severity, f.layer])).toEqual([['warning', 'd']]);
    expect(truncated(r)[0]!.message).toMatch(/^d \(Dense\): config units: 0\.3 is not a whole number; Keras 1 built the weights with int\(0\.3\) = 0 .*numpy before 1\.12/);
    expect(r.layers.find((l) => l.name === 'd')!.outputShape).toEqual([null, 0]);
    expect(r.totals.params).toBe(2);
    // The same weights stored as if the size had been rounded up are a located mismatch.
    const rounded = join(dir, 'fraction-k1-rounded.h5');
    await writeLegacyH5(rounded, { modelConfig: null, kerasVersion: '1.2.0', backend: 'tensorflow', layers: [
      { name: 'd', weights: [{ name: 'd_W', shape: [4, 1] }, { name: 'd_b', shape: [1] }] },
      { name: 'e', weights: [{ name: 'e_W', shape: [1, 2] }, { name: 'e_b', shape: [2] }] },
    ] });
    expect((await analyze(json, { weights: rounded })).verdict).toBe('inconsistent');
  });

  test('tf.keras truncates Dense units and Conv filters (int(units)), and nothing else', async () => {
    const ok = await analyze(write(dense('2.4.0', 'Dense', { units: 3.7 })));
    expect(errors(ok)).toEqual([]);
    expect(truncated(ok).map((f) => f.message)).toEqual(['d (Dense): config units: 3.7 is not a whole number; tf.keras builds the layer with int(3.7) = 3 (tf_keras layers/core/dense.py, layers/convolutional/base_conv.py)']);
    expect(ok.layers.find((l) => l.name === 'd')!.params).toBe(4 * 3 + 3);
    const lstm = { class_name: 'Sequential', keras_version: '2.4.0', config: [{ class_name: 'LSTM', config: { name: 'l', units: 3.7, batch_input_shape: [null, 5, 4] } }] };
    expect(errors(await analyze(write(lstm)))).toEqual(['l (LSTM): config units: 3.7 is not a whole number: tf.keras truncates only Dense units and Conv filters: here it would build a weight of a fractional shape, which TensorFlow refuses']);
  });

  test('Keras 3 and TensorFlow.js refuse it: an error naming the layer and the key', async () => {
    expect(errors(await analyze(write(dense('3.5.0', 'Dense', { units: 0.3 }))))).toEqual(['d (Dense): config units: 0.3 is not a whole number: Keras 3 refuses it (its layers require an int, e.g. Dense: `if not isinstance(units, int)`)']);
    const { fractionalSize } = await import('../src/layers/fractional.js');
    const tfjs = fractionalSize({ raw: '2.15.0', major: 2, minor: 15, tfKeras: true, loader: 'tfjs' }, 'Dense', 'units', 0.3);
    expect(tfjs.accepted).toBe(false);
    expect(tfjs.why).toMatch(/assertNonNegativeIntegerDimensions/);
  });
});

describe('Keras 1 shapes from the real files of the sweep (/work/notes/sweep.md NEW-A, NEW-B)', () => {
  test('a Sequential whose first layer is Merge([Sequential, Sequential]) (keras 1.1 models.py get_config / flattened_layers)', async () => {
    const branch = (d: string) => ({ class_name: 'Sequential', config: [{ class_name: 'Dense', config: { name: d, output_dim: 2, input_dim: 3, batch_input_shape: [null, 3] } }] });
    const model = { class_name: 'Sequential', keras_version: '1.1.0', config: [{ class_name: 'Merge', config: { name: 'merge_1', mode: 'concat', concat_axis: -1, layers: [branch('dense_1'), branch('dense_2')] } }, { class_name: 'Dense', config: { name: 'dense_3', output_dim: 1 } }] };
    const json = write(model);
    const weights = join(dir, 'merge-branches.h5');
    // Keras 1 saves flattened_layers: the branches' layers, then the Merge, then the rest.
    const dense = (n: string, shape: number[]) => ({ name: n, weights: [{ name: `${n}_W`, shape }, { name: `${n}_b`, shape: [shape[1]!] }] });
    await writeLegacyH5(weights, { modelConfig: null, kerasVersion: null, backend: null, layers: [dense('dense_1', [3, 2]), dense('dense_2', [3, 2]), { name: 'merge_1', weights: [] }, dense('dense_3', [4, 1])] });
    const r = await analyze(json, { weights });
    expect(errors(r)).toEqual([]);
    expect(r.verdict).toBe('consistent');
    expect(r.layers.find((l) => l.name === 'merge_1')!.outputShape).toEqual([null, 4]);
    expect(r.totals.params).toBe(8 + 8 + 5);
  });

  test('Keras 1/2 pooling sizes stored as floats are Keras\'s own arithmetic, floored; Keras 3 refuses them', async () => {
    // bc-datlife cnn.json: AveragePooling2D(pool_size=[22.5, 22.5]) on (23, 79, 32): Keras 1.2
    // conv_output_length (23 − 22.5 + 1 + 22.5 − 1) // 22.5 = 1, 79 // 22.5 = 3 → Flatten 96.
    const pool = (version: string) => ({ class_name: 'Sequential', keras_version: version, config: [{ class_name: 'AveragePooling2D', config: { name: 'p', pool_size: [22.5, 22.5], strides: [22.5, 22.5], border_mode: 'valid', dim_ordering: 'tf', batch_input_shape: [null, 23, 79, 32] } }] });
    const k1 = await analyze(write(pool('1.2.0')));
    expect(errors(k1)).toEqual([]);
    expect(k1.layers.find((l) => l.name === 'p')!.outputShape).toEqual([null, 1, 3, 32]);
    const k3 = await analyze(write(pool('3.5.0')));
    expect(k3.findings.filter((f) => f.code === 'config-invalid-value').map((f) => f.message)).toEqual(['p (AveragePooling2D): config pool_size: [22.5, 22.5]: 22.5 is not a whole number']);
  });
});
