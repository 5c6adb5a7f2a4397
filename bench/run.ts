// `npm run bench`: generates the inputs of issue 3 into a temp folder, times kerascope and the
// baselines on them, prints a markdown table beside the goals, and removes the inputs.
// Options: --tiny (tiny inputs, 1 run: checks the bench itself), --runs N (default 5),
// --keras-runs N (default 1: Keras takes seconds to minutes per load), --inputs DIR (reuse or
// keep the inputs in DIR), --no-build (time the existing dist/), --bin PATH (time another
// build's bin/kerascope.js, e.g. a checkout of an older commit, without building).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { FULL, inputPaths, makeInputs, TINY, type BenchInputs, type InputName } from './inputs.js';
import { measure } from './measure.js';
import { renderTable, type Row } from './table.js';
import { findPython, h5ls, h5pyWalk, hasCommand, kerascope, kerasSummary, pythonHas, ROOT, type Tool } from './tools.js';

const LABELS: Record<InputName, string> = {
  small: 'small model (.h5)',
  kerasStored: '1 GB `.keras`, STORED',
  kerasDeflated: '1 GB `.keras`, DEFLATED',
  bigH5: '4 GB `.h5`',
  manyLayers: '2,000-layer `.h5`',
  folder: '1,000 small files',
};

const log = (m: string) => process.stderr.write(`bench: ${m}\n`);

function sizeOf(path: string): string {
  const st = statSync(path);
  if (!st.isDirectory()) return `${(st.size / 1e9 >= 0.1 ? `${(st.size / 1e9).toFixed(2)} GB` : `${(st.size / 1e3).toFixed(0)} kB`)}`;
  return `${readdirSync(path).length} files`;
}

function build(notes: string[]): void {
  log('npm run build');
  const r = spawnSync('npx', ['tsc', '-p', 'tsconfig.json'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  if (r.status !== 0) notes.push('`npm run build` failed: timed the existing dist/.');
}

function machine(): string {
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  const load = loadavg().map((x) => x.toFixed(1)).join(', ');
  return `${cpus().length} CPUs (${cpu}), ${(totalmem() / 2 ** 30).toFixed(1)} GiB memory, Node ${process.version}, ${process.platform}; load average at start ${load}`;
}

function timeAll(inputs: BenchInputs, tools: Tool[], runs: number): Row[] {
  const rows: Row[] = [];
  for (const input of Object.keys(LABELS) as InputName[]) {
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
    },
  });
  const runs = Number(values.runs ?? (values.tiny ? 1 : 5));
  const notes: string[] = values.tiny ? ['--tiny: the rows keep the full inputs\' names; the size column gives the tiny sizes; goals do not apply.'] : [];
  if (!values['no-build'] && !values.bin) build(notes);
  if (values.bin) notes.push(`kerascope timed from ${values.bin}.`);
  const dir = values.inputs ?? mkdtempSync(join(tmpdir(), 'kerascope-bench-'));
  const reuse = values.inputs !== undefined && existsSync(join(dir, 'folder'));
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
    const rows = timeAll(inputs, tools, runs);
    process.stdout.write(`Machine: ${machine()}\n\n`);
    process.stdout.write(`Each cell: median wall time of ${runs} run(s)${runs > 1 ? " after one warm-up run" : ""} (median CPU user + sys, largest peak RSS).\n\n`);
    process.stdout.write(`${renderTable(rows, tools.map((t) => t.name))}\n\n`);
    process.stdout.write(`${floor(runs)}\n\n`);
    notes.push(`the whole bench took ${((Date.now() - start) / 60000).toFixed(1)} min.`);
    for (const n of notes) process.stdout.write(`- ${n}\n`);
  } finally {
    cleanUp();
  }
}

await main();
