// `kerascope explain FILE [LAYER…]`: why each layer owns the parameters it owns, with this model's
// numbers — the formula for the count, then each tensor's shape and where each factor comes from.
import { UsageError } from '../errors.js';
import type { LayerReport, Report, WeightReport } from '../types.js';
import { displayAll } from './display.js';
import { fmtCount, fmtLayerOutput, fmtShape, padEnd, paint, type Paint } from './format.js';
import { append } from '../append.js';

export interface Located {
  path: string;
  layer: LayerReport;
  depth: number;
}

/** Every layer with its path (`outer/inner/dense_2`), depth first, in report order. */
export function allLayers(layers: readonly LayerReport[], parent = '', depth = 0): Located[] {
  const out: Located[] = [];
  for (const layer of layers) {
    const path = parent ? `${parent}/${layer.name}` : layer.name;
    out.push({ path, layer, depth });
    append(out, allLayers(layer.layers ?? [], path, depth + 1));
  }
  return out;
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length]!;
}

/** Names close to `wanted`: a shared substring or a few edits away; the closest five. */
export function nearNames(wanted: string, names: readonly string[]): string[] {
  const w = wanted.toLowerCase();
  const scored = names
    .map((n) => ({ n, d: editDistance(w, n.toLowerCase()) }))
    .filter(({ n, d }) => d <= Math.max(2, Math.floor(w.length / 3)) || n.toLowerCase().includes(w) || w.includes(n.toLowerCase()));
  return scored.sort((a, b) => a.d - b.d).slice(0, 5).map(({ n }) => n);
}

function find(located: readonly Located[], wanted: string): Located[] {
  return located.filter((l) => l.path === wanted || l.layer.name === wanted);
}

function unknownLayer(wanted: string, located: readonly Located[]): UsageError {
  const near = nearNames(wanted, located.map((l) => l.path));
  const hint = near.length ? `did you mean ${near.join(', ')}?` : `layers: ${located.slice(0, 8).map((l) => l.path).join(', ')}${located.length > 8 ? ', …' : ''}`;
  return new UsageError(`no layer named ${wanted}; ${hint}`);
}

function shapeText(s: number[] | null): string {
  return s === null ? '(unknown)' : fmtShape(s);
}

/** What the file holds for this tensor, when it is not simply what was expected. */
function storedNote(w: WeightReport, p: Paint): string {
  switch (w.status) {
    case 'ok':
      return p.green('stored ok');
    case 'shape-mismatch':
      return p.red(`stored ${shapeText(w.storedShape)}: MISMATCH`);
    case 'missing':
      return p.red('not stored: MISSING');
    case 'extra':
      return p.red(`stored ${shapeText(w.storedShape)} but not expected: EXTRA`);
    default:
      return p.dim(w.storedShape ? 'stored, not checked' : 'not verified (no stored weights)');
  }
}

/** `(1152*, 100)`: a size marked * is the stored tensor's own (nothing else in the file tells it). */
function expectedText(w: WeightReport): string {
  if (w.status === 'extra' || !w.expectedShape) return shapeText(w.status === 'extra' || !w.expectedShape ? (w.storedShape ?? w.expectedShape) : w.expectedShape);
  if (!w.fromStored?.length) return shapeText(w.expectedShape);
  const own = new Set(w.fromStored);
  const dims = w.expectedShape.map((d, i) => (own.has(i) ? `${d}*` : String(d)));
  return dims.length === 1 ? `(${dims[0]},)` : `(${dims.join(', ')})`;
}

function weightLines(l: LayerReport, indent: string, p: Paint): string[] {
  const nameWidth = Math.max(...l.weights.map((w) => w.name.length));
  return l.weights.map((w) => {
    const frozen = w.trainableUnknown ? ' [trainability unknown]' : w.trainable ? '' : ' [non-trainable]';
    const own = w.fromStored?.length ? ` (* taken from the stored tensor: it depends on a size the file does not store)` : '';
    return `${indent}  ${padEnd(w.name, nameWidth)}  ${expectedText(w)}${frozen}: ${w.why || 'no explanation'} — ${storedNote(w, p)}${own}`;
  });
}

/** The output's sizes that are unknown, or that a stored tensor gave. */
function outputLine(l: LayerReport, indent: string): string[] {
  if (!l.unknownAxes?.length && !l.axesFromWeights?.length) return [];
  const from = (l.axesFromWeights ?? []).map((a) => `${a.size} from the stored ${a.weight}`);
  const unknown = l.unknownAxes?.length ? ['? cannot be known from the file'] : [];
  return [`${indent}  output ${fmtLayerOutput(l)}: ${[...from, ...unknown].join('; ')}`];
}

function headLine(loc: Located, indent: string, p: Paint): string {
  const l = loc.layer;
  const title = p.bold(`${loc.path} (${l.className})`);
  if (l.formula) return `${indent}${title}: ${l.formula}`;
  if (l.weights.length === 0 && !l.layers?.length) return `${indent}${title}: no weights, 0 params`;
  return `${indent}${title}: ${fmtCount(l.params)} params`;
}

function explainOne(loc: Located, indent: string, p: Paint): string[] {
  const lines = [headLine(loc, indent, p), ...outputLine(loc.layer, indent), ...weightLines(loc.layer, indent, p)];
  if (loc.layer.status === 'unknown-class') lines.push(`${indent}  no rule for ${loc.layer.className}: stored tensors are listed and counted, not checked`);
  return lines;
}

/**
 * The named layers (a name or a `parent/child` path), or every layer when none is named.
 * An unknown name is a usage error that lists the nearest names.
 */
export function selectLayers(report: Report, names: readonly string[]): Located[] {
  const located = allLayers(report.layers);
  if (names.length === 0) return located;
  return names.flatMap((n) => {
    const hit = find(located, n);
    if (hit.length === 0) throw unknownLayer(n, located);
    return hit;
  });
}

/** Explain the named layers, or every layer (nested ones indented) when none is named. */
export function renderExplain(report: Report, names: readonly string[] = [], options: { color?: boolean } = {}): string {
  const p = paint(options.color ?? false);
  const lines: string[] = [];
  // Layers are found by their exact names, then printed with every string from the file escaped.
  for (const loc of selectLayers(report, names)) lines.push(...explainOne(displayAll(loc), names.length ? '' : '  '.repeat(loc.depth), p));
  if (lines.length === 0) lines.push('The model has no layers.');
  return lines.join('\n') + '\n';
}

/** `explain --json`: the chosen layers as in the report, each with its path (sublayers left out). */
export function explainJson(report: Report, names: readonly string[] = []): object[] {
  return selectLayers(report, names).map(({ path, layer }) => {
    const own: Partial<typeof layer> = { ...layer };
    delete own.layers;
    return { path, ...own };
  });
}
