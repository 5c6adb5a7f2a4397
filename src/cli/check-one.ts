// One file of `check`: its report (or only its row), or the one line that says why not. Run in the
// main thread, or, for a big batch, in a check worker thread (check-worker.ts); the outcome is the
// same either way.
import { EXIT, NotAModelError } from '../errors.js';
import type { ModelSource, Report } from '../types.js';
import { batchRow, errorEntry, skippedEntry, type BatchResult, type SkippedFile } from '../report/batch.js';
import { terminalSafeJson } from '../report/display.js';
import { exitFor, type CommonOptions, type Ctx } from './context.js';
import { applyExpectations, type Expected } from './expectations.js';
import { exitCodeOf, oneLine, stackText } from './outcome.js';
import { pairedPaths } from './paired.js';
import type { Entry } from './paths.js';
import { STDIN_ARG, shownAs } from './stdin.js';
import { isRemote } from '../formats/remote/address.js';

export type Outcome = BatchResult | SkippedFile;

/** Standard input and remote files are read by the main thread, through `analyze` (stdin.ts wraps it for `-`). */
export const readInMain = (e: Entry): boolean => e.path === STDIN_ARG || isRemote(e.path);

export const isSkipped = (x: Outcome): x is SkippedFile => 'reason' in x;

export type OneOptions = Pick<CommonOptions, 'failOn' | 'debug'>;

/**
 * `rowOnly`: only the table is wanted, so each file keeps its row, not its report (a report of a
 * small model holds ~14 kB; 10,000 of them were most of a batch's memory, docs/bench.md).
 */
export async function checkOne(ctx: Ctx, entry: Entry, o: OneOptions, expected: Expected, rowOnly = false): Promise<Outcome> {
  const file = shownAs(entry.path);
  if (entry.problem) return { file, exitCode: EXIT.unreadable, error: entry.problem };
  try {
    const e = ctx.engine;
    if (rowOnly && e.readSource && e.analyzeSourceRow && !readInMain(entry)) return await outcomeOfSource(ctx, entry, await e.readSource(entry.path), o, expected, rowOnly);
    return await outcomeOfReport(await e.analyze(entry.path, {}), entry, o, expected, rowOnly);
  } catch (err) {
    return failedOutcome(ctx, entry, failureOf(err, o.debug ?? false), o);
  }
}

/**
 * The same outcome from a model read elsewhere (check-read-ahead.ts: a worker thread reads the
 * files, this thread analyses them): `analyzeSource` is the rest of what `analyze` does.
 */
export async function checkSource(ctx: Ctx, entry: Entry, source: ModelSource, o: OneOptions, expected: Expected, rowOnly: boolean): Promise<Outcome> {
  try {
    return await outcomeOfSource(ctx, entry, source, o, expected, rowOnly);
  } catch (err) {
    return failedOutcome(ctx, entry, failureOf(err, o.debug ?? false), o);
  }
}

/** Expectations (--baseline, --expect) read the whole report; without them the table needs only the row. */
const rowSuffices = (expected: Expected, rowOnly: boolean): boolean => rowOnly && !expected.baseline && expected.expect.length === 0;

async function outcomeOfSource(ctx: Ctx, entry: Entry, source: ModelSource, o: OneOptions, expected: Expected, rowOnly: boolean): Promise<Outcome> {
  const row = rowSuffices(expected, rowOnly) && ctx.engine.analyzeSourceRow ? await ctx.engine.analyzeSourceRow(source) : null;
  if (!row) return outcomeOfReport(await ctx.engine.analyzeSource!(source, {}), entry, o, expected, rowOnly);
  return { file: shownAs(entry.path), row, exitCode: exitFor(row.findings, o.failOn), ...(await pairedPaths({ file: source.file, weightsFile: row.weightsFile }, entry)) };
}

async function outcomeOfReport(analysed: Report, entry: Entry, o: OneOptions, expected: Expected, rowOnly: boolean): Promise<Outcome> {
  const report = applyExpectations(analysed, expected);
  const kept = rowOnly ? { row: batchRow(report) } : { report };
  // A paired weights file, a KerasHub preset's shards and task weights: their own rows are folded into its row.
  return { file: shownAs(entry.path), ...kept, exitCode: exitFor(report.findings, o.failOn), ...(await pairedPaths(report, entry)) };
}

/**
 * What a failed file comes to, as plain data (a worker thread sends it as it is): not a model at
 * all, or an error with its exit code, its one line and, under --debug, its stack.
 */
export interface Failure {
  notAModel: boolean;
  exitCode: number;
  line: string;
  stack: string;
}

export function failureOf(err: unknown, debug: boolean): Failure {
  return { notAModel: err instanceof NotAModelError, exitCode: exitCodeOf(err), line: oneLine(err), stack: debug ? stackText(err) : '' };
}

/** A file a walk found that its reader calls no model at all is skipped; named, it is an error line. */
export function failedOutcome(ctx: Ctx, entry: Entry, f: Failure, o: OneOptions): Outcome {
  const file = shownAs(entry.path);
  if (f.notAModel && entry.walked) return { file, reason: 'not-a-model', message: f.line };
  if (o.debug && f.stack) ctx.io.stderr.write(f.stack);
  return { file, exitCode: f.exitCode, error: f.line };
}

/** The `--json` (and `--jsonl`) entry of an outcome. */
export const entryOf = (x: Outcome): unknown => (isSkipped(x) ? skippedEntry(x) : (x.report ?? errorEntry(x)));

/** The outcome as one `--jsonl` line. */
export const jsonLine = (x: Outcome): string => terminalSafeJson(JSON.stringify(entryOf(x))) + '\n';

/** The exit code an outcome adds to the batch's worst (a skipped file: none). */
export const codeOf = (x: Outcome): number => (isSkipped(x) ? EXIT.ok : x.exitCode);

/** What a batch keeps of a file: its outcome (a row or a report), or, for --jsonl, its line. */
export type Keep = 'row' | 'report' | 'line';
export type Done = { outcome: Outcome } | { line: string; code: number };

export const doneOf = (outcome: Outcome, keep: Keep): Done => (keep === 'line' ? { line: jsonLine(outcome), code: codeOf(outcome) } : { outcome });
