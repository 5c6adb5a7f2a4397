// The table's columns, chosen like torchinfo's col_names (`--columns output-shape,params,macs`),
// plus Keras summary()'s own: show_trainable, layer_range, expand_nested (here with a depth).
import type { LayerReport, LayerStatus, Report } from '../types.js';
import type { Cell, Column } from './box.js';
import { fmtCount, fmtLayerOutput, readableMemorySize, type Paint } from './format.js';

export const COLUMN_NAMES = ['output-shape', 'params', 'param-share', 'macs', 'flops', 'activation-bytes', 'trainable', 'connected-to', 'verdict'] as const;
export type ColumnName = (typeof COLUMN_NAMES)[number];

/** Columns that say what the model computes: the table then adds the compute totals. */
export const COMPUTE_COLUMNS: readonly ColumnName[] = ['macs', 'flops', 'activation-bytes'];

export interface RowContext {
  report: Report;
  level: number;
  p: Paint;
}

interface ColumnDef extends Column {
  cell(l: LayerReport, ctx: RowContext): Cell;
}

const VERDICT: Record<LayerStatus, string> = {
  ok: 'ok',
  mismatch: 'MISMATCH',
  'unknown-class': 'unknown',
  unverified: 'unverified',
  'no-shape': 'no shape',
};

function verdictCell(status: LayerStatus, p: Paint): string {
  const text = VERDICT[status];
  if (status === 'ok') return p.green(text);
  if (status === 'mismatch') return p.red(text);
  return p.yellow(text);
}

/** One input per line, comma-terminated but the last, as rich wraps Keras's list. */
function connections(l: LayerReport): string[] {
  if (l.connectedTo.length === 0) return ['-'];
  return l.connectedTo.map((c, i) => (i < l.connectedTo.length - 1 ? `${c},` : c));
}

/** `?` for a layer whose parameters the file cannot tell, `≥ N` for a nested model holding one. */
function paramCell(l: LayerReport): string {
  if (!l.paramsUnknown) return fmtCount(l.params);
  return l.params === 0 && !l.layers ? '?' : `≥ ${fmtCount(l.params)}`;
}

const known = (n: number | null | undefined, f: (n: number) => string): string => (n === null || n === undefined ? '?' : f(n));

/** "12.5%", one decimal as torchinfo's "Param %"; a share that rounds to 0 but is not says "<0.1%". */
export function share(part: number, total: number): string {
  if (total === 0) return '-';
  const pct = (100 * part) / total;
  return pct > 0 && pct < 0.05 ? '<0.1%' : `${pct.toFixed(1)}%`;
}

export const COLUMNS: Record<ColumnName, ColumnDef> = {
  'output-shape': { header: 'Output Shape', align: 'left', cell: (l) => fmtLayerOutput(l) },
  params: { header: 'Param #', align: 'right', cell: (l) => paramCell(l) },
  'param-share': { header: 'Param %', align: 'right', cell: (l, c) => share(l.params, c.report.totals.params) },
  macs: { header: 'MACs', align: 'right', cell: (l) => known(l.compute?.macs, fmtCount) },
  flops: { header: 'FLOPs', align: 'right', cell: (l) => known(l.compute?.flops, fmtCount) },
  'activation-bytes': { header: 'Activations', align: 'right', cell: (l) => known(l.compute?.activationBytes, readableMemorySize) },
  // Keras 3 summary_utils.print_layer: "Y" / "N" for a layer with weights, "-" for one without.
  trainable: { header: 'Trainable', align: 'left', cell: (l, c) => (l.weights.length === 0 && !l.layers?.length ? '-' : l.trainable ? c.p.bold('Y') : c.p.bold('N')) },
  // Keras prints "-" for a nested layer: its nodes are not among the outer model's nodes.
  'connected-to': { header: 'Connected to', align: 'left', cell: (l, c) => (c.level === 0 ? connections(l) : '-') },
  verdict: { header: 'Verdict', align: 'left', cell: (l, c) => verdictCell(l.status, c.p) },
};

/** `--columns a,b,c`: the names, checked; an unknown name is the caller's usage error. */
export function parseColumns(text: string): ColumnName[] | string {
  const names = text.split(',').map((s) => s.trim()).filter(Boolean);
  const bad = names.find((n) => !(COLUMN_NAMES as readonly string[]).includes(n));
  if (bad !== undefined) return `unknown column ${JSON.stringify(bad)} (one of ${COLUMN_NAMES.join(', ')})`;
  if (names.length === 0) return 'no column named';
  return [...new Set(names)] as ColumnName[];
}

/**
 * Keras's layer_range (summary_utils.get_layer_index_bound_by_layer_name): the first top-level
 * layer whose name matches START and the last that matches END (Python's re.match: anchored at
 * the start), both included. An error text when a pattern is bad or matches nothing.
 */
export function layerRange(layers: LayerReport[], start: string, end: string): LayerReport[] | string {
  let from: RegExp;
  let to: RegExp;
  try {
    from = new RegExp(`^(?:${start})`);
    to = new RegExp(`^(?:${end})`);
  } catch (e) {
    return `--layer-range: ${(e as Error).message}`;
  }
  const lo = layers.findIndex((l) => from.test(l.name));
  let hi = -1;
  layers.forEach((l, i) => {
    if (to.test(l.name)) hi = i;
  });
  if (lo < 0 || hi < 0) return `--layer-range ${JSON.stringify(start)} ${JSON.stringify(end)} matches no layer names of the model`;
  return layers.slice(lo, hi + 1);
}
