// One HDF5 payload read from a byte source — a whole .h5, a STORED member of a .keras read in
// place, an inflated member, a shard: kerascope's own metadata reader first (native/, in this
// thread, no engine to load), the HDF5 engine (h5wasm in its worker, client.ts) for every file
// that reader hands over.
import { envVar } from '../../env.js';
import { UnreadableError } from '../../errors.js';
import type { ByteSource } from '../source.js';
import { h5Deadline, engineBytesRead, runEngineJob, type Limit } from './client.js';
import { readContents, type H5Contents } from './contents.js';
import type { H5Job } from './run-job.js';
import { BlockCache, isSignature, NativeCorrupt, NativeGiveUp, NativeH5File, NeedBytes, signatureOffsets } from './native/index.js';

export interface PayloadOptions {
  /** The file the user gave, named by errors (the archive for a member). */
  label: string;
  /** A member of a .keras archive or a shard: a Keras 3 store even when it is empty. */
  inArchive: boolean;
}

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
/**
 * Batches of reads a source without `readNow` may be asked for (each pass of the native reader
 * ends in one): past them the file goes to the engine.
 */
const MAX_PASSES = 64;
/**
 * Seconds the engine gets for a file the native reader found broken (an address past the end, a
 * heap that does not add up): enough for libhdf5 to word its own error, and a bound on the loops
 * it falls into on some of these files (fuzz seeds 12 and 31).
 */
const CORRUPT_FILE_SECONDS = 3;

let nativeBytesRead = 0;

/** `KERASCOPE_H5_READER=engine` sends every payload to the engine (tests of the engine's hooks). */
export function nativeEnabled(): boolean {
  return envVar('KERASCOPE_H5_READER') !== 'engine';
}

/** Bytes both HDF5 readers read from files so far (tests: no weight bytes read). */
export function h5BytesRead(): number {
  return engineBytesRead() + nativeBytesRead;
}

/** Where the HDF5 superblock starts in `src`: 0, or 512, 1024, 2048… after a user block; null if nowhere. */
export async function superblockOffset(src: ByteSource, limit = Infinity): Promise<number | null> {
  // At 0 nearly always: the other places are asked only when it is not (a remote file pays per byte).
  if (src.size >= 8 && isSignature(await src.read(0, 8))) return 0;
  const offsets = signatureOffsets(src.size, limit);
  const heads = await src.readMany(offsets.map((offset) => ({ offset, length: 8 })));
  const i = heads.findIndex((h) => isSignature(h));
  return i < 0 ? null : offsets[i]!;
}

/** What an HDF5 payload holds: the native reader's answer, or the engine's. */
export async function readPayload(src: ByteSource, opts: PayloadOptions): Promise<H5Contents> {
  let gaveUp: string | null = null;
  if (nativeEnabled()) {
    const r = await readNative(src, opts);
    nativeBytesRead += r.bytesRead;
    if (r.contents) return r.contents;
    gaveUp = r.gaveUp;
    if (envVar('KERASCOPE_DEBUG_NATIVE')) process.stderr.write(`kerascope: ${opts.label}: native HDF5 reader gave up: ${r.gaveUp}\n`);
    if (r.corrupt) {
      const seconds = Math.min(h5Deadline(), CORRUPT_FILE_SECONDS);
      return runEngineJob(engineJob(src, opts, r.gaveUp), { seconds, onTimeout: `HDF5 file is corrupt: ${r.gaveUp}` } satisfies Limit);
    }
  }
  return runEngineJob(engineJob(src, opts, gaveUp));
}

/**
 * The native reader on one payload. A source that answers at once is read in one pass; one that
 * cannot is read in passes, each ending in one batch of reads (NeedBytes), what was parsed kept.
 */
export async function readNative(src: ByteSource, opts: PayloadOptions): Promise<NativeResult> {
  const at = await superblockOffset(src);
  if (at === null) return { contents: null, gaveUp: 'no HDF5 signature', corrupt: false, bytesRead: 0 };
  const cache = new BlockCache(src, at, src.size - at);
  let f: NativeH5File | null = null;
  try {
    for (let pass = 1; ; pass++) {
      let failure: NativeGiveUp | null = null;
      let contents: H5Contents | null = null;
      try {
        f ??= new NativeH5File(cache, at, BUDGET_MS);
        f.startPass();
        // Over a source that cannot answer at once, each pass first asks for the whole frontier.
        if (!cache.answersAtOnce) f.warm();
        contents = readContents(f, src.name, src.size, opts.inArchive);
        failure = f.failure;
      } catch (e) {
        // Whatever went wrong here (a give-up, a file that is not Keras, a broken structure), the
        // engine reads the file again and words the answer.
        if (!(e instanceof NeedBytes)) failure = e instanceof NativeGiveUp ? e : (f?.failure ?? new NativeGiveUp(e instanceof Error ? e.message : String(e)));
      }
      // A pass that wanted bytes may have ended on a guess: only a pass that had them all counts.
      if (cache.wanted.size === 0) {
        if (failure || !contents) return handOver(failure ?? new NativeGiveUp('no answer'), cache);
        return { contents, gaveUp: null, corrupt: false, bytesRead: cache.bytesRead };
      }
      if (pass >= MAX_PASSES) return handOver(new NativeGiveUp(`more than ${MAX_PASSES} batches of reads`), cache);
      f?.endPass();
      await cache.fetchWanted();
    }
  } catch (e) {
    return handOver(e instanceof NativeGiveUp ? e : new NativeGiveUp(e instanceof Error ? e.message : String(e)), cache);
  } finally {
    cache.close();
  }
}

function handOver(failure: NativeGiveUp, cache: BlockCache): NativeResult {
  return { contents: null, gaveUp: failure.message, corrupt: failure instanceof NativeCorrupt, bytesRead: cache.bytesRead };
}

/** The engine's job for `src`: the engine opens host files itself, so it needs where they are. */
function engineJob(src: ByteSource, opts: PayloadOptions, gaveUp: string | null): H5Job {
  const local = src.local;
  if (!local) {
    const why = gaveUp ? ` (kerascope's own reader handed it over: ${gaveUp})` : '';
    throw new UnreadableError(opts.label, `this HDF5 file needs the HDF5 engine, which reads only files on this machine${why}`);
  }
  const source = src.name;
  if (local.whole) return { kind: 'host', file: local.path, size: src.size, label: opts.label, source, inArchive: opts.inArchive };
  const member = source.slice(source.lastIndexOf(':') + 1);
  return { kind: 'slice', host: local.path, offset: local.offset, length: src.size, member, label: opts.label, source };
}
