// The HDF5 family's reader: `.h5`, `.hdf5`, `.weights.h5` (legacy full models, legacy weights
// files, Keras 3 weights stores). Claimed by the HDF5 signature at 0, or after a user block at
// 512, 1024, 2048…; the reading itself (read.ts, the native reader and the engine) is loaded only
// when a file is HDF5, so a JSON input never pays for it.
import type { FormatReader, Head } from '../reader.js';
import { isSignature } from './native/superblock.js';

export const hdf5Reader: FormatReader = {
  id: 'hdf5',
  claims: (head: Head) => isSignature(head.start) || [...head.probes.values()].some((b) => isSignature(b)),
  readModel: async (src) => (await import('./read.js')).readHdf5(src),
  readWeights: async (src) => (await import('./read.js')).readWeightsHdf5(src),
};
