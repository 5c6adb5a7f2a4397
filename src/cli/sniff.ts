// Is a .json file found in a folder a model? Folders that hold models also hold data: vocabularies,
// package files, results (keras3-zoo's truth.json, a list), coverage tables. A model JSON is an
// object whose own keys (depth 1) name a model: `class_name` (Keras's to_json(), a .keras
// config.json), `modelTopology` / `weightsManifest` (TensorFlow.js model.json), `model_config`.
// Only the top-level keys count: a data file may quote "class_name" deep inside.
import { constants } from 'node:fs';
import { open } from 'node:fs/promises';

export type JsonKind = 'model' | 'data' | 'unknown';

const MODEL_KEYS = new Set(['class_name', 'modelTopology', 'weightsManifest', 'model_config']);

/** First read; a model's telling key comes within it in every file we know. */
const FIRST_READ = 64 * 1024;
/** Second and last read when the first did not tell (a long first value): the reader decides past it. */
const MAX_READ = 4 * 1024 * 1024;

const isSpace = (c: number): boolean => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;

/**
 * `text` is the file's first bytes (all of them when `complete`). `model` when a top-level key names
 * a model, `data` when the text is not a JSON object or its object ends without one, `unknown`
 * when the text ends first (or is a JSON string: a double-encoded config the reader unwraps).
 */
export function jsonKind(text: string, complete: boolean): JsonKind {
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  while (i < text.length && isSpace(text.charCodeAt(i))) i++;
  if (i >= text.length) return complete ? 'data' : 'unknown';
  if (text[i] === '"') return 'unknown';
  if (text[i] !== '{') return 'data';
  let depth = 0;
  for (; i < text.length; i++) {
    const ch = text[i];
    if (ch === '"') {
      const start = i + 1;
      for (i = start; i < text.length && text[i] !== '"'; i++) if (text[i] === '\\') i++;
      if (i >= text.length) break;
      if (depth === 1 && MODEL_KEYS.has(text.slice(start, i))) {
        let j = i + 1;
        while (j < text.length && isSpace(text.charCodeAt(j))) j++;
        if (text[j] === ':') return 'model';
      }
    } else if (ch === '{' || ch === '[') depth++;
    else if (ch === '}' || ch === ']') {
      depth--;
      if (depth === 0) return 'data';
    }
  }
  return complete ? 'data' : 'unknown';
}

async function readHead(path: string, bytes: number): Promise<{ text: string; complete: boolean }> {
  // O_NONBLOCK: a FIFO put in the file's place after the walk saw a regular file does not block the open.
  const handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    const size = (await handle.stat()).size;
    const buf = Buffer.alloc(Math.min(bytes, size));
    const { bytesRead } = await handle.read(buf, 0, buf.length, 0);
    return { text: buf.toString('latin1', 0, bytesRead), complete: bytesRead >= size };
  } finally {
    await handle.close();
  }
}

/** Should a folder walk take this .json file? Unreadable or undecided: yes, the analysis says why. */
export async function looksLikeModelJson(path: string): Promise<boolean> {
  try {
    let head = await readHead(path, FIRST_READ);
    let kind = jsonKind(head.text, head.complete);
    if (kind === 'unknown' && !head.complete) {
      head = await readHead(path, MAX_READ);
      kind = jsonKind(head.text, head.complete);
    }
    return kind !== 'data';
  } catch {
    return true;
  }
}
