// `check --threads N` (issue 15): the files analysed on worker threads give the same output as in
// one thread (table, --json, --jsonl), and a worker that ends under a file gives that file its one
// line (exit 4) while the others are checked, never a hang. No timing is asserted.
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { CheckThreads } from '../src/cli/check-threads.js';
import type { Done } from '../src/cli/check-one.js';
import { run } from './cli-harness.js';

const MODELS = join(import.meta.dirname, '..', 'fixtures', 'keras', 'models');
// A few of every kind: legacy .h5, .keras, weights-only, a JSON architecture with its same-stem .h5.
const FILES = ['activations.h5', 'activations.keras', 'activations.json', 'activations.weights.h5', 'adaptive_pooling.h5', 'adaptive_pooling.keras', 'bidirectional.weights.h5', 'seed_embedding_lstm.keras'].map((f) => join(MODELS, f));

describe('check --threads', () => {
  it('the table and --json are the same bytes as in one thread, and so is the exit code', async () => {
    for (const extra of [[], ['--json']]) {
      const one = await run(['check', '--threads', '0', ...FILES, join(MODELS, 'no-such.h5'), ...extra]);
      const two = await run(['check', '--threads', '2', ...FILES, join(MODELS, 'no-such.h5'), ...extra]);
      expect(one.stdout.length).toBeGreaterThan(0);
      expect(two).toEqual(one);
      expect(one.code).toBe(3);
    }
  });

  it('--jsonl gives the same lines (in the order they finish) and the worst exit code; --shard keeps its share', async () => {
    const one = await run(['check', '--threads', '0', '--jsonl', ...FILES]);
    const two = await run(['check', '--threads', '2', '--jsonl', ...FILES]);
    const lines = (s: string) => s.trim().split('\n').sort();
    expect(lines(two.stdout)).toEqual(lines(one.stdout));
    expect(lines(one.stdout)).toHaveLength(FILES.length);
    expect(two.code).toBe(one.code);
    const shard = await run(['check', '--threads', '2', '--jsonl', '--shard', '1/2', ...FILES]);
    const shardOne = await run(['check', '--threads', '0', '--jsonl', '--shard', '1/2', ...FILES]);
    expect(lines(shard.stdout)).toEqual(lines(shardOne.stdout));
  });

  it('a worker that ends under one file: that file gets its one line (exit 4), the others their outcome', async () => {
    // A stand-in worker: it answers every file but `crash.h5`, on which it exits.
    const code = `const { parentPort } = require('node:worker_threads');
      parentPort.on('message', (j) => {
        if (j.entry.path.endsWith('crash.h5')) process.exit(7);
        parentPort.postMessage({ id: j.id, done: { outcome: { file: j.entry.path, exitCode: 0, error: 'answered' } } });
      });`;
    const threads = new CheckThreads({
      count: 2,
      init: { options: { failOn: 'high' }, expected: { allow: new Set(), expect: [] }, keep: 'row' },
      stderr: { write: () => true },
      inMain: async () => ({ outcome: { file: 'in main', exitCode: 0 } }),
      spawn: (init) => new Worker(code, { eval: true, workerData: init }),
    });
    const names = ['a.h5', 'b.h5', 'crash.h5', 'c.h5', 'd.h5'];
    let out: Done[];
    try {
      out = await Promise.all(names.map((n) => threads.check({ path: n })));
    } finally {
      await threads.close();
    }
    expect(out.map((d) => ('outcome' in d ? d.outcome : null))).toEqual([
      { file: 'a.h5', exitCode: 0, error: 'answered' },
      { file: 'b.h5', exitCode: 0, error: 'answered' },
      { file: 'crash.h5', exitCode: 4, error: 'internal error: its check worker thread stopped on this file (exit code 7)' },
      { file: 'c.h5', exitCode: 0, error: 'answered' },
      { file: 'd.h5', exitCode: 0, error: 'answered' },
    ]);
  });
});
