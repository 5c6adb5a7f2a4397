// The one place a zip member's bytes are read: as text (config.json, metadata.json, a shard
// manifest) or as a byte source of its own for a reader that needs them by position (the HDF5
// weights member, a weights shard). How much may be inflated, and where, is decided here and
// nowhere else.
//
// STORED (what Keras writes): a window of the archive's own source, read in place — nothing is
// copied, a 1 GB member costs the few kB of metadata read from it. DEFLATED: inflated (inflate.ts)
// into memory for text, into a sparse temporary file for weights (temp.ts removes it, on a signal
// too; in a browser, inflate.browser.ts: into a Blob). Before any byte is read, a member is refused (limits.ts) when its bytes overlap another
// member's, when it has the zip-bomb signature the audit reports, or when it declares more than is
// left of the archive's inflation budget; and no member ever yields more than it declared.
import { UnreadableError } from '../../errors.js';
import type { ByteSource } from '../source.js';
import { MAX_JSON_BYTES } from '../text.js';
import type { ZipArchive, ZipMember } from './archive.js';
import type { InflateJob } from './budget.js';
import { inflatedSource, inflateToMemory } from './inflate.js';
import { isBomb, kerasRefuses, MAX_INFLATED_BYTES, ratioOf } from './limits.js';

/** A config.json, metadata.json or shard manifest bigger than the JSON limit is refused unread (text.ts). */
export const MAX_TEXT_MEMBER = MAX_JSON_BYTES;

/** A member kerascope will not read; `reason` says why in a few words after "not read: ". */
export class MemberRefused extends UnreadableError {
  constructor(
    file: string,
    readonly member: string,
    readonly reason: string,
  ) {
    super(file, `zip member ${member} not read: ${reason}`);
    this.name = 'MemberRefused';
  }
}

/** Why the member's bytes must not be read, or null. */
export function refusal(zip: ZipArchive, m: ZipMember): string | null {
  const other = zip.overlaps.get(m);
  if (other)
    return `its bytes overlap those of member ${JSON.stringify(other.name)} (offsets ${m.offset} and ${other.offset}), how a zip bomb reuses one stored copy under many names; Python's zipfile (so Keras) refuses it too ("Overlapped entries")`;
  if (m.method === 0) return null;
  if (isBomb(m)) {
    const keras = kerasRefuses(m) ? '; Keras refuses to load it too (saving_lib._reject_zip_bomb)' : '';
    return `it unpacks ${m.compressedSize} bytes into ${m.uncompressedSize} (ratio ${Math.round(ratioOf(m))}:1), the signature of a zip bomb${keras}`;
  }
  if (m.uncompressedSize > zip.budget.left)
    return `it declares ${m.uncompressedSize} unpacked bytes, more than is left (${zip.budget.left}) of the ${MAX_INFLATED_BYTES} bytes kerascope inflates from one archive`;
  return null;
}

/** Throws unless the member may be read (refused before any of its bytes is), then where its raw bytes start. */
async function admit(zip: ZipArchive, m: ZipMember): Promise<number> {
  const reason = refusal(zip, m);
  if (reason) throw new MemberRefused(zip.file, m.name, reason);
  // A remote archive: a DEFLATED member is inflated whole, so all its bytes would be downloaded.
  const left = zip.source.transferLeft;
  if (m.method !== 0 && left !== undefined && m.compressedSize > left)
    throw new MemberRefused(zip.file, m.name, `it is compressed (${m.compressedSize} bytes) and would have to be downloaded whole to be inflated, more than the ${left} bytes kerascope still transfers for this file`);
  const start = await zip.dataStart(m);
  zip.checkReadable(m);
  return start;
}

function job(zip: ZipArchive, m: ZipMember, start: number, limit: number): InflateJob {
  return { source: zip.source, start, length: m.compressedSize, member: m.name, file: zip.file, declared: Math.min(m.uncompressedSize, limit), budget: zip.budget };
}

/** A small member's bytes (config.json, metadata.json, a shard manifest), at most `limit` of them. */
export async function memberBytes(zip: ZipArchive, m: ZipMember, limit = MAX_TEXT_MEMBER): Promise<Buffer> {
  if (m.uncompressedSize > limit) throw new UnreadableError(zip.file, `zip member ${m.name} is too large (${m.uncompressedSize} bytes)`);
  const start = await admit(zip, m);
  if (m.method === 0) return Buffer.from(await zip.source.read(start, m.compressedSize));
  return inflateToMemory(job(zip, m, start, limit));
}

/** The member's bytes as a source named `archive:member`; the caller closes it (which removes any temporary file). */
export async function memberSource(zip: ZipArchive, m: ZipMember): Promise<ByteSource> {
  const name = `${zip.file}:${m.name}`;
  const start = await admit(zip, m);
  if (m.method === 0) return zip.source.window(start, m.compressedSize, name);
  return inflatedSource(job(zip, m, start, m.uncompressedSize), name);
}
