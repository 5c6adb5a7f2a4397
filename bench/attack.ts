// `npm run attack`: builds every hostile input of issue 10 into a temp folder (fixtures/attack/),
// runs the CLI on each under GNU time with its own TMPDIR, and prints a markdown table: time, peak
// memory, peak temp files, exit code, first line of output, and whether the promise held.
// Options: --tiny (tiny inputs: checks the script itself; goals do not apply), --only 1,5 (items),
// --inputs DIR (build into DIR and keep it), --no-build (run the existing dist/).
// Not a test: timings depend on the machine. docs/security.md keeps the latest table.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { makeAttackInputs } from '../fixtures/attack/inputs.js';
import { FULL, TINY } from '../fixtures/attack/sizes.js';
import { CASES, mb, problems, type Case } from './attack/cases.js';
import { GNU_TIME, runTimed, type Run } from './attack/timed.js';
import { ROOT } from './tools.js';

const log = (m: string) => process.stderr.write(`attack: ${m}\n`);

/** A string from the output as one safe table cell: control characters shown as \xNN, `|` escaped, cut. */
function cell(s: string, max = 70): string {
  // eslint-disable-next-line no-control-regex
  const shown = s.replace(/[\x00-\x1f\x7f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`).replace(/\|/g, '\\|');
  return shown.length > max ? `${shown.slice(0, max - 1)}…` : shown;
}

function firstLine(r: Run): string {
  return (r.stdout.split('\n').find((l) => l.trim()) ?? r.stderr.split('\n').find((l) => l.trim()) ?? '').trim();
}

function row(c: Case, r: Run, wrong: string[], inputs: string): string {
  const exit = r.hung ? 'killed' : r.exit ?? `signal ${r.signal}`;
  const held = wrong.length === 0 ? 'held' : `**not held**: ${wrong.join('; ')}`;
  const rss = r.rssMB === null ? '?' : `${Math.round(r.rssMB)} MB`;
  const cpu = r.cpu === null ? '?' : `${r.cpu.toFixed(2)} s`;
  return `| ${c.item} | ${c.label} | ${cpu} | ${r.wall.toFixed(2)} s | ${rss} | ${mb(r.tmpPeak)} | ${exit} | \`${cell(firstLine(r).replaceAll(`${inputs}/`, ''))}\` | ${c.goal.text} | ${held} |`;
}

function build(): void {
  log('npm run build');
  const r = spawnSync('npx', ['tsc', '-p', 'tsconfig.json'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  if (r.status !== 0) throw new Error(`npm run build failed:\n${r.stdout}${r.stderr}`);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { tiny: { type: 'boolean', default: false }, only: { type: 'string' }, inputs: { type: 'string' }, 'no-build': { type: 'boolean', default: false } },
  });
  if (!values['no-build']) build();
  const only = values.only?.split(',').map((s) => s.trim());
  const cases = CASES.filter((c) => !only || only.includes(c.item));
  const dir = values.inputs ?? mkdtempSync(join(tmpdir(), 'kerascope-attack-'));
  const cleanUp = () => values.inputs === undefined && rmSync(dir, { recursive: true, force: true });
  for (const sig of ['SIGINT', 'SIGTERM'] as const) process.once(sig, () => (cleanUp(), process.exit(sig === 'SIGINT' ? 130 : 143)));
  try {
    const t0 = Date.now();
    const inputs = await makeAttackInputs(join(dir, 'inputs'), values.tiny ? TINY : FULL, log);
    const inputsDir = join(dir, 'inputs');
    const built = (Date.now() - t0) / 1000;
    const out = [
      `Machine: ${cpus().length} CPUs, Node ${process.version}, load average ${loadavg().map((x) => x.toFixed(1)).join(', ')} at start; inputs built in ${built.toFixed(0)} s${values.tiny ? ' (--tiny: goals do not apply)' : ''}.`,
      existsSync(GNU_TIME) ? '' : `(no ${GNU_TIME}: peak memory not measured)`,
      '| # | input | CPU | wall | peak RSS | peak temp | exit | first line of output | goal (CPU time) | held |',
      '|---|---|---|---|---|---|---|---|---|---|',
    ];
    let held = 0;
    for (const [k, c] of cases.entries()) {
      log(`${c.item}: ${c.label}`);
      const r = await runTimed(ROOT, c.plan(inputs), join(dir, 'tmp', `case-${k}`));
      const wrong = problems(c, r, inputs);
      if (wrong.length === 0) held++;
      out.push(row(c, r, wrong, inputsDir));
    }
    out.push('', `${held} of ${cases.length} held.`);
    process.stdout.write(out.filter((l, i) => l || i > 1).join('\n') + '\n');
  } finally {
    cleanUp();
  }
}

await main();
