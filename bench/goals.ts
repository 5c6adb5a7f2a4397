// The goals of issue 15, each a ratio measured in the same run: two commands run in turn, A B A B,
// and the ratio taken pair by pair, so a machine that speeds up or slows down during the bench
// moves both sides of a ratio alike. docs/bench.md keeps the latest table (between the markers
// below) with the commit it ran on; `--compare` prints today's ratios against it.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BenchInputs, Controls } from './inputs.js';
import { measurePair, type Command, type Measured, type Pair } from './measure.js';
import type { Row } from './table.js';

export const BENCH_MD = 'docs/bench.md';
const START = '<!-- bench:ratios:start -->';
const END = '<!-- bench:ratios:end -->';
const DATA = /<!-- bench:data (\{.*\}) -->/;

export interface Ratio {
  id: string;
  work: string;
  against: string;
  goal: number;
  /** Wall and CPU ratios (or seconds for an absolute goal). */
  wall: number | null;
  cpu: number | null;
  unit: '×' | 's';
  note?: string;
}

export interface Saved {
  commit: string;
  date: string;
  ratios: Record<string, { wall: number | null; cpu: number | null }>;
}

interface PairGoal {
  id: string;
  work: string;
  against: string;
  goal: number;
  a: Command;
  b: Command;
}

const cli = (bin: string, path: string, cwd: string): Command => ({ cmd: process.execPath, args: [bin, path], okCodes: [0, 1], timeoutMs: 120_000, cwd });

function pairGoals(bin: string, inputs: BenchInputs, python: string | null, root: string, controls: Controls | null): PairGoal[] {
  const small = cli(bin, inputs.small, root);
  const goals: PairGoal[] = [
    { id: 'start', work: 'one small model (.h5), cold process', against: '`node -e 0`', goal: 1.7, a: small, b: { cmd: process.execPath, args: ['-e', '0'] } },
    { id: 'keras1g', work: '1 GB `.keras` (STORED)', against: 'the small model', goal: 1.0, a: cli(bin, inputs.kerasStored, root), b: small },
    { id: 'h5_4g', work: '4 GB `.h5`', against: 'the small model', goal: 1.0, a: cli(bin, inputs.bigH5, root), b: small },
  ];
  // Not goals of their own: each big file against its own layers at the small model's units (controlsOf).
  if (controls) {
    goals.push({ id: 'keras1g_layers', work: '1 GB `.keras` (control)', against: 'its 16 layers, small units', goal: 1.0, a: cli(bin, inputs.kerasStored, root), b: cli(bin, controls.keras, root) });
    goals.push({ id: 'h5_4g_layers', work: '4 GB `.h5` (control)', against: 'its 64 layers, small units', goal: 1.0, a: cli(bin, inputs.bigH5, root), b: cli(bin, controls.h5, root) });
  }
  if (python) {
    const walk = { cmd: python, args: [join(root, 'bench/h5py_walk.py'), inputs.manyLayers], timeoutMs: 120_000 };
    goals.push({ id: 'layers2000', work: '2,000-layer `.h5`', against: 'the h5py walk', goal: 0.5, a: cli(bin, inputs.manyLayers, root), b: walk });
  }
  return goals;
}

const measuredOf = (row: Row | undefined): Measured | null => {
  const c = row?.cells.kerascope;
  return c && 'wall' in c && !c.error ? c : null;
};

/** Every ratio of issue 15: the pairs run now; the 10,000-file rows come from the main table's run. */
export function measureGoals(bin: string, inputs: BenchInputs, python: string | null, root: string, pairs: number, rows: Row[], log: (m: string) => void, controls: Controls | null = null): Ratio[] {
  const out: Ratio[] = [];
  for (const g of pairGoals(bin, inputs, python, root, controls)) {
    log(`ratio ${g.id}: ${g.work} against ${g.against} (${pairs} pairs)`);
    const p: Pair | { error: string } = measurePair(g.a, g.b, pairs);
    const base = { id: g.id, work: g.work, against: g.against, goal: g.goal, unit: '×' as const };
    out.push('error' in p ? { ...base, wall: null, cpu: null, note: p.error } : { ...base, wall: p.wallRatio, cpu: p.cpuRatio, note: `A ${p.a.wall.toFixed(2)} s wall, ${p.a.cpu.toFixed(2)} s CPU, ${Math.round(p.a.rssMB ?? 0)} MB; B ${p.b.wall.toFixed(2)} s, ${p.b.cpu.toFixed(2)} s` });
  }
  const many = measuredOf(rows.find((r) => r.input === 'manyFiles'));
  const thousand = measuredOf(rows.find((r) => r.input === 'folder'));
  out.push({ id: 'files10k', work: '`check` over 10,000 small files', against: '(seconds)', goal: 5, unit: 's', wall: many?.wall ?? null, cpu: many?.cpu ?? null });
  const flat = many?.rssMB && thousand?.rssMB ? many.rssMB / thousand.rssMB : null;
  out.push({
    id: 'files10kMemory',
    work: 'peak memory of `check`, 10,000 files',
    against: 'over 1,000 files',
    goal: 1.2,
    unit: '×',
    wall: flat,
    cpu: flat,
    note: many?.rssMB && thousand?.rssMB ? `${Math.round(many.rssMB)} MB against ${Math.round(thousand.rssMB)} MB` : undefined,
  });
  return out;
}

const fmt = (x: number | null, unit: string) => (x === null ? '—' : unit === 's' ? `${x.toFixed(2)} s` : `${x.toFixed(2)}×`);
const judge = (x: number | null, goal: number) => (x === null ? 'not measured' : x <= goal ? 'met' : 'missed');

export function renderGoals(ratios: Ratio[]): string {
  const lines = ['| work | against | goal | wall | on wall | CPU | on CPU | measured |', '|---|---|---|---|---|---|---|---|'];
  for (const r of ratios) {
    const goal = r.unit === 's' ? `≤ ${r.goal} s` : `≤ ${r.goal}×`;
    lines.push(`| ${r.work} | ${r.against} | ${goal} | ${fmt(r.wall, r.unit)} | ${judge(r.wall, r.goal)} | ${fmt(r.cpu, r.unit)} | ${judge(r.cpu, r.goal)} | ${r.note ?? ''} |`);
  }
  return lines.join('\n');
}

export function readSaved(root: string): Saved | null {
  const m = DATA.exec(readFileSync(join(root, BENCH_MD), 'utf8'));
  return m ? (JSON.parse(m[1]!) as Saved) : null;
}

/** Today's ratios against the saved table: the change of each, and whether it went past 10 %. */
export function renderCompare(ratios: Ratio[], saved: Saved | null): string {
  if (!saved) return `no saved table in ${BENCH_MD}: run \`npm run bench\` first.`;
  const lines = [`Against the table of commit ${saved.commit} (${saved.date}):`, '', '| work | then wall / CPU | now wall / CPU | change (CPU) |', '|---|---|---|---|'];
  for (const r of ratios) {
    const then = saved.ratios[r.id];
    const d = then?.cpu && r.cpu ? r.cpu / then.cpu - 1 : null;
    const change = d === null ? '—' : `${d >= 0 ? '+' : ''}${(d * 100).toFixed(0)} %${d > 0.1 ? ' (slower)' : d < -0.1 ? ' (faster)' : ''}`;
    lines.push(`| ${r.work} | ${fmt(then?.wall ?? null, r.unit)} / ${fmt(then?.cpu ?? null, r.unit)} | ${fmt(r.wall, r.unit)} / ${fmt(r.cpu, r.unit)} | ${change} |`);
  }
  return lines.join('\n');
}

/** Replaces the table between the markers of docs/bench.md with this run's. */
export function writeSaved(root: string, ratios: Ratio[], commit: string, header: string): void {
  const path = join(root, BENCH_MD);
  const text = readFileSync(path, 'utf8');
  const saved: Saved = { commit, date: new Date().toISOString().slice(0, 10), ratios: Object.fromEntries(ratios.map((r) => [r.id, { wall: r.wall, cpu: r.cpu }])) };
  const block = [START, `<!-- bench:data ${JSON.stringify(saved)} -->`, '', header, '', renderGoals(ratios), '', END].join('\n');
  const at = text.indexOf(START);
  const end = text.indexOf(END);
  const next = at >= 0 && end > at ? text.slice(0, at) + block + text.slice(end + END.length) : `${text.trimEnd()}\n\n## Goals of issue 15: the latest ratios\n\n${block}\n`;
  writeFileSync(path, next);
}
