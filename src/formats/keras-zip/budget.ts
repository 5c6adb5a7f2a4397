// What inflating a DEFLATED zip member may cost, shared by both inflaters: inflate.ts (Node's
// zlib, into memory or a sparse temporary file) and inflate.browser.ts (the browser's
// DecompressionStream, into memory or a Blob). A member never yields more than its limit: its
// declared size, or what is left of the archive's budget (limits.ts), whichever is smaller; every
// piece is counted against it before it is handed on.
import { UnreadableError } from '../../errors.js';
import type { ByteSource } from '../source.js';
import { oneLine } from '../text.js';
import { MAX_INFLATED_BYTES } from './limits.js';

/** Raw bytes are read, and inflated bytes handed on, in pieces of this size. */
export const PIECE = 1 << 20;

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

/** The member's raw DEFLATE bytes, read from the archive's source in pieces. */
export async function* rawPieces(job: InflateJob): AsyncGenerator<Uint8Array> {
  const end = job.start + job.length;
  for (let at = job.start; at < end; at += PIECE) yield await job.source.read(at, Math.min(PIECE, end - at));
}

/**
 * Hands each inflated piece and its position to `sink`, counted against the member's limit;
 * returns the bytes inflated. `inflate` runs the inflater, calling `take` for each piece it yields.
 */
export async function countedInflate<P extends Uint8Array>(
  job: InflateJob,
  inflate: (take: (piece: P) => void) => Promise<void>,
  sink: (piece: P, at: number) => void,
): Promise<number> {
  const limit = Math.min(job.declared, job.budget.left);
  let total = 0;
  let stop: UnreadableError | null = null;
  try {
    await inflate((piece) => {
      if (total + piece.length > limit) throw (stop = overLimit(job, limit));
      sink(piece, total);
      total += piece.length;
      job.budget.used += piece.length;
      inflateCounters.inflated += piece.length;
    });
  } catch (e) {
    if (stop) throw stop; // the inflater may report its own abort first
    throw e instanceof UnreadableError ? e : new UnreadableError(job.file, `${named(job)}: ${oneLine(e)}`);
  }
  return total;
}

function overLimit(job: InflateJob, limit: number): UnreadableError {
  const why = limit === job.declared && !job.gzip ? `its declared ${job.declared} bytes` : `the ${job.budget.total} bytes kerascope inflates from one ${job.gzip ? 'file' : 'archive'}`;
  return new UnreadableError(job.file, `${named(job)} inflates past ${why}`);
}
