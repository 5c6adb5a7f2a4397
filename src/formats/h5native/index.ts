// kerascope's own reader of HDF5 metadata, tried before the HDF5 engine for every payload.
//
// Why: h5wasm costs every process ≈ 0.15 s and 40 MB to load (its 4.2 MB module parsed, the wasm
// decoded and initialised), plus a worker thread, and one wasm round trip per object (≈ 80 µs:
// 0.7 s for a 2,000-layer file); issue 3's goals leave no room for that (docs/bench.md). The
// metadata of a Keras file is a small part of the HDF5 format: this reader handles that part
// (superblocks 0–3, object headers 1–2, symbol-table, compact and dense groups and attributes,
// the datatypes and layouts Keras writes, external raw data lists) and gives up on anything else —
// user blocks with an odd base, shared messages, virtual datasets, filters on heaps — so the
// engine answers for those files, as before. A file broken where this reader looked (a checksum,
// an address past the end, a structure that does not add up) is handed over as corrupt: the
// engine gets a short try to word its own error (h5client.ts). Every read is positional and
// bounded; nothing here can loop (each block is read once) or run long (a time budget), and no
// weight value is read.
import { superblockOffset } from '../h5audit.js';
import { readContents, type H5Contents } from '../h5contents.js';
import type { H5Job } from '../h5jobs.js';
import { NativeH5File } from './file.js';
import { ByteSource, giveUp, NativeCorrupt, NativeGiveUp } from './source.js';

export interface NativeResult {
  contents: H5Contents | null;
  /** Why the native reader handed the file to the engine (null when it answered). */
  gaveUp: string | null;
  /** It handed the file over because the file is broken where it looked (NativeCorrupt). */
  corrupt: boolean;
  bytesRead: number;
}

/** A file that takes the native reader longer than this goes to the engine. */
const BUDGET_MS = 5000;

/** `KERASCOPE_H5_READER=engine` sends every payload to the engine (tests of the engine's hooks). */
export function nativeEnabled(): boolean {
  return process.env['KERASCOPE_H5_READER'] !== 'engine';
}

export function readNative(job: H5Job): NativeResult {
  let src: ByteSource;
  try {
    src = payloadSource(job);
  } catch (e) {
    return { contents: null, gaveUp: e instanceof Error ? e.message : String(e), corrupt: false, bytesRead: 0 };
  }
  let f: NativeH5File | null = null;
  try {
    f = new NativeH5File(src, job.kind === 'host' ? src.start : 0, BUDGET_MS);
    const contents =
      job.kind === 'host' ? readContents(f, job.source, job.size, job.inArchive) : readContents(f, job.source, job.length, true);
    if (f.failure) return handOver(f.failure, src);
    return { contents, gaveUp: null, corrupt: false, bytesRead: src.bytesRead };
  } catch (e) {
    // Whatever went wrong here (a give-up, a file that is not Keras, a broken structure), the
    // engine reads the file again and words the answer.
    const failure = e instanceof NativeGiveUp ? e : (f?.failure ?? new NativeGiveUp(e instanceof Error ? e.message : String(e)));
    return handOver(failure, src);
  } finally {
    src.close();
  }
}

function handOver(failure: NativeGiveUp, src: ByteSource): NativeResult {
  return { contents: null, gaveUp: failure.message, corrupt: failure instanceof NativeCorrupt, bytesRead: src.bytesRead };
}

/**
 * The bytes of a job's HDF5 payload, addressed from its superblock: a host file past its user
 * block (if any), or a STORED zip member in place.
 */
export function payloadSource(job: H5Job, budget = Infinity): ByteSource {
  if (job.kind === 'slice') return new ByteSource(job.host, job.offset, job.length, budget);
  const at = superblockOffset(job.file, job.size) ?? giveUp('no HDF5 signature');
  return new ByteSource(job.file, at, job.size - at, budget);
}
