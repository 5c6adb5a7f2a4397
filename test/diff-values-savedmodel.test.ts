// kerascope diff --values on SavedModel folders (issue 13): each tensor's bytes at its (shard,
// offset, size) in variables.data-* hash to what TensorFlow's own checkpoint reader returns
// (fixtures/diff/savedmodel.py → savedmodel_truth.json, tf.train.load_checkpoint), on one data
// shard and on three; the crc32c stored with each tensor is checked while it is hashed, and a
// byte flipped where TensorFlow then refuses the tensor ("Checksum does not match") is a finding.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { analyze } from '../src/analyze.js';
import { compareValues } from '../src/values/index.js';
import { crc32c, unmask } from '../src/values/crc32c.js';
import { run } from './cli-harness.js';
import { hashesOf } from './helpers/values.js';

const D = 'fixtures/diff/';
type Truth = { values: Record<string, Record<string, string>>; corrupt: { folder: string; shard: string; flip: number; refused: Record<string, string> } };
const truth = JSON.parse(readFileSync(`${D}savedmodel_truth.json`, 'utf8')) as Truth;
const tmp = mkdtempSync(join(tmpdir(), 'kerascope-savedmodel-values-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('crc32c', () => {
  it('RFC 3720 B.4 vectors, and TensorFlow\'s mask undone', () => {
    expect(crc32c(Buffer.alloc(32))).toBe(0x8a9136aa);
    expect(crc32c(Buffer.alloc(32, 0xff))).toBe(0x62a8ab43);
    expect(crc32c(Buffer.from(Array.from({ length: 32 }, (_, i) => i)))).toBe(0x46dd794e);
    expect(crc32c(Buffer.from('123456789'))).toBe(0xe3069283);
    // In pieces, as tensors stream: the same value.
    const b = Buffer.from('123456789');
    expect(crc32c(b.subarray(5), crc32c(b.subarray(0, 5)))).toBe(0xe3069283);
    // crc32c.h Mask: ((crc >> 15) | (crc << 17)) + 0xa282ead8.
    const mask = (c: number) => ((((c >>> 15) | (c << 17)) >>> 0) + 0xa282ead8) >>> 0;
    for (const c of [0, 1, 0xe3069283, 0xffffffff]) expect(unmask(mask(c))).toBe(c);
  });
});

describe('SavedModel tensors as TensorFlow reads them', () => {
  for (const folder of Object.keys(truth.values).filter((f) => f !== 'sm_mlp_sliced')) {
    it(`${folder}: every tensor's SHA-256 is tf.train.load_checkpoint's`, async () => {
      expect(await hashesOf(D + folder)).toEqual(truth.values[folder]);
    });
  }

  it('diff of a SavedModel and the .h5 tf.keras saved of the same model: every tensor equal, every checksum held', async () => {
    const r = await run(['diff', `${D}sm_mlp`, `${D}sm_mlp.h5`, '--values', '--json']);
    expect(r.code).toBe(0);
    const d = JSON.parse(r.stdout) as { values: unknown };
    expect(d.values).toEqual({ compared: 4, equal: 4, different: 0, notCompared: [], bytesHashed: 2 * 2839 * 4, checksums: { verified: 4, failed: [] } });
    const sharded = await compareValues(await analyze(`${D}sm_mlp`), await analyze(`${D}sm_mlp_sharded`), null);
    expect(sharded).toMatchObject({ compared: 4, equal: 4, checksums: { verified: 8, failed: [] } });
  });

  it('partitioned variables (TensorFlow sliced both kernels across shards) are named as not compared; the biases are read', async () => {
    const v = await compareValues(await analyze(`${D}sm_mlp`), await analyze(`${D}sm_mlp_sliced`), null);
    const why = 'B: a partitioned variable (its slices are stored under other keys)';
    expect(v).toMatchObject({ compared: 2, equal: 2, different: 0, notCompared: [{ tensor: 'hidden/kernel', reason: why }, { tensor: 'logits/kernel', reason: why }] });
  });

  it('a byte flipped in the data shard: the tensor TensorFlow refuses fails its checksum, a checksum change (exit 1)', async () => {
    const c = truth.corrupt;
    const copy = join(tmp, c.folder);
    cpSync(D + c.folder, copy, { recursive: true });
    const shard = join(copy, 'variables', c.shard);
    const data = readFileSync(shard);
    data[c.flip] = data[c.flip]! ^ 0xff;
    writeFileSync(shard, data);
    // TensorFlow's words: "Checksum does not match: stored S vs. calculated on the restored bytes C".
    const [key, message] = Object.entries(c.refused)[0]!;
    expect(Object.keys(c.refused)).toHaveLength(1);
    const [, stored, computed] = /stored (\d+) vs\. calculated on the restored bytes (\d+)/.exec(message)!;
    const v = await compareValues(await analyze(`${D}sm_mlp.h5`), await analyze(copy), null);
    expect(v).toMatchObject({ compared: 4, equal: 3, different: 1 });
    expect(v.checksums!.verified).toBe(3);
    expect(v.checksums!.failed).toEqual([
      { tensor: 'hidden/kernel', file: join(copy, 'variables', 'variables.index'), message: `stored crc32c ${stored}, computed ${computed} on its bytes (${c.shard} at 0): TensorFlow refuses to restore it` },
    ]);
    expect(key).toBe('layer_with_weights-0/kernel/.ATTRIBUTES/VARIABLE_VALUE');
    const r = await run(['diff', `${D}sm_mlp.h5`, copy, '--values', '--allow', 'values']);
    expect(r.code).toBe(1); // the values differing is allowed, the checksum is not
    expect(r.stdout).toContain(`hidden/kernel: stored crc32c ${stored}, computed ${computed}`);
    expect(r.stdout).toContain('Checksums: 3 held, 1 failed');
  });
});
