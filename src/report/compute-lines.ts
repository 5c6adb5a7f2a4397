// The compute and memory totals under the table (with --columns macs,flops,activation-bytes or
// --batch N): what the model computes at the batch size, its outputs' bytes, its weights by dtype,
// and the layers left out because their cost is unknown.
import type { Report } from '../types.js';
import { fmtCount, plural, readableMemorySize, type Paint } from './format.js';

/**
 * 4,089,184,768 → "4.09 G" (torchinfo's "Total mult-adds (G)" scale); small counts as they are. A
 * sum past 2^53 (a large model at a large batch) is not exact in a double: only "about" its scale.
 */
export function scaled(n: number): string {
  const units: [number, string][] = [[1e18, 'E'], [1e15, 'P'], [1e12, 'T'], [1e9, 'G'], [1e6, 'M']];
  for (const [size, unit] of units) {
    if (n < size) continue;
    const short = `${(n / size).toFixed(2)} ${unit}`;
    return Number.isSafeInteger(n) ? `${fmtCount(n)} (${short})` : `about ${short}`;
  }
  return fmtCount(n);
}

export function computeLines(report: Report, p: Paint): string[] {
  const c = report.compute;
  if (!c) return [];
  const atLeast = c.unknownLayers.length ? 'at least ' : '';
  const per = c.batch === 1 ? 'per sample' : `batch ${fmtCount(c.batch)}`;
  const out = [
    `${p.bold(` Compute (${per}): `)}${atLeast}${scaled(c.macs)} MACs, ${atLeast}${scaled(c.flops)} FLOPs`,
    `${p.bold(` Activations (${per}): `)}${atLeast}${readableMemorySize(c.activationBytes)}`,
  ];
  if (c.weightBytes.length) out.push(`${p.bold(' Weights by dtype: ')}${c.weightBytes.map((d) => `${d.dtype} ${d.bytes === null ? '?' : readableMemorySize(d.bytes)}`).join(', ')}`);
  if (c.unknownLayers.length) {
    const shown = c.unknownLayers.slice(0, 5).join(', ');
    out.push(`${p.bold(' Not counted: ')}${plural(c.unknownLayers.length, 'layer')} whose cost is unknown (${shown}${c.unknownLayers.length > 5 ? ', …' : ''}; --json says why)`);
  }
  return out;
}
