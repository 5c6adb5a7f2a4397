// `kerascope check PATH…`: one row per file (file, format, layers, params, verdict, findings).
import { basename, sep } from 'node:path';
import type { Report } from '../types.js';
import { boxTable, type Column } from './box.js';
import { displayAll } from './display.js';
import { countBySeverity } from './findings.js';
import { fmtCount, paint, type Paint } from './format.js';
import { append } from '../append.js';
import { batchRow, type BatchRow } from './row.js';

export { batchRow, type BatchRow };

/** One file's outcome: a report (or only its row), or the one-line reason it could not be analysed. */
export interface BatchResult {
  file: string;
  exitCode: number;
  report?: Report;
  /**
   * What the table reads of the report, kept instead of it when only the table is wanted: a batch
   * of 10,000 files then holds 10,000 rows, not 10,000 reports (memory flat in the number of files).
   */
  row?: BatchRow;
  error?: string;
  /** The file's real path, and that of the weights file its report paired (to fold that file's own row). */
  real?: string;
  weightsReal?: string;
  /** Real paths of the other weights files the report read (a KerasHub preset's shards and task weights). */
  companionsReal?: string[];
}

/** A file a walk found and did not check: a symlink out of the folder, a broken link, JSON that is not a model. */
export interface SkippedFile {
  file: string;
  reason: 'link-outside' | 'broken-link' | 'not-a-file' | 'not-a-model';
  message: string;
}

/** The row of a result that has a report (kept whole or as its row), else null. */
const rowOf = (res: BatchResult): BatchRow | null => res.row ?? (res.report ? batchRow(res.report) : null);

const WEIGHTS_ONLY = new Set(['h5-weights', 'keras3-weights']);
const key = (f: BatchRow['findings'][number]): string => `${f.code}\u0000${f.message}`;

/**
 * One file, one row: a weights file that another row's architecture already read (a JSON's
 * same-stem .h5) is not listed again as "unverified" — unless its own row says something the
 * pairing row does not (a security finding about the weights file itself).
 */
export function foldPairedWeights(results: readonly BatchResult[]): BatchResult[] {
  const pairedBy = new Map<string, BatchResult>();
  for (const r of results) for (const w of [r.weightsReal, ...(r.companionsReal ?? [])]) if (w) pairedBy.set(w, r);
  return results.filter((r) => {
    const by = r.real ? pairedBy.get(r.real) : undefined;
    const own = rowOf(r);
    if (!by || by === r || !own || own.hasModel || !WEIGHTS_ONLY.has(own.format)) return true;
    // The pairing row audits the weights file too, naming it first (audit/index.ts): a finding
    // there that ends with this row's message is the same finding.
    const known = rowOf(by)!.findings;
    const said = (f: BatchRow['findings'][number]): boolean => known.some((k) => key(k) === key(f) || (k.code === f.code && k.message.endsWith(`: ${f.message}`)));
    return own.findings.some((f) => f.code !== 'weights-only' && !said(f));
  });
}

function verdictCell(res: BatchResult, r: BatchRow | null, p: Paint): string {
  if (!r) return p.red(res.exitCode === 3 ? 'unreadable' : 'failed');
  const v = r.verdict;
  const cell = v === 'consistent' ? p.green(v) : v === 'inconsistent' ? p.red(v) : p.yellow(v);
  // The file may agree with itself and still not be what the pipeline expects (--baseline, --expect).
  const unexpected = r.findings.some((f) => f.category === 'expectation' && f.severity === 'error');
  return unexpected ? `${cell}, ${p.red('not as expected')}` : cell;
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
  const r = rowOf(res);
  const file = res.file.slice(folder.length);
  if (!r) return [file, '-', '-', '-', verdictCell(res, r, p), res.error ?? ''];
  const paired = r.weightsFile ? ` + ${basename(r.weightsFile)}` : '';
  const count = r.atLeast ? `≥ ${fmtCount(r.params)}` : fmtCount(r.params);
  return [`${file}${paired}`, r.format, String(r.layers), count, verdictCell(res, r, p), countBySeverity(r.findings)];
}

/** "3 files: 1 consistent, 1 inconsistent, 1 unreadable" */
export function batchSummary(results: readonly BatchResult[]): string {
  const tally = new Map<string, number>();
  for (const res of results) {
    const key = rowOf(res)?.verdict ?? (res.exitCode === 3 ? 'unreadable' : 'failed');
    tally.set(key, (tally.get(key) ?? 0) + 1);
  }
  const parts = [...tally].map(([k, n]) => `${n} ${k}`);
  return `${results.length} file${results.length === 1 ? '' : 's'}: ${parts.join(', ')}`;
}

/** Shown under the table: what the walks skipped, most common reason first, a few names each. */
export function skippedLines(skipped: readonly SkippedFile[], folder: string, shown = 5): string[] {
  if (skipped.length === 0) return [];
  const lines = [`Skipped ${skipped.length} path${skipped.length === 1 ? '' : 's'} found by the walk (not checked):`];
  for (const s of skipped.slice(0, shown)) lines.push(`  ${s.file.startsWith(folder) ? s.file.slice(folder.length) : s.file}: ${s.message}`);
  if (skipped.length > shown) lines.push(`  … and ${skipped.length - shown} more (--json lists them all)`);
  return lines;
}

export interface BatchOptions {
  color?: boolean;
  width?: number;
  skipped?: readonly SkippedFile[];
}

export function renderBatch(rawResults: readonly BatchResult[], options: BatchOptions = {}): string {
  // File names found in a folder, error lines and reports all carry strings from files.
  const results = displayAll(rawResults);
  const skipped = displayAll(options.skipped ?? []);
  const p = paint(options.color ?? false);
  const columns: Column[] = [
    { header: 'File', align: 'left' },
    { header: 'Format', align: 'left' },
    { header: 'Layers', align: 'right' },
    { header: 'Params', align: 'right' },
    { header: 'Verdict', align: 'left' },
    { header: 'Findings', align: 'left' },
  ];
  const folder = commonFolder([...results.map((r) => r.file), ...skipped.map((x) => x.file)]);
  const lines = folder ? [`${p.bold('In:')} ${folder}`] : [];
  append(lines, boxTable(columns, results.map((r) => row(r, folder, p)), p.bold, options.width));
  lines.push(batchSummary(results), ...skippedLines(skipped, folder));
  return lines.join('\n') + '\n';
}

/** The `--json` entry for a file that could not be analysed. */
export function errorEntry(res: BatchResult): { schemaVersion: 1; file: string; error: { exitCode: number; message: string } } {
  return { schemaVersion: 1, file: res.file, error: { exitCode: res.exitCode, message: res.error ?? 'failed' } };
}

/** The `--json` entry for a path a walk skipped. */
export function skippedEntry(s: SkippedFile): { schemaVersion: 1; file: string; skipped: { reason: SkippedFile['reason']; message: string } } {
  return { schemaVersion: 1, file: s.file, skipped: { reason: s.reason, message: s.message } };
}
