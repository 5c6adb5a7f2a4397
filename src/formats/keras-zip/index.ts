// The keras-zip family's readers: `.keras` archives (keras/src/saving/saving_lib.py), and Keras 3
// sharded weights on disk (`x.weights.json` + its shards). The reading (read.ts, shards.ts: yauzl,
// the HDF5 readers) is loaded only when a file is one of these.
import type { FormatReader } from '../reader.js';
import { isShardManifest, isZip } from './signs.js';

export { isZip } from './signs.js';

export const kerasZipReader: FormatReader = {
  id: 'keras-zip',
  claims: (head) => isZip(head.start),
  readModel: async (src) => (await import('./read.js')).readKerasZip(src),
  readWeights: async (src) => (await import('./read.js')).readKerasZipWeights(src),
};

/** A sharded-weights manifest on disk, its shards beside it. */
export const kerasShardsReader: FormatReader = {
  id: 'keras-shards',
  claims: (head) => isShardManifest(head.json?.value),
  readModel: async (src, ctx) => (await import('./shards.js')).readShardedModel(src, ctx),
  readWeights: async (src, ctx) => (await import('./shards.js')).readShardedWeights(src, ctx),
};
