// The hostile inputs of issue 10 (fixtures/attack/), built at TINY sizes: each is what its
// attack needs, read back with yauzl (not kerascope's reader), JSON.parse and the file system, so
// the attack script (`npm run attack`) never measures an input that lost its sting. Nothing is timed.
import { lstatSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, realpathSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import JSZip from 'jszip';
import yauzl from 'yauzl';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeAttackInputs, type AttackInputs } from '../fixtures/attack/inputs.js';
import { INJECTED, INJECTED_FILE_NAME } from '../fixtures/attack/configs.js';
import { TINY } from '../fixtures/attack/sizes.js';
import { shardNames } from '../fixtures/attack/zips.js';

const dir = mkdtempSync(join(tmpdir(), 'kerascope-attack-inputs-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Central {
  name: string;
  method: number;
  offset: number;
  compressed: number;
  size: number;
}

/** Every central-directory entry, as yauzl reads it. */
function central(file: string): Promise<Central[]> {
  return new Promise((resolve, reject) =>
    yauzl.open(file, { lazyEntries: true, decodeStrings: true, validateEntrySizes: false, strictFileNames: false }, (err, zip) => {
      if (err || !zip) return reject(err);
      const out: Central[] = [];
      zip.on('entry', (e: yauzl.Entry) => {
        out.push({ name: e.fileName, method: e.compressionMethod, offset: e.relativeOffsetOfLocalHeader, compressed: e.compressedSize, size: e.uncompressedSize });
        zip.readEntry();
      });
      zip.on('end', () => (zip.close(), resolve(out)));
      zip.on('error', reject);
      zip.readEntry();
    }),
  );
}

const float32Bytes = ({ units, layers }: { units: number; layers: number }) => layers * (units * units + units) * 4;

describe('attack inputs at TINY sizes', () => {
  let inputs: AttackInputs;
  beforeAll(async () => {
    inputs = await makeAttackInputs(join(dir, 'tiny'), TINY);
  });

  it('item 1: the bomb DEFLATEs zero weights (at least their float32 bytes) far past 200:1', async () => {
    const weights = (await central(inputs.zipBomb)).find((e) => e.name === 'model.weights.h5')!;
    expect(weights.method).toBe(8);
    expect(weights.size).toBeGreaterThan(float32Bytes(TINY.bomb));
    expect(weights.size / weights.compressed).toBeGreaterThan(200);
  });

  it('item 1: every shard the manifest names is a central entry at the one same offset', async () => {
    const entries = await central(inputs.sharedShards);
    const zip = await JSZip.loadAsync(readFileSync(inputs.sharedShards));
    const manifest = JSON.parse(await zip.file('model.weights.json')!.async('string')) as { weight_map: Record<string, string[]> };
    const named = Object.values(manifest.weight_map).flat();
    expect(named).toEqual(shardNames(TINY.shards));
    const shards = entries.filter((e) => named.includes(e.name));
    expect(shards).toHaveLength(TINY.shards);
    expect(new Set(shards.map((e) => e.offset)).size).toBe(1);
    expect(shards.every((e) => e.method === 8 && e.size > float32Bytes(TINY.bomb))).toBe(true);
  });

  it('item 2: the inflatable member is DEFLATEd without compression (no bomb)', async () => {
    const weights = (await central(inputs.inflatable)).find((e) => e.name === 'model.weights.h5')!;
    expect(weights.method).toBe(8);
    expect(weights.compressed).toBeGreaterThanOrEqual(weights.size);
  });

  it('item 3: the padded configs parse, with the pad array filling the asked size', async () => {
    for (const [file, el] of [[inputs.paddedZeros, 0], [inputs.paddedObjects, {}]] as const) {
      expect(statSync(file).size).toBeGreaterThan(TINY.jsonBytes * 0.9);
      const json = JSON.parse(readFileSync(file, 'utf8')) as { class_name: string; pad: unknown[] };
      expect(json.class_name).toBe('Sequential');
      expect(json.pad[json.pad.length - 1]).toEqual(el);
    }
    const config = (await central(inputs.paddedKeras)).find((e) => e.name === 'config.json')!;
    expect(config.method).toBe(8);
    expect(config.size).toBeGreaterThan(TINY.jsonBytes * 0.9);
  });

  it('item 4: the central directory holds every entry (ZIP64 end records past 65,535)', async () => {
    const entries = await central(inputs.manyEntries);
    expect(entries).toHaveLength(TINY.entries);
    expect(entries.slice(0, 2).map((e) => e.name)).toEqual(['metadata.json', 'config.json']);
  });

  it('item 5: the links lead out of their folders and back into them', () => {
    expect(readlinkSync(join(inputs.toRoot, 'root'))).toBe('/');
    expect(realpathSync(join(inputs.outside, 'elsewhere', 'secret.keras'))).toBe(realpathSync(join(dir, 'tiny', 'folders', 'outside', 'secret.keras')));
    expect(realpathSync(join(inputs.loop, 'sub', 'up', 'loop', 'model.keras'))).toBe(realpathSync(join(inputs.loop, 'model.keras')));
  });

  it('item 6: the names and version keep their control characters', async () => {
    const zip = await JSZip.loadAsync(readFileSync(inputs.injection));
    const text = await zip.file('config.json')!.async('string');
    expect(text).toContain(JSON.stringify(INJECTED.layer));
    expect(text).toContain(JSON.stringify(INJECTED.fakeVerdict));
    expect(JSON.parse(await zip.file('metadata.json')!.async('string')).keras_version).toBe(INJECTED.version);
    expect(readdirSync(inputs.injectionFolder)).toEqual([INJECTED_FILE_NAME]);
  });

  it('items 7, 8: the configs carry the op and the sizes', () => {
    expect(readFileSync(inputs.tfOpLambda, 'utf8')).toContain('"function":"io.write_file"');
    expect(readFileSync(inputs.hugeSizes, 'utf8')).toContain(`"filters":${2 ** 32}`);
    expect(readFileSync(inputs.badSizes, 'utf8')).toMatch(/"units":-7.*"units":"3".*"units":2\.5/);
  });

  it('item 9: the tfjs shard is a link out of its folder, or a FIFO; the model file a FIFO', () => {
    const shard = join(inputs.linkedShard, '..', 'weights.bin');
    expect(lstatSync(shard).isSymbolicLink()).toBe(true);
    expect(realpathSync(shard)).not.toContain('tfjs-linked');
    expect(lstatSync(join(inputs.fifoShard, '..', 'weights.bin')).isFIFO()).toBe(true);
    expect(lstatSync(inputs.fifoModel).isFIFO()).toBe(true);
  });
});
