// The marshal reader decodes code objects as data, per CPython era, and refuses to guess.
// Python 3.11 streams come from fixtures/audit/make_marshal.py (real CPython output); the 2.7 and
// 3.0–3.7 / 3.8–3.10 streams are built here byte by byte from CPython's marshal.c field order,
// and the real corpus Lambdas (Keras 1.x on Python 3.5, tf.keras 2.9 on 3.8–3.10, Keras 3.9 on 3.11+)
// prove the layouts on files Python wrote.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeCode, stringConstants, allCode } from '../src/audit/marshal.js';
import { describeCode, readCodeString } from '../src/audit/lambda.js';

const FIX = join(import.meta.dirname, '../fixtures/audit');
const b64 = (name: string): string => readFileSync(join(FIX, name), 'utf8');

// ---- a tiny marshal writer for hand-made streams (little-endian, as marshal.c w_long)
const i32 = (n: number): number[] => [n & 255, (n >> 8) & 255, (n >> 16) & 255, (n >>> 24) & 255];
const str = (t: string, s: string): number[] => [t.charCodeAt(0), ...i32(s.length), ...[...s].map((c) => c.charCodeAt(0))];
const tuple = (items: number[][]): number[] => [0x28, ...i32(items.length), ...items.flat()];

function py27Code(): Uint8Array {
  // Python 2.7: argcount nlocals stacksize flags, then code consts names varnames freevars cellvars
  // filename name firstlineno lnotab; text is 's' (str) or 't' (interned), no FLAG_REF.
  return Uint8Array.from([
    0x63, ...i32(1), ...i32(1), ...i32(2), ...i32(0x43),
    ...str('s', 't\x00\x00j\x01\x00d\x01\x00\x83\x01\x00S'),
    ...tuple([[0x4e], str('s', 'id')]),
    ...tuple([str('t', 'os'), str('t', 'system')]),
    ...tuple([str('t', 'x')]),
    ...tuple([]),
    ...tuple([]),
    ...str('s', '/home/eve/py2.py'),
    ...str('t', '<lambda>'),
    ...i32(7),
    ...str('s', ''),
  ]);
}

function py35Code(extraInt: boolean): Uint8Array {
  // Python 3.0–3.7 (5 ints) or 3.8–3.10 (6 ints: posonlyargcount added), with 3.4+ FLAG_REF types.
  return Uint8Array.from([
    0xe3, ...i32(1), ...(extraInt ? i32(0) : []), ...i32(0), ...i32(1), ...i32(2), ...i32(0x43),
    ...str('s', '|\x00\x00d\x01\x00\x1bS'),
    0x29, 2, 0x4e, 0xe9, ...i32(255),
    0x29, 0,
    0x29, 1, 0xda, 1, 0x78,
    0x29, 0,
    0x29, 0,
    0xfa, 11, ...[...'/tmp/old.py'].map((c) => c.charCodeAt(0)),
    0xda, 8, ...[...'<lambda>'].map((c) => c.charCodeAt(0)),
    ...i32(3),
    0xf3, ...i32(0),
  ]);
}

describe('decodeCode', () => {
  it('reads a Python 3.11 lambda that shells out: name, file and the names it uses', () => {
    const got = decodeCode(Buffer.from(b64('marshal-py311-os-system.b64'), 'base64'));
    if ('error' in got) throw new Error(got.error);
    expect(got.layout).toBe('Python 3.11+');
    expect(got.code.name).toBe('<lambda>');
    expect(got.code.filename).toBe('/home/mallory/train.py');
    expect(got.code.names).toEqual(['__import__', 'system']);
    expect(stringConstants(got.code)).toEqual(['os', 'id']);
  });

  it('finds names hidden in nested code objects', () => {
    const got = decodeCode(Buffer.from(b64('marshal-py311-nested.b64'), 'base64'));
    if ('error' in got) throw new Error(got.error);
    expect(got.code.name).toBe('f');
    const names = allCode(got.code).flatMap((c) => c.names);
    expect(names).toContain('subprocess');
    expect(names).toContain('check_output');
  });

  it('reads a hand-made Python 2.7 code object', () => {
    const got = decodeCode(py27Code());
    if ('error' in got) throw new Error(got.error);
    expect(got.layout).toBe('Python 2.7');
    expect(got.code).toMatchObject({ name: '<lambda>', filename: '/home/eve/py2.py', firstLine: 7, names: ['os', 'system'] });
  });

  it('tells the 3.0–3.7 layout from the 3.8–3.10 one by the field count alone', () => {
    const a = decodeCode(py35Code(false));
    const b = decodeCode(py35Code(true));
    expect('layout' in a && a.layout).toBe('Python 3.0–3.7');
    expect('layout' in b && b.layout).toBe('Python 3.8–3.10');
    expect('code' in a && a.code.filename).toBe('/tmp/old.py');
  });

  it('reports undecodable bytecode instead of guessing', () => {
    const good = Buffer.from(b64('marshal-py311-normalise.b64'), 'base64');
    for (const bad of [good.subarray(0, good.length - 3), Buffer.concat([good, Buffer.from([0])]), Buffer.from([0xe3, 0xff, 0xff]), Buffer.from('hello')]) {
      const got = decodeCode(bad);
      expect('error' in got).toBe(true);
    }
    const trailing = decodeCode(Buffer.concat([good, Buffer.from([0x4e])]));
    expect('error' in trailing && trailing.error).toMatch(/bytes left/);
  });

  it('survives every truncation and byte flip of a real stream without throwing', () => {
    const good = Buffer.from(b64('marshal-py311-nested.b64'), 'base64');
    for (let n = 0; n < good.length; n++) expect(() => decodeCode(good.subarray(0, n))).not.toThrow();
    for (let i = 0; i < good.length; i++) {
      const m = Buffer.from(good);
      m[i] = m[i]! ^ 0xff;
      expect(() => decodeCode(m)).not.toThrow();
    }
  });
});

describe('readCodeString: the encodings Keras stores', () => {
  const raw = Buffer.from(b64('marshal-py311-normalise.b64'), 'base64');

  it('base64 with newlines (Keras ≥ 2.1, tf.keras, Keras 3)', () => {
    const got = readCodeString(b64('marshal-py311-normalise.b64'));
    expect(got.encoding).toBe('base64');
    expect(describeCode(got)).toContain('compiled from "/home/alice/project/model.py" line 1');
  });

  it("raw_unicode_escape code points (Keras 1 and 2.0's func_dump)", () => {
    const s = String.fromCharCode(...raw);
    const got = readCodeString(s);
    expect(got.encoding).toBe('raw_unicode_escape');
    expect('code' in got.decoded && got.decoded.code.filename).toBe('/home/alice/project/model.py');
  });
});
