// `npm run bench`: generates the inputs of issue 3 into a temp folder, times kerascope and the
// baselines on them, prints a markdown table beside the goals, and removes the inputs.
// Options: --tiny (tiny inputs, 1 run: checks the bench itself), --runs N (default 5),
// --keras-runs N (default 1: Keras takes seconds to minutes per load), --inputs DIR (reuse or
// keep the inputs in DIR), --no-build (time the existing dist/), --bin PATH (time another
// build's bin/kerascope.js, e.g. a checkout of an older commit, without building).
// Then the goals of issue 15 as ratios measured in this run (bench/goals.ts), written into
// docs/bench.md with the commit; --compare prints them against that table instead of writing;
// --ratios-only skips the baselines' table; --pairs N (default 7) pairs per ratio; --no-write.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { FULL, inputPaths, controlsOf, makeInputs, TINY, type BenchInputs, type InputName } from './inputs.js';
import { valuesTable } from './values.js';
import { BENCH_MD, measureGoals, readSaved, renderCompare, renderGoals, writeSaved } from './goals.js';
import { measure } from './measure.js';
import { remoteTable } from './remote.js';
import { renderTable, type Row } from './table.js';
import { findPython, h5ls, h5pyWalk, hasCommand, kerascope, kerasSummary, pythonHas, ROOT, type Tool } from './tools.js';

const LABELS: Record<InputName, string> = {
  small: 'small model (.h5)',
  kerasStored: '1 GB `.keras`, STORED',
  kerasDeflated: '1 GB `.keras`, DEFLATED zeros (≈ 1000:1, a zip bomb by kerascope\'s rule: reported, never inflated)',
  bigH5: '4 GB `.h5`',
  manyLayers: '2,000-layer `.h5`',
  folder: '1,000 small files',
  manyFiles: '10,000 small files',
};

const log = (m: string) => process.stderr.write(`bench: ${m}\n`);

function sizeOf(path: string): string {
  const st = statSync(path);
  if (!st.isDirectory()) return `${(st.size / 1e9 >= 0.1 ? `${(st.size / 1e9).toFixed(2)} GB` : `${(st.size / 1e3).toFixed(0)} kB`)}`;
  return `${readdirSync(path).length} files`;
}

function build(notes: string[]): void {
  log('npm run build');
  const r = spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  if (r.status !== 0) notes.push('`npm run build` failed: timed the existing dist/.');
}

/** The commit timed, `-dirty` when the work tree differs from it (docs/bench.md itself aside). */
function commit(): string {
  const git = (...args: string[]) => spawnSync('git', args, { cwd: ROOT, encoding: 'utf8' }).stdout?.trim() ?? '';
  const dirty = git('status', '--porcelain', '--untracked-files=no').split('\n').filter((l) => l && !l.endsWith(BENCH_MD)).length > 0;
  return `${git('rev-parse', '--short', 'HEAD') || 'unknown'}${dirty ? '-dirty' : ''}`;
}

function machine(): string {
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  const load = loadavg().map((x) => x.toFixed(1)).join(', ');
  return `${cpus().length} CPUs (${cpu}), ${(totalmem() / 2 ** 30).toFixed(1)} GiB memory, Node ${process.version}, ${process.platform}; load average at start ${load}`;
}

function timeAll(inputs: BenchInputs, tools: Tool[], runs: number, only?: InputName[]): Row[] {
  const rows: Row[] = [];
  for (const input of only ?? (Object.keys(LABELS) as InputName[])) {
    const path = inputs[input];
    const row: Row = { input, label: LABELS[input], size: sizeOf(path), cells: {} };
    for (const tool of tools) {
      const plan = tool.plan(input, path, runs);
      if ('skip' in plan) {
        row.cells[tool.name] = plan;
        continue;
      }
      log(`${tool.name} on ${LABELS[input]} (${plan.runs} run${plan.runs === 1 ? '' : 's'})`);
      row.cells[tool.name] = measure(plan.command, plan.runs, plan.runs > 1);
    }
    rows.push(row);
  }
  return rows;
}

// What any HDF5 input costs before kerascope does anything: Node itself, then h5wasm's Node
// build loaded and initialised (its 4.2 MB hdf5_util.js carries the wasm inline).
function floor(runs: number): string {
  const cases: [string, string[]][] = [
    ['`node -e 0`', ['-e', '0']],
    ['`node`: import `h5wasm/node`, await `ready`', ['--input-type=module', '-e', "const m = await import('h5wasm/node'); await m.default.ready;"]],
  ];
  const lines = ['| start-up floor | wall | CPU | peak RSS |', '|---|---|---|---|'];
  for (const [label, args] of cases) {
    log(`floor: ${label}`);
    const m = measure({ cmd: process.execPath, args, cwd: ROOT }, runs, runs > 1);
    const rss = m.rssMB === null ? '' : `${Math.round(m.rssMB)} MB`;
    lines.push(`| ${label} | ${m.wall.toFixed(2)} s | ${m.cpu.toFixed(2)} s | ${rss} |`);
  }
  return lines.join('\n');
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      tiny: { type: 'boolean', default: false },
      runs: { type: 'string' },
      'keras-runs': { type: 'string', default: '1' },
      inputs: { type: 'string' },
      'no-build': { type: 'boolean', default: false },
      bin: { type: 'string' },
      compare: { type: 'boolean', default: false },
      'ratios-only': { type: 'boolean', default: false },
      'no-write': { type: 'boolean', default: false },
      pairs: { type: 'string' },
    },
  });
  const runs = Number(values.runs ?? (values.tiny ? 1 : 5));
  const notes: string[] = values.tiny ? ['--tiny: the rows keep the full inputs\' names; the size column gives the tiny sizes; goals do not apply.'] : [];
  if (!values['no-build'] && !values.bin) build(notes);
  if (values.bin) notes.push(`kerascope timed from ${values.bin}.`);
  const dir = values.inputs ?? mkdtempSync(join(tmpdir(), 'kerascope-bench-'));
  const reuse = values.inputs !== undefined && existsSync(join(dir, 'many-files'));
  const start = Date.now();
  const cleanUp = () => values.inputs === undefined && rmSync(dir, { recursive: true, force: true });
  for (const sig of ['SIGINT', 'SIGTERM'] as const) process.once(sig, () => (cleanUp(), process.exit(130)));
  try {
    const t0 = Date.now();
    const inputs = reuse ? inputPaths(dir) : await makeInputs(dir, values.tiny ? TINY : FULL, log);
    if (!reuse) notes.push(`inputs generated in ${((Date.now() - t0) / 1000).toFixed(0)} s (sparse files: zeros are holes).`);
    const python = findPython();
    const hasH5py = pythonHas(python, 'h5py');
    const hasKeras = pythonHas(python, 'keras');
    if (!python) notes.push('no Python (set KERASCOPE_BENCH_PYTHON): h5py and Keras baselines skipped.');
    const tools = [kerascope(values.bin), h5ls(hasCommand('h5ls')), h5pyWalk(hasH5py ? python : null), kerasSummary(hasKeras ? python : null, Number(values['keras-runs']))];
    const ratiosOnly = values['ratios-only'] || values.compare;
    const header = `Machine: ${machine()}; kerascope at commit ${commit()}.`;
    // --ratios-only still times the two folders: the 10,000-file goals are read from their rows.
    const rows = timeAll(inputs, ratiosOnly ? tools.slice(0, 1) : tools, runs, ratiosOnly ? ['folder', 'manyFiles'] : undefined);
    process.stdout.write(`${header}\n\n`);
    if (!ratiosOnly) {
      process.stdout.write(`Each cell: median wall time of ${runs} run(s)${runs > 1 ? ' after one warm-up run' : ''} (median CPU user + sys, largest peak RSS).\n\n`);
      process.stdout.write(`${renderTable(rows, tools.map((t) => t.name))}\n\n`);
      process.stdout.write(`${floor(runs)}\n\n`);
    }
    const bin = values.bin ?? join(ROOT, 'bin/kerascope.js');
    const controls = await controlsOf(inputs, values.tiny ? TINY : FULL);
    const ratios = measureGoals(bin, inputs, hasH5py ? python : null, ROOT, Number(values.pairs ?? (values.tiny ? 1 : 7)), rows, log, controls);
    process.stdout.write(`Goals of issue 15, ratios A/B measured pair by pair in this run (medians):\n\n${renderGoals(ratios)}\n\n`);
    if (values.compare) process.stdout.write(`${renderCompare(ratios, readSaved(ROOT))}\n\n`);
    else if (!values['no-write'] && !values.tiny) {
      writeSaved(ROOT, ratios, commit(), header);
      log(`${BENCH_MD} written`);
    }
    // The remote rows (issue 12; issue 15's goal: a 1 GB .keras in ≤ 6 requests and ≤ 1 MB): bench/remote.ts.
    process.stdout.write(`Remote (a range-capable server on 127.0.0.1; requests and bytes as kerascope's report counts them):\n\n`);
    process.stdout.write(`${await remoteTable(inputs, ratiosOnly ? 1 : runs, bin, log)}\n\n`);
    // The cost of --values (issue 13): bench/values.ts. Not in --ratios-only (it hashes 2 GB).
    if (!ratiosOnly) process.stdout.write(`Values (\`diff --values\`, every tensor of both files hashed):\n\n${valuesTable(inputs, (values.tiny ? TINY : FULL).keras, 1, bin, log)}\n\n`);
    notes.push(`the whole bench took ${((Date.now() - start) / 60000).toFixed(1)} min.`);
    for (const n of notes) process.stdout.write(`- ${n}\n`);
  } finally {
    cleanUp();
  }
}

await main();
