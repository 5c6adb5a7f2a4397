// Text and JSON out of a byte source, and messages that stay one line: what every reader shares.
import { UnreadableError } from '../errors.js';
import { asBuffer, type ByteSource } from './source.js';

/** Largest JSON text kerascope parses (a config of 2,000 layers is a few MB). */
export const MAX_JSON_BYTES = 256 * 1024 * 1024;

/** The whole source as UTF-8 text (a BOM kept, as JSON.parse refuses it), refused past MAX_JSON_BYTES. */
export async function readText(src: ByteSource): Promise<string> {
  if (src.size > MAX_JSON_BYTES) throw new UnreadableError(src.name, `JSON file of ${src.size} bytes is larger than kerascope reads (${MAX_JSON_BYTES} bytes)`);
  return new TextDecoder('utf-8', { ignoreBOM: true }).decode(await src.read(0, src.size));
}

export function parseJsonText(file: string, text: string): unknown {
  let value: unknown;
  try {
    value = JSON.parse(text);
    // Double-encoded: a JSON string whose content is the JSON (at most twice, never a loop).
    for (let i = 0; i < 2 && typeof value === 'string' && /^\s*[{[]/.test(value); i++) value = JSON.parse(value);
  } catch (e) {
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
