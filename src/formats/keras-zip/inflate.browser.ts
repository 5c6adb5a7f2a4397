// Inflating a DEFLATED zip member in a browser: inflate.ts's twin (same exports), which the page's
// build uses in its place (web/build.ts). The browser's own DecompressionStream('deflate-raw', or
// 'gzip' for a gzipped file) inflates the raw bytes read from the archive's source in 1 MiB pieces, every piece counted
// against the member's limit (budget.ts) before it is handed on. A weights member goes into a
// Blob, built up as it comes (the browser may keep a large one on disk), read back as any File.
import { BlobSource } from '../browser.js';
import type { ByteSource } from '../source.js';
import { countedInflate, rawPieces, type InflateJob } from './budget.js';

export { InflateBudget, inflateCounters, type InflateJob } from './budget.js';

/** Inflates the member, handing each piece and its position to `sink`; returns the bytes inflated. */
export function inflateMember(job: InflateJob, sink: (piece: Uint8Array, at: number) => void): Promise<number> {
  const inflate = async (take: (piece: Uint8Array) => void) => {
    const raw = rawPieces(job);
    const input = new ReadableStream<Uint8Array>({
      async pull(controller) {
        const next = await raw.next();
        if (next.done) controller.close();
        else controller.enqueue(next.value);
      },
    });
    const reader = input.pipeThrough(new DecompressionStream(job.gzip ? 'gzip' : 'deflate-raw') as unknown as ReadableWritablePair<Uint8Array, Uint8Array>).getReader();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return;
        take(value);
      }
    } finally {
      reader.cancel().catch(() => undefined); // stops reading the archive when a limit ends it early
    }
  };
  return countedInflate(job, inflate, sink);
}

/** Inflates the member into memory (config.json, metadata.json). */
export async function inflateToMemory(job: InflateJob): Promise<Buffer> {
  const pieces: Uint8Array[] = [];
  const total = await inflateMember(job, (p) => pieces.push(p));
  return Buffer.concat(pieces, total);
}

/** Inflated bytes are gathered this far in memory before they join the Blob. */
const GATHER = 16 << 20;

/** A weights member inflated into a Blob, as a source named `name`. */
export async function inflatedSource(job: InflateJob, name: string): Promise<ByteSource> {
  let blob = new Blob([]);
  let pending: Uint8Array[] = [];
  let pendingBytes = 0;
  const flush = () => {
    blob = new Blob([blob, ...(pending as BlobPart[])]);
    pending = [];
    pendingBytes = 0;
  };
  await inflateMember(job, (piece) => {
    pending.push(piece);
    pendingBytes += piece.length;
    if (pendingBytes >= GATHER) flush();
  });
  flush();
  return BlobSource.open(blob, name);
}
