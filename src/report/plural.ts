// "1 unit", not "1 units": the rules and findings write counts as `${n} units`; one pass over a
// finished report puts the noun in the singular where the count is exactly 1, so every renderer
// (table, explain, JSON, Markdown, the page) says it right without each rule minding it.
import type { LayerReport, Report } from '../types.js';

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

function layer(l: LayerReport): LayerReport {
  return {
    ...l,
    formula: l.formula === null ? null : singularOne(l.formula),
    weights: l.weights.map((w) => ({ ...w, why: singularOne(w.why) })),
    ...(l.layers ? { layers: l.layers.map(layer) } : {}),
  };
}

/** The report with counts of 1 in the singular in formulas, explanations and finding messages. */
export function singularCounts(report: Report): Report {
  return { ...report, layers: report.layers.map(layer), findings: report.findings.map((f) => ({ ...f, message: singularOne(f.message) })) };
}
