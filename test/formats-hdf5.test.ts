// The HDF5 reader on fixtures made by our builder (every layout and string encoding, faults and
// hostile objects) and on files written by Keras itself (../shared/keras3-zoo, ../shared/corpus).
import { closeSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync, writeSync, ftruncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UnreadableError } from '../src/errors.js';
import { h5EngineStarts } from '../src/formats/hdf5/client.js';
import * as hdf5 from '../src/formats/hdf5/read.js';
import { h5BytesRead, isHdf5 } from '../src/formats/hdf5/read.js';
import { onFile, runH5Job } from './helpers/h5.js';

const readHdf5 = (file: string) => onFile(file, hdf5.readHdf5);
const readWeightsHdf5 = (file: string) => onFile(file, hdf5.readWeightsHdf5);
import type { ModelSource, StoredWeights } from '../src/types.js';
import { editH5, writeDataset, writeKeras3WeightsH5, writeLegacyH5, type LayerSpec, type StringEncoding } from '../fixtures/builder/h5.js';
import { useReader, withReader } from './helpers/reader.js';
import { CORPUS, hasCorpus, hasZoo, zooPath, zooTruth } from './helpers/zoo.js';
import { runChild } from './helpers/child.js';

const dir = mkdtempSync(join(tmpdir(), 'kerascope-h5-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const tmp = (name: string) => join(dir, name);

const CONFIG = { class_name: 'Sequential', config: { name: 'mlp', layers: [{ class_name: 'Dense', config: { name: 'dense_1', units: 4 } }] } };
const LAYERS: LayerSpec[] = [
  { name: 'input_1', weights: [] },
  { name: 'dense_1', weights: [{ name: 'dense_1/kernel:0', shape: [3, 4] }, { name: 'dense_1/bias:0', shape: [4] }] },
  { name: 'dropout_1', weights: [] },
  { name: 'bn', weights: ['gamma', 'beta', 'moving_mean', 'moving_variance'].map((w) => ({ name: `bn/${w}:0`, shape: [4] })) },
];

const FULL_SPEC = {
  modelConfig: CONFIG,
  kerasVersion: '2.2.4',
  backend: 'tensorflow',
  trainingConfig: { loss: 'mse', optimizer_config: { class_name: 'Adam', config: {} } },
  layers: LAYERS,
  optimizer: [
    { name: 'Adam/iterations:0', shape: [], dtype: 'int64' as const },
    { name: 'Adam/m_1:0', shape: [3, 4] },
  ],
  chunkNames: 1,
};
// Later tests corrupt copies of this one (any test may run alone with -t).
beforeAll(() => writeLegacyH5(tmp('full-vlen.h5'), { ...FULL_SPEC, stringEncoding: 'vlen' }));

/** [group, tensor name, shape] triples: what the rest of kerascope sees. */
function listing(w: StoredWeights | null): [string, string, number[]][] {
  return (w?.groups ?? []).flatMap((g) => g.tensors.map((t) => [g.path, t.name, t.shape] as [string, string, number[]]));
}

/** Rewrites the weight_names attribute of one layer group. */
function setWeightNames(file: string, group: string, names: string[]): Promise<void> {
  return editH5(file, 'a', (f) => {
    f.get(group).delete_attribute('weight_names');
    f.get(group).create_attribute('weight_names', names, [names.length], 'S');
  });
}

async function unreadable(file: string): Promise<string> {
  const err = await readHdf5(file).then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(UnreadableError);
  const msg = (err as UnreadableError).message;
  expect(msg).not.toContain('\n');
  return msg;
}

describe('legacy full model (model_config + model_weights)', () => {
  const encodings: StringEncoding[] = ['vlen', 'bytes-vlen', 'fixed', 'chunked'];
  for (const enc of encodings) {
    it(`reads layer_names / weight_names stored as ${enc} strings`, async () => {
      const file = tmp(`full-${enc}.h5`);
      await writeLegacyH5(file, { ...FULL_SPEC, stringEncoding: enc });
      const src = await readHdf5(file);
      expect(src.format).toBe('h5-model');
      expect(src.formatLabel).toBe('legacy HDF5 full model (Keras 2.2.4)');
      expect(src.kerasVersion).toBe('2.2.4');
      expect(src.backend).toBe('tensorflow');
      expect(src.config).toEqual(CONFIG);
      expect(src.trainingConfig).toEqual({ loss: 'mse', optimizer_config: { class_name: 'Adam', config: {} } });
      expect(src.weights!.layout).toBe('legacy');
      // layer_names order, weightless layers included with no tensors (empty float64 weight_names)
      expect(src.weights!.groups.map((g) => [g.path, g.label])).toEqual(LAYERS.map((l) => [l.name, l.name]));
      expect(listing(src.weights)).toEqual(LAYERS.flatMap((l) => l.weights.map((w) => [l.name, w.name, w.shape])));
      expect(src.weights!.groups[1]!.tensors[0]).toEqual({
        path: 'model_weights/dense_1/dense_1/kernel:0',
        name: 'dense_1/kernel:0',
        shape: [3, 4],
        dtype: 'float32',
      });
      expect(src.weights!.optimizer.map((t) => [t.name, t.shape, t.dtype])).toEqual([
        ['Adam/iterations:0', [], 'int64'],
        ['Adam/m_1:0', [3, 4], 'float32'],
      ]);
      expect(src.container.h5Issues).toEqual([]);
      expect(src.findings).toEqual([]);
    });
  }

  it('reads a model_config stored as a JSON string holding the JSON', async () => {
    const file = tmp('double.h5');
    await writeLegacyH5(file, { modelConfig: CONFIG, layers: LAYERS, doubleEncodedConfig: true });
    expect((await readHdf5(file)).config).toEqual(CONFIG);
  });

  it('reports an unparseable model_config as a finding and still lists the weights', async () => {
    const file = tmp('badjson.h5');
    await writeLegacyH5(file, { modelConfig: CONFIG, layers: LAYERS });
    const bytes = readFileSync(file);
    const at = bytes.indexOf('"class_name"');
    bytes.write('#', at); // same length: the attribute stays readable, the JSON does not
    writeFileSync(file, bytes);
    const src = await readHdf5(file);
    expect(src.config).toBeNull();
    expect(src.findings.map((f) => f.code)).toEqual(['h5-bad-json-attribute']);
    expect(listing(src.weights)).toHaveLength(6);
  });

  it('readWeightsHdf5 gives the model_weights of a full model', async () => {
    const file = tmp('full-vlen.h5');
    const w = await readWeightsHdf5(file);
    expect(w.file).toBe(file);
    expect(listing(w)).toHaveLength(6);
  });
});

describe('legacy weights-only file (layer_names at the root)', () => {
  for (const enc of ['vlen', 'fixed', 'chunked'] as StringEncoding[]) {
    it(`reads it with ${enc} strings`, async () => {
      const file = tmp(`weights-${enc}.h5`);
      await writeLegacyH5(file, { modelConfig: null, kerasVersion: '2.0.5', layers: LAYERS, stringEncoding: enc, chunkNames: 3 });
      const src = await readHdf5(file);
      expect(src.format).toBe('h5-weights');
      expect(src.config).toBeNull();
      expect(src.kerasVersion).toBe('2.0.5');
      expect(src.weights!.kerasVersion).toBe('2.0.5');
      expect(src.weights!.groups[3]!.tensors.map((t) => t.path)).toEqual(LAYERS[3]!.weights.map((w) => `bn/${w.name}`));
      expect(listing(src.weights)).toEqual(LAYERS.flatMap((l) => l.weights.map((w) => [l.name, w.name, w.shape])));
    });
  }

  it('reads a Keras 1 file without keras_version or backend', async () => {
    const file = tmp('k1.h5');
    const layers = [{ name: 'dense_1', weights: [{ name: 'dense_1_W', shape: [3, 4] }, { name: 'dense_1_b', shape: [4] }] }];
    await writeLegacyH5(file, { modelConfig: null, kerasVersion: null, backend: null, layers });
    const src = await readHdf5(file);
    expect(src.kerasVersion).toBeNull();
    expect(src.backend).toBeNull();
    expect(listing(src.weights)).toEqual([
      ['dense_1', 'dense_1_W', [3, 4]],
      ['dense_1', 'dense_1_b', [4]],
    ]);
  });

  it('names a weight listed in weight_names whose dataset is missing', async () => {
    const file = tmp('missing.h5');
    await writeLegacyH5(file, { modelConfig: null, layers: [{ name: 'd', weights: [{ name: 'd/kernel:0', shape: [2, 2] }] }] });
    // add a second name to weight_names without its dataset
    await setWeightNames(file, 'd', ['d/kernel:0', 'd/bias:0']);
    const src = await readHdf5(file);
    expect(listing(src.weights)).toEqual([['d', 'd/kernel:0', [2, 2]]]);
    expect(src.findings).toHaveLength(1);
    expect(src.findings[0]!.code).toBe('h5-unreadable-object');
    expect(src.findings[0]!.message).toContain('d/d/bias:0');
  });
});

describe('Keras 3 weights store (layers/…/vars)', () => {
  it('reads vars groups in Keras numbering order, with vars@name, root vars and optimizer vars', async () => {
    const file = tmp('k3.weights.h5');
    await writeKeras3WeightsH5(file, {
      groups: [
        { path: 'layers/dense_10', name: 'd10', tensors: [[2]] },
        { path: 'layers/dense', name: 'dense', tensors: [[3, 4], [4]] },
        { path: 'layers/dense_2', name: 'd2', tensors: [[4, 2], [2]] },
        { path: 'layers/bidirectional/forward_layer/cell', name: 'lstm_cell', tensors: [[3, 8], [2, 8], [8]] },
        { path: '', name: 'model', tensors: [] },
      ],
      optimizer: [[], [], [3, 4]],
    });
    const src = await readHdf5(file);
    expect(src.format).toBe('keras3-weights');
    expect(src.config).toBeNull();
    expect(src.weights!.layout).toBe('keras3');
    expect(src.weights!.groups.map((g) => [g.path, g.label, g.tensors.length])).toEqual([
      ['layers/bidirectional/forward_layer/cell', 'lstm_cell', 3],
      ['layers/dense', 'dense', 2],
      ['layers/dense_2', 'd2', 2],
      ['layers/dense_10', 'd10', 1],
      ['', 'model', 0], // the model's own `vars` at the root
    ]);
    expect(src.weights!.groups[0]!.tensors.map((t) => [t.path, t.name, t.shape])).toEqual([
      ['layers/bidirectional/forward_layer/cell/vars/0', 'vars/0', [3, 8]],
      ['layers/bidirectional/forward_layer/cell/vars/1', 'vars/1', [2, 8]],
      ['layers/bidirectional/forward_layer/cell/vars/2', 'vars/2', [8]],
    ]);
    expect(src.weights!.optimizer.map((t) => [t.path, t.shape])).toEqual([
      ['optimizer/vars/0', []],
      ['optimizer/vars/1', []],
      ['optimizer/vars/2', [3, 4]],
    ]);
  });

  it('orders vars/10 after vars/2 and leaves label null before Keras 3.6', async () => {
    const file = tmp('k3-old.weights.h5');
    const tensors = Array.from({ length: 12 }, (_, i) => [i + 1]);
    await writeKeras3WeightsH5(file, { groups: [{ path: 'layers/functional/layers/dense', tensors }] });
    const g = (await readHdf5(file)).weights!.groups[0]!;
    expect(g.label).toBeNull();
    expect(g.tensors.map((t) => t.shape[0])).toEqual(tensors.map((t) => t[0]));
  });

  it('reads the tf.keras 2.13–2.15 _layer_checkpoint_dependencies layout', async () => {
    const file = tmp('tfk215.weights.h5');
    await writeKeras3WeightsH5(file, {
      groups: [
        { path: '_layer_checkpoint_dependencies/dense', tensors: [[3, 4], [4]] },
        { path: '_layer_checkpoint_dependencies/dense_1', tensors: [[4, 1], [1]] },
      ],
    });
    const src = await readHdf5(file);
    expect(src.format).toBe('keras3-weights');
    expect(listing(src.weights)).toEqual([
      ['_layer_checkpoint_dependencies/dense', 'vars/0', [3, 4]],
      ['_layer_checkpoint_dependencies/dense', 'vars/1', [4]],
      ['_layer_checkpoint_dependencies/dense_1', 'vars/0', [4, 1]],
      ['_layer_checkpoint_dependencies/dense_1', 'vars/1', [1]],
    ]);
  });

  it('gives non-float dtypes (int8 quantized kernels, int64 counters)', async () => {
    const file = tmp('k3-dtypes.weights.h5');
    await writeKeras3WeightsH5(file, {
      groups: [{ path: 'layers/dense', tensors: [{ name: 'k', shape: [3, 4], dtype: 'int8' }, { name: 's', shape: [4] }] }],
      optimizer: [],
    });
    const t = (await readHdf5(file)).weights!.groups[0]!.tensors;
    expect(t.map((x) => x.dtype)).toEqual(['int8', 'float32']);
  });
});

describe('what the audit needs (container.h5Issues)', () => {
  it('reports soft and external links and never follows an external link', async () => {
    const other = tmp('other.h5');
    await writeKeras3WeightsH5(other, { groups: [{ path: 'layers/dense', tensors: [[5, 5]] }] });
    const file = tmp('links.h5');
    await writeLegacyH5(file, {
      modelConfig: null,
      layers: [{ name: 'd', weights: [{ name: 'kernel', shape: [2, 2] }] }],
      softLinks: [['/d/alias', '/d/kernel']],
      externalLinks: [['/d/evil', other, '/layers/dense/vars/0']],
    });
    // make the external link a weight the file claims to hold
    await setWeightNames(file, 'd', ['kernel', 'evil']);
    const src = await readHdf5(file);
    const issues = src.container.h5Issues!;
    expect(issues).toContainEqual({ kind: 'soft-link', path: 'd/alias', detail: 'soft link to /d/kernel' });
    expect(issues).toContainEqual({ kind: 'external-link', path: 'd/evil', detail: `external link to ${other}:/layers/dense/vars/0` });
    // the (5, 5) dataset of the other file was not reached through the link
    expect(listing(src.weights)).toEqual([['d', 'kernel', [2, 2]]]);
    expect(src.findings.map((x) => x.code)).toEqual(['h5-unreadable-object']);
  });

  it('reports a user block before the superblock', async () => {
    const plain = tmp('full-vlen.h5');
    const file = tmp('userblock.h5');
    writeFileSync(file, Buffer.concat([Buffer.alloc(1024, 0x20), readFileSync(plain)]));
    const src = await readHdf5(file);
    expect(src.container.h5Issues).toEqual([{ kind: 'user-block', path: '/', detail: '1024-byte user block before the HDF5 superblock' }]);
    expect(listing(src.weights)).toHaveLength(6);
  });

  it('reports a dataset declaring more bytes than the file holds (shape bomb)', async () => {
    const file = tmp('bomb.h5');
    await writeKeras3WeightsH5(file, { groups: [{ path: 'layers/dense', tensors: [[2]] }] });
    // 16 Mi float32 zeros, chunked + gzip: 64 MiB declared in a file of a few hundred kB
    await editH5(file, 'a', (f) =>
      f.get('layers/dense/vars').create_dataset({ name: '1', data: new Float32Array(4096 * 4096), shape: [4096, 4096], dtype: '<f4', chunks: [1024, 1024], compression: 'gzip' }),
    );
    const src = await readHdf5(file);
    const bomb = src.container.h5Issues!.find((i) => i.kind === 'shape-bomb');
    expect(bomb?.path).toBe('layers/dense/vars/1');
    expect(bomb?.detail).toContain(`declares ${4096 * 4096 * 4} bytes (chunked`);
    expect(src.container.size).toBeLessThan(4096 * 4096 * 4);
  });
});

describe('bad input: one clear line, never a crash', () => {
  it('refuses a missing file, a folder, a non-HDF5 file, a truncated and a corrupted file', async () => {
    expect(await unreadable(tmp('nope.h5'))).toBe('no such file');
    expect(await unreadable(dir)).toBe('is a directory');
    writeFileSync(tmp('text.h5'), 'hello, not HDF5 at all '.repeat(100));
    expect(await unreadable(tmp('text.h5'))).toBe('not an HDF5 file (no HDF5 signature)');
    const good = readFileSync(tmp('full-vlen.h5'));
    writeFileSync(tmp('trunc.h5'), good.subarray(0, 3000));
    expect(await unreadable(tmp('trunc.h5'))).toMatch(/^HDF5 cannot read this file: truncated file: eof = 3000/);
    const bad = Buffer.from(good);
    bad.fill(0xff, 100, 3000);
    writeFileSync(tmp('corrupt.h5'), bad);
    expect(await unreadable(tmp('corrupt.h5'))).toMatch(/^HDF5 cannot read this file: /);
  });

  it('refuses an HDF5 file that is not a Keras file', async () => {
    const file = tmp('plain.h5');
    await editH5(file, 'w', (f) => writeDataset(f, 'data/x', [3]));
    expect(await unreadable(file)).toBe('HDF5 file but not a Keras file (no model_config, layer_names or layers/ group)');
  });

  /**
   * Our fixture with the global-heap object holding the vlen string "tensorflow" given a size
   * that runs past its collection (found by fuzzing): 10 + 256 × `high`.
   */
  function heapSizeFault(name: string, high: number): string {
    const bytes = readFileSync(tmp('full-vlen.h5'));
    let at = -1;
    for (let i = bytes.indexOf('tensorflow'); i >= 0; i = bytes.indexOf('tensorflow', i + 1))
      if (bytes.readUInt32LE(i - 8) === 10 && bytes.readUInt32LE(i - 4) === 0) at = i;
    expect(at).toBeGreaterThan(0);
    bytes[at - 7] = high;
    writeFileSync(tmp(name), bytes);
    return tmp(name);
  }

  it('contains an abort inside HDF5: one line for the file, a fresh engine for the next', async () => {
    const file = heapSizeFault('aborts.h5', 125); // HDF5 2.0 in h5wasm 0.10.3 calls abort() here
    const starts = h5EngineStarts();
    expect(await unreadable(file)).toBe('HDF5 cannot read this file: ran off end of input buffer while decoding');
    // The next file through the engine too (the native reader would serve it without one).
    await withReader('engine', async () => expect(listing((await readHdf5(tmp('full-vlen.h5'))).weights)).toHaveLength(6));
    expect(h5EngineStarts()).toBe(starts + 1);
  });

  it('prints nothing of the engine to the user and lets the process end by itself', async () => {
    const file = heapSizeFault('aborts-child.h5', 125);
    const code = `const { readSource } = await import('./src/formats/index.ts');
      for (const f of process.argv.slice(1)) await readSource(f).then((s) => console.log('read', s.format), (e) => console.log('unreadable', e.message));`;
    const r = await runChild(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code, file, tmp('full-vlen.h5')], {
      cwd: join(import.meta.dirname, '..'),
    });
    expect(r.timedOut).toBe(false); // not killed by the safety net: nothing kept the process alive
    expect(r.signal).toBeNull();
    expect(r.stdout).toBe('unreadable HDF5 cannot read this file: ran off end of input buffer while decoding\nread h5-model\n');
    expect(r.stderr.replace(/^npm warn.*\n/gm, '')).toBe(''); // emscripten's "Aborted(…)" stays in the worker
  });

  it('gives up on a file that makes HDF5 loop forever, then reads the next file', async () => {
    heapSizeFault('loops.h5', 2); // HDF5 2.0 loops without end on this one
    const saved = process.env['KERASCOPE_H5_TIMEOUT'];
    process.env['KERASCOPE_H5_TIMEOUT'] = '3';
    try {
      // The engine alone: its deadline.
      await withReader('engine', async () =>
        expect(await unreadable(tmp('loops.h5'))).toBe('HDF5 engine gave no answer within 3 s: the file is corrupt or hostile'),
      );
      // By default the native reader sees the broken heap first and gives the engine a short try.
      expect(await unreadable(tmp('loops.h5'))).toMatch(/^HDF5 file is corrupt: global heap collection at \d+: /);
    } finally {
      if (saved === undefined) delete process.env['KERASCOPE_H5_TIMEOUT'];
      else process.env['KERASCOPE_H5_TIMEOUT'] = saved;
    }
    expect(listing((await readHdf5(tmp('full-vlen.h5'))).weights)).toHaveLength(6);
  });

  it('keeps the engine usable after a failure', async () => {
    await unreadable(tmp('corrupt.h5'));
    expect(listing((await readHdf5(tmp('full-vlen.h5'))).weights)).toHaveLength(6);
  });
});

describe('the h5wasm build the hooks were written for', () => {
  it('is h5wasm 0.10.3 with its NODERAWFS file system (src/formats/hdf5/engine.ts wraps FS.open/read/fstat/stat/llseek/write)', async () => {
    const pkg = JSON.parse(readFileSync(join(import.meta.dirname, '../node_modules/h5wasm/package.json'), 'utf8')) as { version: string };
    expect(pkg.version).toBe('0.10.3');
    const { getH5Engine } = await import('../src/formats/hdf5/engine.js');
    const fs = (await getH5Engine()).module.FS;
    for (const op of ['open', 'read', 'write', 'fstat', 'stat', 'lstat', 'llseek', 'getStream', 'ErrnoError']) expect(typeof fs[op], op).toBe('function');
  });
});

describe('isHdf5', () => {
  const sig = Buffer.from([0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a]);
  it('finds the signature at 0 and after a user block at 512, 1024, 2048…', () => {
    expect(isHdf5(Buffer.concat([sig, Buffer.alloc(100)]))).toBe(true);
    expect(isHdf5(Buffer.concat([Buffer.alloc(512), sig]))).toBe(true);
    expect(isHdf5(Buffer.concat([Buffer.alloc(2048), sig, Buffer.alloc(10)]))).toBe(true);
    expect(isHdf5(Buffer.concat([Buffer.alloc(100), sig, Buffer.alloc(1000)]))).toBe(false);
    expect(isHdf5(Buffer.from('PK\x03\x04'))).toBe(false);
    expect(isHdf5(Buffer.alloc(0))).toBe(false);
  });
});

describe.each(['native', 'engine'] as const)('metadata only, %s reader: weight bytes are never read', (mode) => {
  useReader(mode);
  it('reads a 50 MB legacy model touching a tiny fraction of it', async () => {
    const file = tmp('big50.h5');
    const layers = Array.from({ length: 5 }, (_, i) => ({
      name: `dense_${i}`,
      weights: [{ name: `dense_${i}/kernel:0`, shape: [1600, 1600] }, { name: `dense_${i}/bias:0`, shape: [1600] }],
    }));
    await writeLegacyH5(file, { modelConfig: CONFIG, layers });
    const before = h5BytesRead();
    const src = await readHdf5(file);
    const served = h5BytesRead() - before;
    expect(src.container.size).toBeGreaterThan(50e6);
    expect(listing(src.weights)).toHaveLength(10);
    expect(served).toBeGreaterThan(0); // the counter does count
    expect(served).toBeLessThan(200_000);
  });

  it('reads files past 2 GiB and 4 GiB (sparse stand-ins) lazily', async () => {
    for (const gib of [2.5, 4.5]) {
      const file = tmp(`sparse-${gib}.h5`);
      await writeLegacyH5(file, { modelConfig: CONFIG, layers: LAYERS });
      const fd = openSync(file, 'r+');
      ftruncateSync(fd, gib * 2 ** 30); // a sparse tail: no disk used
      closeSync(fd);
      const before = h5BytesRead();
      const src = await readHdf5(file);
      expect(src.container.size).toBe(gib * 2 ** 30);
      expect(listing(src.weights)).toHaveLength(6);
      expect(h5BytesRead() - before).toBeLessThan(100_000);
      rmSync(file);
    }
  });

  it('serves an HDF5 payload that sits past 4 GiB inside another file, in place', async () => {
    const inner = tmp('inner.weights.h5');
    await writeKeras3WeightsH5(inner, { groups: [{ path: 'layers/dense', name: 'dense', tensors: [[3, 4], [4]] }] });
    const bytes = readFileSync(inner);
    const host = tmp('host.bin');
    const offset = 4.5 * 2 ** 30 + 17;
    const fd = openSync(host, 'w');
    writeSync(fd, bytes, 0, bytes.length, offset);
    writeSync(fd, Buffer.from('trailing bytes after the payload'), 0, 10, offset + bytes.length);
    closeSync(fd);
    const job = { kind: 'slice', host, offset, length: bytes.length, member: 'inner.weights.h5', label: host, source: 'x' } as const;
    const c = await runH5Job(job);
    expect(listing(c.weights)).toEqual([
      ['layers/dense', 'vars/0', [3, 4]],
      ['layers/dense', 'vars/1', [4]],
    ]);
    rmSync(host);
  });
});

// ---------------------------------------------------------------- Keras's own files

type Row = [string, number[], string];
const rows = (w: StoredWeights | null, strip = ''): Row[] =>
  (w?.groups ?? []).flatMap((g) => g.tensors.map((t): Row => [t.path.slice(strip.length), t.shape, t.dtype])).sort(byPath);
const byPath = (a: Row, b: Row) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0);

describe.runIf(hasZoo)('keras3-zoo files written by Keras 3.15.1', () => {
  const models = zooTruth();
  const stored = (m: (typeof models)[number]) => m['stored_datasets'] as { h5?: Row[]; weights_h5?: Row[] } | undefined;

  it('every .weights.h5: the datasets truth.json lists, with their shapes and dtypes', async () => {
    let n = 0;
    for (const m of models) {
      const want = stored(m)?.weights_h5;
      if (!m.files.weights_h5 || !want) continue;
      const src = await readHdf5(zooPath(m.files.weights_h5));
      expect(src.format, m.slug).toBe('keras3-weights');
      const got = [...rows(src.weights), ...(src.weights!.optimizer.map((t): Row => [t.path, t.shape, t.dtype]))].sort(byPath);
      expect(got, m.slug).toEqual([...want].sort(byPath));
      expect(src.container.h5Issues, m.slug).toEqual([]);
      n++;
    }
    expect(n).toBeGreaterThan(100);
  });

  it('every legacy .h5: model_config, layer_names and the model_weights datasets', async () => {
    let n = 0;
    for (const m of models) {
      const want = stored(m)?.h5;
      if (!m.files.h5 || !want) continue;
      const src = await readHdf5(zooPath(m.files.h5));
      expect(src.format, m.slug).toBe('h5-model');
      expect(src.kerasVersion, m.slug).toBe(m.keras_version);
      expect((src.config as { class_name: string }).class_name, m.slug).toBe(m.model_class);
      expect(rows(src.weights, 'model_weights/'), m.slug).toEqual([...want].sort(byPath));
      // layer_names lists model.layers in order (a Sequential's implicit InputLayer is not in truth's list)
      const names = src.weights!.groups.map((g) => g.path);
      const truthNames = m.layers.map((l) => l.name);
      expect(names.filter((x) => truthNames.includes(x)), m.slug).toEqual(truthNames);
      n++;
    }
    expect(n).toBeGreaterThan(100);
  });
});

describe.runIf(hasCorpus)('corpus HDF5 files from public repositories', () => {
  const h5Files = (): string[] =>
    readdirSync(CORPUS, { recursive: true, encoding: 'utf8' })
      .filter((p) => /\.h5$/.test(p))
      .map((p) => join(CORPUS, p));

  it('reads every .h5 of the corpus (legacy full models and weights-only files, Keras 1 to 3)', async () => {
    const seen: Record<string, ModelSource['format']> = {};
    for (const file of h5Files()) {
      const src = await readHdf5(file);
      seen[file.slice(CORPUS.length + 1)] = src.format;
      expect(src.weights, file).not.toBeNull();
      expect(src.weights!.groups.length, file).toBeGreaterThan(0);
      expect(src.container.h5Issues, file).toEqual([]);
    }
    // formats as INDEX.md lists them
    expect(seen['k2-0-5-weights-json-fraud-mlp/model.h5']).toBe('h5-weights');
    expect(seen['k2-2-4-seq2seq-katakana/model.h5']).toBe('h5-model');
    expect(seen['keras3-11-mlp-dropout-with-weights/model.weights.h5']).toBe('keras3-weights');
  });

  it('a Keras 2.2.4 file: layer_names, weight_names and shapes of an LSTM seq2seq (SOURCE.md)', async () => {
    const src = await readHdf5(join(CORPUS, 'k2-2-4-seq2seq-katakana/model.h5'));
    expect(src.kerasVersion).toBe('2.2.4');
    const lstm = src.weights!.groups.find((g) => g.tensors.some((t) => /lstm/.test(t.name)));
    expect(lstm!.tensors.map((t) => t.name.replace(/^.*\//, ''))).toEqual(['kernel:0', 'recurrent_kernel:0', 'bias:0']);
  });

  it('a .keras name holding an HDF5 file is read as HDF5', async () => {
    const src = await readHdf5(join(CORPUS, 'keras-ext-but-hdf5-k2-2-0-lstm/model.keras'));
    expect(src.format).toBe('h5-model');
    expect(src.kerasVersion).toBe('2.2.0');
  });
});
