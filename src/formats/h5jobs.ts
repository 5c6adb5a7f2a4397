// The jobs the HDF5 worker runs: read one HDF5 payload, a host file or a byte range of one.
import { closeSync, openSync, readSync } from 'node:fs';
import { readContents, withOpen, type H5Contents } from './h5contents.js';
import { getH5Engine } from './h5engine.js';
import type { ReadAt } from './h5ohdr.js';

/**
 * `label`: the file the user gave (named by errors); `source`: where the weights come from
 * (`StoredWeights.file`: the .h5 itself, or `archive.keras:model.weights.h5`).
 */
export type H5Job =
  /** A whole host file (an .h5, or a weights member inflated to a temporary file). */
  | { kind: 'host'; file: string; size: number; label: string; source: string; inArchive: boolean }
  /** `length` bytes of `host` at `offset`: a STORED zip member, served in place. */
  | { kind: 'slice'; host: string; offset: number; length: number; member: string; label: string; source: string };

export interface H5JobDone {
  contents: H5Contents;
  /** Bytes the engine has read from files since it started (tests prove weights are not read). */
  bytesRead: number;
}

export async function runJob(job: H5Job): Promise<H5JobDone> {
  const engine = await getH5Engine();
  const contents =
    job.kind === 'host'
      ? withOpen(job.label, () => engine.open(job.file), (f) =>
          withBytes(job.file, 0, job.size, (read) => readContents(f, job.source, job.size, job.inArchive, read)),
        )
      : withOpen(
          job.label,
          () => engine.openSlice(job.host, job.offset, job.length, job.member),
          (f) => withBytes(job.host, job.offset, job.length, (read) => readContents(f, job.source, job.length, true, read)),
        );
  return { contents, bytesRead: engine.bytesRead };
}

/**
 * Positional reads of `length` bytes of `file` from `start` (the payload), for the object header
 * checks (h5ohdr.ts). The file is opened on the first read; if it cannot be, reads return nothing.
 */
function withBytes<T>(file: string, start: number, length: number, fn: (read: ReadAt) => T): T {
  let fd: number | null | undefined;
  const read: ReadAt = (position, buf) => {
    if (fd === undefined) {
      try {
        fd = openSync(file, 'r');
      } catch {
        fd = null;
      }
    }
    const n = Math.min(buf.length, length - position);
    if (fd === null || n <= 0) return 0;
    try {
      return readSync(fd, buf, 0, n, start + position);
    } catch {
      return 0;
    }
  };
  try {
    return fn(read);
  } finally {
    if (typeof fd === 'number') closeSync(fd);
  }
}
