// Fitting a table to the terminal, as rich does for Keras's summary: the widest columns give way
// first, and their text wraps at spaces (after ", " between inputs), never inside a word unless it must.
import { visibleLength } from './format.js';

/** No column is squeezed below this (a layer name and its class stay readable). */
const MIN_COLUMN = 12;

/** Width of a row: each column plus its two spaces of padding, and one bar between and around. */
export function tableWidth(ws: readonly number[]): number {
  return ws.reduce((t, w) => t + w + 3, 1);
}

/** Narrow the widest columns until the table fits `max` characters (or cannot narrow further). */
export function fitWidths(ws: readonly number[], max: number): number[] {
  const out = [...ws];
  while (tableWidth(out) > max) {
    const widest = out.indexOf(Math.max(...out));
    if (out[widest]! <= MIN_COLUMN) break;
    out[widest]! -= 1;
  }
  return out;
}

// Made on first use: building an Intl.Segmenter loads ICU's locale data and break iterator
// (≈ 13 ms of CPU, 6 % of a cold `kerascope small.h5`), and only a line too wide to fit needs it.
let graphemes: Intl.Segmenter | undefined;

/** The longest start of `s` (whole graphemes) that fits `width` columns; at least one grapheme. */
function fitStart(s: string, width: number): number {
  let used = 0;
  let end = 0;
  graphemes ??= new Intl.Segmenter(undefined, { granularity: 'grapheme' });
  for (const { segment, index } of graphemes.segment(s)) {
    const w = visibleLength(segment);
    if (used + w > width && index > 0) return index;
    used += w;
    end = index + segment.length;
  }
  return end;
}

/**
 * Break a line into pieces of at most `width` terminal columns (CJK and emoji are two), at the last
 * space that fits, else between graphemes; coloured text is left whole.
 */
export function wrapLine(line: string, width: number): string[] {
  if (visibleLength(line) <= width || line.includes('\u001b')) return [line];
  const out: string[] = [];
  let rest = line;
  while (visibleLength(rest) > width) {
    const fits = fitStart(rest, width);
    const space = rest.lastIndexOf(' ', fits);
    const cut = space > 0 ? space : fits;
    out.push(rest.slice(0, cut).trimEnd());
    rest = rest.slice(cut).trimStart();
  }
  if (rest) out.push(rest);
  return out;
}
