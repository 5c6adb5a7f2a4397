// tf.keras SavedModel folders read (issue 12 part 1), against the truth TensorFlow wrote for
// fixtures/savedmodel (tf.train.list_variables, the checkpoint's object graph, count_params()),
// the real folders of ../shared/corpus, and hand-built damage: every lie in a length, a missing
// shard, a Snappy block (TensorFlow's writer makes none), a Git LFS pointer, CR LF line ends.
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BinaryWriter } from '@bufbuild/protobuf/wire';
import { afterAll, describe, expect, test } from 'vitest';
import { analyze } from '../src/index.js';
import { UnreadableError } from '../src/errors.js';
import { readBundle, shardProblems, stringScalar } from '../src/formats/savedmodel/bundle.js';
import { readGraphFile } from '../src/formats/savedmodel/graph-file.js';
import { trackableFromSaved } from '../src/formats/savedmodel/paths.js';
import { decodeSavedMetadata, decodeTrackableGraph } from '../src/formats/savedmodel/proto.js';
import { readTable, TableError } from '../src/formats/savedmodel/table.js';
import { MemorySource } from '../src/formats/source.js';
import { FileSource } from '../src/formats/file-source.js';
import type { Report } from '../src/types.js';
import { table, varint } from './helpers/leveldb.js';
import { CORPUS, hasCorpus } from './helpers/zoo.js';

const DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../fixtures/savedmodel');
const folder = (name: string): string => join(DIR, 'folders', name);

interface Weight { name: string; shape: number[]; trainable: boolean; checkpoint_key: string }
interface Node { node_id: number; node_path: string; identifier: string; class_name: string; name: string }
interface Folder {
  count_params: number;
  trainable_params?: number;
  non_trainable_params?: number;
  weights?: Weight[];
  keras_metadata: Node[] | null;
  variables: [string, number[], string][];
}
const truth = JSON.parse(readFileSync(join(DIR, 'truth.json'), 'utf8')) as { folders: Record<string, Folder> };
const KERAS = Object.entries(truth.folders).filter(([, f]) => f.weights);
const GRAPH_KEY = '_CHECKPOINTABLE_OBJECT_GRAPH';
const elements = (s: number[]): number => s.reduce((a, b) => a * b, 1);

const tmps: string[] = [];
function copyOf(name: string): string {
  const d = mkdtempSync(join(tmpdir(), 'kerascope-sm-'));
  tmps.push(d);
  cpSync(folder(name), d, { recursive: true });
  return d;
}
afterAll(() => tmps.forEach((d) => rmSync(d, { recursive: true, force: true })));

async function refusal(path: string): Promise<UnreadableError> {
  const e = await analyze(path).then(() => null, (x: unknown) => x);
  expect(e).toBeInstanceOf(UnreadableError);
  return e as UnreadableError;
}

const codes = (r: Report): string[] => r.findings.map((f) => f.code);
const rows = (r: Report) => r.layers.flatMap(function flat(l): Report['layers'][number]['weights'] {
  return [...l.weights, ...(l.layers ?? []).flatMap(flat)];
});

// ---------------------------------------------------------------- leaf decoders on TensorFlow's bytes

describe.each(Object.entries(truth.folders))('%s: the index and metadata as TensorFlow wrote them', (name, f) => {
  test('variables.index: every key, shape and dtype tf.train.list_variables gives', async () => {
    const bundle = await readBundle(readFileSync(join(folder(name), 'variables/variables.index')), 1 << 20);
    expect([...bundle.tensors.values()].map((t) => [t.key, t.shape, t.dtype])).toEqual(f.variables);
    expect(bundle.header.numShards).toBe(1);
    const shard = statSync(join(folder(name), 'variables/variables.data-00000-of-00001')).size;
    expect(shardProblems(bundle, [shard])).toEqual([]);
  });

  test("the checkpoint's object graph names each model weight's key, and saved_model.pb's graph gives the same keys", async () => {
    const bundle = await readBundle(readFileSync(join(folder(name), 'variables/variables.index')), 1 << 20);
    const g = bundle.tensors.get(GRAPH_KEY)!;
    const data = readFileSync(join(folder(name), 'variables/variables.data-00000-of-00001'));
    const nodes = decodeTrackableGraph(stringScalar(data.subarray(g.offset, g.offset + g.size)));
    const keys = nodes.flatMap((n) => n.attributes.filter((a) => a.name === 'VARIABLE_VALUE').map((a) => a.checkpointKey));
    for (const w of f.weights ?? []) expect(keys).toContain(w.checkpoint_key);
    // paths.ts recomputes every key from saved_model.pb alone (TensorFlow's breadth-first naming, slots included).
    const src = FileSource.open(join(folder(name), 'saved_model.pb'));
    const saved = (await readGraphFile(src, true)).objects!;
    src.close();
    const fromPb = trackableFromSaved(saved).map((n) => n.attributes.map((a) => a.checkpointKey));
    expect(fromPb).toEqual(nodes.map((n) => n.attributes.filter((a) => a.name === 'VARIABLE_VALUE').map((a) => a.checkpointKey)));
  });

  // Not skipped where there is none (a Keras 3 export, a TF 2.4-style folder): the folder must then
  // hold no keras_metadata.pb, as TensorFlow wrote it (truth.json lists none).
  test(f.keras_metadata ? 'keras_metadata.pb: the nodes tf.keras wrote' : 'no keras_metadata.pb, as its writer left none', () => {
    const file = join(folder(name), 'keras_metadata.pb');
    if (!f.keras_metadata) {
      expect(existsSync(file)).toBe(false);
      return;
    }
    const nodes = decodeSavedMetadata(readFileSync(file));
    expect(nodes.map((n) => [n.nodeId, n.nodePath, n.identifier])).toEqual(f.keras_metadata!.map((n) => [n.node_id, n.node_path, n.identifier]));
    expect(nodes.map((n) => (JSON.parse(n.metadata) as { name: string }).name)).toEqual(f.keras_metadata!.map((n) => n.name));
  });
});

// ---------------------------------------------------------------- the report

describe.each(KERAS)('%s: the report', (name, f) => {
  test('every model weight paired with its checkpoint key and shape; counts are count_params()', async () => {
    const r = await analyze(folder(name));
    expect(r.format).toBe('savedmodel');
    expect(r.verdict).toBe('consistent');
    expect(r.findings.filter((x) => x.severity === 'error' || x.severity === 'warning')).toEqual([]);
    const got = rows(r).map((w) => [w.storedPath, w.storedShape, w.status]);
    expect(got).toEqual(expect.arrayContaining(f.weights!.map((w) => [w.checkpoint_key, w.shape, 'ok'])));
    expect(got).toHaveLength(f.weights!.length);
    expect(r.totals.params).toBe(f.count_params);
    expect(r.totals.storedParams).toBe(f.count_params);
    expect(r.totals.trainableParams).toBe(f.trainable_params);
    expect(r.totals.nonTrainableParams).toBe(f.non_trainable_params);
    // The optimizer's state: every other variable but the compiled metrics' (never counted).
    const own = new Set(f.weights!.map((w) => w.checkpoint_key));
    const optimizer = f.variables.filter(([k]) => k !== GRAPH_KEY && !own.has(k) && !k.startsWith('keras_api/metrics/'));
    expect(r.totals.optimizerParams).toBe(optimizer.reduce((a, [, s]) => a + elements(s), 0));
  });
});

test('the saved_model.pb named on its own reads the same folder', async () => {
  const r = await analyze(join(folder('tfk26_lstm'), 'saved_model.pb'));
  expect(r.verdict).toBe('consistent');
  expect(r.totals.params).toBe(truth.folders['tfk26_lstm']!.count_params);
});

test('the TF 2.0–2.4 layout (metadata in saved_model.pb) is read and says so', async () => {
  const r = await analyze(folder('tfk24_style_mlp'));
  expect(r.formatLabel).toBe('tf.keras SavedModel folder (Keras 2.6.0, TensorFlow 2.21.0, Keras metadata in saved_model.pb (TF 2.0–2.4 layout))');
  expect(r.verdict).toBe('consistent');
});

test("a Lambda's bytecode in the SavedModel's metadata is the audit's finding, as in a .h5", async () => {
  const r = await analyze(folder('tfk26_lambda'));
  const f = r.findings.find((x) => x.code === 'lambda-layer')!;
  expect(f.severity).toBe('high');
  expect(f.layer).toBe('double');
  expect(f.message).toContain('code object "lambda_model.<locals>.<lambda>"');
});

test('a Keras 3 model.export() folder is one line: an inference export, not a Keras model', async () => {
  const e = await refusal(folder('keras3_export'));
  expect(e.message).toMatch(/^not a Keras model: a TensorFlow SavedModel without Keras metadata, an inference export \(Keras 3 model\.export\(\) or tf\.saved_model\.save: 19 objects/);
});

// ---------------------------------------------------------------- damage

describe('a folder that lies or lacks', () => {
  test('a missing data shard: an error naming it; tensors still matched through saved_model.pb', async () => {
    const d = copyOf('tfk26_nested');
    rmSync(join(d, 'variables/variables.data-00000-of-00001'));
    const r = await analyze(d);
    expect(r.verdict).toBe('inconsistent');
    expect(codes(r)).toEqual(expect.arrayContaining(['savedmodel-shard-missing', 'savedmodel-graph-from-pb']));
    expect(r.totals.storedParams).toBe(truth.folders['tfk26_nested']!.count_params);
  });

  test('a shard shorter than the index says: the tensors that run past it', async () => {
    const d = copyOf('tfk26_lstm');
    const shard = join(d, 'variables/variables.data-00000-of-00001');
    truncateSync(shard, 1000);
    const r = await analyze(d);
    const f = r.findings.find((x) => x.code === 'savedmodel-shard-size')!;
    expect(f.severity).toBe('error');
    expect(f.message).toContain('run past the 1000-byte shard 0');
  });

  test('no variables/: the architecture alone, unverified', async () => {
    const d = copyOf('tfk26_sequential_mlp');
    rmSync(join(d, 'variables'), { recursive: true });
    const r = await analyze(d);
    expect(r.verdict).toBe('unverified');
    expect(codes(r)).toEqual(['savedmodel-no-variables']);
    expect(r.totals.params).toBe(57);
  });

  test('the checkpoint beside saved_model.pb (a folder uploaded flattened): read, with a warning', async () => {
    const d = copyOf('tfk26_sequential_mlp');
    for (const f of ['variables.index', 'variables.data-00000-of-00001']) cpSync(join(d, 'variables', f), join(d, f));
    rmSync(join(d, 'variables'), { recursive: true });
    const r = await analyze(d);
    expect(r.verdict).toBe('consistent');
    expect(codes(r)).toEqual(['savedmodel-variables-misplaced']);
  });

  test('a keras_metadata.pb cut short: one line with the lie, nothing allocated for it', async () => {
    const d = copyOf('tfk26_lstm');
    const meta = join(d, 'keras_metadata.pb');
    // A node that declares ~2 GB: the length is checked against the bytes left before anything is read.
    writeFileSync(meta, Buffer.concat([Buffer.from([0x0a, 0xff, 0xff, 0xff, 0xff, 0x07]), readFileSync(meta).subarray(0, 100)]));
    const e = await refusal(d);
    expect(e.message).toBe('not a readable keras_metadata.pb: truncated: nodes declares 2,147,483,647 bytes, 100 remain');
  });

  test('a saved_model.pb whose graph_def declares more than the file holds', async () => {
    const d = copyOf('tfk24_style_mlp');
    const w = new BinaryWriter().tag(2, 2).fork().tag(2, 2).uint32(2_000_000_000).join().finish();
    writeFileSync(join(d, 'saved_model.pb'), w);
    const e = await refusal(d);
    expect(e.message).toMatch(/^not a readable saved_model\.pb: truncated: MetaGraphDef field 2 declares 2,000,000,000 bytes/);
  });

  test('a Git LFS pointer and CR LF line ends are named', async () => {
    const d = copyOf('tfk26_lstm');
    writeFileSync(join(d, 'keras_metadata.pb'), 'version https://git-lfs.github.com/spec/v1\noid sha256:0\nsize 1\n');
    expect((await refusal(d)).message).toBe('not a readable keras_metadata.pb: it is a Git LFS pointer, not the file: fetch the file itself (git lfs pull)');
    const meta = readFileSync(join(folder('tfk26_lstm'), 'keras_metadata.pb'));
    const crlf = Buffer.from(meta.toString('latin1').replaceAll('\n', '\r\n'), 'latin1');
    writeFileSync(join(d, 'keras_metadata.pb'), crlf);
    expect((await refusal(d)).message).toMatch(/its line ends were converted to CR LF/);
  });

  // TensorFlow.NET's Keras writes indented metadata JSON with CR LF on Windows (real: ChengEn-Tsai/NeuralNetworkTrainer,
  // wasd52030/fsCNN); git's text normalisation later drops the CRs, leaving every length prefix too long.
  test('keras_metadata.pb with CR LF JSON reads; with its CRs stripped after writing, the refusal says why', async () => {
    const d = copyOf('tfk26_lstm');
    const meta = join(d, 'keras_metadata.pb');
    const w = new BinaryWriter();
    for (const n of decodeSavedMetadata(readFileSync(meta))) {
      const json = JSON.stringify(JSON.parse(n.metadata), null, 2).replaceAll('\n', '\r\n');
      w.tag(1, 2).fork().tag(2, 0).int32(n.nodeId).tag(3, 2).string(n.nodePath).tag(4, 2).string(n.identifier).tag(5, 2).string(json).join();
    }
    const crlf = Buffer.from(w.finish());
    writeFileSync(meta, crlf);
    expect((await analyze(d)).verdict).toBe('consistent');
    writeFileSync(meta, Buffer.from(crlf.toString('latin1').replaceAll('\r\n', '\n'), 'latin1'));
    expect((await refusal(d)).message).toMatch(
      /^not a readable keras_metadata\.pb: its CR LF line ends were turned into LF after it was written .* tf\.keras cannot parse it either$/);
  });

  test('a variables.index that is not a table: an error finding, the architecture still read', async () => {
    const d = copyOf('tfk26_lstm');
    writeFileSync(join(d, 'variables/variables.index'), Buffer.alloc(100, 7));
    const r = await analyze(d);
    expect(r.verdict).toBe('inconsistent');
    expect(r.findings.find((x) => x.code === 'savedmodel-variables-unread')!.message).toBe(
      'variables/variables.index is not a readable TensorBundle index: no LevelDB table magic number at its end',
    );
  });

  test('saved_model.pbtxt is refused in one line', async () => {
    const d = mkdtempSync(join(tmpdir(), 'kerascope-sm-'));
    tmps.push(d);
    writeFileSync(join(d, 'saved_model.pbtxt'), 'saved_model_schema_version: 1\n');
    expect((await refusal(d)).message).toMatch(/^a TensorFlow SavedModel in protobuf text format/);
  });
});

// ---------------------------------------------------------------- the LevelDB table

describe('LevelDB tables built by hand', () => {
  const entries = Array.from({ length: 300 }, (_, i) => ({ key: `layer_with_weights-${String(i).padStart(3, '0')}/kernel/.ATTRIBUTES/VARIABLE_VALUE`, value: Uint8Array.of(i % 256, 1, 2) }));

  test.each([
    ['uncompressed, one block', {}],
    ['Snappy-compressed blocks of 64 entries, restarts every 16', { snappy: true, perBlock: 64 }],
    ['a restart at every entry', { restartInterval: 1, perBlock: 7 }],
  ])('%s: every key and value back', async (_what, opts) => {
    const got = await readTable(table(entries, opts), 1 << 20);
    expect(got.map((e) => new TextDecoder().decode(e.key))).toEqual(entries.map((e) => e.key));
    expect(got.map((e) => [...e.value])).toEqual(entries.map((e) => [...e.value]));
  });

  test('a Snappy block that declares more than the budget is refused before inflating', async () => {
    await expect(readTable(table(entries, { snappy: true }), 1000)).rejects.toThrow(/does not inflate within 1000 bytes/);
  });

  test('a block handle past the end, and a shared prefix longer than the key, are errors', async () => {
    const t = table(entries.slice(0, 3));
    // A footer whose index handle points 1 MB past the file's end.
    const handles = [0, 0, ...varint(1 << 20), 10];
    const footer = [...handles, ...Array<number>(40 - handles.length).fill(0), 0x57, 0xfb, 0x80, 0x8b, 0x24, 0x75, 0x47, 0xdb];
    const bad = Uint8Array.from([...t.subarray(0, t.length - 48), ...footer]);
    await expect(readTable(bad, 1 << 20)).rejects.toThrow(/block at 1048576 \(10 bytes\) runs past the table's data/);
    await expect(readTable(t.subarray(0, 47), 1 << 20)).rejects.toBeInstanceOf(TableError);
    const lie = table([{ key: 'a', value: Uint8Array.of(1) }]);
    lie[0] = 5; // shared 5 bytes of an empty previous key
    await expect(readTable(lie, 1 << 20)).rejects.toThrow(/shares 5 bytes of a 0-byte key/);
  });
});

test('an index header naming no shards, an entry past its shard, a size its shape does not take', async () => {
  const entry = (shard: number, offset: number, size: number): Uint8Array =>
    new BinaryWriter().tag(1, 0).int32(1).tag(2, 2).fork().tag(2, 2).fork().tag(1, 0).int64(3).join().join().tag(3, 0).int32(shard).tag(4, 0).int64(offset).tag(5, 0).int64(size).finish();
  const header = new BinaryWriter().tag(1, 0).int32(1).finish();
  const bundle = await readBundle(table([{ key: '', value: header }, { key: 'a', value: entry(0, 0, 12) }, { key: 'b', value: entry(0, 8, 12) }, { key: 'c', value: entry(0, 0, 8) }]), 1 << 20);
  expect(shardProblems(bundle, [16])).toEqual(['b: 12 bytes at 8 run past the 16-byte shard 0', 'c: float32 [3] needs 12 bytes, the index says 8']);
  await expect(readBundle(table([{ key: 'a', value: entry(0, 0, 12) }]), 1 << 20)).rejects.toThrow(/no header entry/);
});

test('a byte source is read only as far as the object graph: graph_def is skipped, never read', async () => {
  const pb = readFileSync(join(folder('tfk26_functional_cnn_bn'), 'saved_model.pb'));
  const src = new MemorySource(pb, 'saved_model.pb');
  const g = await readGraphFile(src, false);
  expect(g.metaInfo?.tensorflowVersion).toBe('2.21.0');
  expect(g.objects).toBeNull();
  // The header walk reads 64 kB windows; the meta_info_def and the headers, never the whole graph.
  expect(src.bytesRead).toBeLessThan(pb.length);
});

// ---------------------------------------------------------------- real folders

describe.runIf(hasCorpus)('corpus SavedModel folders', () => {
  test('savedmodel-tf-stock-lstm (Keras 2.12): 178,761 stored numbers, TensorFlow’s checkpoint reader’s count', async () => {
    const r = await analyze(join(CORPUS, 'savedmodel-tf-stock-lstm'));
    expect(r.verdict).toBe('consistent');
    expect(r.totals.storedParams).toBe(178_761);
    expect(r.kerasVersion).toBe('2.12.0');
    // Keras ≥ 2.11 keys the LSTM weights variables/N: found through the object graph.
    expect(rows(r).filter((w) => w.storedPath?.startsWith('variables/'))).toHaveLength(12);
  });

  test('savedmodel-no-variables-churn: the architecture, nothing stored', async () => {
    const r = await analyze(join(CORPUS, 'savedmodel-no-variables-churn'));
    expect(r.verdict).toBe('unverified');
    expect(codes(r)).toEqual(['savedmodel-no-variables']);
  });

  test('savedmodel-renamed-pb-mnist/model1: a truncated keras_metadata.pb is refused in one line', async () => {
    const e = await refusal(join(CORPUS, 'savedmodel-renamed-pb-mnist/model1'));
    expect(e.message).toBe('not a readable keras_metadata.pb: truncated: nodes declares 1,786,699 bytes, 27,145 remain');
  });
});
