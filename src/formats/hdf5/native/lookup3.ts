// Jenkins' lookup3 hash (hashlittle), the checksum HDF5 puts on its version-2 structures
// (superblock v2/v3, OHDR/OCHK object headers, fractal heaps, v2 B-trees): H5checksum.c
// H5_checksum_lookup3 with initval 0. A structure whose checksum fails is handed to the engine.
//
// Written out with int32 arithmetic and no helper calls: it runs once per object header, mostly
// before V8 has optimised it, and a call per rotation made it the native reader's largest cost.

export function lookup3(key: Uint8Array, initval = 0): number {
  return lookup3Of(key, 0, key.length, initval);
}

/** lookup3 of `key[start, end)`: a structure inside a cached block, hashed in place (no view made). */
function lookup3Of(key: Uint8Array, start: number, end: number, initval: number): number {
  let length = end - start;
  let a = (0xdeadbeef + length + initval) | 0;
  let b = a;
  let c = a;
  let k = start;
  while (length > 12) {
    a = (a + (key[k]! | (key[k + 1]! << 8) | (key[k + 2]! << 16) | (key[k + 3]! << 24))) | 0;
    b = (b + (key[k + 4]! | (key[k + 5]! << 8) | (key[k + 6]! << 16) | (key[k + 7]! << 24))) | 0;
    c = (c + (key[k + 8]! | (key[k + 9]! << 8) | (key[k + 10]! << 16) | (key[k + 11]! << 24))) | 0;
    // mix(a, b, c)
    a = (a - c) | 0; a ^= (c << 4) | (c >>> 28); c = (c + b) | 0;
    b = (b - a) | 0; b ^= (a << 6) | (a >>> 26); a = (a + c) | 0;
    c = (c - b) | 0; c ^= (b << 8) | (b >>> 24); b = (b + a) | 0;
    a = (a - c) | 0; a ^= (c << 16) | (c >>> 16); c = (c + b) | 0;
    b = (b - a) | 0; b ^= (a << 19) | (a >>> 13); a = (a + c) | 0;
    c = (c - b) | 0; c ^= (b << 4) | (b >>> 28); b = (b + a) | 0;
    length -= 12;
    k += 12;
  }
  if (length === 0) return c >>> 0;
  // The last 1–12 bytes: 0–3 go to a, 4–7 to b, 8–11 to c, little-endian.
  for (let i = 0; i < length; i++) {
    const v = key[k + i]! << (8 * (i & 3));
    if (i < 4) a = (a + v) | 0;
    else if (i < 8) b = (b + v) | 0;
    else c = (c + v) | 0;
  }
  // final(a, b, c)
  c ^= b; c = (c - ((b << 14) | (b >>> 18))) | 0;
  a ^= c; a = (a - ((c << 11) | (c >>> 21))) | 0;
  b ^= a; b = (b - ((a << 25) | (a >>> 7))) | 0;
  c ^= b; c = (c - ((b << 16) | (b >>> 16))) | 0;
  a ^= c; a = (a - ((c << 4) | (c >>> 28))) | 0;
  b ^= a; b = (b - ((a << 14) | (a >>> 18))) | 0;
  c ^= b; c = (c - ((b << 24) | (b >>> 8))) | 0;
  return c >>> 0;
}

/** True when `stored` is the lookup3 checksum of `data[start, end)` (the whole of `data` by default). */
export function checksumOk(data: Uint8Array, stored: number, start = 0, end = data.length): boolean {
  return lookup3Of(data, start, end, 0) === stored;
}
