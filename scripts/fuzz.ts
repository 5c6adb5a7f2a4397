// `npm run fuzz -- --iterations N --seed S`: mutates the project's fixtures of every family and runs
// kerascope on each, in-process (analyze in a worker thread) and as the CLI (node bin/kerascope.js
// FILE --json, after `npm run build`). Records crashes (an uncaught error, an exit code outside
// 0/1/3, a stack trace, an error message of more than one line), hangs (over --cpu-budget ms of
// CPU time, or the HDF5 engine's own deadline firing: never the wall clock, see fuzz/run.ts) and
// peak memory, and whether a bad file poisons the next one. Deterministic: case i of seed S is the
// same input on every machine, with the same outcome on a quiet or a loaded one.
// Crashing inputs are copied to --crashes DIR (default scratch/fuzz-crashes) for a regression fixture.
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeCase, type Case } from './fuzz/mutate.js';
import { caseRng } from './fuzz/rng.js';
import { InProcess, runCli, stopCliRuns, type HangLimits, type Outcome, type RunResult } from './fuzz/run.js';
import { builtinSeeds, FAMILIES, fixtureSeeds, type Family, type Seed } from './fuzz/seeds.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

export interface FuzzOptions {
  iterations: number;
  seed: number;
  /** Run the CLI on every k-th case (0: never). The CLI needs `npm run build`. */
  cliEvery: number;
  /** When a case is a hang (CPU time, not wall time). */
  limits: HangLimits;
  heapMb: number;
  crashDir: string;
  fixtures: string;
  quiet: boolean;
  /** Also print the summary as one JSON line (for the CI test). */
  jsonSummary: boolean;
  /** Only these families (default: all that have seeds). */
  families: Family[] | null;
}

export interface CaseRecord extends Case {
  index: number;
  mode: 'in-process' | 'cli';
  result: RunResult;
}

export interface FuzzSummary {
  seed: number;
  iterations: number;
  limits: HangLimits;
  cliRuns: number;
  cliSkipped: string | null;
  byFamily: Record<string, Record<Outcome, number>>;
  problems: CaseRecord[];
  /** Resident memory: of the whole fuzzing process after an in-process case, of the child for a CLI run. */
  peakRssMb: { 'in-process': number; cli: number };
  peakCase: { 'in-process': string | null; cli: string | null };
  slowestMs: number;
  slowestCase: string | null;
  /** The most CPU time one case used (ms), and which. */
  maxCpuMs: number;
  maxCpuCase: string | null;
}

/**
 * A case may use 10 s of CPU. The most an honest case used in 300 cases of seed 1 is 1.3 s (the
 * HDF5 engine's worker restarted and its 3 s short try included); a loop in our code or in libhdf5
 * passes 10 s however loaded the machine, and the engine's own 30 s deadline is a hang too.
 */
export const DEFAULT_LIMITS: HangLimits = { cpuMs: 10_000, stallMs: 600_000 };

function parseArgs(argv: string[]): FuzzOptions {
  const o: FuzzOptions = {
    iterations: 200, seed: 1, cliEvery: 5, limits: { ...DEFAULT_LIMITS }, heapMb: 1024,
    crashDir: join(ROOT, 'scratch/fuzz-crashes'), fixtures: join(ROOT, 'fixtures'), quiet: false, jsonSummary: false, families: null,
  };
  for (let i = 0; i < argv.length; i++) {
    const v = argv[i + 1];
    switch (argv[i]) {
      case '--iterations': o.iterations = Number(v); i++; break;
      case '--seed': o.seed = Number(v); i++; break;
      case '--cli-every': o.cliEvery = Number(v); i++; break;
      case '--cpu-budget': o.limits.cpuMs = Number(v); i++; break;
      case '--stall': o.limits.stallMs = Number(v); i++; break;
      case '--heap-mb': o.heapMb = Number(v); i++; break;
      case '--crashes': o.crashDir = resolve(v!); i++; break;
      case '--fixtures': o.fixtures = resolve(v!); i++; break;
      case '--quiet': o.quiet = true; break;
      case '--json-summary': o.jsonSummary = true; break;
      case '--families': o.families = v!.split(',') as Family[]; i++; break;
      default: throw new Error(`unknown option ${argv[i]} (see scripts/fuzz.ts)`);
    }
  }
  if (!Number.isInteger(o.iterations) || o.iterations < 0 || !Number.isFinite(o.seed)) throw new Error('--iterations and --seed take integers');
  return o;
}

/** Why the CLI cannot be run, or null when dist/ is built. */
function cliProblem(): string | null {
  return existsSync(join(ROOT, 'dist/cli/main.js')) ? null : 'dist/cli/main.js is missing: run `npm run build` first';
}

async function seedsByFamily(o: FuzzOptions, work: string): Promise<Map<Family, Seed[]>> {
  const seeds = fixtureSeeds(o.fixtures);
  const have = new Set(seeds.map((s) => s.family));
  seeds.push(...(await builtinSeeds(join(work, 'builtin'), have)));
  const by = new Map<Family, Seed[]>();
  for (const s of seeds) by.set(s.family, [...(by.get(s.family) ?? []), s]);
  return by;
}

function saveCrash(o: FuzzOptions, rec: CaseRecord): void {
  const dir = join(o.crashDir, `seed${o.seed}-case${rec.index}-${rec.mode}`);
  mkdirSync(dir, { recursive: true });
  const src = dirname(rec.path);
  // a tfjs case is its whole folder (model.json and shards)
  const files = rec.family === 'tfjs' ? readdirSync(src) : [basename(rec.path)];
  for (const f of files) copyFileSync(join(src, f), join(dir, f));
  writeFileSync(join(dir, 'case.json'), JSON.stringify(rec, null, 1));
}

function emptyCounts(): Record<Outcome, number> {
  return { ok: 0, unreadable: 0, crash: 0, hang: 0 };
}

/**
 * Until `off()`: a SIGINT or SIGTERM stops the CLI runs under way, removes `work` and exits as the
 * signal would (130, 143), instead of leaving the run's temporary folder behind.
 */
function cleanUpOnSignal(work: string): () => void {
  const on = (signal: NodeJS.Signals): void => {
    stopCliRuns();
    rmSync(work, { recursive: true, force: true });
    process.exit(128 + (signal === 'SIGINT' ? 2 : 15));
  };
  process.once('SIGINT', on);
  process.once('SIGTERM', on);
  return () => {
    process.off('SIGINT', on);
    process.off('SIGTERM', on);
  };
}

export async function fuzz(o: FuzzOptions): Promise<FuzzSummary> {
  const work = mkdtempSync(join(tmpdir(), `kerascope-fuzz-${o.seed}-`));
  const off = cleanUpOnSignal(work);
  try {
    return await fuzzIn(o, work);
  } finally {
    rmSync(work, { recursive: true, force: true });
    off();
  }
}

async function fuzzIn(o: FuzzOptions, work: string): Promise<FuzzSummary> {
  const log = (s: string): void => void (o.quiet || process.stdout.write(`${s}\n`));
  const by = await seedsByFamily(o, work);
  const families = FAMILIES.filter((f) => by.has(f) && (!o.families || o.families.includes(f)));
  if (!families.length) throw new Error('no seeds for the requested families');
  // crash folders of an earlier run of this seed would be mistaken for this run's
  if (existsSync(o.crashDir)) for (const d of readdirSync(o.crashDir)) if (d.startsWith(`seed${o.seed}-`)) rmSync(join(o.crashDir, d), { recursive: true, force: true });
  const cliSkipped = o.cliEvery > 0 ? cliProblem() : 'CLI runs disabled (--cli-every 0)';
  mkdirSync(join(work, 'tmp'));
  const inproc = new InProcess(o.limits, o.heapMb, by.get('h5')?.[0]?.path ?? null, join(work, 'tmp'));
  const s: FuzzSummary = { seed: o.seed, iterations: o.iterations, limits: o.limits, cliRuns: 0, cliSkipped, byFamily: {}, problems: [], peakRssMb: { 'in-process': 0, cli: 0 }, peakCase: { 'in-process': null, cli: null }, slowestMs: 0, slowestCase: null, maxCpuMs: 0, maxCpuCase: null };
  const record = (rec: CaseRecord): void => {
    const counts = (s.byFamily[rec.family] ??= emptyCounts());
    counts[rec.result.outcome]++;
    const tag = `#${rec.index} ${rec.mode} ${rec.family} ${basename(rec.seed)} ${rec.mutation}`;
    if ((rec.result.rssMb ?? 0) > s.peakRssMb[rec.mode]) (s.peakRssMb[rec.mode] = rec.result.rssMb!), (s.peakCase[rec.mode] = tag);
    if (rec.result.ms > s.slowestMs) (s.slowestMs = rec.result.ms), (s.slowestCase = tag);
    if ((rec.result.cpuMs ?? 0) > s.maxCpuMs) (s.maxCpuMs = rec.result.cpuMs!), (s.maxCpuCase = tag);
    if (rec.result.outcome === 'crash' || rec.result.outcome === 'hang') {
      s.problems.push(rec);
      saveCrash(o, rec);
      log(`${rec.result.outcome.toUpperCase()} ${tag}: ${rec.result.detail}`);
    }
  };
  // One bad file must never poison the next: each family's first seed, unmutated, is analysed
  // before the run and again after every bad case of that family, in the same worker.
  const baseline = new Map<Family, Outcome>();
  for (const f of families) baseline.set(f, (await inproc.run(by.get(f)![0]!.path)).outcome);
  const poisonCheck = async (c: Case, i: number): Promise<void> => {
    const seed = by.get(c.family)![0]!;
    const again = await inproc.run(seed.path);
    if (again.outcome === baseline.get(c.family)) return;
    const detail = `after case ${i}, the unmutated ${basename(seed.path)} gave ${again.outcome} (before the run: ${baseline.get(c.family)}): ${again.detail}`;
    record({ ...c, index: i, mode: 'in-process', mutation: `${c.mutation} then ${basename(seed.path)}`, result: { ...again, outcome: 'crash', detail } });
  };
  try {
    for (let i = 0; i < o.iterations; i++) {
      const r = caseRng(o.seed, i);
      const family = families[i % families.length]!;
      const c = await makeCase(r.pick(by.get(family)!), r, join(work, `case-${i}`));
      const result = await inproc.run(c.path);
      record({ ...c, index: i, mode: 'in-process', result });
      if (result.outcome !== 'ok') await poisonCheck(c, i);
      if (!cliSkipped && o.cliEvery > 0 && i % o.cliEvery === 0) {
        s.cliRuns++;
        record({ ...c, index: i, mode: 'cli', result: await runCli(join(ROOT, 'bin/kerascope.js'), c.path, o.limits) });
      }
      if (s.problems.every((p) => p.index !== i)) rmSync(join(work, `case-${i}`), { recursive: true, force: true });
    }
  } finally {
    await inproc.close();
  }
  return s;
}

export function formatSummary(s: FuzzSummary): string {
  const lines = [`kerascope fuzz: seed ${s.seed}, ${s.iterations} cases in-process, ${s.cliRuns} as CLI${s.cliSkipped ? ` (CLI: ${s.cliSkipped})` : ''}`];
  for (const [f, c] of Object.entries(s.byFamily)) lines.push(`  ${f.padEnd(10)} ok ${c.ok}, unreadable ${c.unreadable}, crash ${c.crash}, hang ${c.hang}`);
  lines.push(`  peak memory in-process ${s.peakRssMb['in-process']} MB, whole fuzzer process (${s.peakCase['in-process'] ?? '-'})`);
  if (s.cliRuns) lines.push(`  peak memory of one CLI run ${s.peakRssMb.cli} MB (${s.peakCase.cli ?? '-'})`);
  lines.push(`  most CPU ${s.maxCpuMs} ms (${s.maxCpuCase ?? '-'}), hang budget ${s.limits.cpuMs} ms of CPU`);
  lines.push(`  slowest ${s.slowestMs} ms of wall time (${s.slowestCase ?? '-'}): reported, not judged`);
  lines.push(s.problems.length ? `  ${s.problems.length} crashes or hangs: inputs saved for regression fixtures` : '  no crashes, no hangs');
  return lines.join('\n');
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const o = parseArgs(process.argv.slice(2));
  const s = await fuzz(o);
  process.stdout.write(`${formatSummary(s)}\n`);
  if (o.jsonSummary) process.stdout.write(`${JSON.stringify(s)}\n`);
  process.exitCode = s.problems.length ? 1 : 0;
}
