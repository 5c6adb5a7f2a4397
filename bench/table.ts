// The bench's output: one markdown table of medians, CPU, peak memory and ratios beside the
// goals of issue 3, judged on wall time (the goal) and again on CPU time (what a busy machine
// does not inflate).
import type { InputName } from './inputs.js';
import type { Measured } from './measure.js';

export type Cell = Measured | { skip: string };

export interface Row {
  input: InputName;
  label: string;
  size: string;
  cells: Record<string, Cell>;
}

const measured = (c: Cell | undefined): Measured | null => (c && 'wall' in c && !c.error ? c : null);

interface Limit {
  text: string;
  /** The wall (or CPU) limit in seconds, from the other rows; null when a baseline is missing. */
  seconds(rows: Row[], pick: (m: Measured) => number): number | null;
  rssMB?: number;
}

const fixed = (s: number) => () => s;
const times = (k: number, input: InputName, tool: string) => (rows: Row[], pick: (m: Measured) => number) => {
  const m = measured(rows.find((r) => r.input === input)?.cells[tool]);
  return m ? k * pick(m) : null;
};

export const GOALS: Partial<Record<InputName, Limit>> = {
  small: { text: '≤ 0.25 s, ≤ 100 MB', seconds: fixed(0.25), rssMB: 100 },
  kerasStored: { text: '≤ 0.35 s, ≤ 120 MB', seconds: fixed(0.35), rssMB: 120 },
  bigH5: { text: '≤ 1.2 × small model, ≤ 150 MB', seconds: times(1.2, 'small', 'kerascope'), rssMB: 150 },
  manyLayers: { text: '≤ 1.0 × h5py walk', seconds: times(1.0, 'manyLayers', 'h5py walk') },
  folder: { text: '≤ 30 s', seconds: fixed(30) },
};

const s = (x: number) => (x < 10 ? x.toFixed(2) : x.toFixed(1));

function cellText(c: Cell | undefined): string {
  if (!c) return '';
  if ('skip' in c) return c.skip;
  if (c.error) return `failed: ${c.error}`;
  const rss = c.rssMB === null ? '' : `, ${Math.round(c.rssMB)} MB`;
  const runs = c.runs === 1 ? ' (1 run)' : '';
  return `${s(c.wall)} s (cpu ${s(c.cpu)} s${rss})${runs}`;
}

/** "met" or what is missed and by how much, on wall (`pick` = wall) or CPU time. */
export function verdict(row: Row, rows: Row[], pick: (m: Measured) => number): string {
  const goal = GOALS[row.input];
  const k = measured(row.cells.kerascope);
  if (!goal) return '—';
  if (!k) return 'not measured';
  const misses: string[] = [];
  const limit = goal.seconds(rows, pick);
  const t = pick(k);
  if (limit === null) misses.push('no baseline');
  else if (t > limit) misses.push(`${s(t)} s > ${s(limit)} s (${(t / limit).toFixed(1)}×)`);
  if (goal.rssMB !== undefined && k.rssMB !== null && k.rssMB > goal.rssMB) misses.push(`${Math.round(k.rssMB)} MB > ${goal.rssMB} MB`);
  return misses.length ? `missed: ${misses.join('; ')}` : 'met';
}

function ratio(row: Row, tool: string): string {
  const k = measured(row.cells.kerascope);
  const b = measured(row.cells[tool]);
  return k && b ? `${(k.wall / b.wall).toFixed(2)}×` : '';
}

export function renderTable(rows: Row[], tools: string[]): string {
  const head = ['input', 'size', ...tools, 'kerascope ÷ h5py', 'goal', 'on wall time', 'on CPU time'];
  const lines = [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`];
  for (const r of rows) {
    const cells = [
      r.label,
      r.size,
      ...tools.map((t) => cellText(r.cells[t])),
      ratio(r, 'h5py walk'),
      GOALS[r.input]?.text ?? '(no goal)',
      verdict(r, rows, (m) => m.wall),
      verdict(r, rows, (m) => m.cpu),
    ];
    lines.push(`| ${cells.join(' | ')} |`);
  }
  return lines.join('\n');
}
