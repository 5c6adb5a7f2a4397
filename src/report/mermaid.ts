// The model as a Mermaid flowchart: what GitHub renders inside a Markdown ```mermaid block
// (the CI report embeds it). One box per layer (name, class, output shape, params), nested
// models as subgraphs with --expand, a shared layer once with an arrow per call, mismatched
// layers in red and unknown classes dashed.
//
// Escaping: ids are n0, c0… (never names); labels are quoted and every character Mermaid would
// read as markup (" # < > & ` and the brackets) is written as a Mermaid entity (#quot; #35; …),
// so a layer name cannot end a label, start a directive or inject HTML.
import type { LayerStatus, Report } from '../types.js';
import { buildPicture, clusterTitle, DEFAULT_MAX_NODES, nodeLines, type Picture, type PictureOptions } from './picture.js';

const ENTITY: Record<string, string> = { '"': '#quot;', '#': '#35;', '<': '#lt;', '>': '#gt;', '&': '#amp;', '`': '#96;', '[': '#91;', ']': '#93;', '{': '#123;', '}': '#125;', '|': '#124;', '\\': '#92;' };

/** Text made safe inside a quoted Mermaid label. */
export function mermaidText(s: string): string {
  return s.replace(/["#<>&`[\]{}|\\]/g, (c) => ENTITY[c]!);
}

const STYLE: Partial<Record<LayerStatus, string>> = {
  mismatch: 'fill:#fde2e2,stroke:#c62828,stroke-width:3px,color:#000',
  'unknown-class': 'fill:#fff6d5,stroke:#b58900,stroke-dasharray:5 3,color:#000',
  'no-shape': 'fill:#fff6d5,stroke:#b58900,color:#000',
};

const NOTE_STYLE = 'fill:#f5f5f5,stroke:#9e9e9e,stroke-dasharray:3 3,color:#37474f,text-align:left';

function label(lines: string[]): string {
  return `"${lines.map(mermaidText).join('<br/>')}"`;
}

/** The picture as Mermaid source (no fences): `flowchart TD` and its lines. */
export function pictureToMermaid(pic: Picture): string {
  const out = ['flowchart TD'];
  const children = (parent: string | null, indent: string): void => {
    for (const c of pic.clusters.filter((x) => x.parent === parent)) {
      out.push(`${indent}subgraph ${c.id}[${label([clusterTitle(c)])}]`);
      children(c.id, `${indent}  `);
      out.push(`${indent}end`);
    }
    for (const n of pic.nodes.filter((x) => x.parent === parent)) out.push(`${indent}${n.id}[${label(nodeLines(n))}]`);
  };
  children(null, '  ');
  for (const e of pic.edges) out.push(e.label ? `  ${e.from} -->|${label([e.label])}| ${e.to}` : `  ${e.from} --> ${e.to}`);
  for (const [status, style] of Object.entries(STYLE)) {
    const ids = [...pic.nodes.filter((n) => n.status === status).map((n) => n.id), ...pic.clusters.filter((c) => c.status === status).map((c) => c.id)];
    if (ids.length) out.push(`  classDef ${status.replace('-', '')} ${style}`, `  class ${ids.join(',')} ${status.replace('-', '')}`);
  }
  // What was folded or left out, as a box of its own that GitHub shows under the picture.
  if (pic.notes.length) out.push(`  notes[${label(pic.notes)}]`, `  classDef note ${NOTE_STYLE}`, '  class notes note');
  return out.join('\n') + '\n';
}

/** Mermaid's default maxTextSize: a longer text is refused ("Maximum text size in diagram exceeded"), on GitHub too. */
export const MERMAID_MAX_TEXT = 50_000;

/**
 * `kerascope graph FILE --format mermaid`. Unless --max-nodes is given, the picture is made smaller
 * until its text fits Mermaid's maxTextSize (its maxEdges, 500, is met by the default cap).
 */
export function renderMermaid(report: Report, opts: PictureOptions = {}): string {
  let max = opts.maxNodes ?? DEFAULT_MAX_NODES;
  for (;;) {
    const text = pictureToMermaid(buildPicture(report, { ...opts, maxNodes: max }));
    if (opts.maxNodes !== undefined || text.length <= MERMAID_MAX_TEXT || max <= 1) return text;
    max = Math.max(1, Math.min(max - 1, Math.floor((max * MERMAID_MAX_TEXT * 0.9) / text.length)));
  }
}
