// The HDF5 superblock (File Format Specification v3, section II.A): versions 0 and 1 (h5py's
// default, so every Keras file written through h5py) and 2 and 3 (h5wasm, libver ≥ 1.8).
import { checksumOk } from './lookup3.js';
import type { BlockCache } from './blocks.js';
import { corrupt, Cursor, giveUp } from './cursor.js';

/** The HDF5 format signature (section II.A). */
export const HDF5_SIGNATURE = Uint8Array.from([0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Where the signature may sit in a file of `size` bytes: 0, then 512, 1024, 2048… (after a user block), up to `limit`. */
export function signatureOffsets(size: number, limit = Infinity): number[] {
  const out: number[] = [];
  for (let offset = 0; offset + 8 <= size && offset <= limit; offset = offset === 0 ? 512 : offset * 2) out.push(offset);
  return out;
}

export function isSignature(b: Uint8Array | null | undefined): boolean {
  return !!b && b.length >= 8 && HDF5_SIGNATURE.every((x, i) => b[i] === x);
}

export interface Superblock {
  version: number;
  sizeOfOffsets: number;
  sizeOfLengths: number;
  /** The root group's object header address. */
  root: number;
}

/**
 * Reads the superblock at payload address 0: the payload starts where the signature is, `userBlock`
 * bytes into the host file (0, or 512, 1024… when a user block comes first).
 */
export function readSuperblock(src: BlockCache, userBlock = 0): Superblock {
  const head = new Cursor(src.read(0, Math.min(src.length, 96)));
  head.skip(8); // signature, checked by the caller
  const version = head.u8();
  if (version === 0 || version === 1) return v0(head, version, src, userBlock);
  if (version === 2 || version === 3) return v2(head, version, src, userBlock);
  return giveUp(`superblock version ${version}`);
}

/**
 * Only the sizes of addresses and lengths, read without any other check (for the audit's reads
 * in a file the engine opened); null when they are not sizes HDF5 writes.
 */
export function superblockSizes(src: BlockCache): { o: number; l: number } | null {
  try {
    const b = src.read(0, 16);
    const [o, l] = b[8]! <= 1 ? [b[13]!, b[14]!] : [b[9]!, b[10]!];
    return [2, 4, 8].includes(o) && [2, 4, 8].includes(l) ? { o, l } : null;
  } catch {
    return null;
  }
}

function sizes(o: number, l: number): void {
  if (![2, 4, 8].includes(o) || ![2, 4, 8].includes(l)) giveUp(`address size ${o}, length size ${l}`);
}

function v0(head: Cursor, version: number, src: BlockCache, userBlock: number): Superblock {
  head.skip(3); // free-space, root symbol table entry and shared header versions… (byte 9–11)
  head.skip(1);
  const o = head.u8();
  const l = head.u8();
  sizes(o, l);
  head.skip(1 + 2 + 2 + 4 + (version === 1 ? 4 : 0));
  const c = new Cursor(head.buf, head.pos, o, l);
  const base = c.addr();
  c.addr(); // free-space info
  const eof = c.addr();
  c.addr(); // driver info block
  c.addr(); // root entry: link name offset
  const root = c.addr();
  checkBase(base, eof, src, userBlock);
  return { version, sizeOfOffsets: o, sizeOfLengths: l, root };
}

function v2(head: Cursor, version: number, src: BlockCache, userBlock: number): Superblock {
  const o = head.u8();
  const l = head.u8();
  sizes(o, l);
  head.skip(1); // file consistency flags
  const c = new Cursor(head.buf, head.pos, o, l);
  const base = c.addr();
  const ext = c.addr();
  const eof = c.addr();
  const root = c.addr();
  const end = c.pos;
  if (!checksumOk(head.buf.subarray(0, end), c.u32())) corrupt('superblock checksum');
  // A superblock extension may carry shared-message tables and more: the engine reads those.
  if (ext !== -1) giveUp('superblock extension');
  checkBase(base, eof, src, userBlock);
  return { version, sizeOfOffsets: o, sizeOfLengths: l, root };
}

/**
 * Addresses count from the superblock: HDF5 moves the base address to where it found the
 * signature (H5Fsuper.c), so a stored base is 0 or the user block's size. A file shorter than its
 * end-of-file address is truncated, which the engine reports in its own words.
 */
function checkBase(base: number, eof: number, src: BlockCache, userBlock: number): void {
  if (base !== 0 && base !== userBlock) giveUp(`base address ${base} with the superblock at ${userBlock}`);
  if (eof === -1 || eof > src.length) corrupt(`end of file address ${eof} past the file's ${src.length} bytes`);
}
