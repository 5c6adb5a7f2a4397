// The jobs the HDF5 worker runs: read one HDF5 payload, a host file or a byte range of one.
import { EXTERNAL_CHECK_BYTES } from './h5audit.js';
import { readContents, withOpen, type H5Contents } from './h5contents.js';
import { getH5Engine } from './h5engine.js';
import { payloadSource } from './h5native/index.js';

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
  // The payload's own bytes, for what the engine does not expose (external raw data files).
  const payload = () => payloadSource(job, EXTERNAL_CHECK_BYTES);
  const contents =
    job.kind === 'host'
      ? withOpen(job.label, () => engine.open(job.file), (f) => readContents(f, job.source, job.size, job.inArchive, payload))
      : withOpen(
          job.label,
          () => engine.openSlice(job.host, job.offset, job.length, job.member),
          (f) => readContents(f, job.source, job.length, true, payload),
        );
  return { contents, bytesRead: engine.bytesRead };
}
