// The HDF5 payload readers driven the way the worker's jobs name payloads (a host file, or a byte
// range of one), for tests that compare the native reader with the engine on one payload.
import { statSync } from 'node:fs';
import type { H5Contents } from '../../src/formats/hdf5/contents.js';
import type { H5Job } from '../../src/formats/hdf5/jobs.js';
import { BlockCache } from '../../src/formats/hdf5/native/index.js';
import { readNative, readPayload, type NativeResult } from '../../src/formats/hdf5/payload.js';
import { FileSource } from '../../src/formats/file-source.js';
import type { ByteSource } from '../../src/formats/source.js';

export type { H5Job } from '../../src/formats/hdf5/jobs.js';

export function hostJob(file: string): H5Job {
  return { kind: 'host', file, size: statSync(file).size, label: file, source: file, inArchive: false };
}

async function withJob<T>(job: H5Job, fn: (src: ByteSource, inArchive: boolean) => Promise<T>): Promise<T> {
  const file = FileSource.open(job.kind === 'host' ? job.file : job.host, job.kind === 'host' ? job.source : job.host);
  try {
    if (job.kind === 'host') return await fn(file, job.inArchive);
    return await fn(file.window(job.offset, job.length, job.source), true);
  } finally {
    file.close();
  }
}

/** Native reader first, the engine after: what every reader does with an HDF5 payload. */
export function runH5Job(job: H5Job): Promise<H5Contents> {
  return withJob(job, (src, inArchive) => readPayload(src, { label: job.label, inArchive }));
}

/** The native reader alone. */
export function readNativeJob(job: H5Job): Promise<NativeResult> {
  return withJob(job, (src, inArchive) => readNative(src, { label: job.label, inArchive }));
}

/** The native reader's block cache over a whole file, with a read budget. */
export function fileCache(file: string, budget = Infinity): BlockCache {
  const src = FileSource.open(file);
  return new BlockCache(src, 0, src.size, budget, () => src.close());
}

/** Runs a reader on `file` opened as a byte source, closed after. */
export async function onFile<T>(file: string, fn: (src: ByteSource) => Promise<T>): Promise<T> {
  const src = FileSource.open(file);
  try {
    return await fn(src);
  } finally {
    src.close();
  }
}
