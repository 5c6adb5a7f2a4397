// `kerascope check PATH…`: every file found, one table (or one JSON array, or a CI report), one exit
// code (the worst). At hub scale: `--shard i/N`, `--jsonl` (one line per file as it finishes, nothing
// kept), `--resume FILE` (shard.ts). `--threads N` analyses the files on N
// worker threads (check-threads.ts), with the same output.
import { EXIT, UsageError } from '../errors.js';
import { errorEntry, foldPairedWeights, renderBatch, skippedEntry, type BatchResult, type SkippedFile } from '../report/batch.js';
import { display } from '../report/display.js';
import { checkOne, checkSource, doneOf, failedOutcome, isSkipped, jsonLine, readInMain, type Done, type Keep, type Outcome } from './check-one.js';
import { READ_AHEAD_MIN, READ_AHEAD_WINDOW, ReadAhead, type ReadResult } from './check-read-ahead.js';
import { color, json, width, type CommonOptions, type Ctx } from './context.js';
import { loadExpectations, type ExpectOptions, type Expected } from './expectations.js';
import { deliver, formatOf, type OutputOptions } from './output.js';
import { expandPaths, type Entry } from './paths.js';
import { runPool } from './pool.js';
import { inShard, parseShard, readDone } from './shard.js';
import { threadCount } from './threads.js';

export interface CheckOptions extends CommonOptions, OutputOptions, ExpectOptions {
  jobs: number;
  threads?: number;
  shard?: string;
  jsonl?: boolean;
  resume?: string;
}

/** Standard input and remote files are read by the main thread (readInMain), and a PATH that gave no file needs no analysis. */
const inMainThread = (e: Entry): boolean => e.problem !== undefined || readInMain(e);

/**
 * What `take` keeps of each file's outcome, in the order of `entries` (`take` sees each as it
 * finishes), analysed on worker threads when --threads says so, else in this thread — with a
 * worker thread reading ahead for it when the files are many and all local (check-read-ahead.ts).
 */
async function checkAll<R>(ctx: Ctx, entries: Entry[], o: CheckOptions, expected: Expected, keep: Keep, take: (d: Done) => R): Promise<R[]> {
  const here = (e: Entry): Promise<Done> => checkOne(ctx, e, o, expected, keep === 'row').then((x) => doneOf(x, keep));
  const progress = ctx.io.stderr.isTTY === true ? ctx.io.stderr : null;
  const count = ctx.engine.threadSafe ? threadCount(o.threads) : 0;
  const init = { options: { failOn: o.failOn, debug: o.debug }, expected, keep };
  const threads = count > 0 ? new (await import('./check-threads.js')).CheckThreads({ count, init, stderr: ctx.io.stderr, inMain: here }) : null;
  const readAhead = o.threads === undefined && readsAhead(ctx, entries) ? new ReadAhead({ init, stderr: ctx.io.stderr }) : null;
  const afterRead = (e: Entry, r: ReadResult): Promise<Done> => {
    if (r === null) return here(e);
    const x = 'source' in r ? checkSource(ctx, e, r.source, o, expected, keep === 'row') : Promise.resolve(failedOutcome(ctx, e, r.failure, o));
    return x.then((y) => doneOf(y, keep));
  };
  const work = (e: Entry): Promise<Done> => {
    if (threads && !inMainThread(e)) return threads.check(e);
    if (readAhead && !inMainThread(e)) return readAhead.read(e).then((r) => afterRead(e, r));
    return here(e);
  };
  const inFlight = readAhead ? Math.max(o.jobs, READ_AHEAD_WINDOW) : o.jobs * Math.max(1, count);
  try {
    return await runPool(entries, inFlight, (e) => work(e).then(take), progress, (e) => display(e.path));
  } finally {
    await Promise.all([threads?.close(), readAhead?.close()]);
  }
}

/**
 * A worker reads ahead when the library can be split in two and the files are many and local: a
 * batch with standard input or a URL keeps to --jobs files at once (a remote server is not asked
 * for 32 files together).
 */
function readsAhead(ctx: Ctx, entries: Entry[]): boolean {
  const e = ctx.engine;
  return e.threadSafe === true && !!e.readSource && !!e.analyzeSource && entries.length >= READ_AHEAD_MIN && !entries.some(readInMain);
}

const outcomeOf = (d: Done): Outcome => (d as { outcome: Outcome }).outcome;

/** `--jsonl`: each file's entry on one line the moment it is done; nothing is kept but the worst exit code. */
async function streamJsonl(ctx: Ctx, entries: Entry[], skipped: SkippedFile[], o: CheckOptions, expected: Expected): Promise<number> {
  for (const s of skipped) ctx.io.stdout.write(jsonLine(s));
  const codes = await checkAll(ctx, entries, o, expected, 'line', (d) => {
    if (!('line' in d)) return EXIT.ok;
    ctx.io.stdout.write(d.line);
    return d.code;
  });
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

  const rowOnly = formatOf(o) === 'table' && !o.output;
  const outcomes = await checkAll(ctx, entries, o, expected, rowOnly ? 'row' : 'report', outcomeOf);
  const results = foldPairedWeights(outcomes.filter((x): x is BatchResult => !isSkipped(x)));
  const skipped: SkippedFile[] = [...walkSkipped, ...outcomes.filter(isSkipped)];
  const code = results.reduce((worst, r) => Math.max(worst, r.exitCode), EXIT.ok as number);
  deliver(ctx, o, { command: 'check', results, skipped, failOn: o.failOn }, {
    table: () => renderBatch(results, { color: color(ctx), width: width(ctx), skipped }),
    json: () => json([...results.map((r) => r.report ?? errorEntry(r)), ...skipped.map(skippedEntry)]),
  }, code);
  return code;
}
