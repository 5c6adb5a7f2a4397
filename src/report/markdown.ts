// The Markdown report (`--format markdown`): for a pull-request comment or `$GITHUB_STEP_SUMMARY`.
// A summary table, the findings, and for one small model a collapsed Mermaid graph of it. Every
// string from a file goes through displayAll() (control characters) and then md() (Markdown and
// HTML markup), so a layer named `<details>` or `| verdict |` prints as text.
import type { Finding, LayerReport, Report } from '../types.js';
import type { Change, DiffResult } from '../diff/index.js';
import { batchSummary, commonFolder, type BatchResult, type SkippedFile } from './batch.js';
import { displayAll } from './display.js';
import type { DiffDoc, FilesDoc, ReportDoc } from './document.js';
import { countBySeverity, fails } from './findings.js';
import { fmtCount, fmtOutput } from './format.js';
import { renderMermaid } from './mermaid.js';
import { append } from '../append.js';

/** The graph is drawn for a model this small only: a drawing of a ResNet helps no one in a PR. */
export const MARKDOWN_GRAPH_MAX_LAYERS = 60;

/** Text safe in Markdown and in a table cell: HTML entities for & < >, a backslash before markup. */
export function md(s: string): string {
  return s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/([\\`*_{}[\]|~])/g, '\\$1')
    .replace(/\n/g, ' ');
}

function table(header: string[], rows: string[][], right: number[] = []): string[] {
  const sep = header.map((_, i) => (right.includes(i) ? '---:' : '---'));
  return [`| ${header.join(' | ')} |`, `| ${sep.join(' | ')} |`, ...rows.map((r) => `| ${r.join(' | ')} |`)];
}

const ICON: Record<Report['verdict'], string> = { consistent: '✅', inconsistent: '❌', unverified: '⚠️' };

function verdictText(res: BatchResult): string {
  if (!res.report) return `❌ ${res.exitCode === 3 ? 'unreadable' : 'failed'}`;
  const unexpected = res.report.findings.some((f) => f.category === 'expectation' && f.severity === 'error');
  return unexpected ? `❌ ${res.report.verdict}, not as expected` : `${ICON[res.report.verdict]} ${res.report.verdict}`;
}

function findingRows(findings: readonly Finding[], failOn: FilesDoc['failOn']): string[][] {
  return findings.map((f) => [`${fails(f, failOn) ? '❌ ' : ''}${f.severity}`, `\`${f.code}\``, f.layer ? md(f.layer) : '', md(f.message)]);
}

function findingsSection(findings: readonly Finding[], failOn: FilesDoc['failOn']): string[] {
  if (findings.length === 0) return ['No findings.'];
  return table(['Severity', 'Code', 'Layer', 'Message'], findingRows(findings, failOn));
}

// ---------------------------------------------------------------- one file

function layerRows(layers: readonly LayerReport[], depth = 0): string[][] {
  return layers.flatMap((l) => [
    [`${'&nbsp;&nbsp;'.repeat(depth * 2)}${md(l.name)} (${md(l.className)})`, md(fmtOutput(l.outputShape)), fmtCount(l.params), l.status],
    ...layerRows(l.layers ?? [], depth + 1),
  ]);
}

function fileHeader(r: Report): string[] {
  const t = r.totals;
  const lines = [`**${md(r.file)}** — ${md(r.formatLabel)}${r.weightsFile ? `, weights ${md(r.weightsFile)}` : ''}`, ''];
  lines.push(
    ...table(
      ['Verdict', 'Model', 'Layers', 'Params', 'Trainable', 'Non-trainable', 'Optimizer', 'Findings'],
      [[`${ICON[r.verdict]} ${r.verdict}`, r.model ? `${md(r.model.name)} (${md(r.model.className)})` : 'weights only', String(r.layers.length), fmtCount(t.params), fmtCount(t.trainableParams), fmtCount(t.nonTrainableParams), fmtCount(t.optimizerParams), countBySeverity(r.findings)]],
      [2, 3, 4, 5, 6],
    ),
  );
  return lines;
}

function details(summary: string, body: string[]): string[] {
  return ['<details>', `<summary>${summary}</summary>`, '', ...body, '', '</details>'];
}

function oneFile(r: Report, failOn: FilesDoc['failOn'], withGraph: boolean): string[] {
  const out = [...fileHeader(r), '', ...findingsSection(r.findings, failOn), ''];
  if (r.layers.length) out.push(...details(`Layers (${r.layers.length})`, table(['Layer (type)', 'Output Shape', 'Param #', 'Status'], layerRows(r.layers), [2])), '');
  if (withGraph && r.model && r.layers.length > 0 && r.layers.length <= MARKDOWN_GRAPH_MAX_LAYERS) {
    out.push(...details('Model graph', ['```mermaid', renderMermaid(r).trimEnd(), '```']), '');
  }
  return out;
}

// ---------------------------------------------------------------- many files

function batchRows(results: readonly BatchResult[], folder: string): string[][] {
  return results.map((res) => {
    const r = res.report;
    const file = md(res.file.slice(folder.length));
    if (!r) return [file, '-', '-', '-', verdictText(res), md(res.error ?? '')];
    return [file, r.format, String(r.layers.length), fmtCount(r.totals.params), verdictText(res), countBySeverity(r.findings)];
  });
}

function skippedLines(skipped: readonly SkippedFile[]): string[] {
  if (skipped.length === 0) return [];
  return details(`Skipped ${skipped.length} path${skipped.length === 1 ? '' : 's'} (not checked)`, skipped.map((s) => `- ${md(s.file)}: ${md(s.message)}`));
}

function filesDoc(doc: FilesDoc): string[] {
  const title = doc.command === 'audit' ? '## kerascope audit' : doc.command === 'check' ? '## kerascope check' : '## kerascope';
  if (doc.results.length === 1 && doc.results[0]!.report && doc.command !== 'check') return [title, '', ...oneFile(doc.results[0]!.report, doc.failOn, doc.command === 'analyze')];
  const folder = commonFolder(doc.results.map((r) => r.file));
  const out = [title, '', batchSummary(doc.results) + (folder ? ` in ${md(folder)}` : ''), ''];
  append(out, table(['File', 'Format', 'Layers', 'Params', 'Verdict', 'Findings'], batchRows(doc.results, folder), [2, 3]), ['']);
  for (const res of doc.results) {
    const r = res.report;
    if (!r || r.findings.length === 0) continue;
    const failing = r.findings.filter((f) => fails(f, doc.failOn)).length;
    const body = doc.results.length === 1 ? oneFile(r, doc.failOn, true) : findingsSection(r.findings, doc.failOn);
    out.push(...details(`${md(res.file.slice(folder.length))}: ${countBySeverity(r.findings)}${failing ? ` (${failing} failing)` : ''}`, body), '');
  }
  append(out, skippedLines(doc.skipped));
  return out;
}

// ---------------------------------------------------------------- diff

function changeRows(changes: readonly Change[]): string[][] {
  return changes.map((c) => [c.allowed ? `${c.kind} (allowed)` : `❌ ${c.kind}`, c.layer ? md(c.layer) : 'model', md(c.message)]);
}

function diffDoc(d: DiffResult): string[] {
  const side = (s: DiffResult['a']) => [md(s.file), md(s.formatLabel), String(s.layers), fmtCount(s.totals.params), fmtCount(s.totals.trainableParams), s.optimizer === null ? '-' : s.optimizer ? 'stored' : 'none'];
  const drift = d.changes.filter((c) => !c.allowed).length;
  const verdict = d.agree ? `✅ The architectures agree${d.changes.length ? ` (${d.changes.length} allowed change${d.changes.length === 1 ? '' : 's'})` : ''}.` : `❌ Drift: ${drift} change${drift === 1 ? '' : 's'}.`;
  const out = ['## kerascope diff', '', verdict, ''];
  out.push(...table(['', 'File', 'Format', 'Layers', 'Params', 'Trainable', 'Optimizer'], [['A', ...side(d.a)], ['B', ...side(d.b)]], [3, 4, 5]), '');
  if (d.changes.length) out.push(...table(['Kind', 'Layer', 'Change'], changeRows(d.changes)), '');
  if (d.values) out.push(`Values: ${d.values.compared} tensors compared, ${d.values.equal} equal, ${d.values.different} different${d.values.notCompared.length ? `, ${d.values.notCompared.length} not compared` : ''}${d.values.checksums ? `; checksums: ${d.values.checksums.verified} held, ${d.values.checksums.failed.length} failed` : ''}.`, '');
  return out;
}

export function renderMarkdown(raw: ReportDoc): string {
  const doc = displayAll(raw);
  const lines = doc.command === 'diff' ? diffDoc((doc as DiffDoc).diff) : filesDoc(doc as FilesDoc);
  while (lines.length && lines[lines.length - 1] === '') lines.pop();
  return lines.join('\n') + '\n';
}
