// `kerascope check PATH…`: every file found, one table (or one JSON array), one exit code (the worst).
import { realpath } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Report } from '../types.js';
import { EXIT, NotAModelError } from '../errors.js';
import { errorEntry, foldPairedWeights, renderBatch, skippedEntry, type BatchResult, type SkippedFile } from '../report/batch.js';
import { display } from '../report/display.js';
import { color, exitFor, json, width, type CommonOptions, type Ctx } from './context.js';
import { exitCodeOf, oneLine, writeStack } from './outcome.js';
import { expandPaths, type Entry } from './paths.js';
import { runPool } from './pool.js';

type Outcome = BatchResult | SkippedFile;

const isSkipped = (x: Outcome): x is SkippedFile => 'reason' in x;

/** The weights files a preset's report read, as paths (they sit beside its config.json). */
function presetWeights(report: Report): string[] {
  const p = report.preset;
  if (!p) return [];
  const dir = dirname(report.file);
  return [...p.weightsFiles, ...(p.task?.weightsFile ? [p.task.weightsFile] : [])].map((f) => join(dir, f));
}

async function checkOne(ctx: Ctx, entry: Entry, o: CommonOptions): Promise<Outcome> {
  const file = entry.path;
  if (entry.problem) return { file, exitCode: EXIT.unreadable, error: entry.problem };
  try {
    const report = await ctx.engine.analyze(file, {});
    const weightsReal = report.weightsFile ? await realpath(report.weightsFile).catch(() => undefined) : undefined;
    // A KerasHub preset read its shards and its task's weights too: their own rows are folded into its row.
    const companions = (await Promise.all(presetWeights(report).map((f) => realpath(f).catch(() => null)))).filter((f): f is string => f !== null);
    return { file, report, exitCode: exitFor(report.findings, o.failOn), real: entry.real, ...(weightsReal ? { weightsReal } : {}), ...(companions.length ? { companionsReal: companions } : {}) };
  } catch (err) {
    // A file a walk found that its reader calls no model at all is skipped; named, it is an error line.
    if (err instanceof NotAModelError && entry.walked) return { file, reason: 'not-a-model', message: oneLine(err) };
    writeStack(ctx.io, err, o.debug ?? false);
    return { file, exitCode: exitCodeOf(err), error: oneLine(err) };
  }
}

export async function runCheck(ctx: Ctx, paths: string[], o: CommonOptions & { jobs: number }): Promise<number> {
  const { entries, skipped: walkSkipped } = await expandPaths(paths);
  const progress = ctx.io.stderr.isTTY === true ? ctx.io.stderr : null;
  const outcomes = await runPool(entries, o.jobs, (e) => checkOne(ctx, e, o), progress, (e) => display(e.path));
  const results = foldPairedWeights(outcomes.filter((x): x is BatchResult => !isSkipped(x)));
  const skipped: SkippedFile[] = [...walkSkipped.map((s) => ({ file: s.path, reason: s.why, message: s.detail })), ...outcomes.filter(isSkipped)];
  if (o.json) ctx.io.stdout.write(json([...results.map((r) => r.report ?? errorEntry(r)), ...skipped.map(skippedEntry)]));
  else ctx.io.stdout.write(renderBatch(results, { color: color(ctx), width: width(ctx), skipped }));
  return results.reduce((worst, r) => Math.max(worst, r.exitCode), EXIT.ok as number);
}
