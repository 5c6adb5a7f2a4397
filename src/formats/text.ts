// Text and JSON out of a byte source, and messages that stay one line: what every reader shares.
import { UnreadableError } from '../errors.js';
import type { ByteSource } from './source.js';

/**
 * Largest JSON text kerascope parses. The largest real configs are about a MB (Keras 3.15.1
 * NASNetLarge's to_json(): 1.0 MB); under this size, whatever the text holds, parsing and
 * analysing stay within seconds and well under 1 GB (scripts/measure-json.ts measures the worst
 * shapes just under every limit below; README Limits). A larger text is refused before it is read.
 */
export const MAX_JSON_BYTES = 64 * 1024 * 1024;

/**
 * What JSON.parse may build, counted in the text before it is parsed. Parsed, every object costs
 * V8 about 100 bytes, every member of one object in dictionary mode more, and every value at least
 * 8, whatever the text's size: 20 MB of `[{}, {}, …]` took 740 MB and 11 s, one object of 4,000,000
 * keys 19 s of CPU. The largest real configs hold 20,000 objects and arrays, 43,000 object members
 * and 64,000 values (Keras 3.15.1 NASNetLarge's to_json(); EfficientNetV2L's is close), a 1,000-layer
 * tfjs model.json 18,000, 26,000 and 37,000. Past these limits a text is refused unparsed.
 */
export const MAX_JSON_CONTAINERS = 4_000_000;
export const MAX_JSON_MEMBERS = 2_000_000;
export const MAX_JSON_VALUES = 8_000_000;

/**
 * Deepest nesting of objects and arrays kerascope parses, as SavedModel metadata's (savedmodel/read.ts).
 * No Keras writer or loader goes near it: Python's json module (every Keras's reader and writer,
 * and the tfjs converter's) stops at its recursion limit, 1,000 by default (CPython 3.11 json.loads
 * raises RecursionError at 1,000 nested arrays), and the deepest real configs nest 16 (1,099 texts
 * of ../shared/corpus, ../shared/keras3-zoo and fixtures/: a Sequential inside a Functional). A text
 * nested 100,000 deep parses, but any recursion over it afterwards (String() of an array, join,
 * JSON.stringify, a rule's own walk) overflows the stack: refused unparsed instead, whatever the
 * rules do with it.
 */
export const MAX_JSON_DEPTH = 1000;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const BRACE = 0x7b;
const BRACKET = 0x5b;
const CLOSE_BRACE = 0x7d;
const CLOSE_BRACKET = 0x5d;

const fmt = (n: number): string => n.toLocaleString('en-US');
const REAL = 'more than kerascope reads (real Keras configs hold tens of thousands)';
const DEEP = "deeper than kerascope reads, and than Keras's own JSON reader can (real Keras configs nest a few dozen deep)";

/** Why a JSON text holding this many objects and arrays, members and separators is refused, or null. */
function overLimit(containers: number, members: number, commas: number): string | null {
  if (containers > MAX_JSON_CONTAINERS) return `JSON of more than ${fmt(MAX_JSON_CONTAINERS)} objects and arrays: ${REAL}`;
  if (members > MAX_JSON_MEMBERS) return `JSON of more than ${fmt(MAX_JSON_MEMBERS)} object members: ${REAL}`;
  if (containers + commas >= MAX_JSON_VALUES) return `JSON of more than ${fmt(MAX_JSON_VALUES)} values: ${REAL}`;
  return null;
}

/**
 * Counts objects and arrays (`{`, `[`), object members (`:`) and values (`,` separators) of JSON
 * bytes outside strings, and how deep objects and arrays nest (`]`, `}` close them), without parsing, piece by piece: these and `"` and `\` are ASCII bytes,
 * never part of a multi-byte UTF-8 character. Strings are stepped over with a native search for
 * their closing quote.
 */
export class JsonCounter {
  private containers = 0;
  private members = 0;
  private commas = 0;
  /** Objects and arrays open at this point of the text. */
  private depth = 0;
  /** Inside a string, and whether the piece before ended on an unpaired backslash there. */
  private inString = false;
  private escaped = false;

  /** Objects and arrays, object members, and values, counted so far. */
  counted(): { containers: number; members: number; values: number } {
    return { containers: this.containers, members: this.members, values: this.containers + this.commas + 1 };
  }

  /** The next bytes; why the text is over the limits (and counting stops), or null. */
  feed(bytes: Uint8Array): string | null {
    const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    for (let i = 0; i < buf.length; i++) {
      if (this.inString) {
        i = this.stringEnd(buf, i); // its closing quote: the loop goes on after it
        continue;
      }
      const c = buf[i];
      if (c === QUOTE) this.inString = true;
      else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) this.depth--;
      else if (c === COMMA || c === COLON || c === BRACE || c === BRACKET) {
        if (c === COMMA) this.commas++;
        else if (c === COLON) this.members++;
        else {
          this.containers++;
          if (++this.depth > MAX_JSON_DEPTH) return `JSON nested more than ${fmt(MAX_JSON_DEPTH)} deep: ${DEEP}`;
        }
        const over = overLimit(this.containers, this.members, this.commas);
        if (over) return over;
      }
    }
    return null;
  }

  /**
   * From `i`, inside a string (its opening quote already seen): the index of its closing quote,
   * the string then ended; or `buf.length` when the piece ends inside it.
   */
  private stringEnd(buf: Buffer, i: number): number {
    if (this.escaped) {
      // the piece before ended on a backslash: this byte is escaped
      this.escaped = false;
      i++;
    }
    for (;;) {
      const q = buf.indexOf(QUOTE, i);
      const stop = q < 0 ? buf.length : q;
      // a run of backslashes before the quote (or the piece's end): an odd one escapes what follows
      let run = 0;
      while (stop - 1 - run >= i && buf[stop - 1 - run] === BACKSLASH) run++;
      if (q < 0) {
        this.escaped = run % 2 === 1;
        return buf.length;
      }
      if (run % 2 === 0) {
        this.inString = false;
        return q;
      }
      i = q + 1;
    }
  }
}

/** Why JSON bytes hold more than kerascope parses, or null. */
export function jsonTooBig(bytes: Uint8Array): string | null {
  return new JsonCounter().feed(bytes);
}

/** Bytes (or characters of a decoded text) read and counted at a time: a text over the limits is refused before the rest is read. */
const TEXT_PIECE = 8 * 1024 * 1024;

const tooLong = (bytes: number | string): string =>
  `JSON text of ${typeof bytes === 'number' ? `${fmt(bytes)} bytes` : `more than ${fmt(MAX_JSON_BYTES)} bytes`} is larger than kerascope reads (${fmt(MAX_JSON_BYTES)} bytes)`;

/**
 * jsonTooBig for a text already decoded (an HDF5 attribute, a JSON string holding JSON), and its
 * length: a string longer than MAX_JSON_BYTES characters has at least as many UTF-8 bytes. Encoded
 * a piece at a time, never whole; a surrogate pair cut between pieces encodes as two replacement
 * characters, which are not JSON punctuation.
 */
export function jsonTextTooBig(text: string): string | null {
  if (text.length > MAX_JSON_BYTES) return tooLong('');
  const counter = new JsonCounter();
  for (let at = 0; at < text.length; at += TEXT_PIECE) {
    const big = counter.feed(Buffer.from(text.slice(at, at + TEXT_PIECE), 'utf8'));
    if (big) return big;
  }
  return null;
}

/**
 * The whole source as UTF-8 text (a BOM kept, as JSON.parse refuses it), refused past
 * MAX_JSON_BYTES, or as soon as it is counted past the JSON limits.
 */
export async function readText(src: ByteSource): Promise<string> {
  if (src.size > MAX_JSON_BYTES) throw new UnreadableError(src.name, tooLong(src.size));
  const counter = new JsonCounter();
  const decoder = new TextDecoder('utf-8', { ignoreBOM: true });
  let text = '';
  for (let at = 0; at < src.size; at += TEXT_PIECE) {
    const piece = await src.read(at, Math.min(TEXT_PIECE, src.size - at));
    const big = counter.feed(piece);
    if (big) throw new UnreadableError(src.name, big);
    text += decoder.decode(piece, { stream: true });
  }
  return text + decoder.decode();
}

/** JSON text read by readText (already counted): parsed, a double-encoded text unwrapped and counted. */
export function parseJsonText(file: string, text: string): unknown {
  let value: unknown;
  try {
    value = JSON.parse(text);
    // Double-encoded: a JSON string whose content is the JSON (at most twice, never a loop).
    for (let i = 0; i < 2 && typeof value === 'string' && /^\s*[{[]/.test(value); i++) {
      const big = jsonTextTooBig(value);
      if (big) throw new UnreadableError(file, big);
      value = JSON.parse(value);
    }
  } catch (e) {
    if (e instanceof UnreadableError) throw e;
    if (e instanceof RangeError) throw new UnreadableError(file, 'JSON nested too deeply to read');
    throw new UnreadableError(file, `invalid JSON: ${(e as Error).message.split('\n')[0]}`);
  }
  return value;
}

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

// Messages built from another library's error (JSON.parse quotes the bad text, newlines and
// binary included) must stay one readable line: UnreadableError's contract.

/** The first line of an error's message, control characters shown as `?`, at most 200 characters. */
export function oneLine(e: unknown): string {
  const text = e instanceof Error ? e.message : String(e);
  // eslint-disable-next-line no-control-regex
  const line = (text.split(/\r?\n/)[0] ?? '').replace(/[\u0000-\u001f\u007f]/g, '?');
  return line.length > 200 ? `${line.slice(0, 199)}…` : line;
}
