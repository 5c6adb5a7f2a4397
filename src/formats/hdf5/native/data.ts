// Where a dataset's bytes are (issue 13, `kerascope diff --values`: the one place kerascope reads
// weight data). From the data layout message (HDF5 file format spec, IV.A.2.i): a contiguous dataset
// is one run of bytes at an address, a compact one sits inside the message. Chunked datasets (h5py
// writes them only when asked for chunks or compression, which Keras never does) and virtual ones
// are not read: the caller says why their values were not compared.
import type { Cursor } from './cursor.js';

export type DataLocation =
  | { kind: 'contiguous'; address: number; size: number }
  | { kind: 'compact'; bytes: Buffer }
  | { kind: 'unread'; why: string };

/** All bits set: an address HDF5 never allocated (a dataset never written holds its fill value). */
const isUndefined = (c: Cursor, at: number, width: number): boolean => {
  for (let i = 0; i < width; i++) if (c.buf[at + i] !== 0xff) return false;
  return true;
};

/** `bytes`: what the dataspace and datatype say the data holds (elements × element size). */
export function dataLocation(c: Cursor, bytes: number, sizeOfOffsets: number): DataLocation {
  const version = c.u8();
  if (version === 1 || version === 2) {
    const rank = c.u8();
    const cls = c.u8();
    c.skip(5);
    if (cls !== 1) return { kind: 'unread', why: cls === 2 ? 'chunked dataset' : `layout class ${cls} (HDF5 1.4 layout)` };
    const at = c.pos;
    const address = c.addr();
    c.skip(rank * 4);
    return isUndefined(c, at, sizeOfOffsets) ? { kind: 'unread', why: 'never written (fill value only)' } : { kind: 'contiguous', address, size: bytes };
  }
  if (version !== 3 && version !== 4) return { kind: 'unread', why: `layout version ${version}` };
  const cls = c.u8();
  if (cls === 0) {
    const size = c.u16();
    return { kind: 'compact', bytes: c.bytes(size) };
  }
  if (cls === 1) {
    const at = c.pos;
    const address = c.addr();
    const size = c.len();
    if (isUndefined(c, at, sizeOfOffsets)) return { kind: 'unread', why: 'never written (fill value only)' };
    return { kind: 'contiguous', address, size };
  }
  return { kind: 'unread', why: cls === 2 ? 'chunked dataset' : cls === 3 ? 'virtual dataset' : `layout class ${cls}` };
}
