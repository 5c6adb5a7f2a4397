// Container findings: zip members, HDF5 objects, tfjs weight paths. Unit level on hand-made
// ContainerInfo, then end to end on fixtures built to carry each hazard (our zip writer for what
// jszip refuses to write, fixtures/builder for HDF5 links) through the real readers.
import { mkdtempSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { auditH5, auditTfjsPaths, auditZip } from '../src/audit/container.js';
import { analyze } from '../src/index.js';
import type { Finding, ZipMemberInfo } from '../src/types.js';
import { writeZip } from '../fixtures/audit/zip-writer.js';
import { writeLegacyH5 } from '../fixtures/builder/h5.js';
import { h5Seed } from '../scripts/fuzz/seeds.js';

const member = (name: string, extra: Partial<ZipMemberInfo> = {}): ZipMemberInfo => ({ name, method: 8, compressedSize: 100, uncompressedSize: 300, offset: 0, ...extra });
/** Members one after another, as a zip writer lays them out (200 bytes apart: none overlaps the next). */
const laidOut = (ms: ZipMemberInfo[]): ZipMemberInfo[] => ms.map((m, i) => ({ ...m, offset: i * 200 }));
const pairs = (fs: Finding[]): [string, string][] => fs.map((f) => [f.code, f.severity]);
const tmp = (): string => mkdtempSync(join(tmpdir(), 'kerascope-audit-'));

describe('auditZip', () => {
  it('a normal Keras 3 archive gives nothing', () => {
    expect(auditZip(laidOut([member('metadata.json'), member('config.json'), member('model.weights.h5', { method: 0, uncompressedSize: 100 })]), 10_000)).toEqual([]);
  });

  it('two members with one name, and the npz store, are high', () => {
    const fs = auditZip([member('config.json'), member('model.weights.npz', { offset: 200 }), member('model.weights.npz', { offset: 400 })], 10_000);
    expect(pairs(fs)).toEqual([['zip-duplicate-member', 'high'], ['zip-npz-weights', 'high'], ['zip-npz-weights', 'high']]);
    expect(fs[0]!.message).toContain('2 members named "model.weights.npz"');
  });

  it('names that climb out, absolute names, backslashes', () => {
    expect(pairs(auditZip([member('../../.bashrc')], 10_000))).toEqual([['zip-path-traversal', 'high'], ['zip-unexpected-member', 'low']]);
    expect(pairs(auditZip([member('/etc/cron.d/x')], 10_000))).toEqual([['zip-absolute-path', 'high'], ['zip-unexpected-member', 'low']]);
    expect(pairs(auditZip([member('C:\\x.txt')], 10_000)).map((p) => p[0])).toEqual(['zip-absolute-path', 'zip-backslash-name', 'zip-unexpected-member']);
  });

  it('code, pickles and executables', () => {
    expect(pairs(auditZip(laidOut([member('hook.py'), member('data.pkl'), member('run.sh')]), 10_000))).toEqual([
      ['zip-python-member', 'medium'], ['zip-pickle-member', 'high'], ['zip-executable-member', 'high'],
    ]);
  });

  it('sizes that do not fit the archive, and a zip-bomb ratio', () => {
    expect(pairs(auditZip([member('config.json', { offset: 9_990, compressedSize: 100 })], 10_000))).toEqual([['zip-size-mismatch', 'medium']]);
    expect(pairs(auditZip([member('config.json', { method: 0, compressedSize: 10, uncompressedSize: 20 })], 10_000))).toEqual([['zip-size-mismatch', 'medium']]);
    expect(pairs(auditZip([member('config.json', { compressedSize: 5_000, uncompressedSize: 5_000_000_000 })], 10_000))).toEqual([['zip-bomb-ratio', 'high']]);
    expect(pairs(auditZip([member('config.json', { method: 99 })], 10_000))).toEqual([['zip-unusual-method', 'low']]);
  });

  it('the bomb ratio names Keras refusing it past 4 GiB and 100:1 (saving_lib._reject_zip_bomb)', () => {
    const [small] = auditZip([member('model.weights.h5', { compressedSize: 20_000, uncompressedSize: 2 ** 30 })], 100_000);
    expect(small?.message).toMatch(/ratio 53687:1.*never inflates it\.$/);
    const [big] = auditZip([member('model.weights.h5', { compressedSize: 5_000, uncompressedSize: 5_000_000_000 })], 10_000);
    expect(big?.message).toMatch(/Keras refuses to load it too/);
  });

  it('members sharing stored bytes, as Python\'s zipfile finds them: one finding per group', () => {
    // Python's zipfile (Lib/zipfile, _end_offset) ends each member at the next member's offset.
    const shards = ['model_00000.weights.h5', 'model_00001.weights.h5', 'model_00002.weights.h5'].map((n) => member(n, { offset: 500 }));
    const fs = auditZip([member('config.json'), ...shards], 10_000).filter((f) => f.code === 'zip-overlapping-members');
    expect(fs).toHaveLength(1);
    expect(fs[0]?.severity).toBe('high');
    expect(fs[0]?.message).toMatch(/^3 archive members share stored bytes \("model_00000\.weights\.h5", "model_00001\.weights\.h5", "model_00002\.weights\.h5", at offsets 500\)/);
    // A member reaching past the next one's offset (30-byte header + 100 stored bytes from 0, next at 129).
    const codes = (next: number) => auditZip([member('config.json'), member('metadata.json', { offset: next })], 10_000).map((f) => f.code);
    expect(codes(129)).toContain('zip-overlapping-members');
    expect(codes(130)).not.toContain('zip-overlapping-members');
  });
});

describe('auditH5 and auditTfjsPaths', () => {
  it('rates each HDF5 object kind', () => {
    const fs = auditH5([
      { kind: 'external-link', path: '/model_weights/x', detail: 'external link to /etc/passwd:/' },
      { kind: 'soft-link', path: '/a', detail: '' },
      { kind: 'external-dataset', path: '/d', detail: '' },
      { kind: 'virtual-dataset', path: '/v', detail: '' },
      { kind: 'user-block', path: '/', detail: '512-byte user block' },
      { kind: 'shape-bomb', path: '/b', detail: '' },
    ]);
    expect(pairs(fs)).toEqual([
      ['h5-external-link', 'high'], ['h5-soft-link', 'medium'], ['h5-external-dataset', 'high'],
      ['h5-virtual-dataset', 'high'], ['h5-user-block', 'low'], ['h5-shape-bomb', 'medium'],
    ]);
    expect(fs[0]!.message).toContain('/etc/passwd');
  });

  it('flags tfjs paths outside the folder, absolute or remote; plain shard names pass', () => {
    const fs = auditTfjsPaths(['group1-shard1of1.bin', 'sub/ok.bin', '../x.bin', '/etc/passwd', 'https://evil.example/w.bin', 'C:\\w.bin', 'a/../../b.bin']);
    expect(pairs(fs)).toEqual([
      ['tfjs-path-outside', 'high'], ['tfjs-path-outside', 'high'], ['tfjs-remote-path', 'high'], ['tfjs-path-outside', 'high'], ['tfjs-path-outside', 'high'],
    ]);
  });
});

const K3_CONFIG = {
  module: 'keras', class_name: 'Sequential', registered_name: null,
  config: { name: 'seq', layers: [
    { module: 'keras.layers', class_name: 'InputLayer', registered_name: null, config: { batch_shape: [null, 4], dtype: 'float32', name: 'input_layer' } },
    { module: 'keras.layers', class_name: 'Dense', registered_name: null, config: { name: 'dense', units: 2, use_bias: true }, build_config: { input_shape: [null, 4] } },
  ] },
};
const security = (fs: Finding[]): string[] => fs.filter((f) => f.category === 'security').map((f) => f.code);

describe('end to end through the readers', () => {
  it('a .keras with a duplicate npz member, a .py file and a traversal name', async () => {
    const file = join(tmp(), 'dup.keras');
    writeFileSync(file, writeZip([
      { name: 'metadata.json', data: Buffer.from('{"keras_version": "3.6.0"}') },
      { name: 'config.json', data: Buffer.from(JSON.stringify(K3_CONFIG)) },
      { name: 'model.weights.npz', data: Buffer.from('PK not really') },
      { name: 'model.weights.npz', data: Buffer.from('\x80\x04cposix\nsystem\n.') },
      { name: 'x/../../evil.py', data: Buffer.from('import os') },
    ]));
    const r = await analyze(file);
    expect(security(r.findings)).toEqual(expect.arrayContaining(['zip-duplicate-member', 'zip-npz-weights', 'zip-path-traversal', 'zip-python-member']));
  });

  it('a Keras 3 config with a module "os" initializer inside a .keras', async () => {
    const cfg = structuredClone(K3_CONFIG) as typeof K3_CONFIG & { config: { layers: { config: Record<string, unknown> }[] } };
    cfg.config.layers[1]!.config.kernel_initializer = { module: 'os', class_name: 'function', config: 'system', registered_name: null };
    const file = join(tmp(), 'os.keras');
    writeFileSync(file, writeZip([{ name: 'metadata.json', data: Buffer.from('{}') }, { name: 'config.json', data: Buffer.from(JSON.stringify(cfg)) }]));
    const r = await analyze(file);
    const f = r.findings.find((x) => x.code === 'module-denied');
    expect(f).toMatchObject({ severity: 'critical', layer: 'dense' });
  });

  it('an HDF5 full model with an external link and a soft link', async () => {
    const file = join(tmp(), 'links.h5');
    await writeLegacyH5(file, {
      modelConfig: { class_name: 'Sequential', config: { name: 's', layers: [{ class_name: 'Dense', config: { name: 'dense', units: 2, batch_input_shape: [null, 3] } }] } },
      kerasVersion: '2.15.0',
      layers: [{ name: 'dense', weights: [{ name: 'dense/kernel:0', shape: [3, 2] }, { name: 'dense/bias:0', shape: [2] }] }],
      externalLinks: [['model_weights/evil', '/etc/passwd', '/x']],
      softLinks: [['model_weights/alias', '/model_weights/dense']],
    });
    const r = await analyze(file);
    expect(security(r.findings)).toEqual(expect.arrayContaining(['h5-external-link', 'h5-soft-link']));
  });

  it('an HDF5 file behind a 512-byte user block', async () => {
    const dir = tmp();
    const plain = await h5Seed(dir);
    const file = join(dir, 'ub.h5');
    writeFileSync(file, Buffer.concat([Buffer.alloc(512, 0x41), readFileSync(plain)]));
    const r = await analyze(file);
    expect(security(r.findings)).toEqual(['h5-user-block']);
  });

  it('a tfjs model whose manifest points outside its folder', async () => {
    const dir = tmp();
    mkdirSync(join(dir, 'm'));
    const topology = { class_name: 'Sequential', config: { name: 's', layers: [{ class_name: 'Dense', config: { name: 'dense', units: 2, batch_input_shape: [null, 3] } }] }, keras_version: 'tfjs-layers 4.22.0', backend: 'tensor_flow.js' };
    const manifest = [{ paths: ['../../../etc/passwd'], weights: [{ name: 'dense/kernel', shape: [3, 2], dtype: 'float32' }, { name: 'dense/bias', shape: [2], dtype: 'float32' }] }];
    writeFileSync(join(dir, 'm/model.json'), JSON.stringify({ modelTopology: topology, weightsManifest: manifest, format: 'layers-model' }));
    const r = await analyze(join(dir, 'm/model.json')).catch((e: Error) => e);
    if (r instanceof Error) throw r;
    expect(security(r.findings)).toContain('tfjs-path-outside');
  });
});
