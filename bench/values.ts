// The cost of `kerascope diff A B --values` (issue 13: the one place kerascope reads weight data;
// bounded memory, documented cost): the 1 GB `.keras` against itself, every tensor streamed
// through SHA-256 on both sides, beside `sha256sum` of the same two files (reading and hashing
// both whole: the floor for any tool that compares values by hash).
import { chainParams, type Chain } from './configs.js';
import type { BenchInputs } from './inputs.js';
import { measure, type Command, type Measured } from './measure.js';

const cell = (m: Measured): string => (m.error ? m.error : `${m.wall.toFixed(2)} s, cpu ${m.cpu.toFixed(2)} s, ${Math.round(m.rssMB ?? 0)} MB`);

/** The table's markdown; `keras` is the chain inside the 1 GB `.keras` (its tensors' bytes). */
export function valuesTable(inputs: BenchInputs, keras: Chain, runs: number, bin: string, log: (m: string) => void): string {
  const file = inputs.kerasStored;
  const bytes = 2 * 4 * chainParams(keras);
  const ours: Command = { cmd: process.execPath, args: [bin, 'diff', file, file, '--values'], okCodes: [0], timeoutMs: 600_000 };
  const floor: Command = { cmd: 'sha256sum', args: [file, file], timeoutMs: 600_000 };
  log(`--values: diff of the 1 GB .keras with itself (${runs} run(s)), and sha256sum of both`);
  const a = measure(ours, runs, false);
  const b = measure(floor, runs, false);
  const rate = a.error ? '—' : `${(bytes / 1e6 / a.wall).toFixed(0)} MB/s`;
  const ratio = a.error || b.error ? '—' : `${(a.wall / b.wall).toFixed(2)}×`;
  return [
    '| work | tensor bytes hashed | kerascope `diff --values` (wall, CPU, peak RSS) | rate | `sha256sum` of both files | kerascope / sha256sum (wall) |',
    '|---|---|---|---|---|---|',
    `| 1 GB \`.keras\` (STORED) against itself | ${bytes >= 1e9 ? `${(bytes / 1e9).toFixed(2)} GB` : `${(bytes / 1e6).toFixed(2)} MB`} | ${cell(a)} | ${rate} | ${cell(b)} | ${ratio} |`,
  ].join('\n');
}
