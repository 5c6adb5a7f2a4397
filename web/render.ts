// The report on the page, built as DOM nodes from the Report the library made (the `--json`
// object). Every string from the file goes in as text (textContent), never as markup, and first
// through display() as in the terminal: control and bidi characters are shown escaped, so a name
// cannot reorder or hide what the page says. Wording is the command line's own (src/report/).
import { CATALOGUE, type FindingCode } from '../src/findings.js';
import { allLayers, type Located } from '../src/report/explain.js';
import { displayAll } from '../src/report/display.js';
import { COLUMNS, type ColumnName } from '../src/report/columns.js';
import { computeLines } from '../src/report/compute-lines.js';
import { fmtCount, fmtShape, paint } from '../src/report/format.js';
import { presetLines, sequentialLike, storedLine, totalsLines } from '../src/report/table.js';
import type { Finding, Report, WeightReport } from '../src/types.js';

/** An element with attributes and children (text children are set as text, never parsed). */
export function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, ...children: (Node | string | null)[]): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  for (const c of children) if (c !== null) e.append(typeof c === 'string' ? document.createTextNode(c) : c);
  return e;
}

const plain = paint(false);

function heading(report: Report): HTMLElement {
  const box = el('div', { class: 'heading' });
  box.append(el('p', {}, el('b', {}, 'File: '), el('span', { id: 'file-name' }, report.file), ` — ${report.formatLabel}`));
  if (report.weightsFile) box.append(el('p', {}, el('b', {}, 'Weights: '), report.weightsFile));
  box.append(el('p', {}, el('b', {}, 'Model: '), report.model ? `"${report.model.name}" (${report.model.className})` : '(no architecture stored)'));
  return box;
}

function verdict(report: Report): HTMLElement {
  const word = report.verdict;
  const why =
    word === 'consistent'
      ? 'every stored tensor is what the architecture needs'
      : word === 'inconsistent'
        ? 'the file does not hold what its architecture needs: see the findings'
        : 'nothing to compare against (no architecture, or no weights)';
  return el('p', { class: 'verdict', 'data-verdict': word }, el('b', {}, 'Verdict: '), el('span', { id: 'verdict' }, word), el('span', { class: 'why' }, ` — ${why}`));
}

function totals(report: Report): HTMLElement {
  const lines = [...totalsLines(report, plain), storedLine(report, plain), ...presetLines(report, plain)];
  return el('pre', { id: 'totals', class: 'totals' }, lines.map((l) => l.trimStart()).join('\n'));
}

// ---------------------------------------------------------------- the layer table, explained on click

function shapeText(s: number[] | null): string {
  return s === null ? '(unknown)' : fmtShape(s);
}

/** What the file holds for one tensor, in `kerascope explain`'s words. */
function storedNote(w: WeightReport): string {
  switch (w.status) {
    case 'ok':
      return 'stored ok';
    case 'shape-mismatch':
      return `stored ${shapeText(w.storedShape)}: MISMATCH`;
    case 'missing':
      return 'not stored: MISSING';
    case 'extra':
      return `stored ${shapeText(w.storedShape)} but not expected: EXTRA`;
    default:
      return 'not verified (no stored weights)';
  }
}

/** `kerascope explain` for one layer: the count's formula, then each tensor's shape and why. */
function explanation(loc: Located): HTMLElement {
  const l = loc.layer;
  const box = el('div', { class: 'explain' });
  const head = l.formula ?? (l.weights.length === 0 && !l.layers?.length ? 'no weights, 0 params' : `${fmtCount(l.params)} params`);
  box.append(el('p', { class: 'formula' }, el('b', {}, `${loc.path} (${l.className}): `), head));
  if (l.weights.length) {
    const list = el('ul', {});
    for (const w of l.weights) {
      const shape = w.status === 'extra' ? shapeText(w.storedShape) : shapeText(w.expectedShape);
      list.append(
        el('li', { 'data-status': w.status }, el('code', {}, w.name), ` ${shape}${w.trainable ? '' : ' [non-trainable]'}: ${w.why || 'no explanation'} — `, el('span', { class: 'stored' }, storedNote(w))),
      );
    }
    box.append(list);
  }
  if (l.status === 'unknown-class') box.append(el('p', {}, `no rule for ${l.className}: stored tensors are listed and counted, not checked`));
  return box;
}

/** The table's columns: torchinfo's and Keras summary()'s, as `--columns` names them (src/report/columns.ts). */
function columnsOf(report: Report): ColumnName[] {
  const links = !sequentialLike(report);
  return ['output-shape', 'params', 'param-share', 'macs', 'flops', 'activation-bytes', ...(links ? ['connected-to' as const] : []), 'verdict'];
}

/** Numbers right-aligned, as in the terminal. */
const NUMERIC = new Set<ColumnName>(['params', 'param-share', 'macs', 'flops', 'activation-bytes']);

function layerTable(report: Report): HTMLElement {
  const columns = columnsOf(report);
  const table = el('table', { id: 'layers', class: 'layers' });
  const headers = ['Layer (type)', ...columns.map((c) => COLUMNS[c].header)];
  table.append(el('thead', {}, el('tr', {}, ...headers.map((h) => el('th', { scope: 'col' }, h)))));
  const body = el('tbody', {});
  for (const loc of allLayers(report.layers)) {
    const l = loc.layer;
    const name = el('button', { type: 'button', class: 'layer-name', 'aria-expanded': 'false', title: 'Explain this count' }, `${l.name} (${l.className})`);
    name.style.paddingLeft = `${loc.depth * 1.5}em`;
    const row = el('tr', { 'data-layer': loc.path, 'data-depth': String(loc.depth), 'data-status': l.status }, el('td', {}, name));
    for (const c of columns) {
      const cell = COLUMNS[c].cell(l, { report, level: loc.depth, p: plain });
      row.append(el('td', { 'data-column': c, ...(NUMERIC.has(c) ? { class: 'num' } : {}) }, Array.isArray(cell) ? cell.join(' ') : cell));
    }
    const more = el('tr', { class: 'explain-row', hidden: '' }, el('td', { colspan: String(headers.length) }, explanation(loc)));
    name.addEventListener('click', () => {
      const open = more.hidden;
      more.hidden = !open;
      name.setAttribute('aria-expanded', String(open));
    });
    body.append(row, more);
  }
  table.append(body);
  return el('div', { class: 'table-scroll' }, table);
}

// ---------------------------------------------------------------- compute and memory

/** The command line's compute and memory totals (MACs, FLOPs, activations at the batch, weights by dtype). */
function compute(report: Report): HTMLElement {
  const box = el('section', { id: 'compute' }, el('h2', {}, 'Compute and memory'));
  const lines = computeLines(report, plain).map((l) => l.trimStart());
  box.append(lines.length ? el('pre', { id: 'compute-totals', class: 'totals' }, lines.join('\n')) : el('p', {}, 'No architecture stored: nothing to count.'));
  return box;
}

// ---------------------------------------------------------------- findings

function findingItem(f: Finding): HTMLElement {
  const where = f.layer && !f.message.startsWith(f.layer) ? `${f.layer}: ` : '';
  const entry = CATALOGUE[f.code as FindingCode] as { description: string } | undefined;
  return el(
    'li',
    { 'data-severity': f.severity, 'data-code': f.code, title: entry?.description ?? '' },
    el('span', { class: 'severity' }, f.severity),
    ' ',
    el('code', {}, f.code),
    ' ',
    `${where}${f.message}`,
  );
}

function findings(report: Report): HTMLElement {
  const box = el('section', { id: 'findings' }, el('h2', {}, report.findings.length ? `Findings (${report.findings.length})` : 'No findings'));
  if (report.findings.length) box.append(el('ul', { class: 'findings' }, ...report.findings.map(findingItem)));
  return box;
}

/** The whole report, every string from the file escaped for display first. */
export function renderReport(raw: Report): HTMLElement {
  const report = displayAll(raw);
  return el(
    'div',
    { class: 'report' },
    heading(report),
    verdict(report),
    totals(report),
    el('h2', {}, 'Layers'),
    el('p', { class: 'hint' }, 'Click a layer to see why it owns the parameters it owns.'),
    layerTable(report),
    compute(report),
    findings(report),
  );
}
