// JSON is counted before it is parsed (src/formats/text.ts): a text holding more objects and
// arrays, or more values, than any Keras config is refused unparsed, in every place a config is
// read (a JSON file, a .keras member, an HDF5 attribute, a JSON string holding JSON). Issue 10,
// item 3: 200 MB of `[{}, {}, …]` took 2–5 GB before; memory and time are measured by
// `npm run attack`, these tests assert the counting.
import { closeSync, mkdtempSync, openSync, readFileSync, writeFileSync, writeSync, ftruncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyze, UnreadableError } from '../src/index.js';
import { JsonCounter, jsonTextTooBig, jsonTooBig, MAX_JSON_BYTES, MAX_JSON_CONTAINERS, MAX_JSON_DEPTH, MAX_JSON_MEMBERS, MAX_JSON_VALUES, readText } from '../src/formats/text.js';
import { FileSource } from '../src/formats/file-source.js';
import { writeZip } from '../fixtures/audit/zip-writer.js';
import { writeLegacyH5 } from '../fixtures/builder/h5.js';

const dir = mkdtempSync(join(tmpdir(), 'kerascope-json-limits-'));
const seed = JSON.stringify(JSON.parse(readFileSync(join(import.meta.dirname, '../fixtures/seed/mlp-softmax.json'), 'utf8')));
const OBJECTS = /JSON of more than 4,000,000 objects and arrays: more than kerascope reads \(real Keras configs hold tens of thousands\)/;
const MEMBERS = /JSON of more than 2,000,000 object members: more than kerascope reads/;
const VALUES = /JSON of more than 8,000,000 values: more than kerascope reads/;
const DEEP = /^JSON nested more than 1,000 deep: deeper than kerascope reads, and than Keras's own JSON reader can \(real Keras configs nest a few dozen deep\)$/;

/** `[{},{},…]` of n objects, `[0,0,…]` of n zeros, `{"k0":0,…}` of n keys. */
const objects = (n: number): string => `[${'{},'.repeat(n - 1)}{}]`;
const keys = (n: number): string => `{${Array.from({ length: n }, (_, i) => `"k${i}":0`).join(',')}}`;
const zeros = (n: number): string => `[${'0,'.repeat(n - 1)}0]`;
/** The seed model with an extra top-level key. */
const padded = (pad: string): string => `{"pad":${pad},${seed.slice(1)}`;

async function refusal(file: string): Promise<string> {
  const e = await analyze(file).then(() => null, (err: unknown) => err);
  expect(e).toBeInstanceOf(UnreadableError);
  return (e as Error).message;
}

describe('counting a JSON text', () => {
  it('counts objects, arrays and values outside strings only', () => {
    expect(MAX_JSON_BYTES).toBe(64 * 1024 * 1024);
    expect(MAX_JSON_CONTAINERS).toBe(4_000_000);
    expect(MAX_JSON_MEMBERS).toBe(2_000_000);
    expect(MAX_JSON_VALUES).toBe(8_000_000);
    // every structural character inside a string, escaped quotes included, is text
    const inStrings = `[${'"{[,\\"{[,",'.repeat(3_000_000)}0]`;
    expect(jsonTextTooBig(inStrings)).toBeNull(); // 3,000,001 values, no container but the array
    expect(jsonTextTooBig(objects(MAX_JSON_CONTAINERS - 1))).toBeNull(); // the array and 3,999,999 objects
    expect(jsonTextTooBig(objects(MAX_JSON_CONTAINERS))).toMatch(OBJECTS);
    expect(jsonTextTooBig(zeros(MAX_JSON_VALUES - 2))).toBeNull();
    expect(jsonTextTooBig(zeros(MAX_JSON_VALUES))).toMatch(VALUES);
    // a colon inside a key or a string is text; the members of one object are counted by their colons
    expect(jsonTextTooBig(`[${'"a:b:c",'.repeat(3_000_000)}0]`)).toBeNull();
    expect(jsonTextTooBig(keys(MAX_JSON_MEMBERS))).toBeNull();
    expect(jsonTextTooBig(keys(MAX_JSON_MEMBERS + 1))).toMatch(MEMBERS);
  });

  it('a decoded text longer than the byte limit is refused by its length, uncounted', () => {
    expect(jsonTextTooBig(' '.repeat(MAX_JSON_BYTES + 1))).toBe(`JSON text of more than 67,108,864 bytes is larger than kerascope reads (67,108,864 bytes)`);
  });

  it('reads UTF-8 bytes: a multi-byte character never looks like a quote or a brace', () => {
    const text = `{"name":"${'é€𝄞\\\\'.repeat(1000)}","pad":${objects(10)}}`;
    expect(jsonTooBig(Buffer.from(text))).toBeNull();
    expect(JSON.parse(text)).toBeTruthy();
  });

  it('counts the same when the text comes in pieces cut anywhere, inside escapes too', () => {
    const value = { 'a\\"': [1, { b: 'x\\",{[y\\' }, [2, 3]], 'c\\\\': { d: [{}, {}] }, e: '\\\\"', 'é€': '𝄞,"{' };
    const text = Buffer.from(JSON.stringify(value));
    // counted from the value itself: the root, a, {b}, [2, 3], c, d and its two {}; one separator
    // fewer than members in each: root 4, a 3, {b} 1, [2, 3] 2, c 1, d 2
    const containers = 8;
    const members = 4 + 1 + 1 + 0; // root, {b}, c, the two {}
    const separators = 3 + 2 + 0 + 1 + 0 + 1;
    const whole = new JsonCounter();
    expect(whole.feed(text)).toBeNull();
    expect(whole.counted()).toEqual({ containers, members, values: containers + separators + 1 });
    for (let size = 1; size <= 9; size++) {
      const c = new JsonCounter();
      for (let at = 0; at < text.length; at += size) c.feed(text.subarray(at, at + size));
      expect(c.counted(), `pieces of ${size} bytes`).toEqual(whole.counted());
    }
  });

  it('counts how deep objects and arrays nest, outside strings only, closing ones included', () => {
    expect(MAX_JSON_DEPTH).toBe(1000);
    const nested = (n: number, open = '[', close = ']'): string => `${open.repeat(n)}${close.repeat(n)}`;
    expect(jsonTextTooBig(nested(1000))).toBeNull();
    expect(jsonTextTooBig(nested(1001))).toMatch(DEEP);
    expect(jsonTextTooBig(`${'{"a":'.repeat(1000)}0${'}'.repeat(1000)}`)).toBeNull();
    expect(jsonTextTooBig(`${'{"a":'.repeat(1001)}0${'}'.repeat(1001)}`)).toMatch(DEEP);
    // siblings do not add up: closing brackets bring the depth back down
    expect(jsonTextTooBig(`[${Array(50).fill(nested(999)).join(',')}]`)).toBeNull();
    // brackets inside strings (escaped quotes included) are text
    expect(jsonTextTooBig(`["${'[{'.repeat(5000)}\\"${'['.repeat(5000)}"]`)).toBeNull();
    // counted the same in pieces cut anywhere
    const c = new JsonCounter();
    const text = Buffer.from(`{"a":"[[[",${nested(1001)}}`);
    let over: string | null = null;
    for (let at = 0; at < text.length && !over; at += 7) over = c.feed(text.subarray(at, at + 7));
    expect(over).toMatch(DEEP);
  });

  it('an unterminated string ends the count (JSON.parse names the error)', () => {
    expect(jsonTextTooBig('["abc')).toBeNull();
  });
});

describe('read a piece at a time', () => {
  it('a file past the byte limit is refused before a byte of it is read', async () => {
    const file = join(dir, 'sparse.json');
    const fd = openSync(file, 'w');
    ftruncateSync(fd, MAX_JSON_BYTES + 1);
    closeSync(fd);
    const src = FileSource.open(file);
    try {
      await expect(readText(src)).rejects.toThrow(`JSON text of 67,108,865 bytes is larger than kerascope reads (67,108,864 bytes)`);
      expect(src.bytesRead).toBe(0);
    } finally {
      src.close();
    }
  });

  it('a text is refused at the piece where its count passes a limit, the rest unread', async () => {
    const file = join(dir, 'zeros-then-more.json');
    const fd = openSync(file, 'w');
    writeSync(fd, `{"pad":${zeros(MAX_JSON_VALUES + 1)}`); // 16 MB: counted past the limit in the second 8 MiB piece
    writeSync(fd, `,"more":"${'x'.repeat(40 * 1024 * 1024)}"}`);
    closeSync(fd);
    const src = FileSource.open(file);
    try {
      await expect(readText(src)).rejects.toThrow(VALUES);
      expect(src.bytesRead).toBe(2 * 8 * 1024 * 1024);
    } finally {
      src.close();
    }
  });
});

describe('refused unparsed, wherever the config is', () => {
  it('a JSON file whose extra key holds [{}, {}, …] or [0, 0, …]', async () => {
    writeFileSync(join(dir, 'objects.json'), padded(objects(MAX_JSON_CONTAINERS + 1)));
    expect(await refusal(join(dir, 'objects.json'))).toMatch(OBJECTS);
    writeFileSync(join(dir, 'zeros.json'), padded(zeros(MAX_JSON_VALUES + 1)));
    expect(await refusal(join(dir, 'zeros.json'))).toMatch(VALUES);
  });

  it('the same config.json DEFLATED inside a .keras (a few kB)', async () => {
    const file = join(dir, 'deflated.keras');
    writeFileSync(file, writeZip([
      { name: 'metadata.json', data: Buffer.from('{"keras_version": "3.15.1"}') },
      { name: 'config.json', data: Buffer.from(padded(objects(MAX_JSON_CONTAINERS + 1))), deflate: true },
    ]));
    expect(await refusal(file)).toMatch(new RegExp(`config\\.json: ${OBJECTS.source}`));
  });

  it('a double-encoded JSON file (a JSON string holding the JSON)', async () => {
    writeFileSync(join(dir, 'double.json'), JSON.stringify(padded(zeros(MAX_JSON_VALUES + 1))));
    expect(await refusal(join(dir, 'double.json'))).toMatch(VALUES);
  });

  it("an HDF5 model's model_config attribute: an error finding, the weights still listed", async () => {
    const file = join(dir, 'big-config.h5');
    const modelConfig = { ...(JSON.parse(seed) as object), pad: new Array(MAX_JSON_VALUES + 1).fill(0) };
    await writeLegacyH5(file, { modelConfig, kerasVersion: '2.15.0', layers: [{ name: 'dense_16', weights: [{ name: 'dense_16/kernel:0', shape: [20, 7] }] }] });
    const r = await analyze(file);
    const f = r.findings.find((x) => x.code === 'h5-bad-json-attribute');
    expect(f?.severity).toBe('error');
    expect(f?.message).toMatch(new RegExp(`^root attribute model_config: ${VALUES.source}`));
  });

  it('a config far below the limits is read as before', async () => {
    writeFileSync(join(dir, 'small.json'), padded(objects(100_000)));
    expect((await analyze(join(dir, 'small.json'))).layers.length).toBeGreaterThan(0);
  });
});
