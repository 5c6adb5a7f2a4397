// The bench's remote rows (issue 12): kerascope reading the big inputs over HTTP from a local
// range-capable server on 127.0.0.1, once as a server that answers several ranges in one
// multipart/byteranges body (RFC 9110), once as one that answers only the first range asked (many
// CDNs). Requests and bytes are kerascope's own count (its remote-transfer finding; the tests
// check it against the server's), the time is the CLI's wall time like the other rows.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { basename, join } from 'node:path';
import type { BenchInputs, InputName } from './inputs.js';
import { measure } from './measure.js';
import { ROOT } from './tools.js';

const INPUTS: [InputName, string][] = [
  ['small', 'small model (.h5)'],
  ['kerasStored', '1 GB `.keras`, STORED'],
  ['bigH5', '4 GB `.h5`'],
  ['manyLayers', '2,000-layer `.h5`'],
];

const SERVERS: [string, string][] = [
  ['multi', 'multi-range'],
  ['first', 'first range only'],
];

/** The goal (issue 12): a 1 GB .keras and a 4 GB .h5 in at most 6 requests and 1 MB. */
const GOAL = new Set<InputName>(['kerasStored', 'bigH5']);

async function serve(mode: string, files: string[]): Promise<{ origin: string; child: ChildProcess }> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'bench/range-serve.ts'), mode, ...files], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  const origin = await new Promise<string>((resolve, reject) => {
    child.stdout!.once('data', (b: Buffer) => resolve(b.toString().trim()));
    child.once('exit', (code) => reject(new Error(`range server exited (${code})`)));
  });
  return { origin, child };
}

/** Requests and bytes of one run, from the report's remote-transfer finding. */
function transfer(bin: string, url: string): { requests: number; bytes: number } | string {
  const r = spawnSync(process.execPath, [bin, url, '--json'], { cwd: ROOT, encoding: 'utf8', timeout: 120_000, maxBuffer: 1 << 28 });
  try {
    const report = JSON.parse(r.stdout) as { findings: { code: string; message: string }[] };
    const m = /(\d+) HTTP requests?, (\d+) bytes transferred/.exec(report.findings.find((f) => f.code === 'remote-transfer')?.message ?? '');
    return m ? { requests: Number(m[1]), bytes: Number(m[2]) } : 'no transfer finding';
  } catch {
    return `exit ${r.status}: ${(r.stderr ?? '').trim().split('\n').pop()}`;
  }
}

export async function remoteTable(inputs: BenchInputs, runs: number, bin: string, log: (m: string) => void): Promise<string> {
  const lines = ['| remote input | server | requests | bytes transferred | wall | goal |', '|---|---|---|---|---|---|'];
  for (const [mode, label] of SERVERS) {
    const { origin, child } = await serve(mode, INPUTS.map(([i]) => inputs[i]));
    try {
      for (const [input, name] of INPUTS) {
        const url = `${origin}/${basename(inputs[input])}`;
        log(`remote (${label}): ${name}`);
        const t = transfer(bin, url);
        const m = measure({ cmd: process.execPath, args: [bin, url], okCodes: [0, 1], cwd: ROOT }, runs, runs > 1);
        const wall = m.error ? m.error : `${m.wall.toFixed(2)} s`;
        if (typeof t === 'string') {
          lines.push(`| ${name} | ${label} | ${t} | | ${wall} | |`);
          continue;
        }
        const goal = GOAL.has(input) && mode === 'multi' ? (t.requests <= 6 && t.bytes <= 1_000_000 ? 'met (≤ 6, ≤ 1 MB)' : 'MISSED (≤ 6, ≤ 1 MB)') : '';
        lines.push(`| ${name} | ${label} | ${t.requests} | ${(t.bytes / 1000).toFixed(0)} kB | ${wall} | ${goal} |`);
      }
    } finally {
      child.kill('SIGTERM');
    }
  }
  return lines.join('\n');
}
