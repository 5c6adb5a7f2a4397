// Inflating a DEFLATED zip member, bounded: raw DEFLATE bytes read from the archive's byte source
// in 1 MiB pieces, inflated by zlib in 1 MiB pieces (zlib's default of 16 kB makes 1 GiB of
// zeros cost 7 s instead of 1), every piece counted against a limit before it is handed on. A
// member never yields more than its limit: its declared size, or what is left of the archive's
// budget (limits.ts), whichever is smaller.
import { closeSync, ftruncateSync, openSync, writeSync } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip, createInflateRaw } from 'node:zlib';
import { UnreadableError } from '../../errors.js';
import { asBuffer, type ByteSource } from '../source.js';
import { oneLine } from '../text.js';
import { MAX_INFLATED_BYTES } from './limits.js';

const PIECE = 1 << 20;
/** Runs of zeros this long (and aligned) become holes of a sparse temporary file. */
const HOLE = 64 * 1024;
const ZEROS = Buffer.alloc(HOLE);

/** Bytes inflated and bytes written to temporary files, since the process started (tests read them). */
export const inflateCounters = { inflated: 0, written: 0 };

/** What one archive may still inflate (MAX_INFLATED_BYTES for all its members together). */
export class InflateBudget {
  used = 0;
  constructor(readonly total = MAX_INFLATED_BYTES) {}

  get left(): number {
    return Math.max(0, this.total - this.used);
  }
}

export interface InflateJob {
  /** The archive's bytes, and where the member's raw DEFLATE bytes sit in them. */
  source: ByteSource;
  start: number;
  length: number;
  /** The member's name and the archive (the file errors name). */
  member: string;
  file: string;
  /** The member's declared unpacked size: inflating past it is an error. */
  declared: number;
  budget: InflateBudget;
  /** A gzip stream (`.json.gz`, `.h5.gz`: header, DEFLATE, trailer) rather than a zip member's raw DEFLATE. */
  gzip?: boolean;
}

/** How errors name what is inflated. */
const named = (job: InflateJob): string => (job.gzip ? `gzip stream ${job.member}` : `zip member ${job.member}`);

/** Inflates the member, handing each piece and its position to `sink`; returns the bytes inflated. */
export async function inflateMember(job: InflateJob, sink: (piece: Buffer, at: number) => void): Promise<number> {
  const limit = Math.min(job.declared, job.budget.left);
  let total = 0;
  let stop: UnreadableError | null = null;
  const end = job.start + job.length;
  const raw = Readable.from(
    (async function* () {
      for (let at = job.start; at < end; at += PIECE) yield asBuffer(await job.source.read(at, Math.min(PIECE, end - at)));
    })(),
  );
  try {
    await pipeline(raw, job.gzip ? createGunzip({ chunkSize: PIECE }) : createInflateRaw({ chunkSize: PIECE }), async (pieces: AsyncIterable<Buffer>) => {
      for await (const piece of pieces) {
        if (total + piece.length > limit) throw (stop = overLimit(job, limit));
        sink(piece, total);
        total += piece.length;
        job.budget.used += piece.length;
        inflateCounters.inflated += piece.length;
      }
    });
  } catch (e) {
    if (stop) throw stop; // the pipeline may report its own abort first
    throw e instanceof UnreadableError ? e : new UnreadableError(job.file, `${named(job)}: ${oneLine(e)}`);
  }
  return total;
}

function overLimit(job: InflateJob, limit: number): UnreadableError {
  const why = limit === job.declared && !job.gzip ? `its declared ${job.declared} bytes` : `the ${job.budget.total} bytes kerascope inflates from one ${job.gzip ? 'file' : 'archive'}`;
  return new UnreadableError(job.file, `${named(job)} inflates past ${why}`);
}

/** Inflates the member into memory (config.json, metadata.json). */
export async function inflateToMemory(job: InflateJob): Promise<Buffer> {
  const pieces: Buffer[] = [];
  const total = await inflateMember(job, (p) => pieces.push(p));
  return Buffer.concat(pieces, total);
}

/**
 * Inflates the member into the file `path`, 64 kB blocks of zeros left as holes (a sparse file:
 * zeros cost no disk and read back as zeros). At most the job's limit is ever written.
 */
export async function inflateToFile(job: InflateJob, path: string): Promise<number> {
  const fd = openSync(path, 'w');
  try {
    const total = await inflateMember(job, (piece, at) => {
      for (let i = 0; i < piece.length; i += HOLE) {
        const block = piece.subarray(i, i + HOLE);
        if (block.equals(ZEROS.subarray(0, block.length))) continue;
        writeSync(fd, block, 0, block.length, at + i);
        inflateCounters.written += block.length;
      }
    });
    ftruncateSync(fd, total);
    return total;
  } finally {
    closeSync(fd);
  }
}
