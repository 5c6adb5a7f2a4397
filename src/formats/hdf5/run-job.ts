// The jobs an HDF5 engine worker runs: read one HDF5 payload with the engine, a host file or a
// byte range of one. Jobs name host files (the worker opens them itself): the engine reads only
// through its file system (h5wasm.ts) — the host's on Node (jobs.ts, worker.ts), the page's
// mounted Blobs in a browser (web/engine-worker.ts). Nothing here touches Node.
import { UnreadableError } from '../../errors.js';
import type { ByteSource, ReadNow } from '../source.js';
import { EXTERNAL_CHECK_BYTES } from './audit.js';
import { readContents, type H5Contents } from './contents.js';
import type { H5Engine, H5File } from './h5wasm.js';
import { BlockCache, H5Error, isSignature, signatureOffsets } from './native/index.js';

/** Opens a host file the job names, as a source that answers at once (named `label` in errors). */
export type OpenHost = (path: string, label: string) => ByteSource & { readonly readNow: ReadNow };

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

/** Runs `job` on `engine`; `openHost` opens the payload's own bytes. */
export function runJobOn(engine: H5Engine, job: H5Job, openHost: OpenHost): H5JobDone {
  // The payload's own bytes, for what the engine does not expose (external raw data files).
  const payload = () => payloadCacheOf(job, openHost, EXTERNAL_CHECK_BYTES);
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

/** Opens, runs, closes; every engine failure becomes one UnreadableError line. */
function withOpen<T>(file: string, open: () => H5File, fn: (f: H5File) => T): T {
  let f: H5File | null = null;
  try {
    f = open();
    return fn(f);
  } catch (e) {
    if (e instanceof UnreadableError) throw e;
    if (e instanceof H5Error) throw new UnreadableError(file, `HDF5 cannot read this file: ${e.message}`);
    if (e instanceof RangeError || e instanceof WebAssembly.RuntimeError)
      throw new UnreadableError(file, `HDF5 engine failed on this file: ${e.message.split('\n')[0]}`);
    throw e;
  } finally {
    f?.close();
  }
}

/**
 * The bytes of a job's HDF5 payload, addressed from its superblock, with a read budget: a host
 * file past its user block (if any), or a STORED zip member in place.
 */
export function payloadCacheOf(job: H5Job, openHost: OpenHost, budget = Infinity): BlockCache {
  const file = openHost(job.kind === 'slice' ? job.host : job.file, job.label);
  try {
    if (job.kind === 'slice') return new BlockCache(file, job.offset, job.length, budget, () => file.close());
    const at = signatureOffsets(file.size).find((o) => isSignature(file.readNow(o, 8)));
    if (at === undefined) throw new UnreadableError(job.label, 'not an HDF5 file (no HDF5 signature)');
    return new BlockCache(file, at, file.size - at, budget, () => file.close());
  } catch (e) {
    file.close();
    throw e;
  }
}
