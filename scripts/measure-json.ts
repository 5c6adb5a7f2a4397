// The worst JSON kerascope accepts (issue 10, item 3): src/formats/text.ts refuses unparsed a text
// of more than MAX_JSON_BYTES bytes, MAX_JSON_CONTAINERS objects and arrays, MAX_JSON_MEMBERS
// object members or MAX_JSON_VALUES values; this builds configs just under those limits, in the
// shapes that cost V8 the most once parsed, runs the built CLI on each under /usr/bin/time and
// prints wall and CPU time, peak memory, exit code and the first line. Not a test: speed and memory
// are measured here, on this machine, for the README's Limits. The goal is judged on CPU time
// (user + system), which a loaded machine does not inflate as it does the wall time; both are
// printed. The hostile inputs over the limits (200 MB of padding) are rows of `npm run attack`.
//
//   npm run build && npx tsx scripts/measure-json.ts [--keep DIR]
//
// Each input is a Keras 2 Sequential (fixtures/seed/mlp-softmax.json) with an extra top-level
// "pad" key, and the same pad inside a layer's config (every pass over layer configs sees it).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MAX_JSON_BYTES, MAX_JSON_CONTAINERS, MAX_JSON_MEMBERS, MAX_JSON_VALUES } from '../src/formats/text.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const MB = 1024 * 1024;
/** The issue's goal: answered within 20 s and 1 GB, or refused within 2 s. */
const GOAL = { seconds: 20, mb: 1024, refuseSeconds: 2 };

interface Input {
  name: string;
  file: string;
  jsonMb: number;
}

const seed = JSON.stringify(JSON.parse(readFileSync(join(ROOT, 'fixtures/seed/mlp-softmax.json'), 'utf8')));
/** Room for the seed's own objects, members, values and bytes under the limits. */
const ROOM = 1000;
const BYTES = MAX_JSON_BYTES - 64 * 1024;
/** As many `element`s as fit under `limit` and the byte limit, as a JSON array. */
const fill = (element: string, limit: number): string => `[${Array(Math.min(limit - ROOM, Math.floor(BYTES / (Buffer.byteLength(element) + 1)))).fill(element).join(',')}]`;

/** Pads just under the limits, in the shapes that cost the most once parsed. */
const PADS: Record<string, () => string> = {
  'objects [{}, …]': () => fill('{}', MAX_JSON_CONTAINERS),
  'zeros [0, …]': () => fill('0', MAX_JSON_VALUES),
  'strings ["ab", …]': () => fill('"ab"', MAX_JSON_VALUES),
  'one object of keys {"k0": 0, …}': () => `{${Array.from({ length: MAX_JSON_MEMBERS - ROOM }, (_, i) => `"k${i}":0`).join(',')}}`,
  'objects holding a string [{"a": "…"}, …]': () => fill(`{"a":"${'0123456789'.repeat(4)}"}`, MAX_JSON_CONTAINERS),
  'one string of 64 MB': () => `"${'a'.repeat(BYTES)}"`,
  'strings of € (two-byte in V8)': () => fill(`"${'€'.repeat(40)}"`, MAX_JSON_VALUES),
  'ASCII strings and one € (the whole text two-byte)': () => `["€",${fill(`"${'a'.repeat(60)}"`, MAX_JSON_VALUES).slice(1)}`,
};

function build(dir: string): Input[] {
  const out: Input[] = [];
  for (const [what, make] of Object.entries(PADS)) {
    const pad = make();
    for (const where of ['top', 'layer'] as const) {
      const text = where === 'top' ? `{"pad":${pad},${seed.slice(1)}` : seed.replace('"name":"dense_16",', `"name":"dense_16","pad":${pad},`);
      const name = `${what}, ${where === 'top' ? 'a top-level key' : "in a layer's config"}`;
      const file = join(dir, `${Object.keys(PADS).indexOf(what)}-${where}.json`);
      writeFileSync(file, text);
      out.push({ name, file, jsonMb: Math.round(Buffer.byteLength(text) / MB) });
    }
  }
  return out;
}

interface Row {
  input: string;
  seconds: number;
  cpuSeconds: number;
  peakMb: number;
  exit: number | null;
  line: string;
  held: string;
}

function measure(i: Input): Row {
  const r = spawnSync('/usr/bin/time', ['-f', 'MEASURE %e %M %U %S', process.execPath, join(ROOT, 'bin/kerascope.js'), i.file, '--json'], { encoding: 'utf8', maxBuffer: 512 * MB });
  const m = /MEASURE ([\d.]+) (\d+) ([\d.]+) ([\d.]+)/.exec(r.stderr ?? '');
  const seconds = m ? Number(m[1]) : NaN;
  const cpuSeconds = m ? Number(m[3]) + Number(m[4]) : NaN;
  const peakMb = m ? Math.round(Number(m[2]) / 1024) : NaN;
  const err = (r.stderr ?? '').split('\n').filter((l) => l && !l.startsWith('MEASURE') && !l.startsWith('Command '));
  const line = r.status === 3 ? (err[0] ?? '') : `${(() => { try { return (JSON.parse(r.stdout) as { verdict: string }).verdict; } catch { return 'no JSON report'; } })()}`;
  const refused = r.status === 3;
  const ok = refused ? cpuSeconds <= GOAL.refuseSeconds && peakMb <= GOAL.mb : r.status !== null && r.status <= 1 && cpuSeconds <= GOAL.seconds && peakMb <= GOAL.mb;
  return { input: i.name, seconds, cpuSeconds, peakMb, exit: r.status, line: line.slice(0, 110), held: ok ? 'held' : 'NOT held' };
}

const args = process.argv.slice(2);
const keep = args.includes('--keep') ? resolve(args[args.indexOf('--keep') + 1]!) : null;
if (!existsSync(join(ROOT, 'dist/cli/main.js'))) throw new Error('run `npm run build` first');
const dir = keep ?? mkdtempSync(join(tmpdir(), 'kerascope-measure-json-'));
mkdirSync(dir, { recursive: true });
try {
  console.log(`goal: answered in ≤ ${GOAL.seconds} s of CPU and ≤ ${GOAL.mb} MB, or refused (exit 3) in ≤ ${GOAL.refuseSeconds} s; load average ${loadavg().map((l) => l.toFixed(1)).join(', ')}`);
  console.log('| input, just under the limits | JSON MB | CPU s | wall s | peak MB | exit | first line | |');
  console.log('|---|---:|---:|---:|---:|---:|---|---|');
  for (const i of build(dir)) {
    const r = measure(i);
    console.log(`| ${r.input} | ${i.jsonMb} | ${r.cpuSeconds.toFixed(2)} | ${r.seconds.toFixed(2)} | ${r.peakMb} | ${r.exit} | ${r.line} | ${r.held} |`);
    if (!keep) rmSync(i.file, { force: true });
  }
} finally {
  if (!keep) rmSync(dir, { recursive: true, force: true });
}
