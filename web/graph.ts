// The model's graph on the page: the picture the command line draws (src/report/picture.ts), as
// Mermaid text until the SVG renderer comes.
import { renderMermaid } from '../src/report/mermaid.js';
import type { Report } from '../src/types.js';
import { el } from './render.js';

export function graphSection(report: Report): HTMLElement {
  const box = el('section', { id: 'graph' }, el('h2', {}, 'Graph'));
  if (!report.model) {
    box.append(el('p', {}, 'No architecture stored: nothing to draw.'));
    return box;
  }
  box.append(el('details', {}, el('summary', {}, 'Mermaid'), el('pre', { id: 'mermaid' }, renderMermaid(report))));
  return box;
}
