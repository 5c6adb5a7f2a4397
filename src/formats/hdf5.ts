// Reader for Keras HDF5 files: legacy full models, legacy weights-only files, Keras 3 weights
// stores. Metadata only: attributes, names, shapes, dtypes — never a weight value.
// The HDF5 work goes through h5client.ts: kerascope's own metadata reader first (h5native/), the
// engine's worker, which a hostile file cannot hang, for every file that reader hands over.
import { statSync } from 'node:fs';
import { UnreadableError } from '../errors.js';
import type { ModelSource, StoredWeights } from '../types.js';
import { superblockIn, superblockOffset, userBlockIssue } from './h5audit.js';
import { runH5Job } from './h5client.js';
import type { H5Contents } from './h5contents.js';

/** True when `bytes` (the start of a file) hold the HDF5 signature at 0, 512, 1024, 2048… */
export function isHdf5(bytes: Buffer): boolean {
  return superblockIn((offset, buf) => bytes.copy(buf, 0, offset, offset + buf.length), bytes.length) !== null;
}

export async function readHdf5(file: string): Promise<ModelSource> {
  const size = fileSize(file);
  const { contents, userBlock } = await readHostFile(file, size);
  if (userBlock) contents.issues.unshift(userBlockIssue(userBlock));
  return {
    file,
    format: contents.format,
    formatLabel: formatLabel(contents),
    kerasVersion: contents.kerasVersion,
    backend: contents.backend,
    config: contents.config,
    trainingConfig: contents.trainingConfig,
    weights: contents.weights,
    weightsFile: null,
    findings: contents.findings,
    container: { size, h5Issues: contents.issues },
  };
}

/** The stored tensors of a weights file (`--weights FILE`); a full model gives its model_weights. */
export async function readWeightsHdf5(file: string): Promise<StoredWeights> {
  const { contents } = await readHostFile(file, fileSize(file));
  if (!contents.weights) throw new UnreadableError(file, 'HDF5 file holds no Keras weights');
  return contents.weights;
}

function fileSize(file: string): number {
  try {
    const st = statSync(file);
    if (!st.isFile()) throw new UnreadableError(file, 'not a regular file');
    return st.size;
  } catch (e) {
    if (e instanceof UnreadableError) throw e;
    throw new UnreadableError(file, `cannot read file: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
}

async function readHostFile(file: string, size: number): Promise<{ contents: H5Contents; userBlock: number }> {
  const at = superblockOffset(file, size);
  if (at === null) throw new UnreadableError(file, 'not an HDF5 file (no HDF5 signature)');
  const contents = await runH5Job({ kind: 'host', file, size, label: file, source: file, inArchive: false });
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

