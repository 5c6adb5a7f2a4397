// The byte-source contract (src/formats/source.ts) and the readers over a source that cannot
// answer at once, as a remote file or a browser File will be: the native HDF5 reader then reads
// in batches (each pass of it ends in one readMany), and gives what it gives over a local file.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readPayload } from '../src/formats/hdf5/read.js';
import { readModelFrom, readWeightsFrom } from '../src/formats/index.js';
import { FileSource, WHOLE_FILE_MAX } from '../src/formats/file-source.js';
import { MemorySource, type ByteRange, type ByteSource } from '../src/formats/source.js';
import { BlockCache } from '../src/formats/hdf5/native/blocks.js';
import { writeKeras3WeightsH5, writeLegacyH5 } from '../fixtures/builder/h5.js';
import { buildKerasZip } from '../fixtures/builder/zip.js';

const dir = mkdtempSync(join(tmpdir(), 'kerascope-source-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const tmp = (name: string) => join(dir, name);
const ROOT = join(import.meta.dirname, '..');

/** Bytes in memory served only asynchronously, counting the batches asked for. */
class AsyncOnly implements ByteSource {
  batches: ByteRange[][] = [];
  private readonly inner: MemorySource;
  constructor(bytes: Uint8Array, readonly name: string) {
    this.inner = new MemorySource(bytes, name);
  }
  get size(): number {
    return this.inner.size;
  }
  get bytesRead(): number {
    return this.inner.bytesRead;
  }
  read(offset: number, length: number): Promise<Uint8Array> {
    return this.readMany([{ offset, length }]).then((b) => b[0]!);
  }
  readMany(ranges: readonly ByteRange[]): Promise<Uint8Array[]> {
    this.batches.push([...ranges]);
    return this.inner.readMany(ranges);
  }
  window(offset: number, length: number, name: string): ByteSource {
    return new AsyncOnly(this.inner.readNow!(offset, length), name);
  }
  close(): void {}
}

describe('local file and memory sources', () => {
  it('read exact, bounded ranges, at once or not, and windows read in place', async () => {
    writeFileSync(tmp('bytes.bin'), Buffer.from('0123456789'));
    const f = FileSource.open(tmp('bytes.bin'));
    try {
      expect(Buffer.from(await f.read(2, 3)).toString()).toBe('234');
      expect(Buffer.from(f.readNow(8, 2)).toString()).toBe('89');
      const w = f.window(4, 4, 'w');
      expect(Buffer.from(w.readNow!(1, 2)).toString()).toBe('56');
      expect(w.local).toEqual({ path: tmp('bytes.bin'), offset: 4, whole: false });
      await expect(w.read(3, 2)).rejects.toThrow(RangeError);
      expect(() => f.readNow(9, 2)).toThrow(RangeError);
      expect(f.bytesRead).toBe(3 + 2 + 2);
    } finally {
      f.close();
    }
    const m = new MemorySource(Buffer.from('abcdef'), 'm');
    expect((await m.readMany([{ offset: 0, length: 1 }, { offset: 5, length: 1 }])).map((b) => Buffer.from(b).toString())).toEqual(['a', 'f']);
    expect(m.local).toBeUndefined();
  });

  it('names a missing file and a folder in one line', () => {
    expect(() => FileSource.open(tmp('nope'))).toThrow('no such file');
    expect(() => FileSource.open(dir)).toThrow('is a directory');
    expect(FileSource.openOrFolder(dir)).toBe('folder');
  });

  it('reads a small file whole at open (one system call), a larger one only where asked', () => {
    // Seen from outside: the file is rewritten after the open. A small source still answers with
    // the bytes it read at open; a large one reads by position, so it sees the new bytes.
    const small = Buffer.alloc(WHOLE_FILE_MAX, 'a');
    const large = Buffer.alloc(WHOLE_FILE_MAX + 1, 'a');
    writeFileSync(tmp('small.bin'), small);
    writeFileSync(tmp('large.bin'), large);
    const s = FileSource.open(tmp('small.bin'));
    const l = FileSource.open(tmp('large.bin'));
    try {
      writeFileSync(tmp('small.bin'), Buffer.alloc(WHOLE_FILE_MAX, 'b'));
      writeFileSync(tmp('large.bin'), Buffer.alloc(WHOLE_FILE_MAX + 1, 'b'));
      expect(Buffer.from(s.readNow(10, 3)).toString()).toBe('aaa');
      expect(Buffer.from(l.readNow(10, 3)).toString()).toBe('bbb');
      // What readers were handed is still what is counted, not what was read at open.
      expect(s.bytesRead).toBe(3);
      // The small one's reads are views of what it holds: the HDF5 block cache keeps them, uncopied.
      expect([s.inMemory, l.inMemory]).toEqual([true, false]);
      const cache = new BlockCache(s, 0, s.size);
      expect(cache.read(5000, 4).buffer).toBe(s.readNow(0, 1).buffer);
      const into = new Uint8Array(8);
      expect(Buffer.from(s.readNow(0, 2, into)).toString()).toBe('aa');
      expect(Buffer.from(into.subarray(0, 2)).toString()).toBe('aa');
    } finally {
      s.close();
      l.close();
    }
  });
});

describe('readers over a source that cannot answer at once', () => {
  const listing = (w: { groups: { path: string; tensors: { name: string; shape: number[] }[] }[] } | null) =>
    (w?.groups ?? []).flatMap((g) => g.tensors.map((t) => `${g.path}/${t.name} ${JSON.stringify(t.shape)}`));

  it('the native HDF5 reader gives the same contents, in a few batches, on a legacy full model', async () => {
    const file = join(ROOT, 'fixtures/keras/models/seed_mlp_binary.h5');
    const bytes = readFileSync(file);
    const local = FileSource.open(file);
    const want = await readPayload(local, { label: file, inArchive: false }).finally(() => local.close());
    const remote = new AsyncOnly(bytes, file);
    const got = await readPayload(remote, { label: file, inArchive: false });
    expect(JSON.parse(JSON.stringify(got))).toEqual(JSON.parse(JSON.stringify(want)));
    expect(listing(got.weights).length).toBeGreaterThan(0);
    // Each pass ends in one batch; the children's headers come with their group's batch.
    expect(remote.batches.length).toBeLessThan(20);
  });

  it('reads the metadata of a 16 MB file, not its weights', async () => {
    const file = tmp('big.h5');
    const layers = Array.from({ length: 4 }, (_, i) => ({ name: `dense_${i}`, weights: [{ name: `dense_${i}/kernel:0`, shape: [1000, 1000] }] }));
    await writeLegacyH5(file, { modelConfig: { class_name: 'Sequential', config: { name: 's', layers: [] } }, layers });
    const remote = new AsyncOnly(readFileSync(file), file);
    const got = await readPayload(remote, { label: file, inArchive: false });
    expect(listing(got.weights)).toEqual(layers.map((l) => `dense_${l.name.slice(6)}/${l.name}/kernel:0 [1000,1000]`));
    expect(remote.size).toBeGreaterThan(16e6);
    expect(remote.bytesRead).toBeLessThan(100_000);
    expect(remote.batches.length).toBeLessThan(20);
  });

  it('a .keras archive: central directory, config and the STORED weights member, through the dispatcher', async () => {
    const h5 = tmp('dense.weights.h5');
    await writeKeras3WeightsH5(h5, { groups: [{ path: 'layers/dense', name: 'dense', tensors: [[3, 4], [4]] }] });
    const file = tmp('model.keras');
    await buildKerasZip(file, { config: { module: 'keras', class_name: 'Sequential', config: { name: 's', layers: [] } }, weightsH5: h5 });
    const src = new AsyncOnly(readFileSync(file), file);
    const model = await readModelFrom(src, null);
    expect(model.format).toBe('keras-zip');
    expect(listing(model.weights)).toEqual(['layers/dense/vars/0 [3,4]', 'layers/dense/vars/1 [4]']);
    expect(listing(await readWeightsFrom(new AsyncOnly(readFileSync(file), file), null))).toEqual(listing(model.weights));
  });

  it('an HDF5 file the native reader hands over says the engine needs a local file (no guess)', async () => {
    const file = tmp('legacy.h5');
    await writeLegacyH5(file, { modelConfig: { class_name: 'Sequential', config: { name: 's', layers: [] } }, layers: [] });
    const bytes = Buffer.from(readFileSync(file));
    bytes.fill(0, bytes.length - 64); // the end-of-file address now lies past a shorter file's end
    const cut = bytes.subarray(0, bytes.length - 64);
    await expect(readPayload(new AsyncOnly(cut, 'cut.h5'), { label: 'cut.h5', inArchive: false })).rejects.toThrow(
      /needs the HDF5 engine, which reads only files on this machine \(kerascope's own reader handed it over: /,
    );
  });
});
