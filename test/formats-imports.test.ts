// The shape of src/formats/, asserted from its import graph (issue 11): no circle, no folder that
// reaches back up into its parent except for the shared contracts, and the native HDF5 reader a
// leaf library. Read from the sources' own import lines, so it cannot drift from the code.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const FORMATS = resolve(import.meta.dirname, '../src/formats');
/**
 * Files at the root of src/formats that every family may import: the contracts and shared helpers
 * (temp.ts: temporary folders, removed on signals), and the byte sources a family hands inflated
 * bytes out through (file-source.ts on Node, browser.ts in the page).
 */
const SHARED = ['source.ts', 'reader.ts', 'text.ts', 'temp.ts', 'folder.ts', 'file-source.ts', 'browser.ts'];

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : [];
  });
}

/** file (relative to src/formats) → the files of src/formats it imports (static, dynamic, type-only). */
function importGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of files(FORMATS)) {
    const text = readFileSync(file, 'utf8');
    const targets = [...text.matchAll(/(?:from|import)\s*\(?\s*'(\.[^']+)'/g)]
      .map((m) => resolve(dirname(file), m[1]!.replace(/\.js$/, '.ts')))
      .filter((t) => t.startsWith(FORMATS + '/'))
      .map((t) => relative(FORMATS, t));
    graph.set(relative(FORMATS, file), [...new Set(targets)]);
  }
  return graph;
}

/** A circle in `edges`, as its nodes, or null. */
function findCycle(edges: Map<string, Set<string>>): string[] | null {
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (n: string): string[] | null => {
    if (state.get(n) === 'done') return null;
    if (state.get(n) === 'open') return [...stack.slice(stack.indexOf(n)), n];
    state.set(n, 'open');
    stack.push(n);
    for (const m of edges.get(n) ?? []) {
      const c = visit(m);
      if (c) return c;
    }
    stack.pop();
    state.set(n, 'done');
    return null;
  };
  for (const n of edges.keys()) {
    const c = visit(n);
    if (c) return c;
  }
  return null;
}

/** The graph seen from `folder`: each of its subfolders drawn as one node (as farm-studio draws rooms). */
function roomsOf(graph: Map<string, string[]>, folder: string): Map<string, Set<string>> {
  const room = (f: string): string | null => {
    const rel = folder ? (f.startsWith(folder + '/') ? f.slice(folder.length + 1) : null) : f;
    if (rel === null) return null;
    const slash = rel.indexOf('/');
    return slash < 0 ? rel : `${rel.slice(0, slash)}/`;
  };
  const edges = new Map<string, Set<string>>();
  for (const [from, targets] of graph) {
    const a = room(from);
    if (a === null) continue;
    for (const t of targets) {
      const b = room(t);
      if (b === null || b === a) continue;
      if (!edges.has(a)) edges.set(a, new Set());
      edges.get(a)!.add(b);
    }
  }
  return edges;
}

const graph = importGraph();

describe('src/formats import graph', () => {
  it('reads the folder (the test itself sees the families)', () => {
    for (const f of ['index.ts', 'dispatch.ts', 'source.ts', 'reader.ts', 'hdf5/index.ts', 'hdf5/read.ts', 'hdf5/native/index.ts', 'keras-zip/index.ts', 'tfjs/index.ts', 'keras-json/index.ts'])
      expect(graph.has(f), f).toBe(true);
    expect(graph.get('dispatch.ts')).toContain('hdf5/index.ts');
  });

  it('has no circle between files', () => {
    expect(findCycle(new Map([...graph].map(([k, v]) => [k, new Set(v)])))).toBeNull();
  });

  it('has no circle between the rooms of any folder (a subfolder counted as one room)', () => {
    const folders = new Set(['', ...[...graph.keys()].map((f) => dirname(f)).filter((d) => d !== '.')]);
    for (const folder of folders) expect(findCycle(roomsOf(graph, folder)), folder || 'src/formats').toBeNull();
  });

  it('reaches up into a parent folder only for the shared contracts, which import no family', () => {
    const upward: string[] = [];
    for (const [from, targets] of graph)
      for (const t of targets) {
        const home = dirname(t);
        const inAncestor = home !== dirname(from) && (home === '.' ? from.includes('/') : from.startsWith(home + '/'));
        if (inAncestor && !SHARED.includes(t)) upward.push(`${from} -> ${t}`);
      }
    expect(upward).toEqual([]);
    for (const s of SHARED) expect(graph.get(s)!.every((t) => SHARED.includes(t)), s).toBe(true);
  });

  it('keeps the native HDF5 reader a leaf library: it imports nothing outside its folder', () => {
    const out = [...graph].filter(([f]) => f.startsWith('hdf5/native/')).flatMap(([f, ts]) => ts.filter((t) => !t.startsWith('hdf5/native/')).map((t) => `${f} -> ${t}`));
    expect(out).toEqual([]);
    for (const f of files(join(FORMATS, 'hdf5/native'))) expect(readFileSync(f, 'utf8'), f).not.toMatch(/from '\.\.\/\.\.\//);
  });
});
