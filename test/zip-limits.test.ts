// Issue 10, items 1 and 4: what kerascope reads out of a hostile archive, proved through its own
// counters (bytes inflated, bytes written to temporary files, central-directory entries read),
// never through time. Inputs come from the attack generators (fixtures/attack/zips.ts) at small
// sizes; the rules are Keras's own and Python zipfile's (src/formats/keras-zip/limits.ts).
import { closeSync, mkdtempSync, openSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateRawSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { analyze } from '../src/index.js';
import { UnreadableError } from '../src/errors.js';
import { FileSource } from '../src/formats/file-source.js';
import { MemorySource } from '../src/formats/source.js';
import { liveTempDirs } from '../src/formats/temp.js';
import { ZipArchive, zipCounters } from '../src/formats/keras-zip/archive.js';
import { InflateBudget, inflateCounters, inflateToMemory } from '../src/formats/keras-zip/inflate.js';
import { BOMB_MIN_BYTES, MAX_CENTRAL_DIRECTORY_BYTES, MAX_INFLATED_BYTES, MAX_ZIP_ENTRIES } from '../src/formats/keras-zip/limits.js';
import { memberSource, MemberRefused, refusal } from '../src/formats/keras-zip/member.js';
import { keras3Config } from '../bench/configs.js';
import { TINY } from '../fixtures/attack/sizes.js';
import { writeChainWeights, writeManyEntries, writeSharedShardBomb, writeZipBomb } from '../fixtures/attack/zips.js';
import { buildBigKerasZip, ZipStream } from '../fixtures/builder/bigZip.js';

const dir = mkdtempSync(join(tmpdir(), 'kerascope-zip-limits-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const at = (name: string) => join(dir, name);

/** What `fn` inflated and wrote to temporary files, from the reader's own counters. */
async function counted<T>(fn: () => Promise<T>): Promise<{ value: T; inflated: number; written: number }> {
  const before = { ...inflateCounters };
  const value = await fn();
  return { value, inflated: inflateCounters.inflated - before.inflated, written: inflateCounters.written - before.written };
}

const codes = (r: { findings: { code: string }[] }) => r.findings.map((f) => f.code);

describe('item 1: zip bombs are flagged and never inflated', () => {
  it('a DEFLATED model.weights.h5 past 16 MiB at about 1000:1: reported, not read, nothing inflated', async () => {
    const file = at('bomb.keras');
    await writeZipBomb(file, TINY.bomb);
    const { value: r, inflated, written } = await counted(() => analyze(file));
    expect(inflated).toBe(0);
    expect(written).toBe(0);
    expect(codes(r)).toEqual(expect.arrayContaining(['zip-bomb-ratio', 'zip-member-not-read']));
    expect(r.findings.find((f) => f.code === 'zip-member-not-read')?.message).toMatch(/^model\.weights\.h5 not read: it unpacks \d+ bytes into \d+ \(ratio \d+:1\), the signature of a zip bomb; its weights are not verified$/);
    // Unread weights are unknown, never "missing": no false inconsistent.
    expect(r.verdict).toBe('unverified');
    expect(r.findings.filter((f) => f.severity === 'error')).toEqual([]);
  });

  it('shard names sharing one member: overlapping, none read, whatever the ratio', async () => {
    // A member far below the bomb size: only the overlap stops it.
    const chain = { units: 16, layers: 3 };
    const file = at('shared.keras');
    await writeSharedShardBomb(file, chain, 4);
    const { value: r, inflated } = await counted(() => analyze(file));
    expect(inflated).toBe(0);
    expect(codes(r)).not.toContain('zip-bomb-ratio');
    expect(r.findings.filter((f) => f.code === 'zip-overlapping-members')).toHaveLength(1);
    // The first refused shard ends the sharded read: one finding, not one per shard.
    const notRead = r.findings.filter((f) => f.code === 'zip-member-not-read');
    expect(notRead).toHaveLength(1);
    expect(notRead[0]?.message).toMatch(/^model_00000\.weights\.h5 not read: its bytes overlap those of member "model_0000[1-3]\.weights\.h5".*"Overlapped entries"/);
    expect(r.verdict).toBe('unverified');
  });

  it('a DEFLATED member under the bomb size is inflated sparsely: zeros cost no temporary bytes, and the folder goes', async () => {
    const weights = at('zeros.weights.h5');
    const chain = { units: 512, layers: 4 }; // 4 MiB of zero float32 weights
    await writeChainWeights(weights, chain);
    const file = at('zeros.keras');
    await buildBigKerasZip(file, { config: keras3Config(chain, 'zeros'), weightsH5: weights, compress: 9 });
    const { value: r, inflated, written } = await counted(() => analyze(file));
    expect(r.verdict).toBe('consistent');
    expect(codes(r)).toContain('weights-inflated');
    expect(inflated).toBeGreaterThan(4 * 512 * 512 * 4);
    expect(inflated).toBeLessThan(BOMB_MIN_BYTES);
    // Only the 64 kB blocks holding HDF5 metadata are written.
    expect(written).toBeLessThan(inflated / 10);
    expect(liveTempDirs()).toEqual([]);
  });

  it('a member inflating past what it declares stops at its declared size', async () => {
    const raw = deflateRawSync(Buffer.alloc(4 << 20, 7));
    const job = { source: new MemorySource(raw, 'lie'), start: 0, length: raw.length, member: 'x.h5', file: 'lie.keras', declared: 1000, budget: new InflateBudget() };
    const before = inflateCounters.inflated;
    await expect(inflateToMemory(job)).rejects.toThrow('zip member x.h5 inflates past its declared 1000 bytes');
    expect(inflateCounters.inflated - before).toBeLessThanOrEqual(1000);
  });

  it('an archive inflates at most its budget, members together; a member declaring more than is left is refused unread', async () => {
    const data = Buffer.alloc(3 << 20, 7);
    const raw = deflateRawSync(data);
    const budget = new InflateBudget(5 << 20);
    const job = { source: new MemorySource(raw, 'two'), start: 0, length: raw.length, member: 'a.h5', file: 'two.keras', declared: data.length, budget };
    expect((await inflateToMemory(job)).length).toBe(data.length);
    const before = inflateCounters.inflated;
    await expect(inflateToMemory({ ...job, member: 'b.h5' })).rejects.toThrow(`zip member b.h5 inflates past the ${5 << 20} bytes kerascope inflates from one archive`);
    expect(inflateCounters.inflated - before).toBeLessThanOrEqual(2 << 20);
    expect(budget.used).toBeLessThanOrEqual(5 << 20);

    // The same rule before any byte is read, on a real archive with most of its budget spent.
    const file = at('budget.keras');
    const weights = at('budget.weights.h5');
    const chain = { units: 8, layers: 2 };
    await writeChainWeights(weights, chain);
    await buildBigKerasZip(file, { config: keras3Config(chain, 'budget'), weightsH5: weights, compress: 0 });
    const src = FileSource.open(file);
    const zip = await ZipArchive.open(src);
    try {
      const m = zip.find('model.weights.h5')!;
      zip.budget.used = MAX_INFLATED_BYTES - 10;
      expect(refusal(zip, m)).toBe(`it declares ${m.uncompressedSize} unpacked bytes, more than is left (10) of the ${MAX_INFLATED_BYTES} bytes kerascope inflates from one archive`);
      const { inflated } = await counted(() => expect(memberSource(zip, m)).rejects.toBeInstanceOf(MemberRefused));
      expect(inflated).toBe(0);
    } finally {
      zip.close();
      src.close();
    }
  });
});

describe('item 4: the central directory is bounded', () => {
  it(`more than ${MAX_ZIP_ENTRIES} entries: refused from the end record, before any entry is read`, async () => {
    const file = at('entries.keras');
    await writeManyEntries(file, { units: 4, layers: 1 }, MAX_ZIP_ENTRIES + 1);
    const before = zipCounters.entriesRead;
    const err = await analyze(file).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UnreadableError);
    expect((err as Error).message).toBe(
      `zip central directory lists ${MAX_ZIP_ENTRIES + 1} entries; kerascope reads at most ${MAX_ZIP_ENTRIES} entries and ${MAX_CENTRAL_DIRECTORY_BYTES} bytes of it (a Keras archive holds a handful of members)`,
    );
    expect(zipCounters.entriesRead - before).toBe(0);
  });

  it(`more than ${MAX_CENTRAL_DIRECTORY_BYTES} bytes of entries: refused as soon as they add up`, async () => {
    const file = at('long-names.keras');
    const fd = openSync(file, 'w');
    try {
      const w = new ZipStream(fd);
      w.small('config.json', Buffer.from(JSON.stringify(keras3Config({ units: 4, layers: 1 }, 'long'))));
      for (let i = 0; i < 300; i++) w.alias(`${String(i).padStart(5, '0')}${'x'.repeat(65_530)}`, 'config.json');
      w.centralDirectory();
    } finally {
      closeSync(fd);
    }
    const before = zipCounters.entriesRead;
    await expect(analyze(file)).rejects.toThrow(`zip central directory holds more than ${MAX_CENTRAL_DIRECTORY_BYTES} bytes`);
    // config.json's entry, then 65,581-byte entries until the sum passes the cap: that one is the last read.
    let bytes = 46 + 'config.json'.length;
    let entries = 1;
    while (bytes <= MAX_CENTRAL_DIRECTORY_BYTES) (bytes += 46 + 65_535), entries++;
    expect(zipCounters.entriesRead - before).toBe(entries);
  });

  it('an ordinary archive is read whole (three entries)', async () => {
    const before = zipCounters.entriesRead;
    const r = await analyze('fixtures/keras/models/seed_mlp_binary.keras');
    expect(r.verdict).toBe('consistent');
    expect(zipCounters.entriesRead - before).toBe(3);
  });
});
