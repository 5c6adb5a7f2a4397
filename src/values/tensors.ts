// Where each stored tensor's bytes are, for `kerascope diff --values` (issue 13): the one place
// kerascope reads weight data. Each tensor becomes a list of byte runs (a source, an offset, a
// length) that ../values/index.ts streams through a hash; nothing here holds a tensor in memory.
//  - HDF5 (.h5, .weights.h5, the model.weights.h5 inside a .keras): the dataset's data layout
//    message through kerascope's own HDF5 reader (formats/hdf5/native/data.ts). Keras writes
//    contiguous datasets (h5py without chunks= or compression=); chunked ones (h5py's chunks=,
//    compression="gzip", shuffle=True) are produced band by band by ./chunked.ts; virtual and
//    external data, and filters other than gzip and shuffle, are named and not compared.
//  - Keras 3 sharded weights (x.weights.json and x_NNNNN.weights.h5 beside it, or the same members
//    in a .keras): each tensor in the shard the manifest's weight_map names for its group.
//  - .keras: a STORED member is read in place; a DEFLATED one is inflated to a temporary file
//    first (keras-zip/member.ts memberSource, removed on close), so memory stays bounded.
//  - SavedModel: each tensor at its (shard, offset, size) in variables.data-*, its crc32c checked
//    while it is hashed (./savedmodel.ts).
//  - TensorFlow.js: tensors are packed back to back, in manifest order, across the group's shard
//    files (tfjs-core io_utils.ts decodeWeights): a tensor may span two shards. A quantized one is
//    its stored bytes plus the manifest's scale and min (`quantization`, compared beside the hash).
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { MemorySource, type ByteSource } from '../formats/source.js';
import { FileSource } from '../formats/file-source.js';
import { BlockCache, NativeH5File, isSignature, signatureOffsets } from '../formats/hdf5/native/index.js';
import { InflateBudget } from '../formats/keras-zip/budget.js';
import { chunkedTensor } from './chunked.js';
import type { Run, StoredCrc, TensorBytes, ValueFile } from './types.js';
import { savedModelFile } from './savedmodel.js';
import { ZipArchive } from '../formats/keras-zip/archive.js';
import { memberSource } from '../formats/keras-zip/member.js';
import { shardsOf } from '../formats/keras-zip/shards.js';
import { BYTES, parseManifest } from '../formats/tfjs/manifest.js';
import type { Report } from '../types.js';

export type { Run, StoredCrc, TensorBytes, ValueFile };

/** Reading HDF5 metadata of a file this large stays well under this (the analysis already read it once). */
const BUDGET_MS = 60_000;
const KERAS_WEIGHTS = 'model.weights.h5';
/** A sharded-weights manifest is a few kB per hundred tensors. */
const MAX_MANIFEST_BYTES = 64 * 1024 * 1024;

/** Opens the file of a report that holds the weight values; null with the reason when none does. */
export async function openValues(r: Report): Promise<ValueFile | { why: string }> {
  switch (r.format) {
    case 'keras3-weights':
      if (r.file.endsWith('.json')) return shardedOnDisk(r.file);
      return hdf5File(FileSource.open(r.file), []);
    case 'h5-model':
    case 'h5-weights':
      return hdf5File(FileSource.open(r.file), []);
    case 'keras-zip':
      return kerasArchive(r.file);
    case 'tfjs-layers':
      return tfjsFile(r.file);
    case 'savedmodel':
      return r.weightsFile ? savedModelFile(r.weightsFile) : { why: 'a SavedModel folder without variables' };
    case 'keras-json':
      return r.weightsFile ? openValues({ ...r, file: r.weightsFile, format: r.weightsFile.endsWith('.json') ? 'tfjs-layers' : 'h5-model', weightsFile: null }) : { why: 'an architecture without weights' };
    default:
      return { why: `${r.formatLabel}: weight values are not read from this format` };
  }
}

async function hdf5File(src: ByteSource, more: ByteSource[]): Promise<ValueFile | { why: string }> {
  const closeAll = () => [src, ...more].forEach((s) => s.close());
  const offsets = signatureOffsets(src.size);
  const heads = await src.readMany(offsets.map((offset) => ({ offset, length: 8 })));
  const i = heads.findIndex((h) => isSignature(h));
  if (i < 0) {
    closeAll();
    return { why: 'no HDF5 signature' };
  }
  const base = offsets[i]!;
  const cache = new BlockCache(src, base, src.size - base);
  const h5 = new NativeH5File(cache, base, BUDGET_MS);
  const chunked = { h5, src, base, budget: new InflateBudget() };
  return {
    locate(path) {
      try {
        const at = h5.dataLocation(path);
        if (at.kind === 'unread') return { why: at.why };
        const meta = h5.datasetMeta(path);
        const swap = !meta.littleEndian && meta.size > 1 ? meta.size : 0;
        if (at.kind === 'chunked') return chunkedTensor(chunked, at, meta, swap);
        if (at.kind === 'compact') return { runs: [{ source: new MemorySource(at.bytes, path), offset: 0, length: at.bytes.length }], bytes: at.bytes.length, swap };
        if (base + at.address + at.size > src.size) return { why: 'data past the end of the file' };
        return { runs: [{ source: src, offset: base + at.address, length: at.size }], bytes: at.size, swap };
      } catch (e) {
        return { why: e instanceof Error ? e.message : String(e) };
      }
    },
    close() {
      cache.close();
      closeAll();
    },
  };
}

async function kerasArchive(file: string): Promise<ValueFile | { why: string }> {
  const src = FileSource.open(file);
  let zip: ZipArchive;
  try {
    zip = await ZipArchive.open(src);
  } catch (e) {
    src.close();
    throw e;
  }
  const m = zip.find(KERAS_WEIGHTS);
  if (!m) {
    const manifest = zip.members.find((x) => x.name.endsWith('.weights.json'));
    if (manifest) {
      const dir = manifest.name.slice(0, manifest.name.lastIndexOf('/') + 1);
      const open = async (name: string) => {
        const member = zip.find(dir + name) ?? zip.find(name);
        return member ? memberSource(zip, member) : null;
      };
      return shardedStore(`${file}:${manifest.name}`, (await memberSource(zip, manifest)), open, [src]);
    }
    src.close();
    return { why: `no ${KERAS_WEIGHTS} in the archive (numpy weights are not read for values)` };
  }
  const member = await memberSource(zip, m);
  return hdf5File(member, [src]);
}

/** Shards a sharded store may name for values (Keras writes one per max_shard_size GB). */
const MAX_STORE_SHARDS = 1000;

async function shardedOnDisk(manifest: string): Promise<ValueFile | { why: string }> {
  const dir = dirname(manifest);
  const open = async (name: string) => {
    try {
      return FileSource.open(join(dir, name));
    } catch {
      return null;
    }
  };
  return shardedStore(manifest, FileSource.open(manifest), open, []);
}

/**
 * Keras 3 sharded weights (ShardedH5IOStore, keras/src/saving/saving_lib.py, Keras ≥ 3.10): the
 * manifest's weight_map names, for each variables group ("/layers/dense/vars"), the shard files
 * holding it; a tensor is looked for in those, each shard a Keras 3 store read as any .weights.h5.
 */
async function shardedStore(name: string, manifest: ByteSource, open: (shard: string) => Promise<ByteSource | null>, more: ByteSource[]): Promise<ValueFile | { why: string }> {
  const files = new Map<string, ValueFile>();
  const closeAll = () => {
    files.forEach((f) => f.close());
    more.forEach((s) => s.close());
  };
  let map: Record<string, unknown>;
  try {
    if (manifest.size > MAX_MANIFEST_BYTES) return { why: `${name} is ${manifest.size} bytes, past the ${MAX_MANIFEST_BYTES} read` };
    const raw = JSON.parse(Buffer.from(await manifest.read(0, manifest.size)).toString('utf8')) as { weight_map?: unknown };
    if (!raw || typeof raw.weight_map !== 'object' || raw.weight_map === null) return { why: `${name} has no weight_map` };
    map = raw.weight_map as Record<string, unknown>;
  } catch (e) {
    return { why: `${name}: ${e instanceof Error ? e.message : String(e)}` };
  } finally {
    manifest.close();
  }
  const names = shardsOf(map);
  if (names.length > MAX_STORE_SHARDS) return (closeAll(), { why: `${name} names ${names.length} shards (at most ${MAX_STORE_SHARDS} are read)` });
  for (const shard of names) {
    // Shards sit beside the manifest: a path elsewhere is never opened (as the reader, keras-zip/shards.ts).
    const src = /[/\\]/.test(shard) || shard === '..' || shard === '.' ? null : await open(shard);
    const f = src ? await hdf5File(src, []) : { why: `names shard ${JSON.stringify(shard)}, which is not beside it` };
    if ('why' in f) return (closeAll(), { why: `${name}: ${f.why}` });
    files.set(shard, f);
  }
  return {
    locate(path) {
      const group = '/' + path.slice(0, path.lastIndexOf('/'));
      const listed = map[group];
      const where = (Array.isArray(listed) ? listed : [listed]).filter((x): x is string => typeof x === 'string');
      let first: TensorBytes | null = null;
      for (const shard of where) {
        const t = files.get(shard)?.locate(path) ?? { why: `shard ${shard} not opened` };
        if (!('why' in t)) return t;
        first ??= t;
      }
      return first ?? { why: `${group} is in no shard of the weight_map` };
    },
    close: closeAll,
  };
}

function tfjsFile(file: string): ValueFile | { why: string } {
  const raw = JSON.parse(readFileSync(file, 'utf8')) as { weightsManifest?: unknown };
  const dir = dirname(file);
  const sources: ByteSource[] = [];
  const places = new Map<string, TensorBytes>();
  for (const g of parseManifest(file, raw.weightsManifest ?? [])) {
    const shards = g.paths.map((p) => {
      const s = FileSource.open(join(dir, p));
      sources.push(s);
      return s;
    });
    let at = 0;
    for (const w of g.weights) {
      const dtype = w.quantization?.dtype ?? w.dtype;
      const size = BYTES[dtype];
      if (size === undefined) {
        places.set(w.name, { why: `${dtype} tensors (their length is not fixed)` });
        break; // the offsets of every later tensor in the group depend on this one
      }
      const n = w.shape.reduce((a, b) => a * b, 1) * size;
      const runs = spanning(shards, at, n);
      const found = runs.reduce((a, r) => a + r.length, 0);
      // A quantized tensor (the converter's --quantize_uint8/uint16/float16) is compared as stored:
      // its uint8/uint16/float16 bytes, with the manifest's scale and min (a value is
      // byte × scale + min, tfjs-core io_utils.ts decodeWeights), so it equals the same
      // quantization and differs from its float32 original (another size: never read).
      const quantization = w.quantization ? JSON.stringify([w.quantization.dtype, w.quantization.scale ?? null, w.quantization.min ?? null]) : undefined;
      places.set(w.name, found === n ? { runs, bytes: n, swap: 0, ...(quantization ? { quantization } : {}) } : { why: 'its shard files end before it does' });
      at += n;
    }
  }
  return {
    locate: (path) => places.get(path) ?? { why: 'not in the weights manifest' },
    close: () => sources.forEach((s) => s.close()),
  };
}

/** The runs of bytes [at, at + n) of the shards read as one buffer. */
function spanning(shards: ByteSource[], at: number, n: number): Run[] {
  const runs: Run[] = [];
  let start = 0;
  for (const s of shards) {
    const end = start + s.size;
    const from = Math.max(at, start);
    const to = Math.min(at + n, end);
    if (from < to) runs.push({ source: s, offset: from - start, length: to - from });
    start = end;
  }
  return runs;
}
