// The SVG renderer (kerascope graph --format svg): well-formed XML, every layer a box holding its
// text, boxes that do not overlap, arrows from box to box, mismatches marked, hostile names
// escaped, the README's picture reproducible, and dagre loaded only by this renderer.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { analyze } from '../src/index.js';
import { hasZoo, ZOO } from './helpers/zoo.js';
import type { Report } from '../src/types.js';
import { buildPicture, nodeLines } from '../src/report/picture.js';
import { pictureToSvg, renderSvg, xmlText } from '../src/report/svg.js';

const model = (name: string) => `fixtures/keras/models/${name}.keras`;

interface Box { id: string; cls: string; x: number; y: number; w: number; h: number; lines: string[]; stroke: string }
interface Arrow { from: string; to: string; points: [number, number][] }

const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '', isArray: (name) => ['g', 'tspan', 'text'].includes(name), textNodeName: '#text', trimValues: false });

/** Boxes and arrows as an XML parser reads them back from the SVG. */
function readSvg(svg: string): { boxes: Box[]; arrows: Arrow[] } {
  expect(XMLValidator.validate(svg)).toBe(true);
  const doc = parser.parse(svg) as { svg: { g: { g: Record<string, unknown>[] }[] } };
  const groups = doc.svg.g[0]!.g;
  const boxes: Box[] = [];
  const arrows: Arrow[] = [];
  for (const g of groups) {
    const cls = String(g['class']);
    if (cls.startsWith('layer')) {
      const r = g['rect'] as Record<string, string>;
      const spans = ((g['text'] as Record<string, unknown>[])[0]!['tspan'] as Record<string, unknown>[]).map((t) => String(t['#text'] ?? ''));
      boxes.push({ id: String(g['id']), cls, x: +r['x']!, y: +r['y']!, w: +r['width']!, h: +r['height']!, lines: spans, stroke: r['stroke']! });
    } else if (cls === 'edge') {
      const d = String((g['path'] as Record<string, string>)['d']);
      arrows.push({ from: String(g['data-from']), to: String(g['data-to']), points: [...d.matchAll(/[ML]([\d.-]+),([\d.-]+)/g)].map((m) => [+m[1]!, +m[2]!]) });
    }
  }
  return { boxes, arrows };
}

function expectApart(boxes: Box[]): void {
  const sorted = [...boxes].sort((a, b) => a.y - b.y);
  for (let i = 0; i < sorted.length; i++) {
    const a = sorted[i]!;
    for (let j = i + 1; j < sorted.length && sorted[j]!.y < a.y + a.h; j++) {
      const b = sorted[j]!;
      const apart = a.x + a.w <= b.x || b.x + b.w <= a.x || a.y + a.h <= b.y || b.y + b.h <= a.y;
      expect(apart, `${a.id} and ${b.id} overlap`).toBe(true);
    }
  }
}

describe('SVG', () => {
  it('nested_three_deep --expand: every layer a box with its four lines, no two boxes overlap', async () => {
    const pic = buildPicture(await analyze(model('nested_three_deep'), { expand: true }), { expand: true });
    const { boxes, arrows } = readSvg(pictureToSvg(pic));
    expect(boxes.map((b) => b.id)).toEqual(pic.nodes.map((n) => n.id));
    for (const n of pic.nodes) expect(boxes.find((b) => b.id === n.id)!.lines).toEqual(nodeLines(n));
    expectApart(boxes);
    // Every arrow leaves the bottom of its source box and ends at the top of its target (dagre's points, 2 px slack).
    expect(arrows).toHaveLength(pic.edges.length);
    const at = (id: string) => boxes.find((b) => b.id === id)!;
    for (const a of arrows) {
      const [first, last] = [a.points[0]!, a.points.at(-1)!];
      expect(Math.abs(first[1] - (at(a.from).y + at(a.from).h))).toBeLessThanOrEqual(2);
      expect(Math.abs(last[1] - at(a.to).y)).toBeLessThanOrEqual(2);
    }
  });

  it('a mismatched layer is drawn red; hostile names are escaped and read back exactly', async () => {
    const report = await analyze(model('multi_io_shared'));
    const evil = ['</text><script>alert(1)</script>', 'a & b "c" \'d\'', ']]><!-- x', '\u202eevil\u0007'];
    const hostile: Report = { ...report, layers: report.layers.map((l, i) => ({ ...l, name: evil[i] ?? l.name, status: l.name === 'score' ? ('mismatch' as const) : l.status })) };
    const svg = renderSvg(hostile);
    expect(svg).not.toContain('<script');
    const { boxes } = readSvg(svg);
    // Control and bidi characters are written out by display() before they reach the picture.
    expect(boxes.slice(0, 4).map((b) => b.lines[0])).toEqual([evil[0], evil[1], evil[2], '\\u202eevil\\x07']);
    expect(boxes.find((b) => b.lines[0] === 'score')!.stroke).toBe('#c62828');
  });

  it('the README picture is what kerascope draws today (docs/images/nested_three_deep.svg)', async () => {
    const svg = renderSvg(await analyze(model('nested_three_deep'), { expand: true }), { expand: true });
    expect(readFileSync('docs/images/nested_three_deep.svg', 'utf8')).toBe(svg);
    expect(readFileSync('README.md', 'utf8')).toContain('](docs/images/nested_three_deep.svg)');
  });

  it('dagre is imported by the SVG renderer only, and the CLI loads that renderer on demand', () => {
    const files = (dir: string): string[] => readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(dir, e.name)) : [join(dir, e.name)]));
    const importers = files('src').filter((f) => /from '@dagrejs\/dagre'/.test(readFileSync(f, 'utf8')));
    expect(importers).toEqual(['src/report/svg.ts']);
    const staticSvg = files('src').filter((f) => /^import .* from '.*\/svg\.js';/m.test(readFileSync(f, 'utf8')));
    expect(staticSvg).toEqual([]);
    expect(readFileSync('src/cli/graph.ts', 'utf8')).toContain("await import('../report/svg.js')");
  });
});

describe.runIf(hasZoo)('SVG of a large real model (DenseNet169 saved by Keras 3.15.1, 597 layers)', () => {
  it('chains folded: a standalone, well-formed SVG, no overlapping boxes, arrows between boxes, the note under the picture', async () => {
    const pic = buildPicture(await analyze(join(ZOO, 'dz_app_densenet169_64.json')));
    expect(pic.notes).toHaveLength(1);
    const svg = pictureToSvg(pic);
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg" ')).toBe(true);
    const { boxes, arrows } = readSvg(svg);
    expect(boxes.map((b) => b.id)).toEqual(pic.nodes.map((n) => n.id));
    expectApart(boxes);
    const ids = new Set(boxes.map((b) => b.id));
    expect(arrows).toHaveLength(pic.edges.length);
    expect(arrows.every((a) => ids.has(a.from) && ids.has(a.to))).toBe(true);
    expect(svg).toContain(`>${xmlText(pic.notes[0]!)}</tspan>`);
  });
});
