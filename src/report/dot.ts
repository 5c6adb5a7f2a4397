// The model as Graphviz DOT (`dot -Tsvg`): the same picture as the Mermaid renderer — a box per
// layer, nested models as `cluster_` subgraphs with --expand, an arrow per call, mismatched layers
// red, unknown classes dashed. Ids are n0, c0…; labels are quoted strings with " and \ escaped
// (so Graphviz's \N, \G escapes never apply to a name) and lines joined by \n.
import type { LayerStatus, Report } from '../types.js';
import { buildPicture, clusterTitle, nodeLines, type Picture, type PictureOptions } from './picture.js';

/** A DOT quoted string. */
export function dotString(s: string): string {
  return `"${s.replace(/[\\"]/g, (c) => `\\${c}`).replace(/\r?\n|\r/g, '\\n')}"`;
}

const STYLE: Partial<Record<LayerStatus, string>> = {
  mismatch: 'color="#c62828", fillcolor="#fde2e2", penwidth=3',
  'unknown-class': 'color="#b58900", fillcolor="#fff6d5", style="rounded,filled,dashed"',
  'no-shape': 'color="#b58900", fillcolor="#fff6d5"',
};

function labelOf(lines: string[]): string {
  return dotString(lines.join('\n'));
}

/** The picture as DOT source. */
export function pictureToDot(pic: Picture): string {
  const out = [
    'digraph model {',
    `  label=${dotString(pic.notes.length ? `${pic.title}\n${pic.notes.join('\n')}` : pic.title)};`,
    '  labelloc=t;',
    '  rankdir=TB;',
    '  node [shape=box, style="rounded,filled", fillcolor="#ffffff", fontname="Helvetica", fontsize=10];',
    '  edge [fontname="Helvetica", fontsize=9];',
  ];
  const children = (parent: string | null, indent: string): void => {
    for (const c of pic.clusters.filter((x) => x.parent === parent)) {
      out.push(`${indent}subgraph cluster_${c.id} {`, `${indent}  label=${dotString(clusterTitle(c))};`, `${indent}  style=rounded;`);
      const style = STYLE[c.status];
      if (style && c.status === 'mismatch') out.push(`${indent}  color="#c62828"; penwidth=3;`);
      children(c.id, `${indent}  `);
      out.push(`${indent}}`);
    }
    for (const n of pic.nodes.filter((x) => x.parent === parent)) {
      const style = STYLE[n.status];
      out.push(`${indent}${n.id} [label=${labelOf(nodeLines(n))}${style ? `, ${style}` : ''}];`);
    }
  };
  children(null, '  ');
  for (const e of pic.edges) out.push(`  ${e.from} -> ${e.to}${e.label ? ` [label=${dotString(e.label)}]` : ''};`);
  out.push('}');
  return out.join('\n') + '\n';
}

/** `kerascope graph FILE --format dot`. */
export function renderDot(report: Report, opts: PictureOptions = {}): string {
  return pictureToDot(buildPicture(report, opts));
}
