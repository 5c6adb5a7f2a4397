// The SARIF fingerprints' SHA-256 (src/report/sha256.ts, plain code so the page computes the same
// fingerprints as the command line) against Node's own (OpenSSL) on the lengths where padding
// changes (55, 56, 63, 64, 119, 120 bytes…), multi-byte UTF-8 and the FIPS 180-2 examples.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { sha256Hex } from '../src/report/sha256.js';

const node = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');

describe('sha256Hex', () => {
  it('gives the FIPS 180-2 digests of "abc" and the 448-bit message', () => {
    expect(sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(sha256Hex('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq')).toBe('248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1');
  });

  it('equals node:crypto on every length from 0 to 300 bytes and on multi-byte text', () => {
    for (let n = 0; n <= 300; n++) {
      const s = 'x'.repeat(n);
      expect(sha256Hex(s), `length ${n}`).toBe(node(s));
    }
    for (const s of ['lambda-layer\u0000m.keras\u0000dense_1\u0000Lambda', 'naïve 名前 🧪', '\u202egnp.exe'.repeat(40)]) expect(sha256Hex(s)).toBe(node(s));
  });
});
