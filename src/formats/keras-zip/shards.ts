// Sharded Keras 3 weights (Keras ≥ 3.10, `save_weights(..., max_shard_size=…)`):
// `x.weights.json` = `{"metadata": {...}, "weight_map": {var_path: shard | [shards]}}` and the
// shard files `x_00000.weights.h5`, … beside it (or beside it inside a .keras archive), each a
// Keras 3 store (keras/src/saving/saving_lib.py).
import { UnreadableError } from '../../errors.js';
import type { ModelSource, StoredGroup, StoredWeights } from '../../types.js';
import { naturalCompare, readPayload, type H5Contents } from '../hdf5/read.js';
import type { ReadContext } from '../reader.js';
import { beside } from '../folder.js';
import type { ByteSource } from '../source.js';
import { parseJsonText, readText } from '../text.js';
import { isShardManifest } from './signs.js';

/** A sharded-weights manifest on disk read as a weights-only model (`kerascope x.weights.json`). */
export async function readShardedModel(src: ByteSource, ctx: ReadContext): Promise<ModelSource> {
  return weightsOnly(src, await readShardedWeights(src, ctx));
}

/** The weights of a sharded store, every shard read as metadata; a missing shard is unreadable. */
export async function readShardedWeights(src: ByteSource, ctx: ReadContext): Promise<StoredWeights> {
  const manifest = ctx.head.json?.value ?? parseJsonText(src.name, await readText(src));
  if (!isShardManifest(manifest)) throw new UnreadableError(src.name, 'JSON without a weight_map: not a sharded-weights manifest');
  if (ctx.folder === null) throw new UnreadableError(src.name, 'a sharded-weights manifest needs its folder to find its shards');
  const parts = [];
  for (const shard of shardsOf(manifest.weight_map)) {
    // Shards sit beside the manifest: a path elsewhere is not opened.
    if (/[/\\]/.test(shard) || shard === '..' || shard === '.')
      throw new UnreadableError(src.name, `names shard ${JSON.stringify(shard)}, which is not a file name beside it`);
    const entry = beside(ctx.entry, shard);
    let shardSrc: ByteSource;
    try {
      shardSrc = await ctx.folder.open(entry);
    } catch {
      throw new UnreadableError(src.name, `names shard ${shard}, which is not beside it`);
    }
    try {
      parts.push(await readPayload(shardSrc, { label: shardSrc.name, inArchive: true }));
    } finally {
      shardSrc.close();
    }
  }
  return mergeShards(src.name, parts);
}

function weightsOnly(src: ByteSource, weights: StoredWeights): ModelSource {
  return {
    file: src.name,
    format: 'keras3-weights',
    formatLabel: 'Keras 3 sharded weights (.weights.json and its shards)',
    kerasVersion: null,
    backend: null,
    config: null,
    trainingConfig: null,
    weights,
    weightsFile: null,
    findings: [],
    container: { size: src.size },
  };
}

/** Shard file names in first-mention order (a value is one name or a list of names). */
export function shardsOf(weightMap: Record<string, unknown>): string[] {
  const names = new Set<string>();
  for (const v of Object.values(weightMap)) for (const s of Array.isArray(v) ? v : [v]) if (typeof s === 'string') names.add(s);
  return [...names];
}

/** One store out of several shards: groups of one path merged, tensors kept in `vars/<i>` order. */
export function mergeShards(file: string, parts: H5Contents[]): StoredWeights {
  const byPath = new Map<string, StoredGroup>();
  for (const part of parts)
    for (const g of part.weights?.groups ?? []) {
      const seen = byPath.get(g.path);
      if (!seen) byPath.set(g.path, { ...g, tensors: [...g.tensors] });
      else {
        seen.tensors.push(...g.tensors);
        seen.label ??= g.label;
      }
    }
  const groups = [...byPath.values()].sort((a, b) => naturalCompare(a.path, b.path));
  for (const g of groups) g.tensors.sort((a, b) => naturalCompare(a.name, b.name));
  return {
    layout: 'keras3',
    file,
    groups,
    optimizer: parts.flatMap((p) => p.weights?.optimizer ?? []),
    ...(parts.some((p) => p.weights?.metrics?.length) ? { metrics: parts.flatMap((p) => p.weights?.metrics ?? []) } : {}),
    kerasVersion: null,
    backend: null,
  };
}
