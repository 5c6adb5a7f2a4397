// Attribute values decoded exactly as h5wasm 0.10.3's `get_attribute(name, true)` returns them
// (hdf5_hl.js process_data): strings cut at their first NUL, numbers as numbers, a scalar as
// its one element, anything with dimensions as a flat list. Values it would decode in a way this
// file does not copy (non-ASCII bytes in an ASCII string, enums, float16…) go to the engine.
import type { GlobalHeap } from './heaps.js';
import type { Attribute, Datatype } from './messages.js';
import { corrupt, Cursor, giveUp } from './cursor.js';
import type { Sizes } from './header.js';

const utf8 = new TextDecoder('utf-8', { fatal: true });

export function decodeAttribute(a: Attribute, heap: GlobalHeap, s: Sizes): unknown {
  if (a.space.kind === 'null') return null;
  const count = a.space.dims.reduce((n, d) => n * d, 1);
  const t = a.type;
  const size = storedSize(t, s);
  if (size === 0 || count * size > a.data.length) giveUp(`attribute ${a.name} holds less data than its shape`);
  const values: unknown[] = [];
  // A vlen string (every name list h5py 3 writes) is read in place: no Buffer view per element.
  const vlenText = t.cls === 3 && t.vlen;
  for (let i = 0; i < count; i++) values.push(vlenText ? vlenString(a.data, i * size, t, heap, s) : element(a.data.subarray(i * size, (i + 1) * size), t, heap, s));
  return a.space.dims.length === 0 ? values[0] : values;
}

/** A vlen element is stored as a 4-byte length and a global heap id (collection address, index). */
function storedSize(t: Datatype, s: Sizes): number {
  return t.vlen ? 4 + s.o + 4 : t.size;
}

function element(b: Buffer, t: Datatype, heap: GlobalHeap, s: Sizes): unknown {
  switch (t.cls) {
    case 0:
      return integer(b, t);
    case 1:
      if (!t.littleEndian) giveUp('big-endian float attribute');
      if (t.size === 4) return b.readFloatLE(0);
      if (t.size === 8) return b.readDoubleLE(0);
      return giveUp(`float${t.size * 8} attribute`);
    case 3:
      return t.vlen ? vlenString(b, 0, t, heap, s) : text(b, t.cset);
    default:
      return giveUp(`attribute of datatype class ${t.cls}`);
  }
}

function integer(b: Buffer, t: Datatype): number {
  const le = t.littleEndian;
  switch (t.size) {
    case 1:
      return t.signed ? b.readInt8(0) : b.readUInt8(0);
    case 2:
      return t.signed ? (le ? b.readInt16LE(0) : b.readInt16BE(0)) : le ? b.readUInt16LE(0) : b.readUInt16BE(0);
    case 4:
      return t.signed ? (le ? b.readInt32LE(0) : b.readInt32BE(0)) : le ? b.readUInt32LE(0) : b.readUInt32BE(0);
    case 8: {
      const v = t.signed ? (le ? b.readBigInt64LE(0) : b.readBigInt64BE(0)) : le ? b.readBigUInt64LE(0) : b.readBigUInt64BE(0);
      return Number(v);
    }
    default:
      return giveUp(`int${t.size * 8} attribute`);
  }
}

/** Bytes up to the first NUL, as UTF-8 (cset 1) or ASCII (cset 0). */
function text(bytes: Buffer, cset: number): string {
  const end = bytes.indexOf(0);
  const b = end < 0 ? bytes : bytes.subarray(0, end);
  if (cset === 0) {
    for (let i = 0; i < b.length; i++) if (b[i]! >= 0x80) giveUp('non-ASCII bytes in an ASCII string');
    return b.toString('latin1');
  }
  if (cset !== 1) giveUp(`string character set ${cset}`);
  try {
    return utf8.decode(b);
  } catch {
    return giveUp('invalid UTF-8 in a string');
  }
}

/** The vlen string whose 4-byte length and heap id start at `at` of `b`. */
function vlenString(b: Buffer, at: number, t: Datatype, heap: GlobalHeap, s: Sizes): string {
  const c = new Cursor(b, at, s.o, s.l, at + storedSize(t, s));
  const length = c.u32();
  const collection = c.addr();
  const index = c.u32();
  if (length === 0) return '';
  if (collection === -1) giveUp('vlen string without its heap object');
  const object = heap.object(collection, index);
  // The heap object must be exactly the string HDF5 was told it is (a mismatch makes HDF5 2.0
  // loop or abort: the engine's deadline deals with such files).
  if (object.length !== length * (t.base?.size ?? 1)) corrupt('vlen string length differs from its heap object');
  return text(object, t.cset);
}
