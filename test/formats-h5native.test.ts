// kerascope's own HDF5 metadata reader (src/formats/h5native/) against the HDF5 engine (libhdf5
// in h5wasm): on every HDF5 file written by Keras that we have (the project's fixtures, the
// corpus, keras3-zoo) and on files the h5wasm builder writes (superblock v2, OHDR headers, dense
// links and attributes), both must give the same contents, field for field; on files it does not
// fully understand or that are broken, the native reader must hand over (and say why).
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hostJob, readNativeJob, runH5Job, type H5Job } from './helpers/h5.js';
import { lookup3 } from '../src/formats/hdf5/native/lookup3.js';
import { Cursor } from '../src/formats/hdf5/native/cursor.js';
import { datatype } from '../src/formats/hdf5/native/messages.js';
import { editH5, writeDataset, writeKeras3WeightsH5, writeLegacyH5, type LayerSpec, type StringEncoding } from '../fixtures/builder/h5.js';
import { withReader } from './helpers/reader.js';
import { CORPUS, hasCorpus, hasZoo, ZOO } from './helpers/zoo.js';

const ROOT = join(import.meta.dirname, '..');
const dir = mkdtempSync(join(tmpdir(), 'kerascope-h5native-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const tmp = (name: string) => join(dir, name);

/** The engine's answer for `job` (the native reader switched off), or its one-line error. */
function engine(job: H5Job): Promise<unknown> {
  return withReader('engine', () =>
    runH5Job(job).then(
      (c) => JSON.parse(JSON.stringify(c)) as unknown,
      (e: unknown) => ({ error: (e as Error).message }),
    ),
  );
}

/** Native and engine agree on `file`; returns why the native reader handed over, or null. */
async function agree(file: string): Promise<string | null> {
  const job = hostJob(file);
  const native = await readNativeJob(job);
  if (!native.contents) return native.gaveUp ?? 'gave up';
  expect(JSON.parse(JSON.stringify(native.contents)), file).toEqual(await engine(job));
  return null;
}

function findH5(folder: string, stride = 1): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      if (e.isDirectory()) walk(join(d, e.name));
      else if (e.name.endsWith('.h5')) out.push(join(d, e.name));
    }
  };
  walk(folder);
  return out.filter((_, i) => i % stride === 0);
}

/** The project's own fixtures the native reader must hand to the engine, and why. */
const HANDED_OVER: Record<string, RegExp> = {
  // Its sources are described by the engine (h5wasm's virtual_sources).
  'h5-virtual-dataset.h5': /virtual dataset/,
  'h5-virtual-dataset.weights.h5': /virtual dataset/,
  // A zeroed free-space size in a global heap: libhdf5 loops forever on it.
  'h5-attr-loop.weights.h5': /global heap collection at \d+: free space of the wrong size/,
  'h5-heap-size-undefined.weights.h5': /global heap collection at \d+: an object's size is unreadable/,
  'h5-header-past-end.weights.h5': /lies past the end of the HDF5 data/,
};

describe('same contents as the HDF5 engine on files written by Keras', () => {
  it('every HDF5 file of the project fixtures (Keras 3.15.1 and the audit fixtures)', async () => {
    const files = findH5(join(ROOT, 'fixtures'));
    expect(files.length).toBeGreaterThan(100);
    for (const f of files) {
      const why = await agree(f);
      const expected = HANDED_OVER[f.split('/').pop()!];
      if (expected) expect(why, f).toMatch(expected);
      else expect(why, f).toBeNull();
    }
  });

  it.runIf(hasCorpus)('every .h5 of the corpus (Keras 1.1 to 3, h5py 2 and 3)', async () => {
    const files = findH5(CORPUS);
    expect(files.length).toBeGreaterThan(10);
    for (const f of files) expect(await agree(f), f).toBeNull();
  });

  it.runIf(hasZoo)('every .h5 and .weights.h5 of keras3-zoo (Keras 3.15.1)', async () => {
    const files = findH5(ZOO);
    expect(files.length).toBeGreaterThan(200);
    for (const f of files) expect(await agree(f), f).toBeNull();
  });
});

describe('same contents on files the h5wasm builder writes (libver 1.8+: OHDR headers, dense storage)', () => {
  const layers = (n: number, attrs = 0): LayerSpec[] =>
    Array.from({ length: n }, (_, i) => ({
      name: `dense_${i}`,
      weights: [{ name: `dense_${i}/kernel:0`, shape: [i + 1, 4] }, { name: `dense_${i}/bias:0`, shape: [4], dtype: attrs ? 'float64' : 'float32' }],
    }));

  it.each<StringEncoding>(['vlen', 'fixed', 'chunked', 'bytes-vlen'])('a 40-layer legacy model, names as %s (dense links)', async (enc) => {
    const file = tmp(`legacy-${enc}.h5`);
    await writeLegacyH5(file, {
      modelConfig: { class_name: 'Sequential', config: { layers: [] } },
      kerasVersion: '2.15.0',
      backend: 'tensorflow',
      layers: layers(40),
      optimizer: [{ name: 'iterations:0', shape: [], dtype: 'int64' }],
      stringEncoding: enc,
      chunkNames: 3,
    });
    expect(readFileSync(file)[8]).toBe(2); // superblock v2: what this test is about
    expect(await agree(file)).toBeNull();
  });

  it('a Keras 3 store with vars@name, int8 and float16 tensors', async () => {
    const file = tmp('k3.weights.h5');
    await writeKeras3WeightsH5(file, {
      groups: Array.from({ length: 12 }, (_, i) => ({ path: `layers/dense${i ? `_${i}` : ''}`, name: `dense${i ? `_${i}` : ''}`, tensors: [[3, 4], [4]] })),
    });
    expect(await agree(file)).toBeNull();
  });

  it('an object with more attributes than fit its header (dense attributes), and chunked datasets', async () => {
    const file = tmp('dense-attrs.h5');
    await writeLegacyH5(file, { modelConfig: { class_name: 'Sequential', config: { layers: [] } }, layers: layers(3) });
    await editH5(file, 'a', (f) => {
      for (let i = 0; i < 12; i++) f.create_attribute(`extra_${i}`, `value ${i}`);
      writeDataset(f, 'model_weights/dense_0/dense_0/extra:0', [5, 6]);
    });
    expect(await agree(file)).toBeNull();
  });
});

describe('hands the file to the engine when it is not sure', () => {
  let good: string;
  beforeAll(async () => {
    good = tmp('good.h5');
    await writeLegacyH5(good, { modelConfig: { class_name: 'Sequential', config: { layers: [] } }, kerasVersion: '2.2.4', backend: 'tensorflow', layers: [{ name: 'd', weights: [{ name: 'd/kernel:0', shape: [2, 2] }] }], stringEncoding: 'vlen' });
  });

  it('a truncated file (its end-of-file address lies past the end)', async () => {
    const bytes = readFileSync(good);
    const file = tmp('truncated.h5');
    writeFileSync(file, bytes.subarray(0, bytes.length - 100));
    const r = await readNativeJob(hostJob(file));
    expect(r.gaveUp).toMatch(/end of file address/);
    expect(r.corrupt).toBe(true);
  });

  it('a flipped byte in a checksummed header', async () => {
    const bytes = Buffer.from(readFileSync(good));
    const at = bytes.indexOf('OHDR', 100) + 12;
    bytes[at] ^= 0xff;
    const file = tmp('flipped.h5');
    writeFileSync(file, bytes);
    const r = await readNativeJob(hostJob(file));
    expect(r.gaveUp).toMatch(/object header at \d+: checksum/);
    expect(r.corrupt).toBe(true);
  });

  it('a vlen string whose heap object runs past its collection (libhdf5 aborts or loops on it)', async () => {
    const bytes = Buffer.from(readFileSync(good));
    let at = -1;
    for (let i = bytes.indexOf('tensorflow'); i >= 0; i = bytes.indexOf('tensorflow', i + 1))
      if (bytes.readUInt32LE(i - 8) === 10 && bytes.readUInt32LE(i - 4) === 0) at = i;
    expect(at).toBeGreaterThan(0);
    for (const [high, why] of [[125, /object \d+ runs past its end/], [2, /length differs|runs past|free space/]] as const) {
      bytes[at - 7] = high;
      const file = tmp(`heap-${high}.h5`);
      writeFileSync(file, bytes);
      const r = await readNativeJob(hostJob(file));
      expect(r.gaveUp).toMatch(why);
      expect(r.corrupt).toBe(true); // the engine gets a short try only
    }
  });

  it('a group B-tree that lists one symbol node twice (each listing would repeat its links)', async () => {
    const bytes = Buffer.from(readFileSync(join(ROOT, 'fixtures/keras/models/activations.h5')));
    // A leaf node of a group B-tree (type 0, level 0) with one child: claim two, the same one.
    let at = -1;
    for (let i = bytes.indexOf('TREE'); i >= 0 && at < 0; i = bytes.indexOf('TREE', i + 1))
      if (bytes[i + 4] === 0 && bytes[i + 5] === 0 && bytes.readUInt16LE(i + 6) === 1) at = i;
    expect(at).toBeGreaterThan(0);
    bytes.writeUInt16LE(2, at + 6);
    bytes.copy(bytes, at + 48, at + 32, at + 40); // child 1 = child 0 (8-byte addresses)
    bytes.copy(bytes, at + 56, at + 40, at + 48); // key 2 = key 1
    const file = tmp('tree-twice.h5');
    writeFileSync(file, bytes);
    expect((await readNativeJob(hostJob(file))).gaveUp).toMatch(/listed twice/);
  });

  it('a file that is not HDF5 at all', async () => {
    const file = tmp('not.h5');
    writeFileSync(file, 'not an HDF5 file at all, just text');
    const r = await readNativeJob(hostJob(file));
    expect(r.gaveUp).toMatch(/no HDF5 signature/);
    expect(r.corrupt).toBe(false);
  });

  it('serves a copy of a good file (the checks above are not always true)', async () => {
    const file = tmp('copy.h5');
    copyFileSync(good, file);
    const r = await readNativeJob(hostJob(file));
    expect(r.gaveUp).toBeNull();
    expect(r.contents?.kerasVersion).toBe('2.2.4');
    expect(r.contents?.backend).toBe('tensorflow');
  });
});

describe('on damaged files: hands over, or gives what the engine gives', () => {
  // A fixed-seed differential fuzz: bytes of the metadata region of Keras and builder files
  // flipped, zeroed or filled. Whenever the native reader answers, the engine must answer the same
  // (it may refuse a file the native reader reads, never read it differently). Found this way and
  // now handed over: bad free lists, link names outside their B-tree keys, attribute names of the
  // wrong length, impossible datatype bit layouts, dimensions above their maximum.
  // One byte changed in a Keras file, what libhdf5 says of it (h5py 3.14 / HDF5 1.14, or h5wasm's
  // HDF5 2.0), and what the native reader must see.
  it.each([
    ['legacy/multi_io_shared.h5', 1792, 0xff, 'h5wasm: the aux layer\'s datasets unreadable', /local heap at \d+: bad free list/],
    ['activations.weights.h5', 7680, 0x09, 'h5py: "object \'p_re_lu_1\' doesn\'t exist"', /symbol table: link "e_lu" out of order/],
    ['legacy/multi_io_shared.h5', 1088, 0x00, 'h5py: "attribute name has different length than stored length"', /attribute name of a length other than stored/],
    ['activations.h5', 1024, 0xff, 'h5py: "integer offset out of bounds"', /integer type with bits/],
    ['seed_embedding_lstm.h5', 1856, 0x00, 'h5py: "dataspace dim 0 size of 4 is greater than maxdim size of 0"', /dataspace dimension 4 above its maximum 0/],
  ])('%s with byte %i set to %i (%s) is handed over', async (name, at, value, _, why) => {
    const bytes = Buffer.from(readFileSync(join(ROOT, 'fixtures/keras/models', name)));
    bytes[at] = value;
    const file = tmp(`byte-${at}-${name.replace('/', '_')}`);
    writeFileSync(file, bytes);
    const r = await readNativeJob(hostJob(file));
    expect(r.gaveUp).toMatch(why);
    expect(r.corrupt).toBe(true);
  });

  it('a fill value message turned into an old one whose size runs off its end (h5py: "ran off end of input buffer while decoding")', async () => {
    const bytes = Buffer.from(readFileSync(join(ROOT, 'fixtures/keras/models/activations.h5')));
    // A version 1 header's fill value message: type 0x0005, 8 bytes, flags 1; then version 2,
    // allocation time 2, write time 2, defined 1. As type 0x0004 those bytes declare 16 MB.
    const at = bytes.indexOf(Buffer.from('05000800010000000202020100000000', 'hex'));
    expect(at).toBeGreaterThan(0);
    bytes[at] = 0x04;
    const file = tmp('old-fill.h5');
    writeFileSync(file, bytes);
    expect((await readNativeJob(hostJob(file))).gaveUp).toMatch(/structure ends early/);
  });

  it('300 damaged files from four seeds', async () => {
    const seeds = [join(ROOT, 'fixtures/keras/models/activations.h5'), join(ROOT, 'fixtures/keras/models/legacy/multi_io_shared.h5'), tmp('fz-legacy.h5'), tmp('fz-k3.weights.h5')];
    await writeLegacyH5(seeds[2]!, { modelConfig: { class_name: 'Sequential', config: { layers: [] } }, kerasVersion: '2.15.0', backend: 'tensorflow', layers: Array.from({ length: 12 }, (_, i) => ({ name: `d${i}`, weights: [{ name: `d${i}/kernel:0`, shape: [2, 2] }] })), stringEncoding: 'vlen' });
    await writeKeras3WeightsH5(seeds[3]!, { groups: Array.from({ length: 12 }, (_, i) => ({ path: `layers/dense_${i}`, name: `dense_${i}`, tensors: [[3, 4], [4]] })) });
    let state = 2024;
    const rand = (n: number) => ((state = (state * 1103515245 + 12345) % 2147483648), state % n);
    const saved = process.env['KERASCOPE_H5_TIMEOUT'];
    process.env['KERASCOPE_H5_TIMEOUT'] = '5';
    const tally = { answered: 0, handedOver: 0, engineRefused: 0 };
    try {
      for (let i = 0; i < 300; i++) {
        const bytes = Buffer.from(readFileSync(seeds[i % seeds.length]!));
        const at = rand(Math.min(bytes.length, 8192));
        const how = rand(3);
        if (how === 0) bytes[at] ^= 1 << rand(8);
        else if (how === 1) bytes.fill(rand(2) ? 0 : 0xff, at, at + 1 + rand(16));
        else bytes[at] = rand(256);
        const file = tmp(`damaged-${i}.h5`);
        writeFileSync(file, bytes);
        const job = hostJob(file);
        const native = await readNativeJob(job);
        if (!native.contents) {
          tally.handedOver++;
          continue;
        }
        tally.answered++;
        const e = await engine(job);
        if ((e as { error?: string }).error) tally.engineRefused++;
        else expect(JSON.parse(JSON.stringify(native.contents)), `${file} (${how} at ${at})`).toEqual(e);
      }
    } finally {
      if (saved === undefined) delete process.env['KERASCOPE_H5_TIMEOUT'];
      else process.env['KERASCOPE_H5_TIMEOUT'] = saved;
    }
    // Both outcomes happen (the damage is not all in places nobody reads, nor all fatal).
    expect(tally.answered).toBeGreaterThan(100);
    expect(tally.handedOver).toBeGreaterThan(30);
  });
});

describe('datatype messages (File Format Specification IV.A.2.d)', () => {
  // IEEE float32, little-endian: version 1, class 1; bit field 0x20 0x1f 0x00 (sign at bit 31);
  // bit offset 0, precision 32, exponent at 23 of 8 bits, mantissa at 0 of 23 bits, bias 127.
  const float32 = (precision = 32) => {
    const b = Buffer.alloc(20);
    b.set([0x11, 0x20, 0x1f, 0x00], 0);
    b.writeUInt32LE(4, 4);
    b.writeUInt16LE(0, 8);
    b.writeUInt16LE(precision, 10);
    b.set([23, 8, 0, 23], 12);
    b.writeUInt32LE(127, 16);
    return b;
  };
  // A string of `size` bytes, NUL-terminated, UTF-8: version 1, class 3, bits 0x10 (cset 1 << 4).
  const utf8String = (size: number) => {
    const b = Buffer.alloc(8);
    b.set([0x13, 0x10, 0x00, 0x00], 0);
    b.writeUInt32LE(size, 4);
    return b;
  };
  const decode = (b: Buffer) => datatype(new Cursor(b));

  it('gives one frozen object for every equal datatype, and still checks each message', () => {
    const a = decode(float32());
    expect(a).toEqual({ cls: 1, size: 4, signed: false, littleEndian: true, vlen: false, cset: 0 });
    expect(decode(float32())).toBe(a);
    expect(Object.isFrozen(a)).toBe(true);
    // The same class and size with an impossible precision is refused though an equal type is kept.
    expect(() => decode(float32(40))).toThrow(/impossible bit layout/);
    expect(decode(utf8String(7))).toEqual({ cls: 3, size: 7, signed: false, littleEndian: true, vlen: false, cset: 1 });
    expect(decode(utf8String(7))).not.toBe(decode(utf8String(8)));
  });

  it('keeps a bounded number: a file stating a thousand sizes gets each right', () => {
    for (let size = 1; size <= 1000; size++) expect(decode(utf8String(size)).size).toBe(size);
    expect(decode(utf8String(999))).toEqual({ cls: 3, size: 999, signed: false, littleEndian: true, vlen: false, cset: 1 });
  });
});

describe('lookup3 (HDF5 H5_checksum_lookup3)', () => {
  it('gives the values of Bob Jenkins’ lookup3.c self-test (hashlittle, initval 0)', () => {
    expect(lookup3(Buffer.alloc(0))).toBe(0xdeadbeef);
    // lookup3.c driver5: hashlittle("Four score and seven years ago", 30, 0) = 0x17770551
    expect(lookup3(Buffer.from('Four score and seven years ago'))).toBe(0x17770551);
    // … and with initval 1: 0xcd628161
    expect(lookup3(Buffer.from('Four score and seven years ago'), 1)).toBe(0xcd628161);
  });
});
