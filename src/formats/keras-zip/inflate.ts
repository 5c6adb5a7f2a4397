// Inflating a DEFLATED zip member on Node: raw DEFLATE bytes read from the archive's byte source
// in 1 MiB pieces, inflated by zlib in 1 MiB pieces (zlib's default of 16 kB makes 1 GiB of
// zeros cost 7 s instead of 1), every piece counted against the member's limit (budget.ts). A
// weights member goes to a sparse temporary file, which the HDF5 engine can open if it must.
// The browser build uses inflate.browser.ts in its place (same exports; web/build.mjs).
import { closeSync, ftruncateSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip, createInflateRaw } from 'node:zlib';
import { FileSource } from '../file-source.js';
import type { ByteSource } from '../source.js';
import { asBuffer } from '../source.js';
import { makeTempDir, removeTempDir, writeSparse } from '../temp.js';
import { countedInflate, inflateCounters, PIECE, rawPieces, type InflateJob } from './budget.js';

export { InflateBudget, inflateCounters, type InflateJob } from './budget.js';

/** Inflates the member, handing each piece and its position to `sink`; returns the bytes inflated. */
export function inflateMember(job: InflateJob, sink: (piece: Buffer, at: number) => void): Promise<number> {
  const raw = Readable.from((async function* () {
    for await (const b of rawPieces(job)) yield asBuffer(b);
  })());
  const inflate = (take: (piece: Buffer) => void) =>
    pipeline(raw, job.gzip ? createGunzip({ chunkSize: PIECE }) : createInflateRaw({ chunkSize: PIECE }), async (pieces: AsyncIterable<Buffer>) => {
      for await (const piece of pieces) take(piece);
    });
  return countedInflate(job, inflate, sink);
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
      inflateCounters.written += writeSparse(fd, piece, at);
    });
    ftruncateSync(fd, total);
    return total;
  } finally {
    closeSync(fd);
  }
}

/**
 * A weights member inflated into a temporary file (temp.ts removes it, on a signal too), as a
 * source named `name`: closing it removes the file.
 */
export async function inflatedSource(job: InflateJob, name: string): Promise<ByteSource> {
  const dir = makeTempDir();
  const remove = () => removeTempDir(dir);
  try {
    const tmp = join(dir, 'weights.h5');
    await inflateToFile(job, tmp);
    return FileSource.open(tmp, name, remove);
  } catch (e) {
    remove();
    throw e;
  }
}
