// `kerascope FILE` (analyze) and `kerascope layers`. Each command returns its exit code; none
// throws for a bad file. The other commands have their own module (explain.ts, check.ts, audit.ts,
// graph.ts), loaded only when they run.
import { EXIT, UsageError } from '../errors.js';
import type { Report } from '../types.js';
import { errorEntry } from '../report/batch.js';
import { analyzeDoc, type ReportDoc } from '../report/document.js';
import { applyExpectations, loadExpectations, type ExpectOptions } from './expectations.js';
import { deliver, formatOf, type OutputOptions } from './output.js';
import { renderTable } from '../report/table.js';
import { color, exitFor, json, width, type CommonOptions, type Ctx } from './context.js';
import { fail, oneLine } from './outcome.js';
import { tableOptionsOf, type TableCliOptions } from './table-options.js';

export { exitFor, type CommonOptions, type Ctx };

export interface AnalyzeCliOptions extends CommonOptions, TableCliOptions, OutputOptions, ExpectOptions {
  weights?: string;
  config?: string;
  expand?: boolean;
}

export async function runAnalyze(ctx: Ctx, file: string, o: AnalyzeCliOptions): Promise<number> {
  formatOf(o);
  const expected = loadExpectations(o);
  let report: Report;
  let table: Exclude<ReturnType<typeof tableOptionsOf>, string>;
  try {
    const asked = tableOptionsOf(o);
    if (typeof asked === 'string') throw new UsageError(asked);
    table = asked;
    report = applyExpectations(await ctx.engine.analyze(file, { weights: o.weights, config: o.config, expand: o.expand, ...(o.batch ? { batch: o.batch } : {}) }), expected);
  } catch (err) {
    // The one error line on stderr; a machine format still gets its document (`| jq` sees a JSON error object, as check --json gives it).
    const code = fail(ctx.io, err, file, o.debug ?? false);
    const doc: ReportDoc = { command: 'analyze', results: [{ file, exitCode: code, error: oneLine(err) }], skipped: [], failOn: o.failOn };
    if (formatOf(o) !== 'table') deliver(ctx, o, doc, { table: () => '', json: () => json(errorEntry(doc.results[0]!)) }, code);
    return code;
  }
  const { doc, exitCode: code } = analyzeDoc(file, report, o.failOn);
  deliver(ctx, o, doc, {
    table: () => renderTable(report, { ...table, expand: o.expand, color: color(ctx), width: width(ctx) }),
    json: () => json(report),
  }, code);
  return code;
}

export async function runLayers(ctx: Ctx, o: { debug?: boolean }): Promise<number> {
  try {
    const text = await ctx.engine.layersTable();
    ctx.io.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
    return EXIT.ok;
  } catch (err) {
    return fail(ctx.io, err, null, o.debug ?? false);
  }
}
