// gzip-compressed inputs (`model.json.gz` — the project's own fixtures/keras-apps are — and
// `model.h5.gz`): a compression around a file of another family, not a family of its own. The
// dispatcher (../index.ts) sees gzip's magic in the head, has the stream inflated here, and reads
// what comes out as if it had been given that file. Inflated with the zip reader's code and caps
// (keras-zip/inflate.ts, limits.ts: at most 1 GiB, in 1 MiB pieces, counted before they are
// kept) into a sparse temporary file, removed when the read is done or the process is stopped —
// or, in the page, by inflate.browser.ts into a Blob.
import { InflateBudget, inflatedSource } from '../keras-zip/inflate.js';
import { MAX_INFLATED_BYTES } from '../keras-zip/limits.js';
import type { ByteSource } from '../source.js';

/** gzip's magic (RFC 1952 §2.3.1): 1f 8b, then compression method 8 (deflate). */
export function isGzip(start: Uint8Array): boolean {
  return start.length >= 3 && start[0] === 0x1f && start[1] === 0x8b && start[2] === 8;
}

/** `model.h5.gz` → `model.h5`: the name the inflated file is read under. */
export function innerName(name: string): string {
  return name.replace(/\.gz$/i, '') === name ? `${name} (inflated)` : name.replace(/\.gz$/i, '');
}

/** Inflates `src` and hands the inflated bytes, as a local file named `name`, to `read`; everything is removed after. */
export async function readGunzipped<T>(src: ByteSource, name: string, read: (inner: ByteSource, inflated: number) => Promise<T>, limit = MAX_INFLATED_BYTES): Promise<T> {
  const budget = new InflateBudget(limit);
  const inner = await inflatedSource({ source: src, start: 0, length: src.size, member: src.name, file: src.name, declared: limit, budget, gzip: true }, name);
  try {
    return await read(inner, inner.size);
  } finally {
    inner.close(); // removes the temporary file (inflate.ts)
  }
}
