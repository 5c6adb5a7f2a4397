// Sharded Keras 3 weights on disk (Keras ≥ 3.10, `save_weights(..., max_shard_size=…)`):
// `x.weights.json` = `{"metadata": {...}, "weight_map": {var_path: shard | [shards]}}` and the
// shard files `x_00000.weights.h5`, … beside it, each a Keras 3 store (keras/src/saving/saving_lib.py).
import { readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { UnreadableError } from '../errors.js';
import type { StoredWeights } from '../types.js';
import { runH5Job } from './h5client.js';
import { mergeShards, shardsOf } from './kerasZip.js';
import { oneLine } from './oneLine.js';

/** True for a parsed `*.weights.json` manifest. */
export function isShardManifest(v: unknown): v is { weight_map: Record<string, unknown> } {
  const map = (v as { weight_map?: unknown } | null)?.weight_map;
  return typeof map === 'object' && map !== null && !Array.isArray(map);
}

/** The weights of a sharded store, every shard read as metadata; a missing shard is unreadable. */
export async function readShardedWeights(manifestFile: string): Promise<StoredWeights> {
  let manifest: unknown;
  try {
    manifest = JSON.parse(readFileSync(manifestFile, 'utf8'));
  } catch (e) {
    throw new UnreadableError(manifestFile, `not a readable sharded-weights manifest: ${oneLine(e)}`);
  }
  if (!isShardManifest(manifest)) throw new UnreadableError(manifestFile, 'JSON without a weight_map: not a sharded-weights manifest');
  const parts = [];
  for (const shard of shardsOf(manifest.weight_map)) {
    // Shards sit beside the manifest: a path elsewhere is not opened.
    if (/[/\\]/.test(shard) || shard === '..' || shard === '.')
      throw new UnreadableError(manifestFile, `names shard ${JSON.stringify(shard)}, which is not a file name beside it`);
    const file = join(dirname(manifestFile), shard);
    let size: number;
    try {
      size = statSync(file).size;
    } catch {
      throw new UnreadableError(manifestFile, `names shard ${shard}, which is not beside it`);
    }
    parts.push(await runH5Job({ kind: 'host', file, size, label: file, source: file, inArchive: true }));
  }
  return mergeShards(manifestFile, parts);
}
