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

/** The widest line of a cell; a one-line string (nearly every cell) without a list made for it. */
function cellWidth(cell: Cell): number {
  if (typeof cell === 'string' && !cell.includes('\n')) return visibleLength(cell);
  let w = 0;
  for (const line of linesOf(cell)) w = Math.max(w, visibleLength(line));
  return w;
}

function widths(columns: Column[], rows: Cell[][]): number[] {
  return columns.map((c, i) => {
    let w = visibleLength(c.header);
    for (const row of rows) w = Math.max(w, cellWidth(row[i] ?? ''));
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

/**
 * The lines of one row. Written with plain loops and one string per line: a 2,000-layer table has
 * 10,000 cells, and the arrays and closures made per cell were most of its garbage (docs/bench.md).
 */
function row(ws: number[], columns: Column[], cells: Cell[], bar: string, bold: (s: string) => string): string[] {
  const split: string[][] = [];
  let height = 1;
  for (let i = 0; i < cells.length; i++) {
    const c = cells[i]!;
    const lines = typeof c === 'string' && !c.includes('\n') ? wrapLine(c, ws[i]!) : linesOf(c).flatMap((l) => wrapLine(l, ws[i]!));
    split.push(lines);
    height = Math.max(height, lines.length);
  }
  const out: string[] = [];
  for (let k = 0; k < height; k++) {
    let line = bar;
    for (let i = 0; i < ws.length; i++) {
      const text = split[i]?.[k] ?? '';
      const fitted = columns[i]!.align === 'right' ? padStart(text, ws[i]!) : padEnd(text, ws[i]!);
      line += ` ${bold(fitted)} ${bar}`;
    }
    out.push(ws.length ? line : bar + bar);
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
