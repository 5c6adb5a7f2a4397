// The model's graph on the page: the SVG `kerascope graph --format svg` draws (src/report/svg.ts,
// laid out by dagre, loaded on first use as on the command line), and the Mermaid text beside it.
// The SVG is shown as an <img> of a Blob URL: an image runs no script and loads nothing, and the
// SVG's own ids and style stay apart from the page's (whose CSP allows no inline style).
import { renderMermaid } from '../src/report/mermaid.js';
import type { Report } from '../src/types.js';
import { el } from './render.js';

/** Nested models drawn inside clusters (Keras's expand_nested), as `kerascope graph --expand`. */
function hasNested(report: Report): boolean {
  return report.layers.some((l) => (l.layers?.length ?? 0) > 0);
}

/** The SVG text of the report's graph (the command line's renderer). */
export async function graphSvg(report: Report, expand: boolean): Promise<string> {
  const { renderSvg } = await import('../src/report/svg.js');
  return renderSvg(report, { expand });
}

/** Shows `svg` in `figure` as an image; data-state says when the browser has decoded it (or could not). */
async function showSvg(figure: HTMLElement, svg: string, title: string): Promise<void> {
  const old = figure.querySelector('img');
  if (old) URL.revokeObjectURL(old.src);
  const url = URL.createObjectURL(new Blob([svg], { type: 'image/svg+xml' }));
  const img = el('img', { id: 'graph-svg', src: url, alt: `The layer graph of ${title}` });
  figure.replaceChildren(img);
  figure.dataset['state'] = 'drawing';
  try {
    await img.decode();
    figure.dataset['state'] = 'ready';
  } catch {
    figure.dataset['state'] = 'error';
    figure.append(el('p', {}, 'This browser could not draw the SVG: download it below.'));
  }
}

export function graphSection(report: Report): HTMLElement {
  const box = el('section', { id: 'graph' }, el('h2', {}, 'Graph'));
  if (!report.model) {
    box.append(el('p', {}, 'No architecture stored: nothing to draw.'));
    return box;
  }
  const figure = el('div', { class: 'picture', 'data-state': 'drawing' });
  const draw = (expand: boolean) =>
    graphSvg(report, expand).then(
      (svg) => showSvg(figure, svg, report.model!.name),
      (e: unknown) => {
        figure.dataset['state'] = 'error';
        figure.replaceChildren(el('p', {}, `The graph could not be drawn: ${e instanceof Error ? e.message : String(e)}`));
      },
    );
  if (hasNested(report)) {
    const toggle = el('input', { type: 'checkbox', id: 'graph-expand' });
    toggle.addEventListener('change', () => void draw(toggle.checked));
    box.append(el('p', {}, el('label', {}, toggle, ' Draw nested models inside their boxes')));
  }
  box.append(figure, el('details', {}, el('summary', {}, 'Mermaid'), el('pre', { id: 'mermaid' }, renderMermaid(report))));
  void draw(false);
  return box;
}
