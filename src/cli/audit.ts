// `kerascope audit PATH…`: security findings only; exit 1 at/above --fail-on, 3 if a file is
// unreadable. Security scanners are pointed at folders: PATHs are expanded as `check` expands them
// (paths.ts: folders walked inside themselves and bounded, globs, a SavedModel folder one model,
// data JSON skipped, `-` standard input, URLs), and what a walk did not follow is named.
import { EXIT, NotAModelError, UnreadableError } from '../errors.js';
import type { Finding, Report } from '../types.js';
import { errorEntry, foldPairedWeights, skippedEntry, type BatchResult, type SkippedFile } from '../report/batch.js';
import { display } from '../report/display.js';
import { fails, findingLines } from '../report/findings.js';
import { paint } from '../report/format.js';
import { color, json, type CommonOptions, type Ctx } from './context.js';
import { fail, oneLine } from './outcome.js';
import { formatOf, deliver, type OutputOptions } from './output.js';
import { pairedPaths } from './paired.js';
import { expandPaths, type Entry } from './paths.js';
import { shownAs } from './stdin.js';

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

/** What a walk found and did not audit, under the findings: the paths not followed one by one, the rest counted. */
function notAuditedText(skipped: readonly SkippedFile[]): string {
  const lines = skipped.filter((s) => s.reason !== 'not-a-model').map((s) => `${display(s.file)}: not audited: ${display(s.message)}`);
  const data = skipped.length - lines.length;
  // Data JSON, and a preset's own tokenizer.json or task.json (audited with its preset): not models on their own.
  if (data) lines.push(`(${data} other file${data === 1 ? '' : 's'} found by the walk ${data === 1 ? 'is not a model' : 'are not models'} on ${data === 1 ? 'its' : 'their'} own; --json says why)`);
  return lines.map((l) => `${l}\n`).join('');
}

async function auditOne(ctx: Ctx, entry: Entry, o: CommonOptions): Promise<BatchResult | SkippedFile> {
  const file = shownAs(entry.path);
  try {
    if (entry.problem) throw new UnreadableError(file, entry.problem);
    const r = await ctx.engine.analyze(entry.path, {});
    const report = { ...r, findings: securityOnly(r) };
    return { file, report, exitCode: report.findings.some((f) => fails(f, o.failOn)) ? EXIT.findings : EXIT.ok, ...(await pairedPaths(r, entry)) };
  } catch (err) {
    // A file a walk found that its reader calls no model at all is skipped, as check skips it; named, it is an error line.
    if (err instanceof NotAModelError && entry.walked) return { file, reason: 'not-a-model', message: oneLine(err) };
    return { file, exitCode: fail(ctx.io, err, file, o.debug ?? false), error: oneLine(err) };
  }
}

/** `kerascope audit PATH…`: security findings only; exit 1 at/above --fail-on, 3 if a file is unreadable. */
export async function runAudit(ctx: Ctx, paths: string[], o: CommonOptions & OutputOptions): Promise<number> {
  formatOf(o);
  // A file named outright goes to its reader as given (missing, unreadable: its reader's own line).
  const expansion = await expandPaths(paths, { filesAsGiven: true });
  const audited: BatchResult[] = [];
  const skipped: SkippedFile[] = expansion.skipped.map((s) => ({ file: s.path, reason: s.why, message: s.detail }));
  for (const entry of expansion.entries) {
    const out = await auditOne(ctx, entry, o);
    if ('reason' in out) skipped.push(out);
    else audited.push(out);
  }
  // A weights file its architecture's report already read (a preset's shards) is one row with it, as in check, unless it says more.
  const results = foldPairedWeights(audited);
  const worst = results.reduce((w, r) => Math.max(w, r.exitCode), EXIT.ok as number);
  deliver(ctx, o, { command: 'audit', results, skipped, failOn: o.failOn }, {
    table: () => results.map((r) => (r.report ? auditText(r.report, r.report.findings, ctx) : '')).join('') + notAuditedText(skipped),
    json: () => json([...results.map((r) => (r.report ? { schemaVersion: 1, file: r.report.file, format: r.report.format, findings: r.report.findings } : errorEntry(r))), ...skipped.map(skippedEntry)]),
  }, worst);
  return worst;
}
