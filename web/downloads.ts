// The report as files, made here and saved by the browser (a Blob URL, never a request): JSON (the
// `--json` object, byte for byte), SARIF (`--format sarif`, byte for byte: the same document, exit
// code at the default --fail-on, and version), and the graph as SVG (as drawn on the page) and Mermaid.
import { terminalSafeJson } from '../src/report/display.js';
import { analyzeDoc } from '../src/report/document.js';
import { DEFAULT_FAIL_ON } from '../src/report/findings.js';
import { renderMermaid } from '../src/report/mermaid.js';
import { renderSarif } from '../src/report/sarif.js';
import type { Report } from '../src/types.js';
import { graphSvg } from './graph.js';
import { el } from './render.js';

/** kerascope's version, from package.json (web/build.ts defines it), as the command line's SARIF names the run. */
declare const KERASCOPE_VERSION: string;

/** The SARIF log `kerascope FILE --format sarif` writes for this report. */
export function sarifOf(report: Report): string {
  const { doc, exitCode } = analyzeDoc(report.file, report, DEFAULT_FAIL_ON);
  return renderSarif(doc, { version: KERASCOPE_VERSION }, exitCode);
}

/** The file name a download gets: the model's, without its folder, with `ext`. */
function nameFor(report: Report, ext: string): string {
  const base = report.file.split(/[/:]/).filter(Boolean).pop() ?? 'model';
  return `${base.replace(/[^\w.-]/g, '_')}.${ext}`;
}

/** Saves `text` as a file named `name`: a Blob URL clicked once, then released. */
export function save(name: string, type: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = el('a', { href: url, download: name });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

function link(id: string, label: string, name: string, type: string, text: () => string | Promise<string>): HTMLElement {
  const b = el('button', { id, type: 'button', class: 'download', 'data-file': name }, label);
  b.addEventListener('click', () => void Promise.resolve(text()).then((t) => save(name, type, t)));
  return b;
}

/** Whether the page draws nested models expanded now (the graph's checkbox). */
const expanded = () => (document.getElementById('graph-expand') as HTMLInputElement | null)?.checked ?? false;

export function downloads(report: Report): HTMLElement {
  const items = [
    link('download-json', 'JSON', nameFor(report, 'kerascope.json'), 'application/json', () => terminalSafeJson(JSON.stringify(report, null, 2)) + '\n'),
    link('download-sarif', 'SARIF', nameFor(report, 'sarif'), 'application/sarif+json', () => sarifOf(report)),
  ];
  if (report.model) {
    items.push(link('download-svg', 'SVG', nameFor(report, 'svg'), 'image/svg+xml', () => graphSvg(report, expanded())));
    items.push(link('download-mermaid', 'Mermaid', nameFor(report, 'mmd'), 'text/plain', () => renderMermaid(report)));
  }
  return el('section', { id: 'downloads' }, el('h2', {}, 'Download'), el('p', {}, ...items.flatMap((a, i) => (i ? [' · ', a] : [a]))));
}
