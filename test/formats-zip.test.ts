// The .keras reader: central directory only, config.json and metadata.json alone, the weights
// member opened in place when STORED, inflated to a temp file when DEFLATED; fixtures from our
// builder with injected faults, and Keras's own archives (../shared/keras3-zoo, ../shared/corpus).
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { useReader } from './helpers/reader.js';
import { UnreadableError } from '../src/errors.js';
import { h5EngineLoaded } from '../src/formats/hdf5/client.js';
import { h5BytesRead } from '../src/formats/hdf5/read.js';
import { localPlace, readWeightsFrom } from '../src/formats/index.js';
import { isZip } from '../src/formats/keras-zip/index.js';
import * as kerasZip from '../src/formats/keras-zip/read.js';
import { onFile } from './helpers/h5.js';

const readKerasZip = (file: string) => onFile(file, kerasZip.readKerasZip);
/** A sharded-weights manifest on disk, through the dispatcher as `--weights` reads it. */
const readShardedWeights = (file: string) => onFile(file, (src) => readWeightsFrom(src, localPlace(file)));
import type { StoredWeights } from '../src/types.js';
import { writeKeras3WeightsH5 } from '../fixtures/builder/h5.js';
import { buildKerasZip } from '../fixtures/builder/zip.js';
import { CORPUS, hasCorpus, hasZoo, zooPath, zooTruth } from './helpers/zoo.js';

const dir = mkdtempSync(join(tmpdir(), 'kerascope-zip-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const tmp = (name: string) => join(dir, name);

const CONFIG = { module: 'keras', class_name: 'Sequential', config: { name: 'mlp', layers: [] }, compile_config: { loss: 'mse' } };
const DENSE = { groups: [{ path: 'layers/dense', name: 'dense', tensors: [[3, 4], [4]] }] };

function listing(w: StoredWeights | null): [string, string, number[]][] {
  return (w?.groups ?? []).flatMap((g) => g.tensors.map((t) => [g.path, t.name, t.shape] as [string, string, number[]]));
}

async function unreadable(file: string): Promise<string> {
  const err = await readKerasZip(file).then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(UnreadableError);
  expect((err as Error).message).not.toContain('\n');
  return (err as Error).message;
}

/** Rewrites the sizes a member declares, in its central-directory entry and local header. */
function patchSizes(file: string, member: string, sizes: { compressed?: number; uncompressed?: number }): void {
  const b = readFileSync(file);
  const name = Buffer.from(member);
  for (let at = b.indexOf(name); at >= 0; at = b.indexOf(name, at + 1)) {
    if (b.readUInt32LE(at - 46) === 0x02014b50) {
      if (sizes.compressed !== undefined) b.writeUInt32LE(sizes.compressed, at - 46 + 20);
      if (sizes.uncompressed !== undefined) b.writeUInt32LE(sizes.uncompressed, at - 46 + 24);
    } else if (b.readUInt32LE(at - 30) === 0x04034b50) {
      if (sizes.compressed !== undefined) b.writeUInt32LE(sizes.compressed, at - 30 + 18);
      if (sizes.uncompressed !== undefined) b.writeUInt32LE(sizes.uncompressed, at - 30 + 22);
    }
  }
  writeFileSync(file, b);
}

// First, before anything loads the HDF5 engine: an archive without an HDF5 member never pays for it.
describe('npz weights and the lazy HDF5 engine', () => {
  it('never opens model.weights.npz, says so, and does not load the HDF5 engine', async () => {
    const file = tmp('npz.keras');
    await buildKerasZip(file, {
      config: CONFIG,
      weightsH5: null,
      extraMembers: [
        { name: 'model.weights.npz', data: Buffer.from('PK\x03\x04 not really numpy') },
        { name: 'model.weights.npz', data: Buffer.from('\x80\x04cposix\nsystem\n') },
      ],
    });
    const src = await readKerasZip(file);
    expect(h5EngineLoaded()).toBe(false);
    expect(src.weights).toBeNull();
    expect(src.findings.map((f) => [f.severity, f.code])).toEqual([['info', 'npz-weights-not-read']]);
    // every central-directory entry, the duplicate name included
    expect(src.container.zipMembers!.map((m) => m.name)).toEqual(['metadata.json', 'config.json', 'model.weights.npz', 'model.weights.npz']);
  });
});

describe.each(['native', 'engine'] as const)('.keras with a STORED model.weights.h5 (what Keras writes), %s reader', (mode) => {
  useReader(mode);
  it('reads config.json, metadata.json and the weights in place', async () => {
    const h5 = tmp('dense.weights.h5');
    await writeKeras3WeightsH5(h5, { ...DENSE, optimizer: [[], [3, 4]] });
    const file = tmp('stored.keras');
    await buildKerasZip(file, { config: CONFIG, metadata: { keras_version: '3.6.0', date_saved: 'x' }, weightsH5: h5 });
    const src = await readKerasZip(file);
    expect(src.format).toBe('keras-zip');
    expect(src.formatLabel).toBe('Keras archive (.keras, Keras 3.6.0)');
    expect(src.kerasVersion).toBe('3.6.0');
    expect(src.config).toEqual(CONFIG);
    expect(src.trainingConfig).toEqual({ loss: 'mse' });
    expect(src.weights!.layout).toBe('keras3');
    expect(src.weights!.file).toBe(`${file}:model.weights.h5`);
    expect(listing(src.weights)).toEqual([
      ['layers/dense', 'vars/0', [3, 4]],
      ['layers/dense', 'vars/1', [4]],
    ]);
    expect(src.weights!.optimizer.map((t) => t.shape)).toEqual([[], [3, 4]]);
    expect(src.findings).toEqual([]);
    const members = src.container.zipMembers!;
    expect(members.map((m) => [m.name, m.method])).toEqual([
      ['metadata.json', 0],
      ['config.json', 0],
      ['model.weights.h5', 0],
    ]);
    expect(members[2]!.uncompressedSize).toBe(readFileSync(h5).length);
    expect(src.container.size).toBe(readFileSync(file).length);
  });

  it('reads a 50 MB weights member in place without touching the weight data', async () => {
    const h5 = tmp('big.weights.h5');
    const groups = Array.from({ length: 5 }, (_, i) => ({ path: `layers/dense_${i || ''}`.replace(/_$/, ''), tensors: [[1600, 1600], [1600]] }));
    await writeKeras3WeightsH5(h5, { groups });
    const file = tmp('big.keras');
    await buildKerasZip(file, { config: CONFIG, weightsH5: h5 });
    rmSync(h5);
    const before = h5BytesRead();
    const src = await readKerasZip(file);
    const served = h5BytesRead() - before;
    expect(src.container.size).toBeGreaterThan(50e6);
    expect(listing(src.weights)).toHaveLength(10);
    expect(src.findings).toEqual([]); // in place: no inflation
    expect(served).toBeGreaterThan(0);
    expect(served).toBeLessThan(200_000);
  });

  it('reads Keras 2.11 archives, whose weights member is variables.h5', async () => {
    const h5 = tmp('v211.h5');
    await writeKeras3WeightsH5(h5, { groups: [{ path: 'layers/dense', tensors: [[2, 2], [2]] }] });
    const file = tmp('k211.keras');
    await buildKerasZip(file, { config: CONFIG, metadata: { keras_version: '2.11.0' }, weightsH5: h5, weightsMember: 'variables.h5' });
    const src = await readKerasZip(file);
    expect(src.kerasVersion).toBe('2.11.0');
    expect(listing(src.weights)).toEqual([
      ['layers/dense', 'vars/0', [2, 2]],
      ['layers/dense', 'vars/1', [2]],
    ]);
  });

  it('reads sharded weights: a *.weights.json manifest and its shard members', async () => {
    const s0 = tmp('shard0.h5');
    const s1 = tmp('shard1.h5');
    await writeKeras3WeightsH5(s0, { groups: [{ path: 'layers/dense', name: 'dense', tensors: [[3, 4], [4]] }] });
    await writeKeras3WeightsH5(s1, { groups: [{ path: 'layers/dense_1', name: 'dense_1', tensors: [[4, 1], [1]] }] });
    const manifest = {
      metadata: { total_size: 100 },
      weight_map: { 'layers/dense/vars': 'model_00000.weights.h5', 'layers/dense_1/vars': ['model_00001.weights.h5'] },
    };
    const file = tmp('sharded.keras');
    await buildKerasZip(file, {
      config: CONFIG,
      weightsH5: null,
      extraMembers: [
        { name: 'model.weights.json', data: JSON.stringify(manifest) },
        { name: 'model_00000.weights.h5', data: readFileSync(s0) },
        { name: 'model_00001.weights.h5', data: readFileSync(s1) },
      ],
    });
    const src = await readKerasZip(file);
    expect(listing(src.weights)).toEqual([
      ['layers/dense', 'vars/0', [3, 4]],
      ['layers/dense', 'vars/1', [4]],
      ['layers/dense_1', 'vars/0', [4, 1]],
      ['layers/dense_1', 'vars/1', [1]],
    ]);
    expect(src.weights!.groups.map((g) => g.label)).toEqual(['dense', 'dense_1']);
  });

  it('reports a shard the manifest names but the archive lacks', async () => {
    const file = tmp('shard-missing.keras');
    const manifest = { weight_map: { 'layers/dense/vars': 'model_00000.weights.h5' } };
    await buildKerasZip(file, { config: CONFIG, weightsH5: null, extraMembers: [{ name: 'model.weights.json', data: JSON.stringify(manifest) }] });
    const src = await readKerasZip(file);
    expect(src.findings.map((f) => [f.severity, f.code])).toEqual([['error', 'weights-shard-missing']]);
    expect(src.weights!.groups).toEqual([]);
  });
});

describe('sharded weights on disk (x.weights.json + shards beside it)', () => {
  it('reads every shard the manifest names and merges them', async () => {
    const d = tmp('shards');
    mkdirSync(d);
    await writeKeras3WeightsH5(join(d, 'x_00000.weights.h5'), { groups: [{ path: 'layers/dense', name: 'dense', tensors: [[3, 4], [4]] }] });
    await writeKeras3WeightsH5(join(d, 'x_00001.weights.h5'), { groups: [{ path: 'layers/dense_1', name: 'dense_1', tensors: [[4, 1], [1]] }] });
    const manifest = join(d, 'x.weights.json');
    writeFileSync(manifest, JSON.stringify({ metadata: {}, weight_map: { 'layers/dense/vars': 'x_00000.weights.h5', 'layers/dense_1/vars': ['x_00001.weights.h5'] } }));
    const w = await readShardedWeights(manifest);
    expect(w.file).toBe(manifest);
    expect(listing(w)).toEqual([
      ['layers/dense', 'vars/0', [3, 4]],
      ['layers/dense', 'vars/1', [4]],
      ['layers/dense_1', 'vars/0', [4, 1]],
      ['layers/dense_1', 'vars/1', [1]],
    ]);
  });

  it('refuses a missing shard and a shard path outside the folder', async () => {
    const d = tmp('shards');
    const m1 = join(d, 'missing.weights.json');
    writeFileSync(m1, JSON.stringify({ weight_map: { a: 'nope.weights.h5' } }));
    await expect(readShardedWeights(m1)).rejects.toThrow('names shard nope.weights.h5, which is not beside it');
    const m2 = join(d, 'escape.weights.json');
    writeFileSync(m2, JSON.stringify({ weight_map: { a: '../x_00000.weights.h5' } }));
    await expect(readShardedWeights(m2)).rejects.toThrow('names shard "../x_00000.weights.h5", which is not a file name beside it');
    const m3 = join(d, 'nomap.weights.json');
    writeFileSync(m3, '{"metadata": {}}');
    await expect(readShardedWeights(m3)).rejects.toBeInstanceOf(UnreadableError);
  });
});

describe('.keras with a DEFLATED weights member', () => {
  it('inflates it as a stream to a temporary file, says it was slower, and cleans up', async () => {
    const h5 = tmp('dense2.weights.h5');
    await writeKeras3WeightsH5(h5, DENSE);
    const file = tmp('deflated.keras');
    await buildKerasZip(file, { config: CONFIG, weightsH5: h5, compress: true });
    const ownTmp = tmp('tmpdir');
    mkdirSync(ownTmp);
    const saved = process.env['TMPDIR'];
    process.env['TMPDIR'] = ownTmp;
    try {
      const src = await readKerasZip(file);
      expect(src.container.zipMembers![2]!.method).toBe(8);
      expect(listing(src.weights)).toEqual([
        ['layers/dense', 'vars/0', [3, 4]],
        ['layers/dense', 'vars/1', [4]],
      ]);
      expect(src.findings.map((f) => [f.severity, f.code])).toEqual([['info', 'weights-inflated']]);
    } finally {
      if (saved === undefined) delete process.env['TMPDIR'];
      else process.env['TMPDIR'] = saved;
    }
    expect(readdirSync(ownTmp)).toEqual([]);
  });

  it('stops a member that inflates past the size it declares (zip bomb)', async () => {
    const h5 = tmp('dense3.weights.h5');
    await writeKeras3WeightsH5(h5, DENSE);
    const file = tmp('bomb.keras');
    await buildKerasZip(file, { config: CONFIG, weightsH5: h5, compress: true });
    patchSizes(file, 'model.weights.h5', { uncompressed: 1000 });
    expect(await unreadable(file)).toBe('zip member model.weights.h5 inflates past its declared 1000 bytes');
  });
});

describe('bad archives: one clear line, never a crash or a huge allocation', () => {
  it('refuses a file that is not a zip, a missing file, a truncated archive', async () => {
    writeFileSync(tmp('not.keras'), 'plain text, no zip here');
    expect(await unreadable(tmp('not.keras'))).toMatch(/^not a readable zip archive: /);
    expect(await unreadable(tmp('missing.keras'))).toBe('no such file');
    await writeKeras3WeightsH5(tmp('plain.weights.h5'), DENSE);
    await buildKerasZip(tmp('plain.keras'), { config: CONFIG, weightsH5: tmp('plain.weights.h5') });
    const good = readFileSync(tmp('plain.keras'));
    writeFileSync(tmp('trunc.keras'), good.subarray(0, good.length - 40));
    expect(await unreadable(tmp('trunc.keras'))).toMatch(/^not a readable zip archive: /);
  });

  it('refuses an archive without config.json, or with a config.json that is not JSON', async () => {
    const file = tmp('noconfig.keras');
    const JSZip = (await import('jszip')).default;
    const z = new JSZip();
    z.file('metadata.json', '{}');
    writeFileSync(file, await z.generateAsync({ type: 'nodebuffer' }));
    expect(await unreadable(file)).toBe('zip archive has no config.json: not a Keras archive');
    await buildKerasZip(tmp('badjson.keras'), { config: CONFIG, weightsH5: null });
    const b = readFileSync(tmp('badjson.keras'));
    b.write('#', b.indexOf('{"module"'));
    writeFileSync(tmp('badjson.keras'), b);
    expect(await unreadable(tmp('badjson.keras'))).toMatch(/^config.json is not valid JSON/);
  });

  it('refuses a weights member whose declared size runs past the end of the archive', async () => {
    const file = tmp('oversize.keras');
    await writeKeras3WeightsH5(tmp('oversize.weights.h5'), DENSE);
    await buildKerasZip(file, { config: CONFIG, weightsH5: tmp('oversize.weights.h5') });
    patchSizes(file, 'model.weights.h5', { compressed: 0xfffffff0, uncompressed: 0xfffffff0 });
    expect(await unreadable(file)).toBe('zip member model.weights.h5: declares 4294967280 bytes past the end of the archive');
  });

  it('reports, without reading it, a member the archive cannot hold', async () => {
    const file = tmp('oversize-asset.keras');
    await buildKerasZip(file, { config: CONFIG, weightsH5: null, extraMembers: [{ name: 'assets/vocab.txt', data: 'a\nb\n' }] });
    patchSizes(file, 'assets/vocab.txt', { compressed: 0x7ffffff0, uncompressed: 0x7ffffff0 });
    const src = await readKerasZip(file);
    const size = readFileSync(file).length;
    const offset = src.container.zipMembers!.find((m) => m.name === 'assets/vocab.txt')!.offset;
    expect(src.findings.map((f) => [f.severity, f.code, f.message])).toEqual([
      ['warning', 'zip-member-out-of-bounds', `zip member assets/vocab.txt declares sizes the archive cannot hold (2147483632 bytes at offset ${offset} in an archive of ${size} bytes)`],
    ]);
    expect(src.container.zipMembers!.map((m) => m.name)).toContain('assets/vocab.txt');
  });

  it('refuses a config.json declaring more than it may hold before reading it', async () => {
    const file = tmp('hugeconfig.keras');
    await buildKerasZip(file, { config: CONFIG, weightsH5: null });
    patchSizes(file, 'config.json', { compressed: 0xfffffff0, uncompressed: 0xfffffff0 });
    expect(await unreadable(file)).toMatch(/^zip member config.json/);
  });

  it('refuses an HDF5 weights member that HDF5 cannot read', async () => {
    const file = tmp('badh5.keras');
    await buildKerasZip(file, { config: CONFIG, weightsH5: Buffer.from('\x89HDF\r\n\x1a\n' + 'x'.repeat(500)) });
    expect(await unreadable(file)).toMatch(/^HDF5 cannot read this file: /);
  });
});

describe('isZip', () => {
  it('recognises zip signatures only', () => {
    expect(isZip(Buffer.from('PK\x03\x04rest'))).toBe(true);
    expect(isZip(Buffer.from('PK\x05\x06' + '\0'.repeat(18)))).toBe(true);
    expect(isZip(Buffer.from('PK'))).toBe(false);
    expect(isZip(Buffer.from('\x89HDF\r\n\x1a\n'))).toBe(false);
    expect(isZip(Buffer.from('{"a": 1}'))).toBe(false);
  });
});

// ---------------------------------------------------------------- Keras's own archives

type Row = [string, number[], string];
const byPath = (a: Row, b: Row) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0);

describe.runIf(hasZoo)('keras3-zoo archives written by Keras 3.15.1', () => {
  it('members and the datasets of model.weights.h5 equal truth.json', async () => {
    let n = 0;
    for (const m of zooTruth()) {
      const want = (m['stored_datasets'] as { keras?: { members: string[]; datasets: Row[] } } | undefined)?.keras;
      if (!m.files.keras || !want) continue;
      const src = await readKerasZip(zooPath(m.files.keras));
      expect(src.container.zipMembers!.map((z) => z.name), m.slug).toEqual(want.members);
      expect(src.container.zipMembers!.every((z) => z.method === 0), m.slug).toBe(true);
      expect(src.kerasVersion, m.slug).toBe(m.keras_version);
      const w = src.weights!;
      const got = [...w.groups.flatMap((g) => g.tensors), ...w.optimizer].map((t): Row => [t.path, t.shape, t.dtype]);
      expect(got.sort(byPath), m.slug).toEqual([...want.datasets].sort(byPath));
      expect(src.findings, m.slug).toEqual([]);
      n++;
    }
    expect(n).toBeGreaterThan(100);
  });
});

describe.runIf(hasCorpus)('corpus .keras archives from public repositories', () => {
  it('the npz proof-of-concept: both members of one name listed, nothing unpickled', async () => {
    const src = await readKerasZip(join(CORPUS, 'adversarial-keras3-6-npz-pickle-poc/model.keras'));
    expect(src.kerasVersion).toBe('3.6.0');
    expect(src.weights).toBeNull();
    expect(src.container.zipMembers!.filter((m) => m.name === 'model.weights.npz')).toHaveLength(2);
    expect(src.findings.map((f) => f.code)).toEqual(['npz-weights-not-read']);
  });

  it('tf.keras 2.14 and Keras 3.8–3.11 archives are read with their weights', async () => {
    const files = {
      'keras-zip-k2-14-vae-subclassed/model.keras': '2.14.0',
      'keras3-11-mlp-dropout-with-weights/best-model.keras': '3.11.3',
      'keras3-8-10-cnn-mlp-plus-tfjs-graph/Digit_Recognition_MLP.keras': null,
    };
    for (const [rel, version] of Object.entries(files)) {
      const src = await readKerasZip(join(CORPUS, rel));
      if (version) expect(src.kerasVersion, rel).toBe(version);
      expect(src.weights!.groups.some((g) => g.tensors.length > 0), rel).toBe(true);
      expect(src.container.h5Issues, rel).toEqual([]);
    }
  });
});
