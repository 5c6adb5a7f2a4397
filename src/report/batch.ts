// `kerascope check PATH…`: one row per file (file, format, layers, params, verdict, findings).
import { sep } from 'node:path';
import type { Report } from '../types.js';
import { boxTable, type Column } from './box.js';
import { display, displayAll } from './display.js';
import { countBySeverity } from './findings.js';
import { fmtCount, paint, type Paint } from './format.js';

/** One file's outcome: a report, or the one-line reason it could not be analysed. */
export interface BatchResult {
  file: string;
  exitCode: number;
  report?: Report;
  error?: string;
}

function layerCount(r: Report): number {
  const count = (ls: Report['layers']): number => ls.reduce((n, l) => n + 1 + count(l.layers ?? []), 0);
  return count(r.layers);
}

function verdictCell(res: BatchResult, p: Paint): string {
  if (!res.report) return p.red(res.exitCode === 3 ? 'unreadable' : 'failed');
  const v = res.report.verdict;
  return v === 'consistent' ? p.green(v) : v === 'inconsistent' ? p.red(v) : p.yellow(v);
}

/** The folder every file sits in (with its trailing separator), or '' — long paths are shown below it. */
export function commonFolder(files: readonly string[]): string {
  if (files.length < 2) return '';
  let prefix = files[0]!.slice(0, files[0]!.lastIndexOf(sep) + 1);
  for (const f of files) {
    // Up one folder at a time; past the root (an absolute path beside a relative one) nothing is shared.
    while (prefix && !f.startsWith(prefix)) prefix = prefix.length > 1 ? prefix.slice(0, prefix.lastIndexOf(sep, prefix.length - 2) + 1) : '';
  }
  return prefix === sep ? '' : prefix;
}

function row(res: BatchResult, folder: string, p: Paint): string[] {
  const r = res.report;
  const file = res.file.slice(folder.length);
  if (!r) return [file, '-', '-', '-', verdictCell(res, p), res.error ?? ''];
  const params = r.totals.trainableParams + r.totals.nonTrainableParams;
  return [file, r.format, String(layerCount(r)), fmtCount(params), verdictCell(res, p), countBySeverity(r.findings)];
}

/** "3 files: 1 consistent, 1 inconsistent, 1 unreadable" */
export function batchSummary(results: readonly BatchResult[]): string {
  const tally = new Map<string, number>();
  for (const res of results) {
    const key = res.report ? res.report.verdict : res.exitCode === 3 ? 'unreadable' : 'failed';
    tally.set(key, (tally.get(key) ?? 0) + 1);
  }
  const parts = [...tally].map(([k, n]) => `${n} ${k}`);
  return `${results.length} file${results.length === 1 ? '' : 's'}: ${parts.join(', ')}`;
}

export function renderBatch(raw: readonly BatchResult[], options: { color?: boolean; width?: number } = {}): string {
  // File names found in a folder, error lines and reports all carry strings from files.
  const results = displayAll(raw);
  const p = paint(options.color ?? false);
  const columns: Column[] = [
    { header: 'File', align: 'left' },
    { header: 'Format', align: 'left' },
    { header: 'Layers', align: 'right' },
    { header: 'Params', align: 'right' },
    { header: 'Verdict', align: 'left' },
    { header: 'Findings', align: 'left' },
  ];
  const folder = commonFolder(results.map((r) => r.file));
  const lines = folder ? [`${p.bold('In:')} ${folder}`] : [];
  lines.push(...boxTable(columns, results.map((r) => row(r, folder, p)), p.bold, options.width));
  lines.push(batchSummary(results));
  return lines.join('\n') + '\n';
}

/** The `--json` entry for a file that could not be analysed. */
export function errorEntry(res: BatchResult): { schemaVersion: 1; file: string; error: { exitCode: number; message: string } } {
  return { schemaVersion: 1, file: res.file, error: { exitCode: res.exitCode, message: res.error ?? 'failed' } };
}
