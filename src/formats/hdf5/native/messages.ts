// Decoders for the header messages a Keras file's metadata needs (File Format Specification v3,
// section IV.A.2): dataspace, datatype, data layout, attribute, link, link info, attribute info,
// symbol table. Anything else a message could say that these do not handle sends the file to
// the HDF5 engine (giveUp), so an answer from here is never a guess.
import { corrupt, type Cursor, giveUp } from './cursor.js';

export interface Dataspace {
  kind: 'scalar' | 'simple' | 'null';
  dims: number[];
}

export function dataspace(c: Cursor): Dataspace {
  const version = c.u8();
  const rank = c.u8();
  const flags = c.u8();
  let kind: Dataspace['kind'];
  if (version === 1) {
    c.skip(5);
    kind = rank === 0 ? 'scalar' : 'simple';
  } else if (version === 2) {
    const type = c.u8();
    kind = type === 0 ? 'scalar' : type === 1 ? 'simple' : type === 2 ? 'null' : giveUp(`dataspace type ${type}`);
  } else return giveUp(`dataspace version ${version}`);
  if (rank > 32) giveUp(`dataspace of rank ${rank}`);
  const dims: number[] = [];
  for (let i = 0; i < rank; i++) dims.push(c.len());
  // Maximum dimensions: libhdf5 refuses a dimension above its maximum (unlimited is all ones).
  if (flags & 1)
    for (let i = 0; i < rank; i++) {
      const max = c.lenOrUnlimited();
      if (max !== -1 && dims[i]! > max) corrupt(`dataspace dimension ${dims[i]} above its maximum ${max}`);
    }
  return { kind, dims };
}

/**
 * A datatype as h5wasm's metadata describes it: variable-length strings are class 3 with
 * `vlen` (H5Tget_class says H5T_STRING for them), their size the 4-byte pointer of wasm32.
 */
export interface Datatype {
  cls: number;
  size: number;
  signed: boolean;
  littleEndian: boolean;
  vlen: boolean;
  /** Character set of a string: 0 ASCII, 1 UTF-8. */
  cset: number;
  base?: Datatype;
}

/**
 * Datatypes without a base type, one frozen object for each distinct value: a Keras file states
 * the same few (a float32, a UTF-8 string) on every attribute and dataset, and one object per
 * attribute was the largest part of what `check` over 10,000 files moved to V8's old generation
 * (docs/bench.md). At most MAX_SHARED are kept, so a file stating thousands of sizes allocates
 * the rest as before. Readers of a Datatype never change it (values.ts, file.ts).
 */
const shared = new Map<number, Datatype>();
const MAX_SHARED = 256;

function plainType(cls: number, size: number, signed: boolean, littleEndian: boolean, cset: number): Datatype {
  // cls < 16, cset < 16, size < 2^32: the key is exact (below 2^53).
  const key = size * 1024 + cset * 64 + (littleEndian ? 32 : 0) + (signed ? 16 : 0) + cls;
  const known = shared.get(key);
  if (known) return known;
  const made: Datatype = Object.freeze({ cls, size, signed, littleEndian, vlen: false, cset });
  if (shared.size < MAX_SHARED) shared.set(key, made);
  return made;
}

export function datatype(c: Cursor, depth = 0): Datatype {
  if (depth > 8) giveUp('datatype nested too deep');
  const b0 = c.u8();
  const cls = b0 & 0x0f;
  const version = b0 >> 4;
  if (version < 1 || version > 4) corrupt(`datatype message version ${version}`);
  const bits = c.u8() | (c.u8() << 8) | (c.u8() << 16);
  const size = c.u32();
  const littleEndian = (bits & 1) === 0;
  switch (cls) {
    case 0: {
      // fixed-point: bit offset, precision (libhdf5 refuses bits outside the element)
      const offset = c.u16();
      const precision = c.u16();
      if (precision < 1 || offset + precision > 8 * size) corrupt(`integer type with bits ${offset}+${precision} in ${size} bytes`);
      return plainType(cls, size, (bits & 0x08) !== 0, littleEndian, 0);
    }
    case 1: {
      // floating-point: bit offset, precision, exponent and mantissa position and size, bias
      const offset = c.u16();
      const precision = c.u16();
      const ePos = c.u8();
      const eSize = c.u8();
      const mPos = c.u8();
      const mSize = c.u8();
      c.skip(4);
      if (precision < 1 || offset + precision > 8 * size || ePos + eSize > precision || mPos + mSize > precision || eSize < 1 || mSize < 1)
        corrupt(`float type with an impossible bit layout in ${size} bytes`);
      return plainType(cls, size, false, littleEndian, 0);
    }
    case 3:
      return plainType(cls, size, false, littleEndian, (bits >> 4) & 0x0f);
    case 8: {
      const base = datatype(c, depth + 1);
      // member names and values: unused
      return { cls, size, signed: false, littleEndian: base.littleEndian, vlen: false, cset: 0, base };
    }
    case 9: {
      const base = datatype(c, depth + 1);
      if ((bits & 0x0f) === 1) return { cls: 3, size: 4, signed: false, littleEndian, vlen: true, cset: (bits >> 8) & 0x0f, base };
      return { cls, size: 8, signed: false, littleEndian, vlen: true, cset: 0, base };
    }
    case 2:
    case 4:
    case 5:
    case 6:
    case 7:
    case 10:
      return plainType(cls, size, false, littleEndian, 0); // properties unused: the caller knows the message's length
    default:
      return giveUp(`datatype class ${cls}`);
  }
}

export interface DataLayout {
  kind: 'compact' | 'contiguous' | 'chunked' | 'virtual';
  chunks: number[] | null;
}

export function dataLayout(c: Cursor): DataLayout {
  const version = c.u8();
  if (version === 1 || version === 2) {
    const rank = c.u8();
    const cls = c.u8();
    c.skip(5);
    if (cls !== 0) c.addr();
    const dims: number[] = [];
    for (let i = 0; i < rank; i++) dims.push(c.u32());
    if (cls === 0) return { kind: 'compact', chunks: null };
    if (cls === 1) return { kind: 'contiguous', chunks: null };
    if (cls === 2) return { kind: 'chunked', chunks: dims.slice(0, -1) };
    return giveUp(`layout class ${cls}`);
  }
  if (version !== 3 && version !== 4) return giveUp(`layout version ${version}`);
  const cls = c.u8();
  if (cls === 0) return { kind: 'compact', chunks: null };
  if (cls === 1) return { kind: 'contiguous', chunks: null };
  if (cls === 3) return { kind: 'virtual', chunks: null };
  if (cls !== 2) return giveUp(`layout class ${cls}`);
  const dims: number[] = [];
  if (version === 3) {
    const rank = c.u8();
    c.addr();
    for (let i = 0; i < rank; i++) dims.push(c.u32());
  } else {
    c.u8(); // flags
    const rank = c.u8();
    const width = c.u8();
    if (width < 1 || width > 8) giveUp(`chunk dimension width ${width}`);
    for (let i = 0; i < rank; i++) dims.push(c.uint(width));
  }
  return { kind: 'chunked', chunks: dims.slice(0, -1) };
}

/**
 * The fill value messages (old 0x0004, new 0x0005) and the filter pipeline (0x000B), decoded only
 * to see that they hold what they say: libhdf5 decodes them when it opens a dataset and refuses
 * the dataset when one runs off its end ("ran off end of input buffer while decoding").
 */
export function checkFillValue(c: Cursor, old: boolean): void {
  if (old) {
    c.skip(c.u32());
    return;
  }
  const version = c.u8();
  if (version === 1 || version === 2) {
    c.skip(2); // space allocation time, fill value write time
    const defined = c.u8();
    if (version === 1 || defined) c.skip(c.u32());
    return;
  }
  if (version !== 3) corrupt(`fill value message version ${version}`);
  const flags = c.u8();
  if (flags & ~0x3f) corrupt('fill value message with unknown flags');
  if (flags & 0x20) c.skip(c.u32());
}

export function checkFilterPipeline(c: Cursor): void {
  filterPipeline(c);
}

/** One filter of a pipeline: its id (1 deflate, 2 shuffle, 3 fletcher32, 4 szip, 5 nbit, 6 scale-offset, ≥ 256 registered), its client data. */
export interface Filter {
  id: number;
  name: string;
  values: number[];
}

/** The filter pipeline message (0x000B, spec IV.A.2.l), versions 1 and 2, in the order the writer applied them. */
export function filterPipeline(c: Cursor): Filter[] {
  const version = c.u8();
  if (version !== 1 && version !== 2) corrupt(`filter pipeline message version ${version}`);
  const filters = c.u8();
  if (filters > 32) corrupt(`filter pipeline of ${filters} filters`);
  if (version === 1) c.skip(6);
  const out: Filter[] = [];
  for (let i = 0; i < filters; i++) {
    const id = c.u16();
    const nameLength = version === 1 || id >= 256 ? c.u16() : 0;
    c.u16(); // flags
    const count = c.u16();
    const name = c.bytes(version === 1 ? Math.ceil(nameLength / 8) * 8 : nameLength);
    const values: number[] = [];
    for (let k = 0; k < count; k++) values.push(c.u32());
    if (version === 1 && count % 2) c.skip(4);
    const end = name.indexOf(0);
    out.push({ id, name: name.subarray(0, end < 0 ? name.length : end).toString('latin1'), values });
  }
  return out;
}

export interface Attribute {
  name: string;
  type: Datatype;
  space: Dataspace;
  data: Buffer;
}

export function attribute(c: Cursor): Attribute {
  const version = c.u8();
  if (version < 1 || version > 3) giveUp(`attribute message version ${version}`);
  const flags = c.u8();
  if (flags & 0x03) giveUp('attribute with a shared datatype or dataspace');
  const nameSize = c.u16();
  const typeSize = c.u16();
  const spaceSize = c.u16();
  if (version === 3) c.u8(); // name character set
  const pad = (n: number) => (version === 1 ? Math.ceil(n / 8) * 8 : n);
  const nameBytes = c.bytes(pad(nameSize));
  // The stored size counts the name and its NUL (libhdf5 refuses any other length).
  if (nameSize < 1 || nameBytes.indexOf(0) !== nameSize - 1) corrupt('attribute name of a length other than stored');
  const name = nameBytes.subarray(0, nameSize - 1).toString('utf8');
  const type = datatype(c.sub(pad(typeSize)));
  const space = dataspace(c.sub(pad(spaceSize)));
  return { name, type, space, data: c.bytes(c.left) };
}

/**
 * `symbolTable`: where the target group's B-tree and local heap are, when its parent's symbol
 * table entry says (cache type 1): read ahead with its header by a source that cannot answer at once.
 */
export type LinkTarget = { kind: 'hard'; address: number; symbolTable?: { btree: number; heap: number } } | { kind: 'soft' | 'external'; target: string };

export interface Link {
  name: string;
  nameBytes: Buffer;
  target: LinkTarget;
}

export function link(c: Cursor): Link {
  if (c.u8() !== 1) giveUp('link message version');
  const flags = c.u8();
  const type = flags & 0x08 ? c.u8() : 0;
  if (flags & 0x04) c.skip(8); // creation order
  if (flags & 0x10) c.u8(); // name character set
  const nameBytes = c.bytes(c.uint(1 << (flags & 0x03)));
  const name = nameBytes.toString('utf8');
  if (type === 0) return { name, nameBytes, target: { kind: 'hard', address: c.addr() } };
  const value = c.bytes(c.u16());
  if (type === 1) return { name, nameBytes, target: { kind: 'soft', target: value.toString('utf8') } };
  if (type === 64) {
    // flags byte, then "file\0object\0"
    const parts = value.subarray(1).toString('utf8').split('\0');
    return { name, nameBytes, target: { kind: 'external', target: `${parts[0] ?? ''}:${parts[1] ?? ''}` } };
  }
  return giveUp(`link type ${type}`);
}

/** Link info / attribute info: where a group's links or an object's attributes sit when dense. */
export interface DenseIndex {
  heap: number;
  nameIndex: number;
}

/** Link info: the largest creation index, when tracked, is 8 bytes. */
export function linkInfo(c: Cursor): DenseIndex {
  return denseIndex(c, 'link info', 8);
}

/** Attribute info: the largest creation index, when tracked, is 2 bytes. */
export function attributeInfo(c: Cursor): DenseIndex {
  return denseIndex(c, 'attribute info', 2);
}

function denseIndex(c: Cursor, what: string, maxIndexBytes: number): DenseIndex {
  if (c.u8() !== 0) giveUp(`${what} version`);
  const flags = c.u8();
  if (flags & 1) c.skip(maxIndexBytes);
  const heap = c.addr();
  const nameIndex = c.addr();
  return { heap, nameIndex };
}

export function symbolTable(c: Cursor): { btree: number; heap: number } {
  return { btree: c.addr(), heap: c.addr() };
}
