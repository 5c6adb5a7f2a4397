// HDF5 datasets whose data lives in other files: external raw data (H5Pset_external, found by our
// object header reader, src/formats/h5native/) and virtual datasets (H5Pset_virtual, from h5wasm's
// metadata). Fixtures written by h5py (fixtures/audit/make_h5_external.py): the names and sizes
// expected below are the ones that script wrote. The files they point to are never opened.
import { copyFileSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeZip } from '../fixtures/audit/zip-writer.js';
import { writeLegacyH5 } from '../fixtures/builder/h5.js';
import { markExternalDatasets } from '../src/formats/hdf5/audit.js';
import { getH5Engine } from '../src/formats/hdf5/engine.js';
import { runJob } from '../src/formats/hdf5/jobs.js';
import { externalFilesAt } from '../src/formats/hdf5/native/external.js';
import { readObjectHeader } from '../src/formats/hdf5/native/header.js';
import type { BlockCache } from '../src/formats/hdf5/native/index.js';
import { fileCache, readNativeJob } from './helpers/h5.js';
import { analyzeSource, readSource } from '../src/index.js';
import type { Finding } from '../src/types.js';
import { run } from './cli-harness.js';

const FIXTURES = join(import.meta.dirname, '../fixtures/audit');
const dir = mkdtempSync(join(tmpdir(), 'kerascope-h5ext-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A fixture copied alone into a fresh folder: the files it points to do not exist beside it. */
function alone(name: string, as = name): string {
  const sub = mkdtempSync(join(dir, 'alone-'));
  const file = join(sub, as);
  copyFileSync(join(FIXTURES, name), file);
  return file;
}
const security = (fs: Finding[]) => fs.filter((f) => f.category === 'security');
/** The reader's description and the report made from it. */
async function analyze(file: string) {
  const source = await readSource(file);
  return { source, ...analyzeSource(source) };
}

const KERNEL = 'model_weights/dense/dense/kernel:0';
// What make_h5_external.py passed to h5py: external=[("ext-kernel.bin", 0, 12), ("/etc/passwd", 0, 12)]
const EXTERNAL_DETAIL = 'raw data in "ext-kernel.bin" (12 bytes at offset 0), "/etc/passwd" (12 bytes at offset 0)';

/** A Keras 3 Sequential holding one Dense(2) on 3 features, as a .keras archive's config.json stores it. */
const K3_CONFIG = {
  module: 'keras', class_name: 'Sequential', registered_name: null,
  config: { name: 'seq', layers: [
    { module: 'keras.layers', class_name: 'InputLayer', registered_name: null, config: { batch_shape: [null, 3], dtype: 'float32', name: 'input_layer' } },
    { module: 'keras.layers', class_name: 'Dense', registered_name: null, config: { name: 'dense', units: 2, use_bias: true }, build_config: { input_shape: [null, 3] } },
  ] },
};

describe('external datasets (H5Pset_external)', () => {
  it.each([
    ['version 1 object headers (h5py default)', 'h5-external-dataset.h5'],
    ['version 2 object headers (libver="latest")', 'h5-external-dataset-v2.h5'],
  ])('a legacy full model, %s: the kernel named with both files, the report still made', async (_, name) => {
    const r = await analyze(alone(name));
    expect(r.source.container.h5Issues).toEqual([{ kind: 'external-dataset', path: KERNEL, detail: EXTERNAL_DETAIL }]);
    const found = security(r.findings);
    expect(found.map((f) => [f.code, f.severity])).toEqual([['h5-external-dataset', 'high']]);
    expect(found[0]!.message).toBe(
      `HDF5 object "${KERNEL}" is a dataset whose data lives in an external raw file: reading it reads that file (${EXTERNAL_DETAIL}).`,
    );
    // the file is still a model: the Dense layer and its two stored tensors
    expect(r.source.weights?.groups.map((g) => [g.path, g.tensors.map((t) => t.shape)])).toEqual([['dense', [[3, 2], [2]]]]);
  });

  it('behind a 512-byte user block (every address is relative to the superblock)', async () => {
    const file = join(dir, 'ub-external.h5');
    writeFileSync(file, Buffer.concat([Buffer.alloc(512, 0x41), readFileSync(join(FIXTURES, 'h5-external-dataset.h5'))]));
    const r = await analyze(file);
    expect(r.source.container.h5Issues).toEqual([
      { kind: 'user-block', path: '/', detail: '512-byte user block before the HDF5 superblock' },
      { kind: 'external-dataset', path: KERNEL, detail: EXTERNAL_DETAIL },
    ]);
  });

  it.each([
    ['STORED (read in place)', false],
    ['DEFLATEd (inflated to a temporary file)', true],
  ])('a Keras 3 weights store inside a .keras, %s', async (_, deflate) => {
    const file = join(dir, `external-${deflate ? 'deflate' : 'stored'}.keras`);
    writeFileSync(file, writeZip([
      { name: 'metadata.json', data: Buffer.from('{"keras_version": "3.6.0"}') },
      { name: 'config.json', data: Buffer.from(JSON.stringify(K3_CONFIG)) },
      { name: 'model.weights.h5', data: readFileSync(join(FIXTURES, 'h5-external-dataset.weights.h5')), deflate },
    ]));
    const r = await analyze(file);
    expect(r.source.container.h5Issues).toEqual([{ kind: 'external-dataset', path: 'layers/dense/vars/0', detail: EXTERNAL_DETAIL }]);
    expect(security(r.findings).map((f) => f.code)).toEqual(['h5-external-dataset']);
  });

  it('kerascope audit names it and exits 1 (high is at the default --fail-on)', async () => {
    const file = alone('h5-external-dataset.h5');
    const r = await run(['audit', file]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain('h5-external-dataset');
    expect(r.stdout).toContain(`"${KERNEL}"`);
    expect(r.stdout).toContain('"ext-kernel.bin"');
    expect(r.stdout).toContain('"/etc/passwd"');
  });

  it('the engine finds the same as the native reader (a file handed over keeps the finding)', async () => {
    for (const name of ['h5-external-dataset.h5', 'h5-external-dataset-v2.h5']) {
      const file = alone(name);
      const job = { kind: 'host' as const, file, size: statSync(file).size, label: file, source: file, inArchive: false };
      const native = await readNativeJob(job);
      expect(native.gaveUp).toBeNull();
      expect(native.contents!.issues).toEqual([{ kind: 'external-dataset', path: KERNEL, detail: EXTERNAL_DETAIL }]);
      expect((await runJob(job)).contents.issues).toEqual(native.contents!.issues);
    }
  });

  it('reads only object headers: a few kB of a 50 MB model', async () => {
    const file = join(dir, 'big50.h5');
    const layers = Array.from({ length: 5 }, (_, i) => ({
      name: `dense_${i}`,
      weights: [{ name: `dense_${i}/kernel:0`, shape: [1600, 1600] }, { name: `dense_${i}/bias:0`, shape: [1600] }],
    }));
    await writeLegacyH5(file, { modelConfig: { class_name: 'Sequential', config: { name: 's', layers: [] } }, layers });
    const size = statSync(file).size;
    expect(size).toBeGreaterThan(50e6);
    let src: BlockCache | null = null;
    const engine = await getH5Engine();
    const f = engine.open(file);
    try {
      const datasets = f.paths('/').filter((p) => /(kernel|bias):0$/.test(p)).flatMap((p) => {
        try {
          return [{ path: p, meta: f.datasetMeta(p) }];
        } catch {
          return [];
        }
      });
      expect(datasets).toHaveLength(10);
      markExternalDatasets(f, datasets, () => (src = fileCache(file)));
      expect(datasets.filter((d) => d.meta.external_files)).toEqual([]);
      // 4 kB blocks: the superblock's and the ten headers' (never a weight value).
      expect(src!.bytesRead).toBeGreaterThan(0);
      expect(src!.bytesRead).toBeLessThan(64_000);
    } finally {
      f.close();
    }
  });
});

/** Every path the HDF5 engine of this thread asks its file system for while `fn` runs. */
async function pathsAsked(fn: () => Promise<unknown>): Promise<string[]> {
  const FS = (await getH5Engine()).module.FS;
  const asked: string[] = [];
  const saved: Record<string, unknown> = {};
  for (const k of ['open', 'stat', 'lstat']) {
    const orig = FS[k] as (p: unknown, ...rest: unknown[]) => unknown;
    saved[k] = orig;
    FS[k] = (p: unknown, ...rest: unknown[]) => {
      if (typeof p === 'string') asked.push(resolve(p));
      return orig(p, ...rest);
    };
  }
  try {
    await fn();
  } finally {
    Object.assign(FS, saved);
  }
  return asked;
}

describe('the files they point to are never opened', () => {
  it('not even asked for when they exist beside the model', async () => {
    for (const name of ['h5-external-dataset.h5', 'h5-external-dataset-v2.h5', 'h5-virtual-dataset.h5']) {
      const file = alone(name);
      const folder = resolve(file, '..');
      writeFileSync(join(folder, 'ext-kernel.bin'), Buffer.alloc(12));
      copyFileSync(join(FIXTURES, 'h5-external-dataset.h5'), join(folder, 'vds-source.h5'));
      const size = statSync(file).size;
      let kinds: string[] = [];
      const asked = await pathsAsked(async () => {
        const done = await runJob({ kind: 'host', file, size, label: file, source: file, inArchive: false });
        kinds = done.contents.issues.map((i) => i.kind);
      });
      expect(kinds, name).toEqual([name.includes('virtual') ? 'virtual-dataset' : 'external-dataset']);
      expect(asked.length, name).toBeGreaterThan(0);
      expect(new Set(asked), name).toEqual(new Set([resolve(file)]));
    }
  });
});

describe('virtual datasets (H5Pset_virtual)', () => {
  it('the mapped source named, its file absent', async () => {
    const r = await analyze(alone('h5-virtual-dataset.h5'));
    // What make_h5_external.py mapped: h5py.VirtualSource("vds-source.h5", "/kernel", shape=(3, 2))
    expect(r.source.container.h5Issues).toEqual([{ kind: 'virtual-dataset', path: KERNEL, detail: 'virtual dataset mapped from vds-source.h5:/kernel' }]);
    const found = security(r.findings);
    expect(found.map((f) => [f.code, f.severity])).toEqual([['h5-virtual-dataset', 'high']]);
    expect(found[0]!.message).toContain(`"${KERNEL}"`);
    expect(r.source.weights?.groups.map((g) => [g.path, g.tensors.map((t) => t.shape)])).toEqual([['dense', [[3, 2], [2]]]]);
  });

  it('kerascope audit names it', async () => {
    const r = await run(['audit', alone('h5-virtual-dataset.h5')]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('h5-virtual-dataset');
    expect(r.stdout).toContain('vds-source.h5:/kernel');
  });
});

// Object headers built by hand from the HDF5 File Format Specification 3.0 (IV.A.1.a version 1
// header, IV.A.2.q continuation, IV.A.2.h External Data Files, III.D local heap): what h5py does not
// write — the list in a continuation chunk, an unlimited size, headers pointing outside the file.
describe('the object header reader on hand-built bytes', () => {
  const u16 = (n: number) => { const b = Buffer.alloc(2); b.writeUInt16LE(n); return b; };
  const u32 = (n: number) => { const b = Buffer.alloc(4); b.writeUInt32LE(n); return b; };
  const u64 = (n: number | bigint) => { const b = Buffer.alloc(8); b.writeBigUInt64LE(BigInt(n)); return b; };
  const msg = (type: number, data: Buffer) => {
    const padded = Buffer.concat([data, Buffer.alloc((8 - (data.length % 8)) % 8)]);
    return Buffer.concat([u16(type), u16(padded.length), Buffer.from([0, 0, 0, 0]), padded]);
  };
  /** A file image: a v1 header at 0 whose only message continues at 256 with an EFL; heap at 512. */
  function image(size: bigint | number): Buffer {
    const buf = Buffer.alloc(1024);
    const cont = msg(0x0010, Buffer.concat([u64(256), u64(0)])); // length patched below
    const efl = msg(0x0007, Buffer.concat([
      Buffer.from([1, 0, 0, 0]), u16(1), u16(1), u64(512), // version, reserved, allocated, used, heap
      u64(8), u64(0), u64(size), // name offset in the heap, offset in the file, size
    ]));
    const nil = msg(0x0000, Buffer.alloc(8));
    const chunk2 = Buffer.concat([efl, nil]);
    cont.writeBigUInt64LE(BigInt(chunk2.length), 8 + 8);
    Buffer.concat([Buffer.from([1, 0]), u16(3), u32(1), u32(cont.length), u32(0)]).copy(buf, 0);
    cont.copy(buf, 16);
    chunk2.copy(buf, 256);
    // Local heap: "HEAP", version 0, reserved, data size, free list offset (none), data address.
    Buffer.concat([Buffer.from('HEAP'), Buffer.from([0, 0, 0, 0]), u64(64), u64(0xffffffffffffffffn), u64(600)]).copy(buf, 512);
    Buffer.from('\0\0\0\0\0\0\0\0/dev/sda\0', 'latin1').copy(buf, 600);
    return buf;
  }
  const S = { o: 8, l: 8 };
  let n = 0;
  /** The image as a file, read through the native reader's byte source (`budget`: bytes it may read). */
  const source = (buf: Buffer, budget = Infinity) => {
    const file = join(dir, `image-${++n}.bin`);
    writeFileSync(file, buf);
    return fileCache(file, budget);
  };

  it('follows a continuation chunk to the External Data Files message and its name heap', () => {
    const buf = image(4096);
    expect(readObjectHeader(source(buf), 0, S).types()).toEqual([0x0010, 0x0007, 0x0000]);
    expect(externalFilesAt(source(buf), 0, S)).toEqual([{ name: '/dev/sda', offset: 0, size: 4096 }]);
  });

  it('an unlimited size (H5F_UNLIMITED) is still a finding', () => {
    const buf = image(0xffffffffffffffffn);
    expect(externalFilesAt(source(buf), 0, S)).toEqual([{ name: '/dev/sda', offset: 0, size: null }]);
  });

  it('a header outside the file, a continuation outside the file, a spent budget: nothing, no throw', () => {
    const buf = image(16);
    expect(externalFilesAt(source(buf), 5000, S)).toBeNull();
    const broken = Buffer.from(buf);
    broken.writeBigUInt64LE(10_000n, 16 + 8); // the continuation's address
    expect(externalFilesAt(source(broken), 0, S)).toBeNull();
    expect(externalFilesAt(source(buf, 20), 0, S)).toBeNull();
  });

  it('a continuation chain that loops is read once, then given up', () => {
    const buf = image(16);
    // the second chunk continues back into itself instead of holding the list
    buf.fill(0, 256, 512);
    msg(0x0010, Buffer.concat([u64(256), u64(32)])).copy(buf, 256);
    expect(externalFilesAt(source(buf), 0, S)).toBeNull();
  });
});

describe('a weights file paired with an architecture is audited too', () => {
  /** The h5py-written model split in two: its config as model.json, the file itself beside it as model.h5. */
  async function split(): Promise<{ folder: string; json: string; h5: string }> {
    const h5 = alone('h5-external-dataset.h5', 'model.h5');
    const folder = resolve(h5, '..');
    const json = join(folder, 'model.json');
    writeFileSync(json, JSON.stringify((await readSource(h5)).config));
    return { folder, json, h5 };
  }

  it('a same-stem .h5 beside a JSON architecture: the external dataset named with the weights file', async () => {
    const { json } = await split();
    const r = await analyze(json);
    expect(r.source.weightsFile).toMatch(/model\.h5$/);
    const found = security(r.findings);
    expect(found.map((f) => [f.code, f.severity])).toEqual([['h5-external-dataset', 'high']]);
    expect(found[0]!.message).toBe(
      `model.h5: HDF5 object "${KERNEL}" is a dataset whose data lives in an external raw file: reading it reads that file (${EXTERNAL_DETAIL}).`,
    );
  });

  it('analyze --weights names the same', async () => {
    const { folder, h5 } = await split();
    const other = join(folder, 'arch.json');
    copyFileSync(join(folder, 'model.json'), other);
    const w = await run([other, '--weights', h5, '--json']);
    expect(w.code).toBe(1);
    const found = (JSON.parse(w.stdout) as { findings: Finding[] }).findings.filter((f) => f.code === 'h5-external-dataset');
    expect(found.map((f) => f.message.slice(0, 10))).toEqual(['model.h5: ']);
  });

  it('check: a Keras 3 weights store paired with its model.json is one row, failing on the weights file', async () => {
    const folder = mkdtempSync(join(dir, 'k3-'));
    writeFileSync(join(folder, 'model.json'), JSON.stringify(K3_CONFIG));
    copyFileSync(join(FIXTURES, 'h5-external-dataset.weights.h5'), join(folder, 'model.weights.h5'));
    const c = await run(['check', folder, '--json']);
    const rows = JSON.parse(c.stdout) as { file: string; findings: Finding[] }[];
    // model.weights.h5's own row says nothing model.json's does not: folded into it
    expect(rows.map((x) => x.file.slice(folder.length + 1))).toEqual(['model.json']);
    expect(rows[0]!.findings.filter((f) => f.category === 'security').map((f) => f.code)).toEqual(['h5-external-dataset']);
    expect(c.code).toBe(1);
  });
});
