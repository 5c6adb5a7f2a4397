// kerascope diff --values on chunked HDF5 (issue 13): datasets h5py wrote chunked, with gzip and
// shuffle (fixtures/diff/chunked.py), hash to what h5py reads (truth.json "values", by
// values_truth.py) and equal their contiguous twins; filters and layouts kerascope does not read
// are named, one line each; a chunk B-tree or chunk that lies is refused, never followed.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { analyze } from '../src/analyze.js';
import { FileSource } from '../src/formats/file-source.js';
import { MemorySource } from '../src/formats/source.js';
import { BlockCache, NativeH5File, type ChunkedLayout } from '../src/formats/hdf5/native/index.js';
import { chunkIndex } from '../src/formats/hdf5/native/chunks.js';
import { compareValues, hash } from '../src/values/index.js';
import { openValues, type ValueFile } from '../src/values/tensors.js';
import { run } from './cli-harness.js';

const D = 'fixtures/diff/';
const truth = JSON.parse(readFileSync(`${D}truth.json`, 'utf8')) as { values: Record<string, Record<string, string>> };
const tmp = mkdtempSync(join(tmpdir(), 'kerascope-chunked-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Each tensor's SHA-256 as kerascope streams it, or the reason it is not read. */
async function located(file: string): Promise<Record<string, string>> {
  const report = await analyze(file);
  const f = (await openValues(report)) as ValueFile;
  const out: Record<string, string> = {};
  try {
    for (const l of report.layers)
      for (const w of l.weights) {
        const t = f.locate(w.storedPath!);
        out[w.storedPath!] = 'why' in t ? `why: ${t.why}` : await hash(t);
      }
  } finally {
    f.close();
  }
  return out;
}

describe('chunked datasets as h5py writes them', () => {
  it('chunked.h5: a multi-level chunk B-tree, edge chunks, shuffle + gzip, gzip alone, no filter — every tensor is h5py\'s', async () => {
    expect(await located(`${D}chunked.h5`)).toEqual(truth.values['chunked.h5']);
  });

  it('chunked.weights.h5: h5py\'s own chunk guess, shuffle + gzip 9', async () => {
    expect(await located(`${D}chunked.weights.h5`)).toEqual(truth.values['chunked.weights.h5']);
  });

  it('diff of an .h5 and its chunked, compressed re-write: every tensor compared and equal, exit 0', async () => {
    const r = await run(['diff', `${D}base.h5`, `${D}chunked.h5`, '--values', '--json']);
    expect(r.code).toBe(0);
    const d = JSON.parse(r.stdout) as { values: unknown };
    expect(d.values).toEqual({ compared: 4, equal: 4, different: 0, notCompared: [], bytesHashed: 2 * 2839 * 4 });
    const w = await compareValues(await analyze(`${D}base.weights.h5`), await analyze(`${D}chunked.weights.h5`), null);
    expect(w).toMatchObject({ compared: 4, equal: 4, different: 0, notCompared: [] });
  });

  it('filters kerascope does not undo (lzf, fletcher32, scale-offset) are named; the gzip tensor beside them is read', async () => {
    const got = await located(`${D}chunked-filters.weights.h5`);
    expect(got).toEqual({
      'layers/dense/vars/0': 'why: chunked with the lzf (32000) filter (kerascope inflates gzip and shuffle only)',
      'layers/dense/vars/1': 'why: chunked with the fletcher32 (3) filter (kerascope inflates gzip and shuffle only)',
      'layers/dense_1/vars/0': 'why: chunked with the scaleoffset (6) filter (kerascope inflates gzip and shuffle only)',
      'layers/dense_1/vars/1': truth.values['chunked-filters.weights.h5']!['layers/dense_1/vars/1'],
    });
  });

  it('the HDF5 1.10 chunk indexes (libver="latest") are named as not read', async () => {
    const got = await located(`${D}chunked-latest.weights.h5`);
    for (const why of Object.values(got)) expect(why).toBe('why: chunked dataset of the HDF5 1.10 layout (libver="latest", single chunk index): not read');
    const v = await compareValues(await analyze(`${D}base.weights.h5`), await analyze(`${D}chunked-latest.weights.h5`), null);
    expect(v).toMatchObject({ compared: 0, equal: 0, different: 0 });
    expect(v.notCompared).toHaveLength(4);
  });
});

describe('a chunk index that lies is refused', () => {
  const KERNEL = '/model_weights/hidden/mlp/hidden/kernel';
  const bytes = readFileSync(`${D}chunked.h5`);

  /** hidden/kernel's layout and chunks, as the native reader sees them in chunked.h5. */
  function kernel() {
    const src = FileSource.open(`${D}chunked.h5`);
    const h5 = new NativeH5File(new BlockCache(src, 0, src.size), 0, 60_000);
    const layout = h5.dataLocation(KERNEL) as ChunkedLayout;
    const chunks = h5.chunks(layout, [20, 64], 1e6);
    h5.close();
    src.close();
    return { layout, chunks };
  }

  /** The reason hidden/kernel is not read in a copy of chunked.h5 changed by `edit`. */
  async function whyAfter(edit: (b: Buffer) => void): Promise<string> {
    const b = Buffer.from(bytes);
    edit(b);
    const file = join(tmp, `lie-${Math.random().toString(36).slice(2)}.h5`);
    writeFileSync(file, b);
    const v = await compareValues(await analyze(`${D}base.h5`), await analyze(file), null);
    expect(v.compared).toBe(3); // the other tensors are read as before
    expect(v.equal).toBe(3);
    expect(v.notCompared.map((n) => n.tensor)).toEqual(['hidden/kernel']);
    return v.notCompared[0]!.reason;
  }

  const { layout, chunks } = kernel();
  const root = layout.btree;
  // A v1 B-tree node: "TREE", type, level, entries (u16), two 8-byte siblings; then keys (size u32,
  // mask u32, 3 offsets u64 for a rank-2 dataset: 32 bytes) and 8-byte children, interleaved.
  const firstChild = root + 24 + 32;
  const leaf = Number(bytes.readBigUInt64LE(firstChild));

  it('the fixture is what the lies below assume: 320 chunks under a root above level 0', () => {
    expect(chunks).toHaveLength(320);
    expect(bytes.toString('latin1', root, root + 4)).toBe('TREE');
    expect(bytes[root + 5]).toBeGreaterThan(0);
    expect(bytes[leaf + 5]).toBe(0);
  });

  it('a node claiming 65,535 entries', async () => {
    expect(await whyAfter((b) => b.writeUInt16LE(0xffff, root + 6))).toBe(`B: chunk B-tree node ${root} lists 65535 entries`);
  });

  it('a child pointing back at its parent (a loop)', async () => {
    expect(await whyAfter((b) => b.writeBigUInt64LE(BigInt(root), firstChild))).toMatch(/^B: chunk B-tree node \d+ (reached twice|at level)/);
  });

  it('a chunk claiming 2 GiB of stored bytes, or more than deflate can make of 16 bytes', async () => {
    expect(await whyAfter((b) => b.writeUInt32LE(0x7fffffff, leaf + 24))).toBe('B: chunk at (0, 0) lies past the end of the file');
    expect(await whyAfter((b) => b.writeUInt32LE(100, leaf + 24))).toBe('B: chunk at (0, 0) stores 100 bytes for a 16-byte chunk');
  });

  it('two chunks sharing stored bytes', async () => {
    const second = leaf + 24 + 32 + 8 + 32; // the second child of the leaf
    expect(await whyAfter((b) => b.writeBigUInt64LE(b.readBigUInt64LE(leaf + 24 + 32), second))).toMatch(/overlaps another chunk's stored bytes|listed twice/);
  });

  it('a chunk listed twice', async () => {
    // The second key of the leaf names the first key's chunk.
    expect(await whyAfter((b) => b.copy(b, leaf + 24 + 40 + 8, leaf + 24 + 8, leaf + 24 + 32))).toMatch(/^B: chunk at \(\d+, \d+\) listed twice$/);
  });

  it('a chunk whose deflate stream is broken: named while it is read, the tensor not compared', async () => {
    const c = chunks.find((x) => x.size > 8)!;
    expect(await whyAfter((b) => b.fill(0xff, c.address + 2, c.address + c.size))).toMatch(/^chunk at \(\d+, \d+\) does not inflate to its 16 bytes/);
  });

  it('a dataspace of 10^12 chunks is refused before any node is read', () => {
    const cache = new BlockCache(new MemorySource(new Uint8Array(64), 'empty'), 0, 64);
    expect(() => chunkIndex(cache, 0, [1, 1, 4], [1e6, 1e6], { o: 8, l: 8 }, 1e6)).toThrow(/1000000000000 chunks \(kerascope reads at most 1000000 per dataset\)/);
    expect(cache.bytesRead).toBe(0);
  });
});
