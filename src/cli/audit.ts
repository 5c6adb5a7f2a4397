// `kerascope audit FILE…`: security findings only; exit 1 at/above --fail-on, 3 if a file is unreadable.
import { EXIT } from '../errors.js';
import type { Finding, Report } from '../types.js';
import { errorEntry, type BatchResult } from '../report/batch.js';
import { display } from '../report/display.js';
import { fails, findingLines } from '../report/findings.js';
import { paint } from '../report/format.js';
import { color, json, type CommonOptions, type Ctx } from './context.js';
import { fail, oneLine } from './outcome.js';
import { formatOf, deliver, type OutputOptions } from './output.js';

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
