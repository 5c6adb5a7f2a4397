// Jenkins' lookup3 hash (hashlittle), the checksum HDF5 puts on its version-2 structures
// (superblock v2/v3, OHDR/OCHK object headers, fractal heaps, v2 B-trees): H5checksum.c
// H5_checksum_lookup3 with initval 0. A structure whose checksum fails is handed to the engine.

const rot = (x: number, k: number) => ((x << k) | (x >>> (32 - k))) >>> 0;

export function lookup3(key: Uint8Array, initval = 0): number {
  let length = key.length;
  let a = (0xdeadbeef + length + initval) >>> 0;
  let b = a;
  let c = a;
  let k = 0;
  const w = (i: number) => key[k + i]! | (key[k + i + 1]! << 8) | (key[k + i + 2]! << 16) | (key[k + i + 3]! << 24);
  while (length > 12) {
    a = (a + w(0)) >>> 0;
    b = (b + w(4)) >>> 0;
    c = (c + w(8)) >>> 0;
    a = (a - c) >>> 0; a = (a ^ rot(c, 4)) >>> 0; c = (c + b) >>> 0;
    b = (b - a) >>> 0; b = (b ^ rot(a, 6)) >>> 0; a = (a + c) >>> 0;
    c = (c - b) >>> 0; c = (c ^ rot(b, 8)) >>> 0; b = (b + a) >>> 0;
    a = (a - c) >>> 0; a = (a ^ rot(c, 16)) >>> 0; c = (c + b) >>> 0;
    b = (b - a) >>> 0; b = (b ^ rot(a, 19)) >>> 0; a = (a + c) >>> 0;
    c = (c - b) >>> 0; c = (c ^ rot(b, 4)) >>> 0; b = (b + a) >>> 0;
    length -= 12;
    k += 12;
  }
  if (length === 0) return c;
  // The tail: bytes 0–3 go to a, 4–7 to b, 8–11 to c, little-endian.
  for (let i = 0; i < length; i++) {
    const v = (key[k + i]! << (8 * (i % 4))) >>> 0;
    if (i < 4) a = (a + v) >>> 0;
    else if (i < 8) b = (b + v) >>> 0;
    else c = (c + v) >>> 0;
  }
  c = (c ^ b) >>> 0; c = (c - rot(b, 14)) >>> 0;
  a = (a ^ c) >>> 0; a = (a - rot(c, 11)) >>> 0;
  b = (b ^ a) >>> 0; b = (b - rot(a, 25)) >>> 0;
  c = (c ^ b) >>> 0; c = (c - rot(b, 16)) >>> 0;
  a = (a ^ c) >>> 0; a = (a - rot(c, 4)) >>> 0;
  b = (b ^ a) >>> 0; b = (b - rot(a, 14)) >>> 0;
  c = (c ^ b) >>> 0; c = (c - rot(b, 24)) >>> 0;
  return c;
}

/** True when the 4 bytes after `data` hold its lookup3 checksum. */
export function checksumOk(data: Uint8Array, stored: number): boolean {
  return lookup3(data) === stored;
}
