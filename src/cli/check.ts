// `kerascope check PATH…`: every file found, one table (or one JSON array, or a CI report), one exit
// code (the worst). At hub scale: `--shard i/N`, `--jsonl` (one line per file as it finishes, nothing
// kept), `--resume FILE` (shard.ts).
import { EXIT, NotAModelError, UsageError } from '../errors.js';
import { batchRow, errorEntry, foldPairedWeights, renderBatch, skippedEntry, type BatchResult, type SkippedFile } from '../report/batch.js';
import { display, terminalSafeJson } from '../report/display.js';
import { color, exitFor, json, width, type CommonOptions, type Ctx } from './context.js';
import { applyExpectations, loadExpectations, type ExpectOptions, type Expected } from './expectations.js';
import { deliver, formatOf, type OutputOptions } from './output.js';
import { exitCodeOf, oneLine, writeStack } from './outcome.js';
import { pairedPaths } from './paired.js';
import { expandPaths, type Entry } from './paths.js';
import { shownAs } from './stdin.js';
import { runPool } from './pool.js';
import { inShard, parseShard, readDone } from './shard.js';

type Outcome = BatchResult | SkippedFile;

const isSkipped = (x: Outcome): x is SkippedFile => 'reason' in x;

export interface CheckOptions extends CommonOptions, OutputOptions, ExpectOptions {
  jobs: number;
  shard?: string;
  jsonl?: boolean;
  resume?: string;
}

/**
 * `rowOnly`: only the table is wanted, so each file keeps its row, not its report (a report of a
 * small model holds ~14 kB; 10,000 of them were most of a batch's memory, docs/bench.md).
 */
async function checkOne(ctx: Ctx, entry: Entry, o: CheckOptions, expected: Expected, rowOnly = false): Promise<Outcome> {
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

const entryOf = (x: Outcome): unknown => (isSkipped(x) ? skippedEntry(x) : (x.report ?? errorEntry(x)));

/** `--jsonl`: each file's entry on one line the moment it is done; nothing is kept but the worst exit code. */
async function streamJsonl(ctx: Ctx, entries: Entry[], skipped: SkippedFile[], o: CheckOptions, expected: Expected): Promise<number> {
  const line = (x: Outcome) => ctx.io.stdout.write(terminalSafeJson(JSON.stringify(entryOf(x))) + '\n');
  for (const s of skipped) line(s);
  const progress = ctx.io.stderr.isTTY === true ? ctx.io.stderr : null;
  const codes = await runPool(
    entries,
    o.jobs,
    async (e) => {
      const out = await checkOne(ctx, e, o, expected);
      line(out);
      return isSkipped(out) ? EXIT.ok : out.exitCode;
    },
    progress,
    (e) => display(e.path),
  );
  return codes.reduce((worst, c) => Math.max(worst, c), EXIT.ok as number);
}

export async function runCheck(ctx: Ctx, paths: string[], o: CheckOptions): Promise<number> {
  if (o.jsonl && (o.json || o.format || o.output)) throw new UsageError('--jsonl writes one JSON line per file on stdout: give it without --json, --format or --output');
  formatOf(o);
  const expected = loadExpectations(o);
  const shard = o.shard ? parseShard(o.shard) : null;
  const done = o.resume ? await readDone(o.resume) : new Set<string>();
  const keep = (path: string) => inShard(path, shard) && !done.has(path);
  const expansion = await expandPaths(paths);
  const entries = expansion.entries.filter((e) => keep(e.path));
  const walkSkipped: SkippedFile[] = expansion.skipped.filter((s) => keep(s.path)).map((s) => ({ file: s.path, reason: s.why, message: s.detail }));
  if (o.jsonl) return streamJsonl(ctx, entries, walkSkipped, o, expected);

  const progress = ctx.io.stderr.isTTY === true ? ctx.io.stderr : null;
  const rowOnly = formatOf(o) === 'table' && !o.output;
  const outcomes = await runPool(entries, o.jobs, (e) => checkOne(ctx, e, o, expected, rowOnly), progress, (e) => display(e.path));
  const results = foldPairedWeights(outcomes.filter((x): x is BatchResult => !isSkipped(x)));
  const skipped: SkippedFile[] = [...walkSkipped, ...outcomes.filter(isSkipped)];
  const code = results.reduce((worst, r) => Math.max(worst, r.exitCode), EXIT.ok as number);
  deliver(ctx, o, { command: 'check', results, skipped, failOn: o.failOn }, {
    table: () => renderBatch(results, { color: color(ctx), width: width(ctx), skipped }),
    json: () => json([...results.map((r) => r.report ?? errorEntry(r)), ...skipped.map(skippedEntry)]),
  }, code);
  return code;
}
