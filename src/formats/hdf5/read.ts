// Reading Keras HDF5 files: legacy full models, legacy weights-only files, Keras 3 weights
// stores. Metadata only: attributes, names, shapes, dtypes — never a weight value. Loaded only
// when a file is HDF5 (index.ts is the reader's entry), and by keras-zip/ for its members.
// The HDF5 work goes through payload.ts: kerascope's own metadata reader first (native/), the
// engine's worker, which a hostile file cannot hang, for every file that reader hands over.
import { UnreadableError } from '../../errors.js';
import type { ModelSource, StoredWeights } from '../../types.js';
import type { ByteSource } from '../source.js';
import { userBlockIssue } from './audit.js';
import type { H5Contents } from './contents.js';
import { isSignature, signatureOffsets } from './native/index.js';
import { readPayload, superblockOffset } from './payload.js';

export { readPayload, h5BytesRead, superblockOffset, type PayloadOptions } from './payload.js';
export type { H5Contents } from './contents.js';
export { naturalCompare } from './layout.js';

/** True when `bytes` (the start of a file) hold the HDF5 signature at 0, 512, 1024, 2048… */
export function isHdf5(bytes: Uint8Array): boolean {
  return signatureOffsets(bytes.length).some((o) => isSignature(bytes.subarray(o, o + 8)));
}

export async function readHdf5(src: ByteSource): Promise<ModelSource> {
  const { contents, userBlock } = await readWhole(src);
  if (userBlock) contents.issues.unshift(userBlockIssue(userBlock));
  return {
    file: src.name,
    format: contents.format,
    formatLabel: formatLabel(contents),
    kerasVersion: contents.kerasVersion,
    // A legacy file without `keras_version` is Keras 1: Keras 2's loader reads a missing version
    // as "1" (tf_keras hdf5_format.py).
    assumedKerasVersion: contents.format === 'keras3-weights' ? undefined : '1.0',
    backend: contents.backend,
    config: contents.config,
    trainingConfig: contents.trainingConfig,
    weights: contents.weights,
    weightsFile: null,
    findings: contents.findings,
    container: { size: src.size, h5Issues: contents.issues },
  };
}

/** The stored tensors of a weights file (`--weights FILE`); a full model gives its model_weights. */
export async function readWeightsHdf5(src: ByteSource): Promise<StoredWeights> {
  const { contents, userBlock } = await readWhole(src);
  if (!contents.weights) throw new UnreadableError(src.name, 'HDF5 file holds no Keras weights');
  if (userBlock) contents.issues.unshift(userBlockIssue(userBlock));
  const container = { size: src.size, h5Issues: contents.issues };
  return { ...contents.weights, container, ...(contents.findings.length ? { findings: contents.findings } : {}) };
}

async function readWhole(src: ByteSource): Promise<{ contents: H5Contents; userBlock: number }> {
  const at = await superblockOffset(src);
  if (at === null) throw new UnreadableError(src.name, 'not an HDF5 file (no HDF5 signature)');
  const contents = await readPayload(src, { label: src.name, inArchive: false });
  return { contents, userBlock: at };
}

export function formatLabel(c: { format: H5Contents['format']; kerasVersion: string | null }): string {
  const v = c.kerasVersion ? ` (Keras ${c.kerasVersion})` : '';
  switch (c.format) {
    case 'h5-model':
      return `legacy HDF5 full model${v}`;
    case 'h5-weights':
      return `legacy HDF5 weights-only file${v}`;
    case 'keras3-weights':
      return `Keras 3 weights file (.weights.h5)${v}`;
  }
}
