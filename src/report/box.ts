// A box-drawn table in the style rich prints for Keras 3's `model.summary()`: a heavy header,
// a light line between rows (show_lines=True), one space of padding each side of a cell.
import { padEnd, padStart, visibleLength } from './format.js';
import { fitWidths, wrapLine } from './wrap.js';
import { append } from '../append.js';

export interface Column {
  header: string;
  align: 'left' | 'right';
}

/** A cell may span several lines (Keras wraps "Connected to" one input per line). */
export type Cell = string | string[];

function linesOf(cell: Cell): string[] {
  return Array.isArray(cell) ? (cell.length ? cell : ['']) : cell.split('\n');
}

function widths(columns: Column[], rows: Cell[][]): number[] {
  return columns.map((c, i) => {
    let w = visibleLength(c.header);
    for (const row of rows) for (const line of linesOf(row[i] ?? '')) w = Math.max(w, visibleLength(line));
    return w;
  });
}

function rule(ws: number[], [left, fill, mid, right]: string): string {
  return left! + ws.map((w) => fill!.repeat(w + 2)).join(mid!) + right!;
}

/** The lines of a table: rich's heavy header and light rows, or plain ASCII (`--ascii`). */
interface Lines {
  top: string;
  underHeader: string;
  between: string;
  bottom: string;
  headBar: string;
  bar: string;
}

const BOX: Lines = { top: '┏━┳┓', underHeader: '┡━╇┩', between: '├─┼┤', bottom: '└─┴┘', headBar: '┃', bar: '│' };
const ASCII: Lines = { top: '+-++', underHeader: '+=++', between: '+-++', bottom: '+-++', headBar: '|', bar: '|' };

function row(ws: number[], columns: Column[], cells: Cell[], bar: string, bold: (s: string) => string): string[] {
  const split = cells.map((c, i) => linesOf(c).flatMap((l) => wrapLine(l, ws[i]!)));
  const height = Math.max(1, ...split.map((l) => l.length));
  const out: string[] = [];
  for (let k = 0; k < height; k++) {
    const parts = ws.map((w, i) => {
      const text = split[i]?.[k] ?? '';
      const fitted = columns[i]!.align === 'right' ? padStart(text, w) : padEnd(text, w);
      return ` ${bold(fitted)} `;
    });
    out.push(bar + parts.join(bar) + bar);
  }
  return out;
}

/**
 * Render the table; `bold` styles the header cells (identity without colour). With `maxWidth`
 * (a terminal's columns) wide columns are narrowed and their text wrapped to fit.
 */
export function boxTable(columns: Column[], rows: Cell[][], bold: (s: string) => string = (s) => s, maxWidth?: number, ascii = false): string[] {
  const natural = widths(columns, rows);
  const ws = maxWidth ? fitWidths(natural, maxWidth) : natural;
  const l = ascii ? ASCII : BOX;
  const out = [rule(ws, l.top)];
  out.push(...row(ws, columns, columns.map((c) => c.header), l.headBar, bold));
  out.push(rule(ws, l.underHeader));
  // The line between rows is the same for every row: made once (a 2,000-layer table has 1,999).
  const between = rule(ws, l.between);
  const plain = (s: string) => s;
  rows.forEach((r, i) => {
    if (i > 0) out.push(between);
    append(out, row(ws, columns, r, l.bar, plain));
  });
  out.push(rule(ws, l.bottom));
  return out;
}
