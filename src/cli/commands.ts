// The commands behind the CLI. Each returns its exit code; none throws for a bad file.
import { EXIT, UsageError } from '../errors.js';
import type { Finding, Report } from '../types.js';
import { errorEntry } from '../report/batch.js';
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

export interface AnalyzeCliOptions extends CommonOptions, TableCliOptions {
  weights?: string;
  config?: string;
  expand?: boolean;
}

export async function runAnalyze(ctx: Ctx, file: string, o: AnalyzeCliOptions): Promise<number> {
  try {
    const table = tableOptionsOf(o);
    if (typeof table === 'string') throw new UsageError(table);
    const report = await ctx.engine.analyze(file, { weights: o.weights, config: o.config, expand: o.expand, ...(o.batch ? { batch: o.batch } : {}) });
    ctx.io.stdout.write(o.json ? json(report) : renderTable(report, { ...table, expand: o.expand, color: color(ctx), width: width(ctx) }));
    return exitFor(report.findings, o.failOn);
  } catch (err) {
    return fail(ctx.io, err, file, o.debug ?? false);
  }
}

export async function runExplain(ctx: Ctx, file: string, layers: string[], o: Omit<AnalyzeCliOptions, 'failOn'>): Promise<number> {
  try {
    const report = await ctx.engine.analyze(file, { weights: o.weights, config: o.config, expand: true });
    ctx.io.stdout.write(o.json ? json(explainJson(report, layers)) : renderExplain(report, layers, { color: color(ctx) }));
    return EXIT.ok;
  } catch (err) {
    return fail(ctx.io, err, file, o.debug ?? false);
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
export async function runAudit(ctx: Ctx, files: string[], o: CommonOptions): Promise<number> {
  let worst: number = EXIT.ok;
  const entries: unknown[] = [];
  for (const file of files) {
    try {
      const r = await ctx.engine.analyze(file, {});
      const findings = securityOnly(r);
      if (o.json) entries.push({ schemaVersion: 1, file: r.file, format: r.format, findings });
      else ctx.io.stdout.write(auditText(r, findings, ctx));
      worst = Math.max(worst, findings.some((f) => fails(f, o.failOn)) ? EXIT.findings : EXIT.ok);
    } catch (err) {
      worst = Math.max(worst, fail(ctx.io, err, file, o.debug ?? false));
      if (o.json) entries.push(errorEntry({ file, exitCode: exitCodeOf(err), error: oneLine(err) }));
    }
  }
  if (o.json) ctx.io.stdout.write(json(entries));
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
