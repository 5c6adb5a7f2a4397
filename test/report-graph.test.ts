// The picture renderers (kerascope graph): the picture built from real Keras 3 files, and the DOT
// text read back by Graphviz itself (@hpcc-js/wasm-graphviz: Graphviz compiled to WebAssembly).
// The Mermaid text is parsed by Mermaid in report-mermaid.test.ts.
import { beforeAll, describe, expect, it } from 'vitest';
import { Graphviz } from '@hpcc-js/wasm-graphviz';
import { analyze } from '../src/index.js';
import type { Report } from '../src/types.js';
import { join } from 'node:path';
import { buildPicture, capBoxes, collapseChains, edgeCap, nodeLines, type Picture } from '../src/report/picture.js';
import { hasZoo, ZOO } from './helpers/zoo.js';
import { pictureToDot } from '../src/report/dot.js';

const model = (name: string) => `fixtures/keras/models/${name}.keras`;

let graphviz: Graphviz;
beforeAll(async () => {
  graphviz = await Graphviz.load();
});

interface GvObject {
  name: string;
  label?: string;
  nodes?: number[];
  subgraphs?: number[];
  _gvid: number;
}
interface GvJson {
  objects?: GvObject[];
  edges?: { tail: number; head: number; label?: string }[];
}

/** Graphviz keeps a label's escapes in its JSON: \\ is a backslash, \n a line break. */
function unescapeDot(s: string): string {
  return s.replace(/\\(.)/gs, (_, c: string) => (c === 'n' ? '\n' : c === '\\' ? '\\' : `\\${c}`));
}

/** Graphviz's own reading of our DOT: node labels, edges by node name, clusters with their nodes. */
function readDot(dot: string) {
  const g = JSON.parse(graphviz.layout(dot, 'json0' as 'json', 'dot') /* json0: a Graphviz format the package's types do not list */) as GvJson;
  const objects = g.objects ?? [];
  const byId = new Map(objects.map((o) => [o._gvid, o]));
  const nodes = objects.filter((o) => !o.name.startsWith('cluster_'));
  const clusters = objects.filter((o) => o.name.startsWith('cluster_'));
  return {
    labels: new Map(nodes.map((n) => [n.name, unescapeDot(n.label ?? '')])),
    edges: (g.edges ?? []).map((e) => `${byId.get(e.tail)!.name}->${byId.get(e.head)!.name}${e.label ? `:${e.label}` : ''}`),
    clusters: new Map(clusters.map((c) => [c.label ?? '', (c.nodes ?? []).map((i) => byId.get(i)!.name)])),
  };
}

function idOf(pic: Picture, name: string): string {
  const n = pic.nodes.find((x) => x.name === name);
  if (!n) throw new Error(`no box ${name}`);
  return n.id;
}

describe('the picture of a real model', () => {
  it('multi_io_shared: the shared Dense is one box, its two calls are labelled arrows', async () => {
    const report = await analyze(model('multi_io_shared'));
    const pic = buildPicture(report);
    const shared = report.layers.filter((l) => l.name === 'shared_dense');
    expect(shared).toHaveLength(1);
    expect(pic.nodes.filter((n) => n.name === 'shared_dense')).toHaveLength(1);
    const id = (n: string) => idOf(pic, n);
    const edges = pic.edges.map((e) => `${e.from}->${e.to}${e.label ? `:${e.label}` : ''}`);
    // Keras: shared_dense is called on left (node 0) and right (node 1); concatenate takes both outputs.
    expect(edges).toContain(`${id('left')}->${id('shared_dense')}:call 1`);
    expect(edges).toContain(`${id('right')}->${id('shared_dense')}:call 2`);
    expect(edges).toContain(`${id('shared_dense')}->${id('concatenate')}:out 1`);
    expect(edges).toContain(`${id('shared_dense')}->${id('concatenate')}:out 2`);
    expect(edges).toContain(`${id('shared_dense')}->${id('aux')}:out 1`);
    expect(edges).toHaveLength(6);
  });

  it('nested_three_deep --expand: models are clusters, arrows reach their first and last layers', async () => {
    const report = await analyze(model('nested_three_deep'), { expand: true });
    const pic = buildPicture(report, { expand: true });
    expect(pic.clusters.map((c) => `${c.name}/${c.parent ?? '-'}`)).toEqual(['middle/-', 'inner/c0']);
    const id = (n: string) => idOf(pic, n);
    const edges = pic.edges.map((e) => `${e.from}->${e.to}${e.label ? `:${e.label}` : ''}`);
    expect(edges).toEqual(
      expect.arrayContaining([
        `${id('input_layer_2')}->${id('input_layer_1')}:call 1`,
        `${id('input_layer_3')}->${id('input_layer_1')}:call 2`,
        `${id('input_layer_1')}->${id('dense')}`,
        `${id('dense')}->${id('dense_1')}`,
        `${id('dense_1')}->${id('add')}:out 1`,
        `${id('dense_1')}->${id('add')}:out 2`,
      ]),
    );
    // Without --expand the nested model is one box.
    const flat = buildPicture(report);
    expect(flat.clusters).toHaveLength(0);
    expect(flat.nodes.map((n) => `${n.name} (${n.className})`)).toContain('middle (Functional)');
  });

  it('a box says name, class, output shape and params, "1 param" in the singular', () => {
    const n = { id: 'n0', name: 'd', className: 'Dense', shape: '(None, 1)', params: 1, status: 'ok' as const, parent: null };
    expect(nodeLines(n)).toEqual(['d', '(Dense)', '(None, 1)', '1 param']);
    expect(nodeLines({ ...n, params: 1234 })[3]).toBe('1,234 params');
  });
});

describe('DOT, as Graphviz reads it', () => {
  it('nested_three_deep --expand: clusters hold their layers, labels and arrows as drawn', async () => {
    const report = await analyze(model('nested_three_deep'), { expand: true });
    const pic = buildPicture(report, { expand: true });
    const gv = readDot(pictureToDot(pic));
    expect(gv.labels.get(idOf(pic, 'dense'))).toBe('dense\n(Dense)\n(None, 2)\n8 params');
    expect(gv.clusters.get('middle (Functional)')).toEqual(expect.arrayContaining([idOf(pic, 'input_layer_1'), idOf(pic, 'dense'), idOf(pic, 'dense_1')]));
    expect(gv.clusters.get('inner (Sequential)')).toEqual([idOf(pic, 'dense')]);
    expect(gv.edges.sort()).toEqual(pic.edges.map((e) => `${e.from}->${e.to}${e.label ? `:${e.label}` : ''}`).sort());
  });

  it('hostile layer names stay inside their label (quotes, backslashes, Graphviz escapes, newlines)', async () => {
    const report = await analyze(model('multi_io_shared'));
    const evil = ['x" ]; evil -> pwn; a ["', 'back\\slash \\N \\G', 'two\nlines\r\u001b[31mred', '<b>html</b> & {braces}'];
    const hostile: Report = { ...report, layers: report.layers.map((l, i) => (i < evil.length ? { ...l, name: evil[i]! } : l)) };
    // Keep the graph wired: the names connectedTo refers to are renamed the same way.
    const rename = new Map(report.layers.slice(0, evil.length).map((l, i) => [l.name, evil[i]!]));
    const rewire = (ref: string) => ref.replace(/^(.*)(\[\d+\]\[\d+\])$/s, (_, n: string, rest: string) => `${rename.get(n) ?? n}${rest}`);
    hostile.layers = hostile.layers.map((l) => ({ ...l, connectedTo: l.connectedTo.map(rewire), ...(l.callInputs ? { callInputs: l.callInputs.map((c) => c.map(rewire)) } : {}) }));
    const pic = buildPicture(hostile);
    const gv = readDot(pictureToDot(pic));
    expect(gv.labels.size).toBe(report.layers.length);
    expect([...gv.labels.keys()].every((k) => /^n\d+$/.test(k))).toBe(true);
    expect(gv.labels.get('n0')!.split('\n')[0]).toBe('x" ]; evil -> pwn; a ["');
    expect(gv.labels.get('n1')!.split('\n')[0]).toBe('back\\slash \\N \\G');
    // Control characters are written out (display()), never raw.
    expect(gv.labels.get('n2')!.split('\n')[0]).toBe('two\\nlines\\r\\x1b[31mred');
    expect(gv.edges).toHaveLength(pic.edges.length);
  });

  it('a mismatched layer is drawn red and thick', async () => {
    const report = await analyze(model('multi_io_shared'));
    const bad: Report = { ...report, layers: report.layers.map((l) => (l.name === 'score' ? { ...l, status: 'mismatch' as const } : l)) };
    const dot = pictureToDot(buildPicture(bad));
    const line = dot.split('\n').find((l) => l.includes('"score\\n'))!;
    expect(line).toContain('color="#c62828"');
    expect(line).toContain('penwidth=3');
    expect(readDot(dot).labels.size).toBe(report.layers.length);
  });
});

describe('large models stay legible', () => {
  it('chains are collapsed to one box each above the cap, branches and merges kept, with a note', async () => {
    const report = await analyze('fixtures/keras/models/nested_three_deep.keras', { expand: true });
    const pic = buildPicture(report, { expand: true });
    // A straight chain: every box but the ends folds.
    const chain: Picture = {
      title: 't',
      clusters: [],
      notes: [],
      nodes: Array.from({ length: 6 }, (_, i) => ({ id: `n${i}`, name: `l${i}`, className: 'Dense', shape: '(None, 2)', params: 10, status: 'ok' as const, parent: null })),
      edges: [0, 1, 2, 3, 4].map((i) => ({ from: `n${i}`, to: `n${i + 1}`, label: null })),
    };
    const folded = collapseChains(chain, 2);
    expect(folded.nodes).toHaveLength(1);
    expect(folded.nodes[0]).toMatchObject({ name: 'l0 … l5', className: '6 layers', params: 60, collapsed: 6 });
    expect(folded.edges).toHaveLength(0);
    expect(folded.notes[0]).toBe('6 layers are more than 2 boxes: 6 layers in 1 chain are drawn as one box each (--max-nodes to change)');
    // A mismatched layer in the middle stays its own box.
    chain.nodes[3] = { ...chain.nodes[3]!, status: 'mismatch' };
    expect(collapseChains(chain, 2).nodes.map((n) => n.name)).toEqual(['l0 … l2', 'l3', 'l4', 'l5']);
    // The real nested model under a cap of 3: still one box per branch end, arrows between boxes that exist.
    const small = collapseChains(pic, 3);
    const ids = new Set(small.nodes.map((n) => n.id));
    expect(small.edges.every((e) => ids.has(e.from) && ids.has(e.to))).toBe(true);
  });
});

describe.runIf(hasZoo)('the size cap on a real large model (DenseNet169 saved by Keras 3.15.1)', () => {
  it('--max-nodes 60: the first boxes in model order, at most 60 boxes and 75 arrows, the rest counted in a note; Graphviz reads it', async () => {
    const report = await analyze(join(ZOO, 'dz_app_densenet169_64.json'));
    const pic = buildPicture(report, { maxNodes: 60 });
    expect(pic.nodes.length).toBeLessThanOrEqual(60);
    expect(pic.edges.length).toBeLessThanOrEqual(edgeCap(60));
    const ids = new Set(pic.nodes.map((n) => n.id));
    expect(pic.edges.every((e) => ids.has(e.from) && ids.has(e.to))).toBe(true);
    // The kept boxes begin the model: its input, then what follows it in Keras's layer order.
    expect(pic.nodes[0]!.name.split(' … ')[0]).toBe(report.layers[0]!.name);
    const drawn = pic.nodes.reduce((t, n) => t + (n.collapsed ?? 1), 0);
    const note = pic.notes.at(-1)!;
    expect(note).toBe(`only the first ${pic.nodes.length} boxes are drawn (to ${pic.nodes.at(-1)!.name}): ${(report.layers.length - drawn).toLocaleString('en-US')} layers after it are left out (--max-nodes to change)`);
    expect(drawn).toBeLessThan(report.layers.length);
    const gv = readDot(pictureToDot(pic));
    expect(gv.labels.size).toBe(pic.nodes.length);
    expect(gv.edges).toHaveLength(pic.edges.length);
  });

  it('capBoxes drops clusters left empty and keeps the ones holding a kept box', async () => {
    const pic = buildPicture(await analyze(model('nested_three_deep'), { expand: true }), { expand: true });
    const one = capBoxes(pic, 1);
    expect(one.nodes).toHaveLength(1);
    expect(one.clusters).toEqual(pic.clusters.filter((c) => one.nodes.some((n) => n.parent === c.id)));
    const inner = pic.nodes.findIndex((n) => n.name === 'dense');
    const upTo = capBoxes(pic, inner + 1);
    expect(upTo.clusters.map((c) => c.name)).toEqual(['middle', 'inner']);
  });
});
