// `kerascope graph`: format choice, --output, --expand passed to the analysis, usage errors.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { run } from './cli-harness.js';
import { seedLstmReport } from './report-fixtures.js';

const dir = mkdtempSync(join(tmpdir(), 'kerascope-graph-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('kerascope graph', () => {
  it('prints Mermaid by default, one box per layer of the seed model', async () => {
    const r = await run(['graph', 'seed.h5'], { 'seed.h5': seedLstmReport() });
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')[0]).toBe('flowchart TD');
    expect(r.stdout).toContain('n1["lstm_5<br/>(LSTM)<br/>(None, 17)<br/>2,108 params"]');
    // A Sequential model without inbound nodes: each layer feeds the next.
    expect(r.stdout).toContain('  n0 --> n1\n  n1 --> n2\n  n2 --> n3\n');
  });

  it('--format dot --output F writes the file and prints nothing', async () => {
    const out = join(dir, 'm.dot');
    const r = await run(['graph', 'seed.h5', '--format', 'dot', '--output', out], { 'seed.h5': seedLstmReport() });
    expect([r.code, r.stdout, r.stderr]).toEqual([0, '', '']);
    expect(readFileSync(out, 'utf8')).toMatch(/^digraph model \{/);
  });

  it('--expand reaches the analysis; a bad format or --max-nodes is a usage error (exit 2)', async () => {
    const r = await run(['graph', 'seed.h5', '--expand'], { 'seed.h5': seedLstmReport() });
    expect(r.calls[0]!.opts.expand).toBe(true);
    expect((await run(['graph', 'seed.h5', '--format', 'png'], { 'seed.h5': seedLstmReport() })).code).toBe(2);
    expect((await run(['graph', 'seed.h5', '--max-nodes', '0'], { 'seed.h5': seedLstmReport() })).code).toBe(2);
  });

  it('an unwritable --output is one line, exit 2', async () => {
    const r = await run(['graph', 'seed.h5', '--output', join(dir, 'no', 'such', 'dir', 'm.mmd')], { 'seed.h5': seedLstmReport() });
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain('cannot write');
  });
});
