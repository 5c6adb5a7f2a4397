// A TensorBundle (a TF2 checkpoint: `variables/variables.index` + `variables.data-NNNNN-of-NNNNN`),
// from tensorflow/core/util/tensor_bundle/tensor_bundle.h and naming.h: the index is a table whose
// key "" holds a BundleHeaderProto (number of shards, endianness) and every other key a tensor's
// BundleEntryProto (dtype, shape, shard, offset and size in that shard). Only the index is read;
// of the data files, only their sizes, and the one small string value a caller asks for.
import { decodeBundleEntry, decodeBundleHeader, ProtoError, type BundleEntry, type BundleHeader } from './proto.js';
import { readTable, TableError } from './table.js';

/** tensorflow/core/framework/types.proto DataType, as the numpy names the rest of kerascope uses. */
const DTYPES: Record<number, string> = {
  1: 'float32', 2: 'float64', 3: 'int32', 4: 'uint8', 5: 'int16', 6: 'int8', 7: 'string', 8: 'complex64',
  9: 'int64', 10: 'bool', 11: 'qint8', 12: 'quint8', 13: 'qint32', 14: 'bfloat16', 15: 'qint16', 16: 'quint16',
  17: 'uint16', 18: 'complex128', 19: 'float16', 20: 'resource', 21: 'variant', 22: 'uint32', 23: 'uint64',
  24: 'float8_e5m2', 25: 'float8_e4m3fn', 26: 'float8_e4m3fnuz', 27: 'float8_e4m3b11fnuz', 28: 'float8_e5m2fnuz',
};

/** Bytes per element of the dtypes TensorFlow writes with a plain memcpy (WriteTensor). */
const ITEM_BYTES: Record<string, number> = {
  float32: 4, float64: 8, int32: 4, uint8: 1, int16: 2, int8: 1, complex64: 8, int64: 8, bool: 1, qint8: 1, quint8: 1,
  qint32: 4, bfloat16: 2, qint16: 2, quint16: 2, uint16: 2, complex128: 16, float16: 2, uint32: 4, uint64: 8,
  float8_e5m2: 1, float8_e4m3fn: 1, float8_e4m3fnuz: 1, float8_e4m3b11fnuz: 1, float8_e5m2fnuz: 1,
};

export interface BundleTensor extends Omit<BundleEntry, 'dtype'> {
  key: string;
  dtype: string;
}

export interface Bundle {
  header: BundleHeader;
  /** Every tensor by checkpoint key, in key order. */
  tensors: Map<string, BundleTensor>;
}

/** An index that does not read, said in one clause. */
export class BundleError extends Error {}

/** `variables.data-00000-of-00001` (naming.h DataFilename: "%s.data-%05d-of-%05d"). */
export function shardName(prefix: string, shard: number, shards: number): string {
  return `${prefix}.data-${String(shard).padStart(5, '0')}-of-${String(shards).padStart(5, '0')}`;
}

export function dtypeName(dtype: number): string {
  return DTYPES[dtype] ?? `dtype ${dtype}`;
}

/** Reads the index table: the header and every entry. `maxInflated` bounds Snappy blocks. */
export async function readBundle(index: Uint8Array, maxInflated: number): Promise<Bundle> {
  let header: BundleHeader | null = null;
  const tensors = new Map<string, BundleTensor>();
  try {
    const utf8 = new TextDecoder('utf-8');
    for (const { key, value } of await readTable(index, maxInflated)) {
      if (key.length === 0) {
        header = decodeBundleHeader(value);
        continue;
      }
      const name = utf8.decode(key);
      const e = decodeBundleEntry(value);
      tensors.set(name, { ...e, key: name, dtype: dtypeName(e.dtype) });
    }
  } catch (e) {
    if (e instanceof TableError || e instanceof ProtoError) throw new BundleError(e.message);
    throw e;
  }
  if (!header) throw new BundleError('no header entry (the empty key): not a TensorBundle index');
  if (header.numShards < 1) throw new BundleError(`its header names ${header.numShards} data shards`);
  return { header, tensors };
}

/** Bytes a tensor of this dtype and shape must take in its shard, when that is fixed (not strings). */
export function expectedBytes(t: BundleTensor): number | null {
  const item = ITEM_BYTES[t.dtype];
  if (!item || !t.shape || t.slices > 0) return null;
  return t.shape.reduce((a, d) => a * d, 1) * item;
}

/** Where each entry's bytes lie against the shard files: what does not fit, in words. */
export function shardProblems(bundle: Bundle, shardSizes: readonly (number | null)[]): string[] {
  const problems: string[] = [];
  for (const t of bundle.tensors.values()) {
    if (t.slices > 0) continue; // a partitioned variable's full entry has no bytes of its own
    if (t.shardId < 0 || t.shardId >= bundle.header.numShards) {
      problems.push(`${t.key} is in shard ${t.shardId}, but the index names ${bundle.header.numShards}`);
      continue;
    }
    const size = shardSizes[t.shardId];
    if (size === null || size === undefined) continue; // the missing shard is said once, by the caller
    if (t.offset + t.size > size) problems.push(`${t.key}: ${t.size} bytes at ${t.offset} run past the ${size}-byte shard ${t.shardId}`);
    const want = expectedBytes(t);
    if (want !== null && want !== t.size) problems.push(`${t.key}: ${t.dtype} ${JSON.stringify(t.shape)} needs ${want} bytes, the index says ${t.size}`);
  }
  return problems;
}

/**
 * A scalar string tensor's bytes as WriteStringTensor lays them out (tensor_bundle.cc):
 * [varint64 length][4-byte masked crc32c of the lengths][the string's bytes].
 */
export function stringScalar(stored: Uint8Array): Uint8Array {
  let length = 0;
  let pos = 0;
  for (let shift = 0; ; shift += 7) {
    if (pos >= stored.length || shift > 63) throw new BundleError('string tensor: its length does not decode');
    const b = stored[pos++]!;
    length += (b & 0x7f) * 2 ** shift;
    if (b < 0x80) break;
  }
  if (pos + 4 + length !== stored.length) throw new BundleError(`string tensor: a ${length}-byte string does not fill its ${stored.length} stored bytes`);
  return stored.subarray(pos + 4);
}
