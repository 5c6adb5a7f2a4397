// What kerascope will read out of one zip archive, and the rules that stop it: the numbers the
// README's Limits section documents. A leaf module (types only): the reader applies the rules
// before it reads a member, the audit (src/audit/container.ts) reports the same rules as findings.
import type { ZipMemberInfo } from '../../types.js';

/** Central-directory entries read from one archive: Keras writes 3 or 4 (config, metadata, weights, assets). */
export const MAX_ZIP_ENTRIES = 10_000;
/** Bytes of central directory read from one archive (10,000 entries with names of 1.6 kB). */
export const MAX_CENTRAL_DIRECTORY_BYTES = 16 * 1024 * 1024;
/** Bytes inflated out of one archive, every DEFLATED member together; also the most a temporary file holds. */
export const MAX_INFLATED_BYTES = 1024 * 1024 * 1024;
/** The audit's zip bomb: at least 16 MiB unpacked at more than 200:1 (DEFLATE tops out near 1032:1). */
export const BOMB_MIN_BYTES = 16 * 1024 * 1024;
export const BOMB_RATIO = 200;
/**
 * Keras's own guard, `_reject_zip_bomb` (keras/src/saving/saving_lib.py, Keras 3.15): a member
 * declaring more than 4 GiB and more than 100 times its stored bytes is not loaded.
 */
export const KERAS_BOMB_FLOOR = 2 ** 32;
export const KERAS_BOMB_RATIO = 100;
/** The smallest local file header (APPNOTE 4.3.7): a member's bytes start at least this far past its offset. */
export const LOCAL_HEADER_BYTES = 30;

/** Unpacked bytes per stored byte (a member storing nothing counts as storing one). */
export function ratioOf(m: Pick<ZipMemberInfo, 'compressedSize' | 'uncompressedSize'>): number {
  return m.uncompressedSize / Math.max(1, m.compressedSize);
}

/** The audit's zip-bomb signature. */
export function isBomb(m: ZipMemberInfo): boolean {
  return m.uncompressedSize >= BOMB_MIN_BYTES && ratioOf(m) > BOMB_RATIO;
}

/** What Keras itself refuses to load. */
export function kerasRefuses(m: ZipMemberInfo): boolean {
  return m.uncompressedSize > KERAS_BOMB_FLOOR && ratioOf(m) > KERAS_BOMB_RATIO;
}

/**
 * Members whose bytes overlap another member's: each reaches at least from its offset past a
 * minimal local header and its stored bytes, so `[offset, offset + 30 + compressedSize)` of one
 * running into the next member's offset (in offset order; an equal offset included) cannot be a
 * zip any tool wrote. It is how a non-recursive zip bomb reuses one stored copy under many names;
 * Python's zipfile (so Keras) refuses to read such a member: "Overlapped entries (possible zip
 * bomb)" (CPython Lib/zipfile, `_end_offset`, since 3.11.4 / 3.12). Groups of overlapping members,
 * in offset order.
 */
export function overlappingGroups<M extends ZipMemberInfo>(members: readonly M[]): M[][] {
  const sorted = [...members].sort((a, b) => a.offset - b.offset);
  const groups: M[][] = [];
  let group: M[] = [];
  let end = -1;
  for (const m of sorted) {
    if (group.length > 0 && m.offset < end) group.push(m);
    else {
      if (group.length > 1) groups.push(group);
      group = [m];
      end = -1;
    }
    end = Math.max(end, m.offset + LOCAL_HEADER_BYTES + m.compressedSize);
  }
  if (group.length > 1) groups.push(group);
  return groups;
}
