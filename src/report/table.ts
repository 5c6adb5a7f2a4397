// The default output: a table in the spirit of Keras's `model.summary()`
// (keras/src/utils/summary_utils.py `print_summary`), with a verdict column, Keras-style totals,
// a stored-vs-expected line and the findings.
import type { LayerReport, Report } from '../types.js';
import { UsageError } from '../errors.js';
import { boxTable, type Cell, type Column } from './box.js';
import { COLUMNS, COMPUTE_COLUMNS, layerRange, type ColumnName } from './columns.js';
import { computeLines } from './compute-lines.js';
import { displayAll } from './display.js';
import { renderFindings } from './findings.js';
import { fmtCount, paint, readableMemorySize, type Paint } from './format.js';
import { append } from '../append.js';

export interface TableOptions {
  /** Show the layers of nested models, indented as Keras's `expand_nested=True` (every level). */
  expand?: boolean;
  /** Show nested layers down to this many levels (torchinfo's depth); `expand` is every level. */
  depth?: number;
  color?: boolean;
  /** Fit the table to this many columns (a terminal's width); unlimited when absent. */
  width?: number;
  /** The columns after "Layer (type)", in order (`--columns`); Keras's when absent. */
  columns?: ColumnName[];
  /** Keras's show_trainable: a "Trainable" column (Y, N, - without weights). */
  showTrainable?: boolean;
  /** Only the top-level rows from the first matching START to the last matching END (Keras's layer_range). */
  layerRange?: [string, string];
  /** Plain ASCII lines instead of box drawing. */
  ascii?: boolean;
}

interface Opts {
  depth: number;
  color: boolean;
  width?: number;
  columns: ColumnName[];
  ascii: boolean;
}

/**
 * Keras prints "Connected to" only for a Functional model that is not a plain chain. We see the
 * chain from the report: each layer fed by the one before it, once, and no layer called twice.
 */
export function sequentialLike(report: Report): boolean {
  if (report.model?.className === 'Sequential') return true;
  // Rows that name no inputs at all (a KerasHub backbone's blocks): nothing to show in the column.
  if (report.layers.every((l) => l.connectedTo.length === 0)) return true;
  return report.layers.every((l, i) => {
    if (l.outputShapes && l.outputShapes.length > 1) return false;
    if (i === 0) return l.connectedTo.length === 0;
    const prev = report.layers[i - 1]!.name;
    return l.connectedTo.length === 1 && l.connectedTo[0]!.startsWith(`${prev}[`);
  });
}

/** Keras's nested prefix: three spaces per level, then "└ " (ASCII: "` "). */
function prefix(level: number, ascii: boolean): string {
  return level === 0 ? '' : `${'   '.repeat(level)}${ascii ? '`' : '└'} `;
}

function layerRows(l: LayerReport, level: number, report: Report, opts: Opts, p: Paint): Cell[][] {
  const ctx = { report, level, p };
  const rows: Cell[][] = [[`${prefix(level, opts.ascii)}${l.name} (${l.className})`, ...opts.columns.map((c) => COLUMNS[c].cell(l, ctx))]];
  if (level < opts.depth) for (const sub of l.layers ?? []) append(rows, layerRows(sub, level + 1, report, opts, p));
  return rows;
}

/** Keras's columns: Output Shape, Param #, Connected to (a Functional model that is not a chain), Trainable on request; then ours, Verdict. */
export function defaultColumns(report: Report, showTrainable: boolean): ColumnName[] {
  const out: ColumnName[] = ['output-shape', 'params'];
  if (!sequentialLike(report)) out.push('connected-to');
  if (showTrainable) out.push('trainable');
  out.push('verdict');
  return out;
}

function layerTable(report: Report, layers: LayerReport[], opts: Opts, p: Paint): string[] {
  const columns: Column[] = [{ header: 'Layer (type)', align: 'left' }, ...opts.columns.map((c) => COLUMNS[c])];
  const rows = layers.flatMap((l) => layerRows(l, 0, report, opts, p));
  return boxTable(columns, rows, p.bold, opts.width, opts.ascii);
}

/** Keras 3's totals: Total includes the optimizer's variables; the Optimizer line only when built. */
/** Totals with the fields added since schemaVersion 1 began read as 0 when a report predates them. */
function totalsOf(report: Report): Report['totals'] {
  const t = report.totals;
  return { ...t, unknownTrainabilityParams: t.unknownTrainabilityParams ?? 0, unknownTrainabilityBytes: t.unknownTrainabilityBytes ?? 0, unknownSizeTensors: t.unknownSizeTensors ?? 0, unknownParamLayers: t.unknownParamLayers ?? 0 };
}

export function totalsLines(report: Report, p: Paint): string[] {
  const t = totalsOf(report);
  const line = (label: string, n: number, bytes: number) =>
    `${p.bold(` ${label}: `)}${fmtCount(n)} (${readableMemorySize(bytes)})`;
  const out = [
    line('Total params', t.trainableParams + t.nonTrainableParams + t.unknownTrainabilityParams + t.optimizerParams, t.trainableBytes + t.nonTrainableBytes + t.unknownTrainabilityBytes + t.optimizerBytes),
    line('Trainable params', t.trainableParams, t.trainableBytes),
    line('Non-trainable params', t.nonTrainableParams, t.nonTrainableBytes),
  ];
  // Stored tensors of layers with no rule: whether Keras trains them is in the layer's code.
  if (t.unknownTrainabilityParams > 0) out.push(line('Params of unknown trainability', t.unknownTrainabilityParams, t.unknownTrainabilityBytes));
  if (t.optimizerParams > 0) out.push(line('Optimizer params', t.optimizerParams, t.optimizerBytes));
  if (t.unknownSizeTensors > 0) out.push(`${p.bold(' Unknown sizes: ')}${fmtCount(t.unknownSizeTensors)} tensor${t.unknownSizeTensors === 1 ? '' : 's'} whose size the file does not tell, not counted above`);
  if (t.unknownParamLayers > 0) out.push(`${p.bold(' Unknown counts: ')}the parameters of ${fmtCount(t.unknownParamLayers)} layer${t.unknownParamLayers === 1 ? '' : 's'} kerascope has no rule for (Param # ?), which the file stores no weights to count, are not counted above`);
  return out;
}

/** "Stored params: 2,217 of 2,217 expected" — the file's own tensors against the recomputed count. */
export function storedLine(report: Report, p: Paint): string {
  const t = totalsOf(report);
  const label = p.bold(' Stored params: ');
  if (t.storedParams === null) return `${label}none (no weights in the file: nothing to compare)`;
  const expected = t.trainableParams + t.nonTrainableParams + t.unknownTrainabilityParams;
  if (t.unknownSizeTensors > 0) return `${label}${fmtCount(t.storedParams)}; ${fmtCount(expected)} expected where sizes are known (${t.unknownSizeTensors} unknown)`;
  const diff = t.storedParams - expected;
  const verdict = diff === 0 ? p.green('match') : p.red(`${diff > 0 ? '+' : ''}${fmtCount(diff)} against expected`);
  return `${label}${fmtCount(t.storedParams)} of ${fmtCount(expected)} expected (${verdict})`;
}

/** A KerasHub preset: the backbone's count against metadata.json, and the task. */
export function presetLines(report: Report, p: Paint): string[] {
  const pr = report.preset;
  if (!pr) return [];
  const counts: string[] = [];
  if (pr.expectedParams !== null) counts.push(`${fmtCount(pr.expectedParams)} params from its constructor arguments`);
  if (pr.storedParams !== null) counts.push(`${fmtCount(pr.storedParams)} stored`);
  let meta = 'no parameter_count in metadata.json';
  if (pr.parameterCount !== null) {
    const other = pr.storedParams ?? pr.expectedParams;
    const agrees = other === null ? '' : other === pr.parameterCount ? ` (${p.green('match')})` : ` (${p.red('differs')})`;
    meta = `metadata.json parameter_count ${fmtCount(pr.parameterCount)}${agrees}`;
  }
  const out = [`${p.bold(' Backbone: ')}${pr.backbone}${counts.length ? `, ${counts.join(', ')}` : ''}; ${meta}`];
  if (pr.task) {
    const own = pr.task.weightsFile ? `${fmtCount(pr.task.params)} params of its own in task.weights.h5` : 'no weights of its own';
    const opt = pr.task.optimizerParams ? ` (+ ${fmtCount(pr.task.optimizerParams)} optimizer elements, not counted)` : '';
    out.push(`${p.bold(' Task: ')}${pr.task.className}, ${own}${opt}`);
  }
  return out;
}

export function verdictLine(report: Report, p: Paint): string {
  const v = report.verdict;
  const text = v === 'consistent' ? p.green(v) : v === 'inconsistent' ? p.red(v) : p.yellow(v);
  return `${p.bold('Verdict:')} ${text}`;
}

function headerLines(report: Report, p: Paint): string[] {
  const out = [`${p.bold('File:')} ${report.file} — ${report.formatLabel}`];
  if (report.weightsFile) out.push(`${p.bold('Weights:')} ${report.weightsFile}`);
  out.push(p.bold(report.model ? `Model: "${report.model.name}"` : 'Model: (no architecture stored)'));
  return out;
}

/** Under the table, when a shape has sizes that are unknown or taken from the stored weights. */
function shapeLegend(report: Report): string[] {
  const all = (ls: readonly LayerReport[]): LayerReport[] => ls.flatMap((l) => [l, ...all(l.layers ?? [])]);
  const layers = all(report.layers);
  const out: string[] = [];
  if (layers.some((l) => l.unknownAxes?.length)) out.push(' ? a size that cannot be known from the file (it depends on code kerascope never runs)');
  if (layers.some((l) => l.axesFromWeights?.length)) out.push(' * a size taken from the stored weights, which nothing else in the file tells');
  return out;
}

/** The whole default report, as lines joined by newlines (with a final newline). */
export function renderTable(raw: Report, options: TableOptions = {}): string {
  const report = displayAll(raw); // every string from the file escaped for the terminal
  let columns = options.columns ?? defaultColumns(report, options.showTrainable ?? false);
  if (options.columns && options.showTrainable && !columns.includes('trainable')) columns = [...columns, 'trainable'];
  const opts: Opts = { depth: options.expand ? Infinity : (options.depth ?? 0), color: options.color ?? false, width: options.width, columns, ascii: options.ascii ?? false };
  const p = paint(opts.color);
  const layers = options.layerRange ? layerRange(report.layers, ...options.layerRange) : report.layers;
  if (typeof layers === 'string') throw new UsageError(layers);
  const lines = [
    ...headerLines(report, p),
    ...layerTable(report, layers, opts, p),
    ...shapeLegend(report),
    ...totalsLines(report, p),
    ...(columns.some((c) => COMPUTE_COLUMNS.includes(c)) || (report.compute && report.compute.batch !== 1) ? computeLines(report, p) : []),
    storedLine(report, p),
    ...presetLines(report, p),
    verdictLine(report, p),
    '',
    ...renderFindings(report.findings, p),
  ];
  return lines.join('\n') + '\n';
}
