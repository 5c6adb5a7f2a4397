// @vitest-environment jsdom
// The Mermaid renderer, read back by Mermaid's own parser (the flowchart grammar GitHub renders):
// boxes, arrows with their call labels, subgraphs with their layers, the mismatch class. Mermaid
// sanitises labels with DOMPurify, which needs a DOM: jsdom gives it one here.
import { beforeAll, describe, expect, it } from 'vitest';
import type { Mermaid } from 'mermaid';
import { analyze } from '../src/index.js';
import type { Report } from '../src/types.js';
import { join } from 'node:path';
import { buildPicture, DEFAULT_MAX_NODES } from '../src/report/picture.js';
import { MERMAID_MAX_TEXT, mermaidText, pictureToMermaid, renderMermaid } from '../src/report/mermaid.js';
import { hasZoo, ZOO } from './helpers/zoo.js';

let mermaid: Mermaid;
beforeAll(async () => {
  mermaid = (await import('mermaid')).default;
  await mermaid.parse('flowchart TD\n  a --> b'); // registers the diagram types
});

interface Vertex { id: string; text: string; classes: string[] }
interface Edge { start: string; end: string; text: string }
interface SubGraph { id: string; title: string; nodes: string[] }

/** Mermaid's own model of the text: its flowchart database after parsing. */
async function readMermaid(text: string) {
  expect(await mermaid.parse(text)).toMatchObject({ diagramType: 'flowchart-v2' });
  const diagram = await mermaid.mermaidAPI.getDiagramFromText(text);
  const db = diagram.db as unknown as { getVertices(): Map<string, Vertex>; getEdges(): Edge[]; getSubGraphs(): SubGraph[] };
  // Mermaid keeps entities as placeholders until it draws: decode them to compare text.
  const decode = (s: string) => s.replace(/ﬂ°°(\d+)¶ß/g, (_, n: string) => String.fromCharCode(Number(n))).replace(/ﬂ°(\w+)¶ß/g, (_, e: string) => ({ quot: '"', lt: '<', gt: '>', amp: '&' })[e] ?? `&${e};`);
  return {
    vertices: [...db.getVertices().values()].map((v) => ({ id: v.id, lines: decode(v.text).split(/<br\s*\/?>/), classes: v.classes })),
    edges: db.getEdges().map((e) => `${e.start}->${e.end}${e.text ? `:${e.text}` : ''}`),
    subgraphs: db.getSubGraphs().map((s) => ({ title: decode(s.title), nodes: [...s.nodes].sort() })),
  };
}

const model = (name: string) => `fixtures/keras/models/${name}.keras`;

describe('Mermaid, as Mermaid parses it', () => {
  it('multi_io_shared: one box per layer, the shared layer once, arrows per call', async () => {
    const report = await analyze(model('multi_io_shared'));
    const pic = buildPicture(report);
    const m = await readMermaid(pictureToMermaid(pic));
    expect(m.vertices.map((v) => v.id)).toEqual(pic.nodes.map((n) => n.id));
    expect(m.edges.sort()).toEqual(pic.edges.map((e) => `${e.from}->${e.to}${e.label ? `:${e.label}` : ''}`).sort());
    // Class, output shape and params as Keras's summary says them (multi_io_shared: Dense(3) on 4 inputs = 15).
    const shared = m.vertices.find((v) => v.id === pic.nodes.find((n) => n.name === 'shared_dense')!.id)!;
    expect(shared.lines).toEqual(['shared_dense', '(Dense)', '(None, 3)', '15 params']);
  });

  it('nested_three_deep --expand: nested models are subgraphs holding their layers', async () => {
    const report = await analyze(model('nested_three_deep'), { expand: true });
    const pic = buildPicture(report, { expand: true });
    const m = await readMermaid(pictureToMermaid(pic));
    const id = (name: string) => pic.nodes.find((n) => n.name === name)!.id;
    const middle = m.subgraphs.find((s) => s.title === 'middle (Functional)')!;
    const inner = m.subgraphs.find((s) => s.title === 'inner (Sequential)')!;
    expect(inner.nodes).toEqual([id('dense')]);
    expect(middle.nodes).toEqual(expect.arrayContaining([id('input_layer_1'), id('dense_1')]));
    expect(m.edges).toContain(`${id('input_layer_3')}->${id('input_layer_1')}:call 2`);
  });

  it('hostile names stay inside their label; a mismatched layer gets the mismatch class', async () => {
    const report = await analyze(model('multi_io_shared'));
    const evil = ['x"] --> pwn["', 'a #quot; b', 'end', '%%{init: {"theme":"dark"}}%%'];
    const renamed = new Map(report.layers.slice(0, evil.length).map((l, i) => [l.name, evil[i]!]));
    const rewire = (ref: string) => ref.replace(/^(.*)(\[\d+\]\[\d+\])$/s, (_, n: string, rest: string) => `${renamed.get(n) ?? n}${rest}`);
    const hostile: Report = {
      ...report,
      layers: report.layers.map((l) => ({
        ...l,
        name: renamed.get(l.name) ?? l.name,
        status: l.name === 'score' ? ('mismatch' as const) : l.status,
        connectedTo: l.connectedTo.map(rewire),
        ...(l.callInputs ? { callInputs: l.callInputs.map((c) => c.map(rewire)) } : {}),
      })),
    };
    const text = renderMermaid(hostile);
    const m = await readMermaid(text);
    expect(m.vertices).toHaveLength(report.layers.length);
    expect(m.edges).toHaveLength(6);
    const score = m.vertices.find((v) => v.lines.at(-1) === '7 params')!;
    expect(score.classes).toEqual(['mismatch']);
    expect(m.vertices.slice(0, evil.length).map((v) => v.lines[0])).toEqual(evil);
    expect(text).not.toContain('%%{');
  });

  it('mermaidText writes every markup character as an entity', () => {
    expect(mermaidText('a"b#c<d>e&f`g[h]i{j}k|l\\m')).toBe('a#quot;b#35;c#lt;d#gt;e#amp;f#96;g#91;h#93;i#123;j#125;k#124;l#92;m');
  });
});

describe.runIf(hasZoo)('large real models stay within what Mermaid (and GitHub) draws', () => {
  // Keras applications saved by Keras 3.15.1 (../shared/keras3-zoo): 200 to 600 layers, many branches.
  for (const slug of ['dz_app_densenet169_64', 'dz_app_efficientnetv2b0_96', 'dz_app_resnet50v2_64']) {
    it(`${slug}: under Mermaid's own maxTextSize and maxEdges, parsed, every layer drawn, folded or counted as left out`, async () => {
      const report = await analyze(join(ZOO, `${slug}.json`));
      const text = renderMermaid(report);
      const defaults = mermaid.mermaidAPI.getConfig() as { maxTextSize: number; maxEdges: number };
      expect(MERMAID_MAX_TEXT).toBe(defaults.maxTextSize);
      expect(text.length).toBeLessThanOrEqual(defaults.maxTextSize);
      const m = await readMermaid(text);
      expect(m.edges.length).toBeLessThanOrEqual(defaults.maxEdges);
      const pic = buildPicture(report);
      expect(m.vertices.filter((v) => v.id !== 'notes').map((v) => v.id)).toEqual(pic.nodes.map((n) => n.id));
      const drawn = pic.nodes.reduce((t, n) => t + (n.collapsed ?? 1), 0);
      const left = /(\d[\d,]*) layers? after it are left out/.exec(pic.notes.join('\n'))?.[1];
      expect(drawn + Number((left ?? '0').replace(/,/g, ''))).toBe(report.layers.length);
      if (report.layers.length > DEFAULT_MAX_NODES) expect(m.vertices.find((v) => v.id === 'notes')!.lines[0]).toMatch(/^[\d,]+ layers are more than 400 boxes: /);
    });
  }
});
