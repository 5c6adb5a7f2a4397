// The commands behind the CLI. Each returns its exit code; none throws for a bad file.
import { EXIT } from '../errors.js';
import type { Finding, Report } from '../types.js';
import { errorEntry, renderBatch, type BatchResult } from '../report/batch.js';
import { explainJson, renderExplain } from '../report/explain.js';
import { fails, findingLines, type FailOn } from '../report/findings.js';
import { display, terminalSafeJson } from '../report/display.js';
import { paint, useColor } from '../report/format.js';
import { renderTable } from '../report/table.js';
import type { Engine } from './engine.js';
import type { Io } from './io.js';
import { exitCodeOf, fail, oneLine, writeStack } from './outcome.js';
import { expandPaths, type Entry } from './paths.js';
import { runPool } from './pool.js';

export interface Ctx {
  io: Io;
  engine: Engine;
}

export interface CommonOptions {
  json?: boolean;
  debug?: boolean;
  failOn: FailOn;
}

export interface AnalyzeCliOptions extends CommonOptions {
  weights?: string;
  config?: string;
  expand?: boolean;
}

const color = (ctx: Ctx) => useColor(ctx.io.isTTY, ctx.io.env);
/** Tables are fitted to a terminal; piped output keeps whole lines (for grep and diff). */
const width = (ctx: Ctx) => (ctx.io.isTTY ? ctx.io.columns : undefined);
const json = (v: unknown) => terminalSafeJson(JSON.stringify(v, null, 2)) + '\n';

/** 1 when any finding fails the run (a consistency error, or security at/above --fail-on), else 0. */
export function exitFor(findings: readonly Finding[], failOn: FailOn): number {
  return findings.some((f) => fails(f, failOn)) ? EXIT.findings : EXIT.ok;
}

export async function runAnalyze(ctx: Ctx, file: string, o: AnalyzeCliOptions): Promise<number> {
  try {
    const report = await ctx.engine.analyze(file, { weights: o.weights, config: o.config, expand: o.expand });
    ctx.io.stdout.write(o.json ? json(report) : renderTable(report, { expand: o.expand, color: color(ctx), width: width(ctx) }));
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

async function checkOne(ctx: Ctx, entry: Entry, o: CommonOptions): Promise<BatchResult> {
  const file = entry.path;
  if (entry.problem) return { file, exitCode: EXIT.unreadable, error: entry.problem };
  try {
    const report = await ctx.engine.analyze(file, {});
    return { file, report, exitCode: exitFor(report.findings, o.failOn) };
  } catch (err) {
    writeStack(ctx.io, err, o.debug ?? false);
    return { file, exitCode: exitCodeOf(err), error: oneLine(err) };
  }
}

/** `kerascope check PATH…`: every file, one table (or one JSON array), one exit code (the worst). */
export async function runCheck(ctx: Ctx, paths: string[], o: CommonOptions & { jobs: number }): Promise<number> {
  const entries = await expandPaths(paths);
  const progress = ctx.io.stderr.isTTY === true ? ctx.io.stderr : null;
  const results = await runPool(entries, o.jobs, (e) => checkOne(ctx, e, o), progress, (e) => display(e.path));
  if (o.json) ctx.io.stdout.write(json(results.map((r) => r.report ?? errorEntry(r))));
  else ctx.io.stdout.write(renderBatch(results, { color: color(ctx), width: width(ctx) }));
  return results.reduce((worst, r) => Math.max(worst, r.exitCode), EXIT.ok as number);
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
