// "1 unit", not "1 units": the rules and findings write counts as `${n} units`; one pass over a
// finished report puts the noun in the singular where the count is exactly 1, so every renderer
// (table, explain, JSON, Markdown, the page) says it right without each rule minding it.
import type { LayerReport, Report } from '../types.js';
import { mapShared } from './copy-on-write.js';

const NOUNS = [
  'units', 'inputs', 'outputs', 'filters', 'features', 'heads', 'channels', 'params', 'parameters',
  'layers', 'tensors', 'gates', 'steps', 'files', 'findings', 'groups', 'values', 'elements',
  'dimensions', 'dims', 'axes', 'entries', 'tokens', 'experts', 'blocks', 'calls', 'shards', 'members',
];
const IRREGULAR: Record<string, string> = { axes: 'axis', entries: 'entry' };

/** "1" standing alone (not 11, 2,001 or 0.1), a space, a plural noun from the list. */
const ONE = new RegExp(`(?<![\\d.,])1 (${NOUNS.join('|')})\\b`, 'g');

export function singularOne(text: string): string {
  return text.replace(ONE, (_, noun: string) => `1 ${IRREGULAR[noun] ?? noun.slice(0, -1)}`);
}

// Copy on write: a layer, weight or finding whose text has no count of 1 is kept as it is (the
// report this runs on is thrown away after), so a 2,000-layer report is not copied whole to change
// nothing (docs/bench.md, issue 15). A copy keeps its keys in their order, as the spread did.

function weight(w: LayerReport['weights'][number]): LayerReport['weights'][number] {
  const why = singularOne(w.why);
  return why === w.why ? w : { ...w, why };
}

function layer(l: LayerReport): LayerReport {
  const formula = l.formula === null ? null : singularOne(l.formula);
  const weights = mapShared(l.weights, weight);
  const layers = l.layers ? mapShared(l.layers, layer) : undefined;
  if (formula === l.formula && weights === l.weights && layers === l.layers) return l;
  return { ...l, formula, weights, ...(layers ? { layers } : {}) };
}

export function singularFinding(f: Report['findings'][number]): Report['findings'][number] {
  const message = singularOne(f.message);
  return message === f.message ? f : { ...f, message };
}

/** The report with counts of 1 in the singular in formulas, explanations and finding messages. */
export function singularCounts(report: Report): Report {
  return { ...report, layers: mapShared(report.layers, layer), findings: mapShared(report.findings, singularFinding) };
}
