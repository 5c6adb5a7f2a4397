// `check` over many local files (issue 15): a worker thread reads the files ahead while the main
// thread analyses them (src/cli/check-read-ahead.ts). The output must be the same bytes as with
// everything in one thread (`--threads 0`): the table, --json, --jsonl, the exit code, a file that
// is not a model at all (skipped), an unreadable one (its line), and --debug's stack. A reader
// worker that ends leaves its files to the main thread. No timing is asserted.
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { afterAll, describe, expect, it } from 'vitest';
import { READ_AHEAD_MIN, READER_LIMITS, ReadAhead } from '../src/cli/check-read-ahead.js';
import { run } from './cli-harness.js';

const MODELS = join(import.meta.dirname, '..', 'fixtures', 'keras', 'models');
// Every kind of local input: legacy .h5, .keras, weights-only, a JSON architecture with its same-stem .h5.
const KINDS = ['activations.h5', 'activations.keras', 'activations.json', 'activations.weights.h5', 'adaptive_pooling.h5', 'seed_embedding_lstm.keras', 'bidirectional.weights.h5'];

const dir = mkdtempSync(join(tmpdir(), 'kerascope-read-ahead-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Enough copies (each in a folder of its own, so a JSON keeps its same-stem weights) to pass READ_AHEAD_MIN, and three that fail. */
function batch(): string {
  const root = join(dir, 'batch');
  for (let k = 0; k * KINDS.length < READ_AHEAD_MIN + 10; k++) {
    const sub = join(root, `copy${String(k).padStart(3, '0')}`);
    mkdirSync(sub, { recursive: true });
    for (const f of KINDS) copyFileSync(join(MODELS, f), join(sub, f));
  }
  const odd = join(root, 'odd');
  mkdirSync(odd);
  writeFileSync(join(odd, 'broken.keras'), 'PK but not a zip archive at all');
  writeFileSync(join(odd, 'truncated.h5'), Buffer.from('\x89HDF\r\n\x1a\n\x00\x00', 'latin1'));
  // A walked JSON that reads as a layer, not a model: skipped, not an error.
  writeFileSync(join(odd, 'dense.json'), JSON.stringify({ class_name: 'Dense', config: { units: 3 } }));
  return root;
}

describe('check reads ahead on a worker thread', () => {
  const root = batch();

  it('gives the same bytes and exit code as one thread: table, --json, --debug', async () => {
    for (const extra of [[], ['--json']]) {
      const one = await run(['check', '--threads', '0', root, ...extra]);
      const ahead = await run(['check', root, ...extra]);
      expect(one.stdout.length).toBeGreaterThan(0);
      expect(ahead).toEqual(one);
      expect(one.code).toBe(3);
    }
    // --debug: the same stacks, but a stack's frames name the thread's own internals (an error made
    // in a worker passes through another MessagePort frame): compared without the frames.
    const frames = (s: string) => s.split('\n').filter((l) => !/^\s+at /.test(l)).join('\n');
    const one = await run(['check', '--threads', '0', '--debug', root]);
    const ahead = await run(['check', '--debug', root]);
    expect({ ...ahead, stderr: frames(ahead.stderr) }).toEqual({ ...one, stderr: frames(one.stderr) });
    expect(ahead.stderr).toMatch(/UnreadableError: .*\n\s+at /);
    const json = JSON.parse((await run(['check', root, '--json'])).stdout) as { file: string; skipped?: unknown; error?: unknown }[];
    expect(json.filter((e) => e.skipped).map((e) => e.file)).toEqual([join(root, 'odd', 'dense.json')]);
    expect(json.filter((e) => e.error).map((e) => e.file).sort()).toEqual([join(root, 'odd', 'broken.keras'), join(root, 'odd', 'truncated.h5')]);
  });

  it('--jsonl gives the same lines (in the order they finish)', async () => {
    const one = await run(['check', '--threads', '0', '--jsonl', root]);
    const ahead = await run(['check', '--jsonl', root]);
    const lines = (s: string) => s.trim().split('\n').sort();
    expect(lines(ahead.stdout)).toEqual(lines(one.stdout));
    expect(lines(one.stdout).length).toBeGreaterThan(READ_AHEAD_MIN);
    expect(ahead.code).toBe(one.code);
  });

  it('a reader worker that ends: what it held and everything after is read in the main thread', async () => {
    // A stand-in worker: it reads nothing and exits on the second file.
    const code = `const { parentPort } = require('node:worker_threads');
      let n = 0;
      parentPort.on('message', ({ jobs }) => {
        const reads = [];
        for (const j of jobs) { if (++n === 2) process.exit(7); reads.push({ id: j.id, failure: { notAModel: false, exitCode: 3, line: 'from the worker', stack: '' } }); }
        parentPort.postMessage({ reads });
      });`;
    const ahead = new ReadAhead({
      init: { options: { failOn: 'high' }, expected: { allow: new Set(), expect: [] }, keep: 'row' },
      stderr: { write: () => true },
      spawn: (init, limits) => {
        // The reader runs with its young generation capped (memory flat over many files).
        expect(limits).toEqual(READER_LIMITS);
        expect(READER_LIMITS.maxYoungGenerationSizeMb).toBeLessThanOrEqual(8);
        return new Worker(code, { eval: true, workerData: init, resourceLimits: limits });
      },
    });
    try {
      const first = await ahead.read({ path: 'a.h5' });
      const rest = await Promise.all(['b.h5', 'c.h5'].map((path) => ahead.read({ path })));
      expect(first).toEqual({ failure: { notAModel: false, exitCode: 3, line: 'from the worker', stack: '' } });
      expect(rest).toEqual([null, null]);
      expect(await ahead.read({ path: 'd.h5' })).toBeNull();
    } finally {
      await ahead.close();
    }
  });
});
