// The HDF5 worker's jobs on Node (worker.ts): the engine of this thread (engine.ts), host files
// opened with node:fs. What a job is and how it runs is run-job.ts, shared with the page's worker.
import { FileSource } from '../file-source.js';
import { getH5Engine } from './engine.js';
import type { BlockCache } from './native/index.js';
import { payloadCacheOf, runJobOn, type H5Job, type H5JobDone } from './run-job.js';

export type { H5Job, H5JobDone } from './run-job.js';

export async function runJob(job: H5Job): Promise<H5JobDone> {
  return runJobOn(await getH5Engine(), job, (path, label) => FileSource.open(path, label));
}

/** The bytes of a job's HDF5 payload on this machine, addressed from its superblock (run-job.ts). */
export function payloadCache(job: H5Job, budget = Infinity): BlockCache {
  return payloadCacheOf(job, (path, label) => FileSource.open(path, label), budget);
}
