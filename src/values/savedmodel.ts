// Where a SavedModel's tensors are, for `diff --values` (issue 13): TensorFlow's checkpoint
// (tensorflow/core/util/tensor_bundle/tensor_bundle.h) keeps each tensor's bytes in
// variables.data-NNNNN-of-NNNNN at the (shard, offset, size) its BundleEntryProto in
// variables.index gives, little-endian as TensorFlow wrote them (the header says so), with the
// masked crc32c of those bytes. The index is read again here (the analysis keeps no offsets) with
// the reader's own bounds; shards are opened when a tensor in them is asked for. Each tensor's
// crc32c is checked while it is hashed (../values/index.ts): a mismatch is what TensorFlow's own
// reader refuses ("Checksum does not match"), reported as a finding of the diff.
import { FileSource } from '../formats/file-source.js';
import { BundleError, expectedBytes, readBundle, shardName } from '../formats/savedmodel/bundle.js';
import { MAX_INDEX_BYTES, MAX_SHARDS } from '../formats/savedmodel/read.js';
import type { ByteSource } from '../formats/source.js';
import { unmask } from './crc32c.js';
import type { ValueFile } from './types.js';

/** Dtypes TensorFlow writes with a length prefix or as handles: not a plain run of bytes. */
const NOT_PLAIN = new Set(['string', 'resource', 'variant']);

export async function savedModelFile(index: string): Promise<ValueFile | { why: string }> {
  const src = FileSource.open(index);
  let bundle;
  try {
    if (src.size > MAX_INDEX_BYTES) return { why: `variables.index is ${src.size} bytes, above the ${MAX_INDEX_BYTES} kerascope reads` };
    bundle = await readBundle(await src.read(0, src.size), MAX_INDEX_BYTES);
  } catch (e) {
    if (e instanceof BundleError) return { why: `variables.index: ${e.message}` };
    throw e;
  } finally {
    src.close();
  }
  const n = bundle.header.numShards;
  if (n > MAX_SHARDS) return { why: `variables.index names ${n} data shards` };
  if (bundle.header.endianness !== 0) return { why: 'a big-endian checkpoint (not read)' };
  const prefix = index.replace(/\.index$/, '');
  const shards = new Map<number, ByteSource | null>();
  const shard = (i: number): ByteSource | null => {
    if (!shards.has(i)) {
      try {
        shards.set(i, FileSource.open(shardName(prefix, i, n)));
      } catch {
        shards.set(i, null);
      }
    }
    return shards.get(i)!;
  };
  return {
    locate(key) {
      const t = bundle.tensors.get(key);
      if (!t) return { why: 'not in variables.index' };
      if (t.slices > 0) return { why: 'a partitioned variable (its slices are stored under other keys)' };
      if (NOT_PLAIN.has(t.dtype)) return { why: `a ${t.dtype} tensor` };
      const want = expectedBytes(t);
      if (want === null) return { why: `a ${t.dtype} tensor of unknown size` };
      if (want !== t.size) return { why: `variables.index gives ${t.size} bytes for its ${want}` };
      const name = shardName('variables', t.shardId, n);
      if (t.shardId < 0 || t.shardId >= n) return { why: `in shard ${t.shardId} of ${n}` };
      const s = shard(t.shardId);
      if (!s) return { why: `${name} cannot be opened` };
      if (t.offset + t.size > s.size) return { why: `its ${t.size} bytes at ${t.offset} run past the end of ${name}` };
      const crc = t.crc32c === null ? {} : { crc32c: { stored: unmask(t.crc32c), where: `${name} at ${t.offset}` } };
      return { runs: [{ source: s, offset: t.offset, length: t.size }], bytes: t.size, swap: 0, ...crc };
    },
    close: () => shards.forEach((s) => s?.close()),
  };
}
