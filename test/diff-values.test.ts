// kerascope diff --values (issue 13): each tensor's bytes as kerascope streams them hash to what
// h5py reads (fixtures/diff/truth.json "values", by fixtures/diff/values_truth.py), for .h5,
// .weights.h5 and .keras (STORED in place, and DEFLATED: inflated to a temporary file), and for a
// TensorFlow.js layout of the same tensors packed across two shards as tfjs writes them.
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import JSZip from 'jszip';
import { afterAll, describe, expect, it } from 'vitest';
import { analyze } from '../src/analyze.js';
import { compareValues, hash } from '../src/values/index.js';
import { openValues, type ValueFile } from '../src/values/tensors.js';
import { run } from './cli-harness.js';
import { hashesOf } from './helpers/values.js';
import { loadTf } from './helpers/tfjs-gen.js';
import { CORPUS, hasCorpus } from './helpers/zoo.js';

const D = 'fixtures/diff/';
const truth = JSON.parse(readFileSync(`${D}truth.json`, 'utf8')) as { values: Record<string, Record<string, string>> };
const tmp = mkdtempSync(join(tmpdir(), 'kerascope-values-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('diff --values: tensor bytes as h5py reads them', () => {
  for (const name of Object.keys(truth.values).filter((n) => n !== 'trained.keras' && !n.startsWith('chunked'))) {
    // chunked*: test/diff-values-chunked.test.ts
    it(`${name}: every tensor's SHA-256 is h5py's`, async () => {
      expect(await hashesOf(D + name)).toEqual(truth.values[name]);
    });
  }

  it('a DEFLATED model.weights.h5 (zip re-packed with compression) hashes the same, and its temporary file is removed', async () => {
    const zip = await JSZip.loadAsync(readFileSync(`${D}base.keras`));
    const file = join(tmp, 'deflated.keras');
    writeFileSync(file, await zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' }));
    const before = readdirSync(tmpdir()).length;
    expect(await hashesOf(file)).toEqual(truth.values['base.keras']);
    expect(readdirSync(tmpdir()).length).toBe(before);
  });

  it('a TensorFlow.js layout: tensors packed back to back over two shards, one spanning both', async () => {
    // The MLP's four tensors in manifest order, their bytes from the .weights.h5 (h5py's truth
    // says which); the split at 5,000 bytes falls inside hidden/kernel (20 × 64 × 4 = 5,120 bytes).
    const dir = join(tmp, 'tfjs');
    const report = await analyze(`${D}base.weights.h5`);
    const f = (await openValues(report)) as ValueFile;
    const parts: Buffer[] = [];
    const weights: { name: string; shape: number[]; dtype: string }[] = [];
    for (const l of report.layers) {
      for (const w of l.weights) {
        const t = f.locate(w.storedPath!);
        if ('why' in t) throw new Error(t.why);
        if (!('runs' in t)) throw new Error(`${w.name}: expected contiguous runs, got chunks`);
        const run0 = t.runs[0]!;
        parts.push(Buffer.from(await run0.source.read(run0.offset, run0.length)));
        weights.push({ name: `${l.name}/${w.name}`, shape: w.storedShape!, dtype: 'float32' });
      }
    }
    f.close();
    const all = Buffer.concat(parts);
    mkdirSync(dir);
    writeFileSync(join(dir, 'group1-shard1of2.bin'), all.subarray(0, 5000));
    writeFileSync(join(dir, 'group1-shard2of2.bin'), all.subarray(5000));
    const topology = JSON.parse(readFileSync('fixtures/tfjs/seed-lstm/model.json', 'utf8')) as Record<string, unknown>;
    const model = { format: 'layers-model', generatedBy: 'test', convertedBy: null, modelTopology: topology['modelTopology'], weightsManifest: [{ paths: ['group1-shard1of2.bin', 'group1-shard2of2.bin'], weights }] };
    writeFileSync(join(dir, 'model.json'), JSON.stringify(model));
    const tf = await openValues({ ...report, file: join(dir, 'model.json'), format: 'tfjs-layers', weightsFile: null });
    if ('why' in tf) throw new Error(tf.why);
    const want = Object.values(truth.values['base.weights.h5']!).sort();
    const got: string[] = [];
    for (const w of weights) {
      const t = tf.locate(w.name);
      if ('why' in t) throw new Error(t.why);
      got.push(await hash(t));
      if (!('runs' in t)) throw new Error(`${w.name}: expected contiguous runs, got chunks`);
      if (w.name.endsWith('hidden/kernel')) expect(t.runs.map((x) => x.length)).toEqual([5000, 120]);
    }
    tf.close();
    expect(got.sort()).toEqual(want);
    expect(existsSync(join(dir, 'model.json'))).toBe(true);
  });
});

describe('kerascope diff --values', () => {
  const different = (a: string, b: string) => Object.keys(truth.values[a]!).filter((k) => truth.values[a]![k] !== truth.values[b]![k]).length;

  it('an .h5 and its .keras twin: every tensor compared, all equal, exit 0', async () => {
    const r = await run(['diff', `${D}base.h5`, `${D}base.keras`, '--values', '--json']);
    expect(r.code).toBe(0);
    const d = JSON.parse(r.stdout) as { agree: boolean; values: { compared: number; equal: number; different: number; notCompared: unknown[]; bytesHashed: number } };
    expect(d.values).toEqual({ compared: 4, equal: 4, different: 0, notCompared: [], bytesHashed: 2 * 2839 * 4 });
  });

  it('the same architecture retrained: drift of kind values, as many tensors as h5py sees differ; --allow values accepts it', async () => {
    const n = different('base.keras', 'retrained.keras');
    expect(n).toBeGreaterThan(0);
    const r = await run(['diff', `${D}base.keras`, `${D}retrained.keras`, '--values']);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`weight values: ${n} of 4 compared tensors differ`);
    const ok = await run(['diff', `${D}base.keras`, `${D}retrained.keras`, '--values', '--allow', 'values']);
    expect(ok.code).toBe(0);
    const same = await run(['diff', `${D}base.keras`, `${D}retrained.keras`]);
    expect(same.code).toBe(0); // without --values the architectures agree
  });

  it('a renamed re-save: layers paired by position and class, values equal', async () => {
    const v = await compareValues(await analyze(`${D}base.keras`), await analyze(`${D}renamed.keras`), null);
    expect(v).toMatchObject({ compared: 4, equal: 4, different: 0 });
  });

  it('progress goes to a terminal only, and ends on a cleared line', async () => {
    const lines: string[] = [];
    await compareValues(await analyze(`${D}base.h5`), await analyze(`${D}base.keras`), { write: (s: string) => lines.push(s) });
    expect(lines.at(-2)).toContain('4/4 tensors');
    expect(lines.at(-1)).toBe('\r\x1b[K');
    const r = await run(['diff', `${D}base.h5`, `${D}base.keras`, '--values']);
    expect(r.stderr).toBe('');
  });

  it('an architecture without weights: each tensor named as not compared, with the reason', async () => {
    const v = await compareValues(await analyze(`${D}base.keras`), await analyze('fixtures/seed/mlp-softmax.json'), null);
    expect(v.compared).toBe(0);
    expect(v.notCompared).toEqual(['hidden/kernel', 'hidden/bias', 'logits/kernel', 'logits/bias'].map((tensor) => ({ tensor, reason: 'stored in one file only' })));
  });
});

describe('Keras 3 sharded weights (save_weights(..., max_shard_size=…), fixtures/diff/sharded.py)', () => {
  const shards = ['sharded_00000.weights.h5', 'sharded_00001.weights.h5'];
  const byShard = Object.assign({}, ...shards.map((s) => truth.values[s])) as Record<string, string>;

  it('each tensor is found in the shard the weight_map names, and hashes as h5py reads it there', async () => {
    const got = await hashesOf(`${D}sharded.weights.json`);
    expect(got).toEqual(byShard);
    expect(Object.keys(got)).toHaveLength(4);
  });

  it('diff of the sharded weights and base.weights.h5 they were saved from: every tensor equal', async () => {
    const v = await compareValues(await analyze(`${D}base.weights.h5`), await analyze(`${D}sharded.weights.json`), null);
    expect(v).toMatchObject({ compared: 4, equal: 4, different: 0, notCompared: [] });
  });

  it('a manifest naming a shard elsewhere, or one that is not there: every tensor named as not compared', async () => {
    const dir = join(tmp, 'sharded-lies');
    mkdirSync(dir);
    for (const s of shards) writeFileSync(join(dir, s), readFileSync(D + s));
    const manifest = JSON.parse(readFileSync(`${D}sharded.weights.json`, 'utf8')) as { weight_map: Record<string, string[]> };
    const report = await analyze(`${D}sharded.weights.json`);
    for (const [shard, why] of [['../sharded_00000.weights.h5', 'which is not beside it'], ['sharded_00009.weights.h5', 'which is not beside it']] as const) {
      manifest.weight_map['/layers/dense/vars'] = [shard];
      writeFileSync(join(dir, 'lie.weights.json'), JSON.stringify(manifest));
      const f = await openValues({ ...report, file: join(dir, 'lie.weights.json') });
      expect(f).toEqual({ why: `${join(dir, 'lie.weights.json')}: names shard ${JSON.stringify(shard)}, ${why}` });
    }
  });
});

describe('a .keras holding sharded weights (the layout keras-zip/read.ts reads; Keras 3.15.1 cannot write one)', () => {
  it('config and metadata of base.keras with sharded.weights.json and its shards as members, DEFLATED: every tensor equal to base.keras', async () => {
    const base = await JSZip.loadAsync(readFileSync(`${D}base.keras`));
    const zip = new JSZip();
    for (const m of ['config.json', 'metadata.json']) zip.file(m, await base.file(m)!.async('nodebuffer'));
    for (const m of ['sharded.weights.json', 'sharded_00000.weights.h5', 'sharded_00001.weights.h5']) zip.file(m, readFileSync(D + m));
    const file = join(tmp, 'sharded.keras');
    writeFileSync(file, await zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' }));
    const before = readdirSync(tmpdir()).length;
    const v = await compareValues(await analyze(`${D}base.keras`), await analyze(file), null);
    expect(v).toMatchObject({ compared: 4, equal: 4, different: 0, notCompared: [] });
    expect(readdirSync(tmpdir()).length).toBe(before); // the inflated shards are removed
  });
});

describe.runIf(hasCorpus)('quantized TensorFlow.js tensors (corpus tfjs-k2-7-bilstm-abusive: the tfjs converter\'s uint8 quantization)', () => {
  const file = join(CORPUS, 'tfjs-k2-7-bilstm-abusive/model.json');
  type Spec = { name: string; shape: number[]; dtype: 'float32'; quantization: { dtype: 'uint8' | 'uint16' | 'float16'; scale: number; min: number } };

  it('each tensor is located where tfjs-core decodes it: its stored bytes × scale + min are decodeWeights\' values', async () => {
    const model = JSON.parse(readFileSync(file, 'utf8')) as { weightsManifest: { paths: string[]; weights: Spec[] }[] };
    const group = model.weightsManifest[0]!;
    expect(model.weightsManifest).toHaveLength(1);
    const bin = readFileSync(join(dirname(file), group.paths[0]!));
    const tf = await loadTf();
    const decoded = tf.io.decodeWeights(bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.length), group.weights);
    const f = (await openValues(await analyze(file))) as ValueFile;
    try {
      for (const w of group.weights) {
        const t = f.locate(w.name);
        if ('why' in t || !('runs' in t)) throw new Error(`${w.name} not located`);
        expect(w.quantization.dtype).toBe('uint8');
        const stored = Buffer.concat(await Promise.all(t.runs.map((r) => r.source.read(r.offset, r.length))));
        const values = Float32Array.from(stored, (v) => v * w.quantization.scale + w.quantization.min);
        expect(Buffer.from(values.buffer)).toEqual(Buffer.from((decoded[w.name]!.dataSync() as Float32Array).buffer));
      }
    } finally {
      f.close();
    }
  });

  it('against itself every quantized tensor is compared and equal; another scale makes it different', async () => {
    const report = await analyze(file);
    const stored = report.layers.flatMap((l) => l.weights).filter((w) => w.storedPath).length;
    const v = await compareValues(report, report, null);
    expect(v).toMatchObject({ compared: stored, equal: stored, different: 0, notCompared: [] });
    const dir = join(tmp, 'requantized');
    mkdirSync(dir);
    const model = JSON.parse(readFileSync(file, 'utf8')) as { weightsManifest: { paths: string[]; weights: Spec[] }[] };
    model.weightsManifest[0]!.weights[0]!.quantization.scale *= 2;
    writeFileSync(join(dir, 'model.json'), JSON.stringify(model));
    cpSync(join(dirname(file), 'group1-shard1of1.bin'), join(dir, 'group1-shard1of1.bin'));
    const w = await compareValues(report, await analyze(join(dir, 'model.json')), null);
    expect(w).toMatchObject({ compared: stored, equal: stored - 1, different: 1 });
  });
});
