// What a stored Python function says about itself, read without running it.
// Encodings, by era (each is `func_dump` of its Keras version, keras/utils/generic_utils.py or
// keras/src/utils/python_utils.py):
// - Keras 1 and Keras ≤ 2.0: `marshal.dumps(code).decode('raw_unicode_escape')`, a JSON string whose
//   code points are the bytes (non-Latin-1 points written back as `\uXXXX`);
// - Keras ≥ 2.1, tf.keras, Keras 3: base64 of the marshal bytes (with newlines);
// - Keras 1/2 and tf.keras Lambda: `function: [code, defaults, closure]` + `function_type: "lambda"`;
//   `function_type: "function"` keeps only a function name looked up at load time;
// - Keras 3: `{"class_name": "__lambda__", "config": {"code", "defaults", "closure"}}` (Lambda layer)
//   or `{"config": {"value": [code, defaults, closure]}}` (serialization_lib for other objects).
// func_load tries base64 first and falls back to raw_unicode_escape (Keras 2.x generic_utils).
import { allCode, decodeCode, stringConstants, type CodeInfo } from './marshal.js';
import { DANGEROUS_CODE_NAMES } from './names.js';

export interface LambdaInfo {
  /** How the code was stored. */
  encoding: 'base64' | 'raw_unicode_escape';
  decoded: CodeInfo | { error: string };
}

const BASE64 = /^[A-Za-z0-9+/=\s]*$/;
/** A Lambda's bytecode is a few hundred bytes; anything far larger is not decoded. */
const MAX_CODE_CHARS = 4 * 1024 * 1024;

function fromBase64(s: string): Uint8Array | null {
  if (!BASE64.test(s)) return null;
  const clean = s.replace(/\s+/g, '');
  if (clean.length === 0 || clean.length % 4 !== 0 || /=[^=]/.test(clean)) return null;
  return Buffer.from(clean, 'base64');
}

/** Invert Python's str.decode('raw_unicode_escape'): code points < 256 are bytes. */
function fromRawUnicodeEscape(s: string): Uint8Array {
  const out: number[] = [];
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    if (cp < 256) out.push(cp);
    else {
      const esc = cp > 0xffff ? `\\U${cp.toString(16).padStart(8, '0')}` : `\\u${cp.toString(16).padStart(4, '0')}`;
      for (const c of esc) out.push(c.charCodeAt(0));
    }
  }
  return Uint8Array.from(out);
}

/** Decode one stored code string. */
export function readCodeString(s: string): LambdaInfo {
  if (s.length > MAX_CODE_CHARS) return { encoding: 'base64', decoded: { error: `code string of ${s.length} characters not decoded` } };
  const b64 = fromBase64(s);
  if (b64) return { encoding: 'base64', decoded: decodeCode(b64) };
  return { encoding: 'raw_unicode_escape', decoded: decodeCode(fromRawUnicodeEscape(s)) };
}

/** The code string inside any stored function form, or null when there is none. */
export function codeStringOf(v: unknown): string | null {
  if (typeof v === 'string') return v;
  if (Array.isArray(v)) return typeof v[0] === 'string' ? v[0] : null;
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    const cfg = (o.class_name === '__lambda__' ? o.config : o) as Record<string, unknown> | null;
    if (cfg && typeof cfg === 'object') {
      if (typeof cfg.code === 'string') return cfg.code;
      if ('value' in cfg) return codeStringOf(cfg.value);
    }
  }
  return null;
}

/** Global names the code (and its nested code) uses that mean process, file or network access. */
export function dangerousNames(info: CodeInfo): string[] {
  const hits = new Set<string>();
  for (const c of allCode(info.code)) for (const n of c.names) if (DANGEROUS_CODE_NAMES.has(n)) hits.add(n);
  for (const s of stringConstants(info.code)) if (DANGEROUS_CODE_NAMES.has(s)) hits.add(s);
  return [...hits];
}

const quote = (s: string): string => JSON.stringify(s.length > 200 ? `${s.slice(0, 200)}…` : s);

function list(xs: string[], max = 12): string {
  const shown = xs.slice(0, max).join(', ');
  return xs.length > max ? `${shown}, … (${xs.length} in all)` : shown;
}

/** One clause describing the decoded code: name, source path, names used, string constants. */
export function describeCode(info: LambdaInfo): string {
  const d = info.decoded;
  if ('error' in d) return `its ${info.encoding} bytecode could not be decoded as data (${d.error})`;
  const c = d.code;
  const names = [...new Set(allCode(c).flatMap((x) => x.names))];
  const strs = [...new Set(stringConstants(c))];
  const parts = [
    `code object ${quote(c.qualname ?? c.name)} (${d.layout} bytecode)`,
    `compiled from ${quote(c.filename)} line ${c.firstLine}`,
    names.length ? `uses names ${list(names)}` : 'uses no global names',
  ];
  if (strs.length) parts.push(`string constants ${list(strs.map(quote), 6)}`);
  return parts.join(', ');
}
