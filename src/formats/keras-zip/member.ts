// The one place a zip member becomes a byte source of its own, for a reader that needs its bytes
// by position (the HDF5 weights member, a weights shard).
//
// STORED (what Keras writes): a window of the archive's own source, read in place — nothing is
// copied, a 1 GB member costs the few kB of metadata read from it. DEFLATED: the member is
// inflated as a stream to a temporary file (never whole in memory, never past its declared size)
// and served from there; the file goes when the source is closed. How much may be inflated, and
// where, is decided here and nowhere else.
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileSource, type ByteSource } from '../source.js';
import type { ZipArchive, ZipMember } from './archive.js';

/** The member's bytes as a source named `archive:member`; the caller closes it. */
export async function memberSource(zip: ZipArchive, m: ZipMember): Promise<ByteSource> {
  const name = `${zip.file}:${m.name}`;
  if (m.method === 0) return zip.source.window(await zip.dataStart(m), m.compressedSize, name);
  const dir = mkdtempSync(join(tmpdir(), 'kerascope-'));
  const remove = () => rmSync(dir, { recursive: true, force: true });
  try {
    const tmp = join(dir, 'weights.h5');
    await zip.inflateTo(m, createWriteStream(tmp));
    return FileSource.open(tmp, name, remove);
  } catch (e) {
    remove();
    throw e;
  }
}
