// `kerascope diff A B` on a terminal: the two files, the changes (kind, layer, what changed), the
// totals side by side, and the answer.
import type { DiffResult } from '../diff/index.js';
import { boxTable, type Column } from './box.js';
import { displayAll } from './display.js';
import { fmtCount, paint } from './format.js';

export interface DiffTableOptions {
  color?: boolean;
  width?: number;
}

export function renderDiff(raw: DiffResult, options: DiffTableOptions = {}): string {
  const d = displayAll(raw);
  const p = paint(options.color ?? false);
  const lines = [`${p.bold('A:')} ${d.a.file} — ${d.a.formatLabel}`, `${p.bold('B:')} ${d.b.file} — ${d.b.formatLabel}`];
  if (d.changes.length) {
    const columns: Column[] = [
      { header: 'Kind', align: 'left' },
      { header: 'Change', align: 'left' },
    ];
    const rows = d.changes.map((c) => [c.allowed ? p.dim(`${c.kind} (allowed)`) : p.red(c.kind), c.message]);
    lines.push(...boxTable(columns, rows, p.bold, options.width));
  }
  const t = (s: DiffResult['a']) => s.totals;
  const same = (x: number, y: number) => (x === y ? fmtCount(x) : `${fmtCount(x)} → ${fmtCount(y)}`);
  lines.push(
    `${p.bold(' Layers:')} ${same(d.a.layers, d.b.layers)}`,
    `${p.bold(' Total params:')} ${same(t(d.a).params, t(d.b).params)}`,
    `${p.bold(' Trainable params:')} ${same(t(d.a).trainableParams, t(d.b).trainableParams)}`,
    `${p.bold(' Non-trainable params:')} ${same(t(d.a).nonTrainableParams, t(d.b).nonTrainableParams)}`,
  );
  if (d.values) {
    const v = d.values;
    lines.push(`${p.bold(' Values:')} ${v.compared} tensors compared, ${v.equal} equal, ${v.different} different${v.notCompared.length ? `, ${v.notCompared.length} not compared` : ''} (${fmtCount(v.bytesHashed)} bytes hashed)`);
    for (const n of v.notCompared.slice(0, 5)) lines.push(`   ${n.tensor}: ${n.reason}`);
    if (v.notCompared.length > 5) lines.push(`   … and ${v.notCompared.length - 5} more (--json lists them all)`);
    if (v.checksums) lines.push(`${p.bold(' Checksums:')} ${v.checksums.verified} held${v.checksums.failed.length ? `, ${v.checksums.failed.length} failed` : ''} (crc32c stored with each tensor)`);
  }
  const drift = d.changes.filter((c) => !c.allowed).length;
  const allowed = d.changes.length - drift;
  if (d.agree) lines.push(p.green(`The architectures agree${allowed ? ` (${allowed} allowed change${allowed === 1 ? '' : 's'}: ${[...new Set(d.changes.map((c) => c.kind))].join(', ')})` : ''}.`));
  else lines.push(p.red(`Drift: ${drift} change${drift === 1 ? '' : 's'}${allowed ? ` (and ${allowed} allowed)` : ''}.`));
  return lines.join('\n') + '\n';
}
