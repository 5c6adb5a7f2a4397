// One file of `check`: its report (or only its row), or the one line that says why not. Run in the
// main thread, or, for a big batch, in a check worker thread (check-worker.ts); the outcome is the
// same either way.
import { EXIT, NotAModelError } from '../errors.js';
import { batchRow, errorEntry, skippedEntry, type BatchResult, type SkippedFile } from '../report/batch.js';
import { terminalSafeJson } from '../report/display.js';
import { exitFor, type CommonOptions, type Ctx } from './context.js';
import { applyExpectations, type Expected } from './expectations.js';
import { exitCodeOf, oneLine, writeStack } from './outcome.js';
import { pairedPaths } from './paired.js';
import type { Entry } from './paths.js';
import { shownAs } from './stdin.js';

export type Outcome = BatchResult | SkippedFile;

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
    const report = applyExpectations(await ctx.engine.analyze(entry.path, {}), expected);
    const kept = rowOnly ? { row: batchRow(report) } : { report };
    // A paired weights file, a KerasHub preset's shards and task weights: their own rows are folded into its row.
    return { file, ...kept, exitCode: exitFor(report.findings, o.failOn), ...(await pairedPaths(report, entry)) };
  } catch (err) {
    // A file a walk found that its reader calls no model at all is skipped; named, it is an error line.
    if (err instanceof NotAModelError && entry.walked) return { file, reason: 'not-a-model', message: oneLine(err) };
    writeStack(ctx.io, err, o.debug ?? false);
    return { file, exitCode: exitCodeOf(err), error: oneLine(err) };
  }
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
