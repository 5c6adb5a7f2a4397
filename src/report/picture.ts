// The model as a picture, before any drawing syntax: boxes (one per layer, a shared layer once),
// clusters (nested models, with --expand), arrows (one per input of each call, labelled with the
// call when a layer is called more than once). The Mermaid, DOT and SVG renderers draw this.
//
// Built from the Report alone (never from the graph), so every renderer — the CLI's, the Markdown
// report's, the page's — draws the same thing. Strings are passed through display() here; each
// renderer then escapes them for its own syntax.
import type { LayerReport, LayerStatus, Report } from '../types.js';
import { display } from './display.js';
import { fmtOutput, plural } from './format.js';

export interface PicNode {
  /** n0, n1…: never built from a name, so no name can break a renderer's syntax. */
  id: string;
  name: string;
  className: string;
  shape: string;
  params: number;
  status: LayerStatus;
  /** The cluster it sits in, or null at the top. */
  parent: string | null;
  /** Set when a chain of layers is drawn as this one box (large models). */
  collapsed?: number;
}

export interface PicCluster {
  id: string;
  name: string;
  className: string;
  status: LayerStatus;
  parent: string | null;
}

export interface PicEdge {
  from: string;
  to: string;
  /** "call 2" on the arrows into and out of a layer called more than once; null otherwise. */
  label: string | null;
}

export interface Picture {
  title: string;
  nodes: PicNode[];
  clusters: PicCluster[];
  edges: PicEdge[];
  /** Said under the picture: what was collapsed to keep it legible. */
  notes: string[];
}

export interface PictureOptions {
  /** Draw the layers of nested models inside a cluster (Keras's expand_nested). */
  expand?: boolean;
  /**
   * Above this many boxes, chains of single-input, single-consumer layers are drawn as one box
   * each, and a note says so. Default 400: GitHub's Mermaid stops at 500 edges.
   */
  maxNodes?: number;
}

export const DEFAULT_MAX_NODES = 400;

/** `layer[node][tensor]`, as Keras prints "Connected to" (the name may itself hold brackets). */
export function parseRef(ref: string): { layer: string; node: number; tensor: number } | null {
  const m = /^(.*)\[(\d+)\]\[(\d+)\]$/s.exec(ref);
  return m ? { layer: m[1]!, node: Number(m[2]), tensor: Number(m[3]) } : null;
}

/** The inputs of each call: `callInputs` for a shared layer, else its one call's `connectedTo`. */
export function callsOf(l: LayerReport): string[][] {
  return l.callInputs ?? [l.connectedTo];
}

/** What a layer is in the picture: a box, or (expanded nested model) a cluster with entries and exits. */
interface Placed {
  layer: LayerReport;
  box: string | null;
  entries: string[];
  exits: string[];
}

class Builder {
  readonly nodes: PicNode[] = [];
  readonly clusters: PicCluster[] = [];
  readonly edges: PicEdge[] = [];
  private next = 0;

  constructor(private readonly expand: boolean) {}

  /** Places one model level's layers and draws the arrows between them; returns its entries and exits. */
  level(layers: LayerReport[], parent: string | null): { entries: string[]; exits: string[] } {
    const placed = new Map<string, Placed>();
    for (const l of layers) placed.set(l.name, this.place(l, parent));
    // A Sequential model stored without inbound nodes (Keras 1/2 configs): each layer feeds the next.
    if (layers.length > 1 && layers.every((l) => l.connectedTo.length === 0)) return this.chain([...placed.values()]);
    const consumed = new Set<string>();
    const entries: string[] = [];
    for (const p of placed.values()) {
      const calls = callsOf(p.layer);
      let fedInside = false;
      calls.forEach((inputs, call) => {
        inputs.forEach((ref, position) => {
          const r = parseRef(ref);
          const from = r ? placed.get(r.layer) : undefined;
          if (!r || !from) return;
          fedInside = true;
          consumed.add(from.layer.name);
          const source = from.box ?? from.exits[Math.min(r.tensor, from.exits.length - 1)];
          const target = p.box ?? p.entries[Math.min(position, p.entries.length - 1)];
          if (!source || !target) return;
          this.edges.push({ from: source, to: target, label: this.label(from.layer, r.node, p.layer, call) });
        });
      });
      if (!fedInside) entries.push(...(p.box ? [p.box] : p.entries));
    }
    const exits = [...placed.values()].filter((p) => !consumed.has(p.layer.name)).flatMap((p) => (p.box ? [p.box] : p.exits));
    return { entries, exits };
  }

  private chain(list: Placed[]): { entries: string[]; exits: string[] } {
    for (let i = 1; i < list.length; i++) {
      const from = list[i - 1]!.box ?? list[i - 1]!.exits[0];
      const to = list[i]!.box ?? list[i]!.entries[0];
      if (from && to) this.edges.push({ from, to, label: null });
    }
    const first = list[0]!;
    const last = list[list.length - 1]!;
    return { entries: first.box ? [first.box] : first.entries, exits: last.box ? [last.box] : last.exits };
  }

  /** "call 2" into a shared layer's second call, "out 2" from it; null for a layer called once. */
  private label(from: LayerReport, node: number, to: LayerReport, call: number): string | null {
    if (callsOf(to).length > 1) return `call ${call + 1}`;
    const fromCalls = callsOf(from).length;
    if (fromCalls > 1) return `out ${Math.min(node, fromCalls - 1) + 1}`;
    return null;
  }

  private place(l: LayerReport, parent: string | null): Placed {
    if (this.expand && l.layers) {
      const id = `c${this.clusters.length}`;
      this.clusters.push({ id, name: display(l.name), className: display(l.className), status: l.status, parent });
      const inner = this.level(l.layers, id);
      return { layer: l, box: null, ...inner };
    }
    const id = `n${this.next++}`;
    const shape = fmtOutput(l.outputShape);
    this.nodes.push({ id, name: display(l.name), className: display(l.className), shape: display(shape), params: l.params, status: l.status, parent });
    return { layer: l, box: id, entries: [], exits: [] };
  }
}

/** The picture of a report's model. */
export function buildPicture(report: Report, opts: PictureOptions = {}): Picture {
  const b = new Builder(opts.expand ?? false);
  b.level(report.layers, null);
  const title = report.model ? display(report.model.name) : display(report.file);
  const pic: Picture = { title, nodes: b.nodes, clusters: b.clusters, edges: b.edges, notes: [] };
  const max = opts.maxNodes ?? DEFAULT_MAX_NODES;
  const folded = pic.nodes.length > max ? collapseChains(pic, max) : pic;
  return folded.nodes.length > max || folded.edges.length > edgeCap(max) ? capBoxes(folded, max) : folded;
}

/** Arrows drawn at most: 1.25 × the boxes (the default 400 boxes → 500 arrows, GitHub's Mermaid maxEdges). */
export function edgeCap(max: number): number {
  return Math.floor(max * 1.25);
}

/**
 * The size cap, when folding chains was not enough (many branches: DenseNet, NASNet): the first
 * boxes in the model's order, as many as fit in `max` boxes and edgeCap(max) arrows, and a note
 * naming how many layers are left out. Clusters left empty go too.
 */
export function capBoxes(pic: Picture, max: number): Picture {
  const touching = new Map<string, PicEdge[]>();
  for (const e of pic.edges) {
    for (const id of new Set([e.from, e.to])) {
      const list = touching.get(id) ?? [];
      list.push(e);
      touching.set(id, list);
    }
  }
  const kept = new Set<string>();
  let arrows = 0;
  for (const n of pic.nodes) {
    const added = (touching.get(n.id) ?? []).filter((e) => kept.has(e.from === n.id ? e.to : e.from) || (e.from === n.id && e.to === n.id)).length;
    if (kept.size + 1 > max || arrows + added > edgeCap(max)) break;
    kept.add(n.id);
    arrows += added;
  }
  const nodes = pic.nodes.filter((n) => kept.has(n.id));
  const edges = pic.edges.filter((e) => kept.has(e.from) && kept.has(e.to));
  const used = new Set(nodes.map((n) => n.parent));
  for (const c of [...pic.clusters].reverse()) if (used.has(c.id)) used.add(c.parent);
  const clusters = pic.clusters.filter((c) => used.has(c.id));
  const layers = (ns: PicNode[]) => ns.reduce((t, n) => t + (n.collapsed ?? 1), 0);
  const left = layers(pic.nodes) - layers(nodes);
  const last = nodes.at(-1)?.name ?? '';
  const note = `only the first ${plural(nodes.length, 'box', 'boxes')} are drawn (to ${last}): ${plural(left, 'layer')} after it are left out (--max-nodes to change)`;
  return { ...pic, nodes, edges, clusters, notes: [...pic.notes, note] };
}

/**
 * Large models stay legible: each chain of boxes where one box feeds only the next and the next is
 * fed only by it (same cluster, both fine, no call labels) is drawn as one box "first … last",
 * with the chain's length and parameters. Branches, merges and mismatched layers stay visible.
 */
export function collapseChains(pic: Picture, max: number): Picture {
  const outs = new Map<string, PicEdge[]>();
  const ins = new Map<string, PicEdge[]>();
  for (const e of pic.edges) {
    outs.set(e.from, [...(outs.get(e.from) ?? []), e]);
    ins.set(e.to, [...(ins.get(e.to) ?? []), e]);
  }
  const byId = new Map(pic.nodes.map((n) => [n.id, n]));
  const quiet = (n: PicNode) => n.status === 'ok' || n.status === 'unverified';
  /** The next box of a chain from n, or null where the chain ends. */
  const follow = (n: PicNode): PicNode | null => {
    const o = outs.get(n.id) ?? [];
    if (o.length !== 1 || o[0]!.label) return null;
    const m = byId.get(o[0]!.to);
    if (!m || m.parent !== n.parent || (ins.get(m.id) ?? []).length !== 1 || !quiet(m)) return null;
    return m;
  };
  const headOf = new Map<string, string>();
  const nodes: PicNode[] = [];
  let chains = 0;
  let folded = 0;
  for (const n of pic.nodes) {
    if (headOf.has(n.id)) continue;
    const chain = [n];
    if (quiet(n)) for (let m = follow(n); m && !headOf.has(m.id) && chain.length < pic.nodes.length; m = follow(m)) chain.push(m);
    for (const m of chain) headOf.set(m.id, n.id);
    if (chain.length < 3) {
      chain.forEach((m) => headOf.set(m.id, m.id));
      nodes.push(...chain);
      continue;
    }
    const last = chain[chain.length - 1]!;
    chains++;
    folded += chain.length;
    nodes.push({ ...n, name: `${n.name} … ${last.name}`, className: `${chain.length} layers`, shape: last.shape, params: chain.reduce((t, m) => t + m.params, 0), collapsed: chain.length });
  }
  const edges = pic.edges.filter((e) => headOf.get(e.from) !== headOf.get(e.to)).map((e) => ({ ...e, from: headOf.get(e.from)!, to: headOf.get(e.to)! }));
  const notes = [...pic.notes];
  if (chains > 0) notes.push(`${plural(pic.nodes.length, 'layer')} are more than ${plural(max, 'box', 'boxes')}: ${plural(folded, 'layer')} in ${plural(chains, 'chain')} are drawn as one box each (--max-nodes to change)`);
  return { ...pic, nodes, edges, notes };
}

/** The text of a box, line by line: name, (class), output shape, params. */
export function nodeLines(n: PicNode): string[] {
  return [n.name, `(${n.className})`, n.shape, plural(n.params, 'param')];
}

/** A cluster's title: `name (Class)`. */
export function clusterTitle(c: PicCluster): string {
  return `${c.name} (${c.className})`;
}
