// Small formatting helpers shared by the renderers: Keras's byte sizes, shapes, colour.
import type { LayerReport, Shape } from '../types.js';
import stringWidth from 'string-width';
import { fmtCount, fmtOutput, fmtShape, kerasShape } from '../layers/util.js';

export { fmtCount, fmtOutput, fmtShape, kerasShape };

/** A count and its noun, singular for 1: "1 unit", "3 units", "1,024 params". */
export function plural(n: number, word: string, many = `${word}s`): string {
  return `${fmtCount(n)} ${n === 1 ? word : many}`;
}

/**
 * Python's `'{:.2f}'.format(x)`: round half to even on the exact binary value. JS `toFixed` rounds
 * exact ties up instead (1.125 → "1.13" where Keras prints "1.12"), so ties are settled here.
 * Byte sizes are multiples of 1/1024^k, so `x * 100` is exact and a tie is detectable.
 */
export function pyFixed2(x: number): string {
  const scaled = x * 100;
  const floor = Math.floor(scaled);
  if (scaled - floor === 0.5) return ((floor % 2 === 0 ? floor : floor + 1) / 100).toFixed(2);
  return x.toFixed(2);
}

/**
 * Keras's `readable_memory_size` (keras/src/utils/summary_utils.py): divide by 1024 while the
 * result is ≥ 1, two decimals, units B…PB. 336 → "336.00 B", 1152 → "1.12 KB".
 */
export function readableMemorySize(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB', 'PB'];
  let size = bytes;
  for (const unit of units) {
    if (size / 1024 < 1) return `${pyFixed2(size)} ${unit}`;
    size /= 1024;
  }
  return `${pyFixed2(size)} PB`;
}


/**
 * A layer's output as the table prints it: `?` for a size that cannot be known (null in the JSON
 * shape, listed in `unknownAxes`), `1152*` for a size taken from the stored weights.
 */
export function fmtLayerOutput(l: Pick<LayerReport, 'outputShape' | 'unknownAxes' | 'axesFromWeights'>): string {
  const out = l.outputShape;
  if (!out || (out.length > 0 && Array.isArray(out[0])) || (!l.unknownAxes && !l.axesFromWeights)) return fmtOutput(out);
  const unknown = new Set(l.unknownAxes ?? []);
  const pinned = new Set((l.axesFromWeights ?? []).map((a) => a.axis));
  return `(${(out as Shape).map((d, i) => (unknown.has(i) ? '?' : d === null ? 'None' : pinned.has(i) ? `${d}*` : String(d))).join(', ')})`;
}


// ---------------------------------------------------------------- colour

/** Plain ANSI SGR codes; no library. Identity functions when colour is off. */
export interface Paint {
  bold(s: string): string;
  red(s: string): string;
  green(s: string): string;
  yellow(s: string): string;
  dim(s: string): string;
}

/** A style opened and closed on every line, so no style runs past a line break (a pager, `less -R`, a CI log viewer). */
const sgr = (code: string) => (s: string) => s.split('\n').map((line) => (line ? `\u001b[${code}m${line}\u001b[0m` : line)).join('\n');
const plain = (s: string) => s;

export function paint(color: boolean): Paint {
  if (!color) return { bold: plain, red: plain, green: plain, yellow: plain, dim: plain };
  return { bold: sgr('1'), red: sgr('31'), green: sgr('32'), yellow: sgr('33'), dim: sgr('2') };
}

/**
 * Whether to colour, as Node decides it (tty.WriteStream.getColorDepth): FORCE_COLOR set to
 * anything but `0` or `false` colours even a pipe and wins over NO_COLOR; FORCE_COLOR=0 never
 * colours; otherwise colour only on a terminal, never with NO_COLOR set non-empty (no-color.org),
 * never on TERM=dumb.
 */
export function useColor(isTTY: boolean, env: Record<string, string | undefined>): boolean {
  const force = env['FORCE_COLOR'];
  if (force !== undefined) return force !== '0' && force.toLowerCase() !== 'false';
  const noColor = env['NO_COLOR'];
  if (noColor !== undefined && noColor !== '') return false;
  if (env['TERM'] === 'dumb') return false;
  return isTTY;
}

const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;

/** Columns a string takes on a terminal: ANSI codes take none, CJK and emoji two (string-width). */
export function visibleLength(s: string): number {
  // Printable ASCII is one column a character: most strings never reach string-width (whose
  // grapheme segmenter is costly to make; the CLI bundle makes it on first use, docs/bench.md).
  return PRINTABLE_ASCII.test(s) ? s.length : stringWidth(s);
}

export function padEnd(s: string, width: number): string {
  return s + ' '.repeat(Math.max(0, width - visibleLength(s)));
}

export function padStart(s: string, width: number): string {
  return ' '.repeat(Math.max(0, width - visibleLength(s))) + s;
}
