// The model as a standalone SVG, without Graphviz: the same picture as the Mermaid and DOT
// renderers, laid out by dagre (@dagrejs/dagre: layered layout for directed graphs, 49 kB
// minified; elkjs measured 1.5 MB and 150–200 ms to load against dagre's 10–25 ms, with no
// better layout for our graphs — README "Libraries") and written by this small SVG writer.
// Loaded only by `kerascope graph --format svg` (src/cli/graph.ts imports it on demand).
//
// Text is measured in a monospace font (each terminal column 0.6 em, CJK and emoji two columns,
// string-width), so boxes fit their text without a browser. Every string from the file went
// through display() (picture.ts) and is XML-escaped here.
import dagre from '@dagrejs/dagre';
import stringWidth from 'string-width';
import type { LayerStatus, Report } from '../types.js';
import { buildPicture, clusterTitle, nodeLines, type PicCluster, type PicEdge, type PicNode, type Picture, type PictureOptions } from './picture.js';

const FONT = 12;
const CHAR = FONT * 0.6;
const LINE = FONT * 1.35;
const PAD_X = 10;
const PAD_Y = 8;
const MARGIN = 20;
/** Room for a cluster's title above its contents. */
const TITLE_BAND = LINE + 6;
const FONT_FAMILY = 'ui-monospace, SFMono-Regular, Menlo, Consolas, "DejaVu Sans Mono", monospace';

/** Text for XML: & < > " ' escaped (XML's five entities); characters XML 1.0 forbids (lone surrogates, U+FFFE/F) replaced. */
export function xmlText(s: string): string {
  return s
    .replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]|[\uFFFE\uFFFF]/g, '\uFFFD')
    .replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!);
}

const num = (n: number) => (Math.round(n * 10) / 10).toString();

interface Style {
  fill: string;
  stroke: string;
  width: number;
  dash?: string;
}

const STYLE: Record<LayerStatus, Style> = {
  ok: { fill: '#ffffff', stroke: '#5b6770', width: 1 },
  unverified: { fill: '#ffffff', stroke: '#5b6770', width: 1 },
  mismatch: { fill: '#fde2e2', stroke: '#c62828', width: 3 },
  'unknown-class': { fill: '#fff6d5', stroke: '#b58900', width: 1.5, dash: '5 3' },
  'no-shape': { fill: '#fff6d5', stroke: '#b58900', width: 1.5 },
};

function textSize(lines: string[]): { width: number; height: number } {
  return { width: Math.max(...lines.map((l) => stringWidth(l))) * CHAR + 2 * PAD_X, height: lines.length * LINE + 2 * PAD_Y };
}

type Graph = InstanceType<typeof dagre.graphlib.Graph>;

interface Laid {
  graph: Graph;
  width: number;
  height: number;
}

function layout(pic: Picture): Laid {
  const g = new dagre.graphlib.Graph({ compound: true, multigraph: true });
  const nested = pic.clusters.length > 0;
  g.setGraph({ rankdir: 'TB', nodesep: 24, ranksep: nested ? 36 + 2 * TITLE_BAND : 36, edgesep: 12, marginx: MARGIN, marginy: MARGIN + (nested ? TITLE_BAND : 0) });
  for (const c of pic.clusters) g.setNode(c.id, {});
  for (const c of pic.clusters) if (c.parent) g.setParent(c.id, c.parent);
  for (const n of pic.nodes) {
    g.setNode(n.id, textSize(nodeLines(n)));
    if (n.parent) g.setParent(n.id, n.parent);
  }
  pic.edges.forEach((e, i) => {
    const label = e.label ? { width: stringWidth(e.label) * CHAR + 6, height: LINE, labelpos: 'c' } : {};
    g.setEdge(e.from, e.to, label, `e${i}`);
  });
  dagre.layout(g);
  const size = g.graph();
  return { graph: g, width: size.width ?? 0, height: size.height ?? 0 };
}

function box(x: number, y: number, w: number, h: number, s: Style, extra = ''): string {
  const dash = s.dash ? ` stroke-dasharray="${s.dash}"` : '';
  return `<rect x="${num(x)}" y="${num(y)}" width="${num(w)}" height="${num(h)}" rx="6" fill="${s.fill}" stroke="${s.stroke}" stroke-width="${s.width}"${dash}${extra}/>`;
}

function text(x: number, y: number, lines: string[], anchor: 'middle' | 'start', cls: string): string {
  const spans = lines.map((l, i) => `<tspan x="${num(x)}" dy="${i === 0 ? 0 : num(LINE)}">${xmlText(l)}</tspan>`).join('');
  return `<text class="${cls}" x="${num(x)}" y="${num(y)}" text-anchor="${anchor}">${spans}</text>`;
}

function drawCluster(c: PicCluster, g: Graph): string {
  const n = g.node(c.id);
  const s = c.status === 'mismatch' ? STYLE.mismatch : { fill: '#f4f6f8', stroke: '#9aa5ad', width: 1 };
  // dagre sizes a cluster by its contents: the title gets a band above them (the ranks are spaced
  // for it), and a longer title widens the cluster around its centre.
  const w = Math.max(n.width, stringWidth(clusterTitle(c)) * CHAR + 2 * PAD_X);
  const x = n.x - w / 2;
  const y = n.y - n.height / 2 - TITLE_BAND;
  return `<g class="cluster" id="${c.id}">${box(x, y, w, n.height + TITLE_BAND, s)}${text(x + PAD_X, y + PAD_Y + FONT, [clusterTitle(c)], 'start', 'title')}</g>`;
}

function drawNode(p: PicNode, g: Graph): string {
  const n = g.node(p.id);
  const lines = nodeLines(p);
  const top = n.y - n.height / 2;
  return `<g class="layer ${p.status}" id="${p.id}">${box(n.x - n.width / 2, top, n.width, n.height, STYLE[p.status])}${text(n.x, top + PAD_Y + FONT, lines, 'middle', 'label')}</g>`;
}

function drawEdge(e: PicEdge, i: number, g: Graph): string {
  const d = g.edge({ v: e.from, w: e.to, name: `e${i}` });
  const pts: { x: number; y: number }[] = d.points ?? [];
  const path = pts.map((pt, k) => `${k === 0 ? 'M' : 'L'}${num(pt.x)},${num(pt.y)}`).join(' ');
  const label = e.label && d.x !== undefined && d.y !== undefined ? text(d.x, d.y + FONT / 3, [e.label], 'middle', 'edge-label') : '';
  return `<g class="edge" data-from="${e.from}" data-to="${e.to}"><path d="${path}" fill="none" stroke="#5b6770" stroke-width="1.2" marker-end="url(#arrow)"/>${label}</g>`;
}

/** The picture as an SVG document. */
export function pictureToSvg(pic: Picture): string {
  const laid = layout(pic);
  const g = laid.graph;
  const titleHeight = LINE + 4;
  const notes = pic.notes.length * LINE;
  const width = Math.max(laid.width, stringWidth(pic.title) * CHAR + 2 * MARGIN, ...pic.notes.map((n) => stringWidth(n) * CHAR + 2 * MARGIN));
  const height = laid.height + titleHeight + notes + (notes ? 8 : 0);
  // Outer clusters first, so inner ones and the boxes are drawn over them.
  const depth = (c: PicCluster): number => (c.parent ? 1 + depth(pic.clusters.find((x) => x.id === c.parent)!) : 0);
  const clusters = [...pic.clusters].sort((a, b) => depth(a) - depth(b));
  const out = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${num(width)}" height="${num(height)}" viewBox="0 0 ${num(width)} ${num(height)}" font-family='${FONT_FAMILY}' font-size="${FONT}">`,
    `<title>${xmlText(pic.title)}</title>`,
    '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#5b6770"/></marker></defs>',
    `<style>.title{font-weight:bold}.edge-label{fill:#37474f;font-size:${FONT - 2}px}.mismatch .label{fill:#8e0000}</style>`,
    `<rect width="100%" height="100%" fill="#ffffff"/>`,
    text(MARGIN, MARGIN / 2 + FONT, [pic.title], 'start', 'title'),
    `<g transform="translate(0,${num(titleHeight)})">`,
    ...clusters.map((c) => drawCluster(c, g)),
    ...pic.edges.map((e, i) => drawEdge(e, i, g)),
    ...pic.nodes.map((n) => drawNode(n, g)),
    '</g>',
    ...pic.notes.map((note, i) => text(MARGIN, laid.height + titleHeight + 8 + (i + 0.75) * LINE, [note], 'start', 'note')),
    '</svg>',
  ];
  return out.join('\n') + '\n';
}

/** `kerascope graph FILE --format svg`. */
export function renderSvg(report: Report, opts: PictureOptions = {}): string {
  return pictureToSvg(buildPicture(report, opts));
}
