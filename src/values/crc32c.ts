// CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), as TensorFlow checksums every tensor it
// writes into a checkpoint (tensorflow/core/util/tensor_bundle/tensor_bundle.cc: BundleWriter::Add
// stores crc32c::Mask(crc) in the tensor's BundleEntryProto; the reader unmasks it and refuses the
// tensor when it differs from the bytes: "Checksum does not match"). Slice-by-8 tables: eight bytes
// per step, so checking costs little beside the SHA-256 of the same bytes. Hand-written (twenty
// lines) rather than a dependency: the npm packages are byte-at-a-time or native builds; the
// test vectors are RFC 3720 B.4's and TensorFlow's own checksums (test/diff-values-savedmodel).

const TABLES = ((): Uint32Array[] => {
  const t = Array.from({ length: 8 }, () => new Uint32Array(256));
  for (let i = 0; i < 256; i++) {
    let c = i;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
    t[0]![i] = c >>> 0;
  }
  for (let i = 0; i < 256; i++) for (let k = 1; k < 8; k++) t[k]![i] = (t[k - 1]![i]! >>> 8) ^ t[0]![t[k - 1]![i]! & 0xff]!;
  return t;
})();

/** The CRC-32C of `crc`'s bytes followed by `b` (start from 0). */
export function crc32c(b: Uint8Array, crc = 0): number {
  const [t0, t1, t2, t3, t4, t5, t6, t7] = TABLES as [Uint32Array, Uint32Array, Uint32Array, Uint32Array, Uint32Array, Uint32Array, Uint32Array, Uint32Array];
  let c = ~crc >>> 0;
  let i = 0;
  const n = b.length;
  for (; i + 8 <= n; i += 8) {
    const lo = (b[i]! | (b[i + 1]! << 8) | (b[i + 2]! << 16) | (b[i + 3]! << 24)) ^ c;
    const hi = b[i + 4]! | (b[i + 5]! << 8) | (b[i + 6]! << 16) | (b[i + 7]! << 24);
    c = t7[lo & 0xff]! ^ t6[(lo >>> 8) & 0xff]! ^ t5[(lo >>> 16) & 0xff]! ^ t4[lo >>> 24]! ^ t3[hi & 0xff]! ^ t2[(hi >>> 8) & 0xff]! ^ t1[(hi >>> 16) & 0xff]! ^ t0[hi >>> 24]!;
  }
  for (; i < n; i++) c = t0[(c ^ b[i]!) & 0xff]! ^ (c >>> 8);
  return ~c >>> 0;
}

/** tensorflow/core/lib/hash/crc32c.h: a stored CRC is rotated right by 15 bits plus a constant. */
const MASK_DELTA = 0xa282ead8;

export function unmask(masked: number): number {
  const rot = (masked - MASK_DELTA) >>> 0;
  return ((rot >>> 17) | (rot << 15)) >>> 0;
}
