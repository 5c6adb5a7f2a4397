// Python `marshal` read as DATA: the code object a Lambda carries is parsed, never run.
// Facts from CPython's Python/marshal.c (type codes, FLAG_REF since 3.4) and the code object
// field order of each era (w_object, TYPE_CODE case):
//   2.7       argcount nlocals stacksize flags code consts names varnames freevars cellvars
//             filename name firstlineno lnotab
//   3.0–3.7   argcount kwonlyargcount nlocals stacksize flags code … (as 2.7)
//   3.8–3.10  argcount posonlyargcount kwonlyargcount nlocals stacksize flags code … (as 2.7)
//   3.11+     argcount posonlyargcount kwonlyargcount stacksize flags code consts names
//             localsplusnames localspluskinds filename name qualname firstlineno linetable
//             exceptiontable
// The version is not stored: a layout is accepted only when the whole buffer parses under it with
// the right types in every field; otherwise the code is reported as undecodable, never guessed.

export type PyValue = null | boolean | number | string | PyBytes | PyValue[] | PyCode | PyOther;

export interface PyBytes {
  kind: 'bytes';
  length: number;
  text: string; // latin-1 view, for printable constants only
}
export interface PyOther {
  kind: 'other';
  what: string;
}
export interface PyCode {
  kind: 'code';
  name: string;
  qualname: string | null;
  filename: string;
  firstLine: number;
  names: string[];
  consts: PyValue[];
  varnames: string[];
}

export interface CodeInfo {
  /** The Python era whose code-object layout parsed the whole buffer, e.g. "Python 3.11+". */
  layout: string;
  code: PyCode;
}

type Layout = { label: string; ints: number; nlocalsAt: boolean; py311: boolean; py2: boolean };

// Tried newest first; each needs the whole buffer to parse with the right field types.
const LAYOUTS: Layout[] = [
  { label: 'Python 3.11+', ints: 5, nlocalsAt: false, py311: true, py2: false },
  { label: 'Python 3.8–3.10', ints: 6, nlocalsAt: true, py311: false, py2: false },
  { label: 'Python 3.0–3.7', ints: 5, nlocalsAt: true, py311: false, py2: false },
  { label: 'Python 2.7', ints: 4, nlocalsAt: true, py311: false, py2: true },
];

const FLAG_REF = 0x80;
const MAX_DEPTH = 64;
const MAX_ITEMS = 100_000;

class Bad extends Error {}

class Reader {
  pos = 0;
  refs: PyValue[] = [];
  interned: string[] = []; // Python 2 'R' string references
  items = 0;
  constructor(
    readonly buf: Uint8Array,
    readonly layout: Layout,
  ) {}

  byte(): number {
    if (this.pos >= this.buf.length) throw new Bad('truncated');
    return this.buf[this.pos++]!;
  }
  int32(): number {
    if (this.pos + 4 > this.buf.length) throw new Bad('truncated');
    const b = this.buf;
    const p = this.pos;
    this.pos += 4;
    return (b[p]! | (b[p + 1]! << 8) | (b[p + 2]! << 16) | (b[p + 3]! << 24)) | 0;
  }
  raw(n: number): Uint8Array {
    if (n < 0 || this.pos + n > this.buf.length) throw new Bad('truncated');
    const out = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }
  count(n: number): number {
    if (n < 0 || n > this.buf.length) throw new Bad('bad length');
    this.items += n;
    if (this.items > MAX_ITEMS) throw new Bad('too many items');
    return n;
  }
}

const latin1 = (b: Uint8Array): string => String.fromCharCode(...b.subarray(0, 4096));
const utf8 = (b: Uint8Array): string => new TextDecoder('utf-8', { fatal: false }).decode(b);

function readObject(r: Reader, depth: number): PyValue {
  if (depth > MAX_DEPTH) throw new Bad('nested too deep');
  const b = r.byte();
  const flag = (b & FLAG_REF) !== 0;
  if (flag && r.layout.py2) throw new Bad('reference flag in a Python 2 stream');
  const type = String.fromCharCode(b & ~FLAG_REF);
  // Containers and code objects reserve their ref slot before their contents (marshal.c R_REF).
  const slot = flag ? r.refs.push(null) - 1 : -1;
  const value = readTyped(r, type, depth);
  if (flag) r.refs[slot] = value;
  return value;
}

function readTyped(r: Reader, type: string, depth: number): PyValue {
  switch (type) {
    case '0':
      throw new Bad('NULL object');
    case 'N':
      return null;
    case 'F':
      return false;
    case 'T':
      return true;
    case 'S':
      return { kind: 'other', what: 'StopIteration' };
    case '.':
      return { kind: 'other', what: 'Ellipsis' };
    case 'i':
      return r.int32();
    case 'I':
      r.raw(8);
      return { kind: 'other', what: 'int64' };
    case 'l':
      return readLong(r);
    case 'g':
      return new DataView(r.raw(8).slice().buffer).getFloat64(0, true);
    case 'f':
      return Number(latin1(r.raw(r.byte())));
    case 'y':
      r.raw(16);
      return { kind: 'other', what: 'complex' };
    case 'x':
      r.raw(r.byte());
      r.raw(r.byte());
      return { kind: 'other', what: 'complex' };
    default:
      return readStringOrContainer(r, type, depth);
  }
}

function readLong(r: Reader): PyValue {
  const n = r.int32();
  const digits = r.count(Math.abs(n));
  let v = 0;
  const d = r.raw(digits * 2);
  for (let i = digits - 1; i >= 0; i--) v = v * 32768 + (d[2 * i]! | (d[2 * i + 1]! << 8));
  return n < 0 ? -v : v;
}

function readStringOrContainer(r: Reader, type: string, depth: number): PyValue {
  switch (type) {
    case 's': {
      const b = r.raw(r.count(r.int32()));
      // Python 2 'str' is text; Python 3 's' is bytes (co_code, lnotab, bytes constants).
      return r.layout.py2 ? latin1(b) : { kind: 'bytes', length: b.length, text: latin1(b) };
    }
    case 't': {
      const s = r.layout.py2 ? latin1(r.raw(r.count(r.int32()))) : utf8(r.raw(r.count(r.int32())));
      if (r.layout.py2) r.interned.push(s);
      return s;
    }
    case 'R': {
      if (!r.layout.py2) throw new Bad('string reference outside Python 2');
      const s = r.interned[r.int32()];
      if (s === undefined) throw new Bad('bad string reference');
      return s;
    }
    case 'u':
      return utf8(r.raw(r.count(r.int32())));
    case 'a':
    case 'A':
      return latin1(r.raw(r.count(r.int32())));
    case 'z':
    case 'Z':
      return latin1(r.raw(r.byte()));
    case '(':
    case '[':
    case '<':
    case '>':
      return readItems(r, r.count(r.int32()), depth);
    case ')':
      return readItems(r, r.count(r.byte()), depth);
    case '{':
      return readDict(r, depth);
    case 'r': {
      const i = r.int32();
      if (i < 0 || i >= r.refs.length) throw new Bad('bad reference');
      return r.refs[i]!;
    }
    case 'c':
      return readCode(r, depth);
    default:
      throw new Bad(`unknown type code 0x${type.charCodeAt(0).toString(16)}`);
  }
}

function readItems(r: Reader, n: number, depth: number): PyValue[] {
  const out: PyValue[] = [];
  for (let i = 0; i < n; i++) out.push(readObject(r, depth + 1));
  return out;
}

function readDict(r: Reader, depth: number): PyValue {
  for (;;) {
    if (r.buf[r.pos] === 0x30) {
      r.pos++;
      return { kind: 'other', what: 'dict' };
    }
    readObject(r, depth + 1);
    readObject(r, depth + 1);
  }
}

function text(v: PyValue, what: string): string {
  if (typeof v === 'string') return v;
  if (v && typeof v === 'object' && !Array.isArray(v) && v.kind === 'bytes') return v.text;
  throw new Bad(`${what} is not a string`);
}

function strings(v: PyValue, what: string): string[] {
  if (!Array.isArray(v)) throw new Bad(`${what} is not a tuple`);
  return v.map((x) => text(x, what));
}

function isBytes(v: PyValue): boolean {
  return v !== null && typeof v === 'object' && !Array.isArray(v) && v.kind === 'bytes';
}

function readCode(r: Reader, depth: number): PyCode {
  const L = r.layout;
  for (let i = 0; i < L.ints; i++) r.int32();
  const code = readObject(r, depth + 1);
  if (!isBytes(code) && !(L.py2 && typeof code === 'string')) throw new Bad('co_code is not bytes');
  const consts = readObject(r, depth + 1);
  if (!Array.isArray(consts)) throw new Bad('co_consts is not a tuple');
  const names = strings(readObject(r, depth + 1), 'co_names');
  const varnames = strings(readObject(r, depth + 1), 'co_varnames');
  if (L.py311) {
    if (!isBytes(readObject(r, depth + 1))) throw new Bad('co_localspluskinds is not bytes');
  } else {
    strings(readObject(r, depth + 1), 'co_freevars');
    strings(readObject(r, depth + 1), 'co_cellvars');
  }
  const filename = text(readObject(r, depth + 1), 'co_filename');
  const name = text(readObject(r, depth + 1), 'co_name');
  const qualname = L.py311 ? text(readObject(r, depth + 1), 'co_qualname') : null;
  const firstLine = r.int32();
  readObject(r, depth + 1); // lnotab / linetable
  if (L.py311) readObject(r, depth + 1); // exceptiontable
  return { kind: 'code', name, qualname, filename, firstLine, names, consts, varnames };
}

function tryLayout(buf: Uint8Array, layout: Layout): PyCode | string {
  const r = new Reader(buf, layout);
  try {
    const v = readObject(r, 0);
    if (!v || typeof v !== 'object' || Array.isArray(v) || v.kind !== 'code') return 'not a code object';
    if (r.pos !== buf.length) return `${buf.length - r.pos} bytes left after the code object`;
    return v;
  } catch (e) {
    if (e instanceof Bad) return e.message;
    throw e;
  }
}

/** Decode a marshalled code object, or say why no known layout fits. */
export function decodeCode(buf: Uint8Array): CodeInfo | { error: string } {
  if (buf.length === 0) return { error: 'empty bytecode' };
  const first = buf[0]! & ~FLAG_REF;
  if (first !== 0x63) return { error: `not a code object (type byte 0x${buf[0]!.toString(16)})` };
  const reasons: string[] = [];
  for (const layout of LAYOUTS) {
    const got = tryLayout(buf, layout);
    if (typeof got !== 'string') return { layout: layout.label, code: got };
    reasons.push(`${layout.label}: ${got}`);
  }
  return { error: `no known code-object layout fits (${reasons.join('; ')})` };
}

/** Every code object inside, the outer one first (nested lambdas, comprehensions). */
export function allCode(code: PyCode): PyCode[] {
  const out: PyCode[] = [];
  const stack: PyCode[] = [code];
  while (stack.length > 0 && out.length < 1000) {
    const c = stack.pop()!;
    out.push(c);
    for (const k of c.consts) if (k && typeof k === 'object' && !Array.isArray(k) && k.kind === 'code') stack.push(k);
  }
  return out;
}

/** String constants of a code object and its nested code (bytes shown only when printable). */
export function stringConstants(code: PyCode): string[] {
  const out: string[] = [];
  const visit = (v: PyValue): void => {
    if (typeof v === 'string') out.push(v);
    else if (Array.isArray(v)) v.forEach(visit);
    else if (v && typeof v === 'object' && v.kind === 'bytes' && /^[\x20-\x7e]*$/.test(v.text)) out.push(v.text);
  };
  for (const c of allCode(code)) c.consts.forEach(visit);
  return out;
}
