// The TensorFlow.js reader: model.json topologies of every writer, weightsManifest grouping, shard
// sizes against the manifest (faults injected), quantized weights, graph models and SavedModels refused.
// Expected numbers come from Keras (the seed notebook's summary) and from tfjs-core's byte sizes
// (float32/int32 4 bytes, bool/uint8 1, uint16/float16 2, strings a uint32 length each at least).
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { UnreadableError } from '../src/errors.js';
import { localPlace } from '../src/formats/index.js';
import { isWeightsManifest, readTfjs as readTfjsIn } from '../src/formats/tfjs/index.js';
import type { ModelSource } from '../src/types.js';
import { CORPUS, hasCorpus } from './helpers/zoo.js';
import { loadTf, saveTfjs } from './helpers/tfjs-gen.js';

type Json = Record<string, any>;
const here = dirname(fileURLToPath(import.meta.url));
const SEED = resolve(here, '../fixtures/tfjs/seed-lstm');
const seedJson = (): Json => JSON.parse(readFileSync(join(SEED, 'model.json'), 'utf8'));

function tmp(): string {
  return mkdtempSync(join(tmpdir(), 'kerascope-tfjs-'));
}

/** Writes `json` as model.json in a fresh folder with the given shard files (name → size or bytes). */
function folder(json: Json, shards: Record<string, number>): string {
  const dir = tmp();
  for (const [name, size] of Object.entries(shards)) writeFileSync(join(dir, name), Buffer.alloc(size));
  writeFileSync(join(dir, 'model.json'), JSON.stringify(json));
  return join(dir, 'model.json');
}

/** The tfjs reader on `json` as if it were the file `file`, its shards found beside it through its folder. */
const readTfjs = (file: string, json: unknown) => readTfjsIn(file, json, localPlace(file), 1);

async function read(file: string): Promise<ModelSource> {
  return readTfjs(file, JSON.parse(readFileSync(file, 'utf8')));
}

function codes(s: ModelSource): string[] {
  return s.findings.map((f) => f.code);
}

async function refusal(file: string, json: unknown): Promise<UnreadableError> {
  const err = await readTfjs(file, json).then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(UnreadableError);
  expect((err as Error).message).not.toContain('\n');
  return err as UnreadableError;
}

/** The seed manifest with one rewrite applied to every weight entry. */
function withWeights(map: (w: Json, i: number) => Json, paths = ['weights.bin']): Json {
  const j = seedJson();
  j['weightsManifest'] = [{ paths, weights: j['weightsManifest'][0].weights.map(map) }];
  return j;
}

// ---------------------------------------------------------------- the seed model, as tfjs saves it

describe('seed LSTM model saved by tfjs-layers', () => {
  it('lists every tensor by layer, with the seed notebook figures', async () => {
    const s = await read(join(SEED, 'model.json'));
    expect(s.format).toBe('tfjs-layers');
    expect(s.formatLabel).toBe('TensorFlow.js layers model (saved by TensorFlow.js tfjs-layers v4.22.0)');
    expect(s.kerasVersion).toBe('tfjs-layers 4.22.0');
    expect(s.backend).toBe('tensor_flow.js');
    expect((s.config as Json)['class_name']).toBe('Sequential');
    expect(s.findings).toEqual([]);
    expect(s.container.tfjsPaths).toEqual(['weights.bin']);
    expect(s.weightsFile).toBe(join(SEED, 'weights.bin'));
    const w = s.weights!;
    expect(w.layout).toBe('tfjs');
    expect(w.groups.map((g) => [g.path, g.tensors.map((t) => [t.name, t.shape])])).toEqual([
      ['embedding_5', [['embedding_5/embeddings', [7, 13]]]],
      ['lstm_5', [['lstm_5/kernel', [13, 68]], ['lstm_5/recurrent_kernel', [17, 68]], ['lstm_5/bias', [68]]]],
      ['dense_29', [['dense_29/kernel', [17, 1]], ['dense_29/bias', [1]]]],
    ]);
    // Keras's summary of this model: 91 + 2108 + 0 + 18 = 2217 parameters.
    const count = (g: string) => w.groups.find((x) => x.path === g)!.tensors.reduce((a, t) => a + t.shape.reduce((p, d) => p * d, 1), 0);
    expect([count('embedding_5'), count('lstm_5'), count('dense_29')]).toEqual([91, 2108, 18]);
    expect(w.optimizer).toEqual([]);
  });

  it('puts optimizer state apart and keeps the training config (tfjs includeOptimizer)', async () => {
    const tf = await loadTf();
    const m = tf.sequential();
    m.add(tf.layers.dense({ name: 'd', units: 3, inputShape: [4] }));
    m.compile({ optimizer: tf.train.adam(0.01), loss: 'meanSquaredError' });
    await m.fit(tf.zeros([2, 4]), tf.zeros([2, 3]), { epochs: 1, verbose: 0 });
    const s = await read(await saveTfjs(m, tmp(), { includeOptimizer: true }));
    expect(s.weights!.groups.map((g) => g.path)).toEqual(['d']);
    // Adam: iterations, then m and v for kernel (4×3) and bias (3).
    expect(s.weights!.optimizer.map((t) => [t.name, t.shape])).toEqual([
      ['iter', []],
      ['d/kernel/m', [4, 3]],
      ['d/bias/m', [3]],
      ['d/kernel/v', [4, 3]],
      ['d/bias/v', [3]],
    ]);
    expect((s.trainingConfig as Json)['loss']).toBe('mean_squared_error');
    expect(s.findings).toEqual([]); // 4·(12+3) model + 4·(1+12+3+12+3) optimizer = 184 bytes, as written
  });
});

// ---------------------------------------------------------------- shard sizes

describe('shard sizes against the manifest', () => {
  const need = 2217 * 4;

  it('reports a short shard with the exact numbers', async () => {
    const s = await read(folder(seedJson(), { 'weights.bin': need - 4 }));
    expect(s.findings).toEqual([
      { severity: 'error', code: 'tfjs-shard-size', category: 'consistency', layer: null, message: 'weights.bin: expected 8868 bytes for 6 tensors, found 8864' },
    ]);
  });

  it('reports a long shard too', async () => {
    const s = await read(folder(seedJson(), { 'weights.bin': need + 1 }));
    expect(s.findings.map((f) => f.message)).toEqual(['weights.bin: expected 8868 bytes for 6 tensors, found 8869']);
  });

  it('reports a missing shard by name and checks nothing else in its group', async () => {
    const s = await read(folder(seedJson(), {}));
    expect(s.findings).toEqual([
      { severity: 'error', code: 'tfjs-shard-missing', category: 'consistency', layer: null, message: 'weights.bin: shard file missing beside model.json (weightsManifest group 1 lists 1 shard)' },
    ]);
    expect(s.weights!.groups).toHaveLength(3); // the manifest is still listed
    expect(s.weightsFile).toBeNull();
  });

  it('adds up the shards of a group', async () => {
    const paths = ['group1-shard1of2.bin', 'group1-shard2of2.bin'];
    const json = withWeights((w) => w, paths);
    expect(codes(await read(folder(json, { [paths[0]!]: 4096, [paths[1]!]: need - 4096 })))).toEqual([]);
    const s = await read(folder(json, { [paths[0]!]: 4096, [paths[1]!]: need - 4097 }));
    expect(s.findings.map((f) => f.message)).toEqual(['group1-shard1of2.bin + group1-shard2of2.bin: expected 8868 bytes for 6 tensors, found 8867']);
  });

  it('checks each manifest group on its own', async () => {
    const j = seedJson();
    const weights = j['weightsManifest'][0].weights as Json[];
    j['weightsManifest'] = [
      { paths: ['a.bin'], weights: weights.slice(0, 1) }, // embeddings 7×13
      { paths: ['b.bin'], weights: weights.slice(1) },
    ];
    const s = await read(folder(j, { 'a.bin': 91 * 4, 'b.bin': (2108 + 18) * 4 + 8 }));
    expect(s.findings.map((f) => f.message)).toEqual(['b.bin: expected 8504 bytes for 5 tensors, found 8512']);
    expect(s.container.tfjsPaths).toEqual(['a.bin', 'b.bin']);
  });

  it('resolves ./ paths beside model.json, as tfjs browser saves write them', async () => {
    const json = withWeights((w) => w, ['./model.json.weights.bin']);
    const s = await read(folder(json, { 'model.json.weights.bin': need }));
    expect(s.findings).toEqual([]);
    expect(s.container.tfjsPaths).toEqual(['./model.json.weights.bin']);
  });
});

describe('weight names', () => {
  it('reports a name written twice, since tfjs loads weights by name', async () => {
    const json = withWeights((w, i) => (i === 5 ? { ...w, name: 'dense_29/kernel' } : w)); // dense_29/bias renamed
    const s = await read(folder(json, { 'weights.bin': 2217 * 4 }));
    expect(s.findings).toEqual([
      {
        severity: 'error',
        code: 'tfjs-duplicate-weight',
        category: 'consistency',
        layer: null,
        message: 'dense_29/kernel: written 2 times in weightsManifest; tfjs loads weights by name, so only one of them is used',
      },
    ]);
  });

  it('groups Keras 3 store paths (converter from .keras) by container, vars by index, optimizer apart', async () => {
    // h5py iterates keys sorted as strings, so vars/10 comes before vars/2 in the converter's manifest.
    const names: [string, number[]][] = [
      ['layers/dense/vars/0', [3, 2]],
      ['layers/dense/vars/1', [2]],
      ['layers/lstm/cell/vars/0', [2, 4]],
      ['layers/lstm/cell/vars/1', [1, 4]],
      ['layers/lstm/cell/vars/2', [4]],
      ['optimizer/vars/0', []],
      ['optimizer/vars/1', []],
      ['optimizer/vars/10', [4]],
      ['optimizer/vars/2', [3, 2]],
    ];
    const weights = names.map(([name, shape]) => ({ name, shape, dtype: 'float32' }));
    const j = { format: 'layers-model', modelTopology: null, weightsManifest: [{ paths: ['w.bin'], weights }] };
    const s = await read(folder(j, { 'w.bin': 4 * (6 + 2 + 8 + 4 + 4 + 1 + 1 + 4 + 6) }));
    expect(s.findings).toEqual([]);
    const w = s.weights!;
    expect(w.layout).toBe('keras3');
    expect(w.groups.map((g) => [g.path, g.tensors.map((t) => [t.name, t.path])])).toEqual([
      ['layers/dense', [['vars/0', 'layers/dense/vars/0'], ['vars/1', 'layers/dense/vars/1']]],
      ['layers/lstm/cell', [['vars/0', 'layers/lstm/cell/vars/0'], ['vars/1', 'layers/lstm/cell/vars/1'], ['vars/2', 'layers/lstm/cell/vars/2']]],
    ]);
    expect(w.optimizer.map((t) => t.path)).toEqual(['optimizer/vars/0', 'optimizer/vars/1', 'optimizer/vars/2', 'optimizer/vars/10']);
    expect(s.formatLabel).toBe('TensorFlow.js layers model (writer unknown, weights only: no modelTopology, weights named by their Keras 3 store paths)');
  });

  it('keeps tfjs naming when only some names look like store paths', async () => {
    const j = withWeights((w, i) => (i === 0 ? { ...w, name: 'vars/0' } : w));
    const s = await read(folder(j, { 'weights.bin': 2217 * 4 }));
    expect(s.weights!.layout).toBe('tfjs');
    expect(s.weights!.groups[0]!.path).toBe('vars');
  });

  it("skips a Sequential's own name in front of layer names (Keras 3 variable paths)", async () => {
    // Keras 3.15.1 writes `dz_seq_input/dense_4/kernel` in a legacy .h5 of a Sequential named dz_seq_input.
    const j = seedJson();
    const model = j['modelTopology'];
    j['weightsManifest'][0].weights = j['weightsManifest'][0].weights.map((w: Json) => ({ ...w, name: `sequential_5/${w.name}` }));
    let s = await read(folder(j, { 'weights.bin': 2217 * 4 }));
    expect(s.weights!.groups.map((g) => g.path)).toEqual(['embedding_5', 'lstm_5', 'dense_29']);
    expect(s.weights!.groups[0]!.tensors[0]!.name).toBe('sequential_5/embedding_5/embeddings');
    // A model that shares its name with one of its layers: names are taken as written.
    model.config.layers[3].config.name = 'sequential_5';
    s = await read(folder(j, { 'weights.bin': 2217 * 4 }));
    expect(s.weights!.groups.map((g) => g.path)).toEqual(['sequential_5']);
  });

  it('groups a name without a slash under itself', async () => {
    const j = { format: 'layers-model', modelTopology: null, weightsManifest: [{ paths: ['w.bin'], weights: [{ name: 'scale', shape: [], dtype: 'float32' }] }] };
    const s = await read(folder(j, { 'w.bin': 4 }));
    expect(s.weights!.groups).toEqual([{ path: 'scale', label: null, tensors: [{ path: 'scale', name: 'scale', shape: [], dtype: 'float32' }] }]);
    expect(s.findings).toEqual([]);
  });
});

describe('quantized and non-float weights', () => {
  it('sizes uint8-quantized tensors at one byte each and says they are quantized', async () => {
    const json = withWeights((w) => ({ ...w, quantization: { dtype: 'uint8', min: -1, scale: 0.01, original_dtype: 'float32' } }));
    const s = await read(folder(json, { 'weights.bin': 2217 }));
    expect(codes(s)).toEqual(['tfjs-quantized']);
    expect(s.findings[0]!.message).toBe('weights stored quantized (6 as uint8); tfjs restores them to float32, so values are approximate but shapes and counts are unchanged');
    expect(s.formatLabel).toBe('TensorFlow.js layers model (saved by TensorFlow.js tfjs-layers v4.22.0, weights quantized to uint8)');
    expect(s.weights!.groups[1]!.tensors[0]).toMatchObject({ shape: [13, 68], dtype: 'float32' });
    // The unquantized size is now wrong: the shard must hold 2217 one-byte values.
    const wrong = await read(folder(json, { 'weights.bin': 2217 * 4 }));
    expect(wrong.findings.find((f) => f.code === 'tfjs-shard-size')!.message).toBe('weights.bin: expected 2217 bytes for 6 tensors, found 8868');
  });

  it('mixes float16, uint16 and plain float32 tensors', async () => {
    // embeddings 91 → float16 (2 bytes), LSTM kernel 884 → uint16 (2 bytes), the rest float32.
    const q = ['float16', 'uint16'];
    const json = withWeights((w, i) => (i < 2 ? { ...w, quantization: { dtype: q[i], original_dtype: 'float32', min: 0, scale: 1 } } : w));
    const bytes = 91 * 2 + 884 * 2 + (1156 + 68 + 17 + 1) * 4;
    expect(codes(await read(folder(json, { 'weights.bin': bytes })))).toEqual(['tfjs-quantized']);
    const s = await read(folder(json, { 'weights.bin': bytes + 2 }));
    expect(s.findings[0]!.message).toBe(`weights.bin: expected ${bytes} bytes for 6 tensors, found ${bytes + 2}`);
  });

  it('sizes int32 and bool at 4 and 1 bytes, and strings as a lower bound', async () => {
    const j = {
      format: 'layers-model',
      modelTopology: null,
      weightsManifest: [
        {
          paths: ['w.bin'],
          weights: [
            { name: 'lookup/ids', shape: [5], dtype: 'int32' },
            { name: 'lookup/flags', shape: [3], dtype: 'bool' },
            { name: 'lookup/vocab', shape: [2], dtype: 'string' },
          ],
        },
      ],
    };
    // 20 + 3 + at least 2 × 4-byte lengths = 31; the strings' own bytes come on top.
    expect(codes(await read(folder(j, { 'w.bin': 31 + 9 })))).toEqual([]);
    const s = await read(folder(j, { 'w.bin': 30 }));
    expect(s.findings.map((f) => f.message)).toEqual(['w.bin: expected at least 31 bytes for 3 tensors (string values), found 30']);
  });

  it('does not guess the size of a dtype tfjs does not write', async () => {
    const j = { format: 'layers-model', modelTopology: null, weightsManifest: [{ paths: ['w.bin'], weights: [{ name: 'x/y', shape: [2], dtype: 'float64' }] }] };
    const s = await read(folder(j, { 'w.bin': 16 }));
    expect(s.findings).toMatchObject([{ severity: 'warning', code: 'tfjs-unknown-dtype', message: 'weightsManifest group 1: size not checked, unknown dtype for x/y (float64)' }]);
  });
});

describe('shard paths that leave the folder', () => {
  it.each(['../outside.bin', '/etc/outside.bin', 'https://example.com/w.bin', 'file:///tmp/w.bin', 'sub/../../outside.bin'])(
    'keeps %s as written and opens nothing',
    async (p) => {
      const file = folder(withWeights((w) => w, [p]), {});
      writeFileSync(join(dirname(file), '..', 'outside.bin'), Buffer.alloc(3)); // a wrong size, never looked at
      const s = await read(file);
      expect(s.container.tfjsPaths).toEqual([p]);
      expect(s.findings).toEqual([
        { severity: 'info', code: 'tfjs-shard-unchecked', category: 'consistency', layer: null, message: `weightsManifest group 1: shard sizes not checked, its paths leave the model's folder (${p})` },
      ]);
    },
  );

  it('does not size a shard whose symbolic link leads out of the folder', async () => {
    const file = folder(withWeights((w) => w), {});
    const outside = join(tmp(), 'elsewhere.bin');
    writeFileSync(outside, Buffer.alloc(5));
    symlinkSync(outside, join(dirname(file), 'weights.bin'));
    const s = await read(file);
    expect(s.findings.map((f) => f.code)).toEqual(['tfjs-shard-unchecked']);
    expect(s.weightsFile).toBeNull();
  });

  it('sizes a shard linked from inside the folder', async () => {
    const file = folder(withWeights((w) => w), { 'real.bin': 2217 * 4 });
    symlinkSync(join(dirname(file), 'real.bin'), join(dirname(file), 'weights.bin'));
    expect((await read(file)).findings).toEqual([]);
  });

  it('accepts a sub-folder path inside the model folder', async () => {
    const file = folder(withWeights((w) => w, ['shards/w.bin']), {});
    mkdirSync(join(dirname(file), 'shards'));
    writeFileSync(join(dirname(file), 'shards', 'w.bin'), Buffer.alloc(2217 * 4));
    expect((await read(file)).findings).toEqual([]);
  });
});

// ---------------------------------------------------------------- topologies of each writer

describe('modelTopology of each writer', () => {
  const seedConfig = () => {
    const { keras_version: _k, backend: _b, ...config } = seedJson()['modelTopology'];
    return config as Json;
  };

  function converted(topology: Json, extra: Json = {}): Json {
    const j = seedJson();
    return { format: 'layers-model', generatedBy: 'keras v2.15.0', convertedBy: 'TensorFlow.js Converter v4.17.0', modelTopology: topology, weightsManifest: j['weightsManifest'], ...extra };
  }

  it('reads the Python converter shape {keras_version, backend, model_config, training_config}', async () => {
    const training = { loss: 'binary_crossentropy', optimizer_config: { class_name: 'Adam', config: {} } };
    const file = join(dirname(folder({}, {})), 'model.json');
    copyFileSync(join(SEED, 'weights.bin'), join(dirname(file), 'weights.bin'));
    const json = converted({ keras_version: '2.15.0', backend: 'tensorflow', model_config: seedConfig(), training_config: training });
    writeFileSync(file, JSON.stringify(json));
    const s = await read(file);
    expect(s.kerasVersion).toBe('2.15.0');
    expect(s.backend).toBe('tensorflow');
    expect(s.formatLabel).toBe('TensorFlow.js layers model (converted from Keras 2.15.0 by TensorFlow.js Converter v4.17.0)');
    expect(s.config).toEqual(seedConfig());
    expect(s.trainingConfig).toEqual(training);
    expect(s.findings).toEqual([]);
  });

  it('parses a model_config written as a JSON string', async () => {
    const json = converted({ keras_version: '2.4.0', backend: 'tensorflow', model_config: JSON.stringify(seedConfig()) });
    const s = await read(folder(json, { 'weights.bin': 2217 * 4 }));
    expect(s.config).toEqual(seedConfig());
    expect(s.trainingConfig).toBeNull();
  });

  it('takes the Keras version from generatedBy when the topology has none (converted from .keras)', async () => {
    // The converter strips module / registered_name from Keras 3 configs (_discard_v3_keys).
    const config = { class_name: 'Sequential', config: { name: 'seq', layers: [{ class_name: 'Dense', config: { name: 'd', units: 2 }, build_config: { input_shape: [null, 3] } }] } };
    const json = { format: 'layers-model', generatedBy: 'keras v3.3.3', convertedBy: 'TensorFlow.js Converter v4.20.0', modelTopology: { model_config: config }, weightsManifest: [] };
    const s = await read(folder(json, {}));
    expect(s.kerasVersion).toBe('3.3.3');
    expect(s.config).toEqual(config);
    expect(s.weights).toMatchObject({ layout: 'tfjs', groups: [], optimizer: [] });
    expect(s.formatLabel).toBe('TensorFlow.js layers model (converted from Keras 3.3.3 by TensorFlow.js Converter v4.20.0)');
  });

  it('lists a bare weights manifest (weights_manifest.json) without architecture', async () => {
    const manifest = seedJson()['weightsManifest'];
    expect(isWeightsManifest(manifest)).toBe(true);
    expect(isWeightsManifest([])).toBe(false);
    expect(isWeightsManifest([{ class_name: 'Dense' }])).toBe(false);
    const s = await read(folder(manifest, { 'weights.bin': 2217 * 4 }));
    expect(s.config).toBeNull();
    expect(s.formatLabel).toBe('TensorFlow.js layers model (writer unknown, weights only: no modelTopology)');
    expect(s.weights!.groups.map((g) => g.path)).toEqual(['embedding_5', 'lstm_5', 'dense_29']);
    expect(s.findings).toEqual([]);
  });

  it('reads a model.json without weights manifest as architecture only', async () => {
    const { weightsManifest: _w, ...json } = seedJson();
    const s = await read(folder(json, {}));
    expect(s.weights).toBeNull();
    expect(s.weightsFile).toBeNull();
    expect(s.container.tfjsPaths).toEqual([]);
    expect(s.config).toEqual(seedConfig());
  });
});

// ---------------------------------------------------------------- refusals

describe('what is not a Keras layers model', () => {
  it('refuses a graph model with its node count and origin', async () => {
    const json = { format: 'graph-model', generatedBy: '2.3.1', convertedBy: 'TensorFlow.js Converter v3.7.0', modelTopology: { node: [{}, {}, {}], library: {}, versions: {} }, weightsManifest: [] };
    const err = await refusal('m/model.json', json);
    expect(err.message).toBe('not a Keras layers model: a TensorFlow.js graph model (3 nodes), converted from TensorFlow 2.3.1 by TensorFlow.js Converter v3.7.0');
    expect(err.file).toBe('m/model.json');
  });

  it('recognises a GraphDef topology without a format key', async () => {
    const err = await refusal('model.json', { modelTopology: { node: [{}] }, weightsManifest: [] });
    expect(err.message).toBe('not a Keras layers model: a TensorFlow.js graph model (1 nodes), converted from a TensorFlow graph');
  });

  it('refuses other formats and broken manifests in one line', async () => {
    const ok = seedJson();
    expect((await refusal('model.json', { ...ok, format: 'onnx' })).message).toBe('not a Keras layers model: a TensorFlow.js model of format "onnx"');
    expect((await refusal('model.json', [1, 2])).message).toBe('TensorFlow.js model.json: not a JSON object');
    expect((await refusal('model.json', { ...ok, modelTopology: { foo: 1 } })).message).toBe('TensorFlow.js model.json: modelTopology has neither model_config nor class_name');
    expect((await refusal('model.json', { ...ok, modelTopology: '{oops' })).message).toBe('TensorFlow.js model.json: modelTopology is a string that is not JSON');
    expect((await refusal('model.json', { ...ok, weightsManifest: {} })).message).toBe('TensorFlow.js model.json: weightsManifest is not a list of groups');
    expect((await refusal('model.json', { ...ok, weightsManifest: [{ weights: [] }] })).message).toBe('TensorFlow.js model.json: weightsManifest[0] has no list of shard paths');
    const badShape = withWeights((w, i) => (i === 2 ? { ...w, shape: [17, -68] } : w));
    expect((await refusal('model.json', badShape)).message).toBe(
      'TensorFlow.js model.json: weightsManifest[0].weights[2] (lstm_5/recurrent_kernel) has a shape that is not a list of sizes',
    );
    const huge = withWeights((w, i) => (i === 0 ? { ...w, shape: [1e308] } : w));
    expect((await refusal('model.json', huge)).message).toBe('TensorFlow.js model.json: weightsManifest[0].weights[0] (embedding_5/embeddings) has a shape that is not a list of sizes');
    const noName = withWeights((w, i) => (i === 0 ? { shape: [1], dtype: 'float32' } : w));
    expect((await refusal('model.json', noName)).message).toBe('TensorFlow.js model.json: weightsManifest[0].weights[0] has no name');
  });
});

// ---------------------------------------------------------------- broken input never crashes

describe('every value of model.json replaced by junk', () => {
  /** Every path to a value in `v`: ['weightsManifest', 0, 'weights', 3, 'shape'] … */
  function paths(v: unknown, at: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
    out.push(at);
    if (Array.isArray(v)) v.forEach((x, i) => paths(x, [...at, i], out));
    else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) paths(x, [...at, k], out);
    return out;
  }

  function replaced(root: Json, at: (string | number)[], junk: unknown): unknown {
    if (at.length === 0) return junk;
    const copy = structuredClone(root);
    let o: any = copy;
    for (const k of at.slice(0, -1)) o = o[k];
    o[at.at(-1)!] = junk;
    return copy;
  }

  it('gives a ModelSource or one UnreadableError line, never another error', async () => {
    const file = join(SEED, 'model.json');
    const seed = seedJson();
    const junks: unknown[] = [null, -1, 'x', [], {}, [[-1]], 1e308];
    let refused = 0;
    let read = 0;
    for (const at of paths(seed)) {
      for (const junk of junks) {
        try {
          const s = await readTfjs(file, replaced(seed, at, junk));
          expect(s.format).toBe('tfjs-layers');
          read++;
        } catch (e) {
          if (!(e instanceof UnreadableError)) throw new Error(`${JSON.stringify(at)} = ${JSON.stringify(junk)}: ${(e as Error).stack}`);
          expect(e.message).not.toContain('\n');
          refused++;
        }
      }
    }
    expect(refused).toBeGreaterThan(0);
    expect(read).toBeGreaterThan(0);
  });
});

// ---------------------------------------------------------------- real files

describe.runIf(hasCorpus)('corpus TensorFlow.js folders', () => {
  const corpus = (p: string) => read(join(CORPUS, p));

  it('tfjs-native-mnist-mlp: saved by tfjs-layers 4.22.0, one ./ shard of 407080 bytes', async () => {
    const s = await corpus('tfjs-native-mnist-mlp/model.json');
    expect(s.kerasVersion).toBe('tfjs-layers 4.22.0'); // SOURCE.md
    expect(s.container.tfjsPaths).toEqual(['./model.json.weights.bin']);
    expect(s.weights!.groups.flatMap((g) => g.tensors)).toHaveLength(4);
    expect(s.findings).toEqual([]);
  });

  it('k2-15-mlp-h5-plus-tfjs: converted from Keras 2.15.0, 6 tensors', async () => {
    const s = await corpus('k2-15-mlp-h5-plus-tfjs/tfjs_model/model.json');
    expect(s.formatLabel).toBe('TensorFlow.js layers model (converted from Keras 2.15.0 by TensorFlow.js Converter v4.17.0)');
    expect(s.weights!.groups.flatMap((g) => g.tensors)).toHaveLength(6);
    expect((s.config as Json)['class_name']).toBe('Sequential');
    expect(s.trainingConfig).not.toBeNull();
    expect(s.findings).toEqual([]);
  });

  it('tfjs-k2-7-bilstm-abusive: 21 uint8-quantized tensors whose shard has exactly their size', async () => {
    const s = await corpus('tfjs-k2-7-bilstm-abusive/model.json');
    expect(s.kerasVersion).toBe('2.7.0');
    expect(s.weights!.groups.flatMap((g) => g.tensors)).toHaveLength(21);
    expect(s.findings.map((f) => f.message)).toEqual([
      'weights stored quantized (21 as uint8); tfjs restores them to float32, so values are approximate but shapes and counts are unchanged',
    ]);
  });

  it.each([
    ['tfjs-graph-tiny-savedmodel/model.json', 8, '2.3.1', 'v3.7.0'],
    ['keras3-8-10-cnn-mlp-plus-tfjs-graph/tfjs_model/model.json', 25, '2.20.0', 'v3.18.0'],
    ['keras3-8-10-cnn-mlp-plus-tfjs-graph/tfjs_model_mlp/model.json', 20, '2.20.0', 'v3.18.0'],
  ])('%s is a graph model of %i nodes', async (p, nodes, tfVersion, converter) => {
    const file = join(CORPUS, p);
    const err = await refusal(file, JSON.parse(readFileSync(file, 'utf8')));
    expect(err.message).toBe(`not a Keras layers model: a TensorFlow.js graph model (${nodes} nodes), converted from TensorFlow ${tfVersion} by TensorFlow.js Converter ${converter}`);
  });
});
