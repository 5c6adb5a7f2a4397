// The commands behind the CLI. Each returns its exit code; none throws for a bad file.
import { EXIT, UsageError } from '../errors.js';
import type { Finding, Report } from '../types.js';
import { errorEntry, type BatchResult } from '../report/batch.js';
import type { ReportDoc } from '../report/document.js';
import { applyExpectations, loadExpectations, type ExpectOptions } from './expectations.js';
import { deliver, formatOf, type OutputOptions } from './output.js';
import { explainJson, renderExplain } from '../report/explain.js';
import { fails, findingLines } from '../report/findings.js';
import { display } from '../report/display.js';
import { paint } from '../report/format.js';
import { renderTable } from '../report/table.js';
import { color, exitFor, json, width, type CommonOptions, type Ctx } from './context.js';
import { exitCodeOf, fail, oneLine } from './outcome.js';
import { tableOptionsOf, type TableCliOptions } from './table-options.js';

export { runCheck } from './check.js';
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
  const code = exitFor(report.findings, o.failOn);
  deliver(ctx, o, { command: 'analyze', results: [{ file, exitCode: code, report }], skipped: [], failOn: o.failOn }, {
    table: () => renderTable(report, { ...table, expand: o.expand, color: color(ctx), width: width(ctx) }),
    json: () => json(report),
  }, code);
  return code;
}

/** The one error line on stderr; with --json also the error object on stdout, as `check --json` gives it (a `| jq` sees JSON). */
function failJson(ctx: Ctx, err: unknown, file: string, o: { json?: boolean; debug?: boolean }): number {
  const code = fail(ctx.io, err, file, o.debug ?? false);
  if (o.json) ctx.io.stdout.write(json(errorEntry({ file, exitCode: code, error: oneLine(err) })));
  return code;
}

export async function runExplain(ctx: Ctx, file: string, layers: string[], o: Omit<AnalyzeCliOptions, 'failOn'>): Promise<number> {
  try {
    const report = await ctx.engine.analyze(file, { weights: o.weights, config: o.config, expand: true });
    ctx.io.stdout.write(o.json ? json(explainJson(report, layers)) : renderExplain(report, layers, { color: color(ctx) }));
    return EXIT.ok;
  } catch (err) {
    return failJson(ctx, err, file, o);
  }
}

function securityOnly(r: Report): Finding[] {
  return r.findings.filter((f) => f.category === 'security');
}

function auditText(r: Report, findings: Finding[], ctx: Ctx): string {
  const p = paint(color(ctx));
  const file = p.bold(display(r.file));
  if (findings.length === 0) return `${file}: no security findings\n`;
  const lines = findingLines(findings, p);
  return [`${file}: ${findings.length} security finding${findings.length === 1 ? '' : 's'}`, ...lines].join('\n') + '\n';
}

/** `kerascope audit FILE…`: security findings only; exit 1 at/above --fail-on, 3 if a file is unreadable. */
export async function runAudit(ctx: Ctx, files: string[], o: CommonOptions & OutputOptions): Promise<number> {
  formatOf(o);
  const results: BatchResult[] = [];
  for (const file of files) {
    try {
      const r = await ctx.engine.analyze(file, {});
      const report = { ...r, findings: securityOnly(r) };
      results.push({ file, report, exitCode: report.findings.some((f) => fails(f, o.failOn)) ? EXIT.findings : EXIT.ok });
    } catch (err) {
      results.push({ file, exitCode: fail(ctx.io, err, file, o.debug ?? false), error: oneLine(err) });
    }
  }
  const worst = results.reduce((w, r) => Math.max(w, r.exitCode), EXIT.ok as number);
  deliver(ctx, o, { command: 'audit', results, skipped: [], failOn: o.failOn }, {
    table: () => results.map((r) => (r.report ? auditText(r.report, r.report.findings, ctx) : '')).join(''),
    json: () => json(results.map((r) => (r.report ? { schemaVersion: 1, file: r.report.file, format: r.report.format, findings: r.report.findings } : errorEntry(r)))),
  }, worst);
  return worst;
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
