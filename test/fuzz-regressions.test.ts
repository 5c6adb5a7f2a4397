// Every crash the fuzzer found, as a small fixture: kerascope must give a report or one
// UnreadableError line. Plus a short fixed-seed fuzz run over every family (CI).
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyze } from '../src/index.js';
import { UnreadableError } from '../src/errors.js';
import { DEFAULT_LIMITS, fuzz } from '../scripts/fuzz.js';
import { h5Seed, kerasZipSeed } from '../scripts/fuzz/seeds.js';
import { writeZip } from '../fixtures/audit/zip-writer.js';
import { runChild } from './helpers/child.js';

const REGRESS = join(import.meta.dirname, '../fixtures/audit/regress');
const DEEP = 100_000;
const deep = (inner: string): string => '['.repeat(DEEP) + inner + ']'.repeat(DEEP);

/** analyze() must resolve, or reject with an UnreadableError of one line naming the problem. */
async function survives(file: string): Promise<string> {
  try {
    const r = await analyze(file);
    return `report: ${r.verdict}`;
  } catch (e) {
    expect(e).toBeInstanceOf(UnreadableError);
    expect((e as Error).message).not.toContain('\n');
    return `unreadable: ${(e as Error).message}`;
  }
}

function write(name: string, text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'kerascope-regress-'));
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

describe('fuzzer regressions', () => {
  const template = readFileSync(join(REGRESS, 'deep-keras-history.json'), 'utf8');

  it('a keras_history entry nested 100,000 deep (seed 7, case 206)', async () => {
    const file = write('deep-keras-history.json', template.replace('"__DEEP__"', deep('0')));
    await survives(file);
  });

  it('a tfjs model.json whose "format" is an array nested 100,000 deep (seed 31, case 859)', async () => {
    const file = write('model.json', `{"format": ${deep('1')}, "modelTopology": {"class_name": "Sequential", "config": {"layers": []}}, "weightsManifest": []}`);
    expect(await survives(file)).toBe('unreadable: not a Keras layers model: a TensorFlow.js model of format given as an array');
  });

  it('a whole file nested 100,000 deep, and a layer config nested so', async () => {
    await survives(write('deep-array.json', deep('')));
    await survives(write('deep-layer.json', template.replace('"units": 2', `"units": ${deep('2')}`)));
    await survives(write('deep-shape.json', template.replace('"batch_shape": [null, 4]', `"batch_shape": [null, ${deep('4')}]`)));
  });

  it('a layer dtype nested 100,000 deep: the int4 check reads the policy by key (seed 1, cases 1198, 1203, 1705)', async () => {
    // Was RangeError: Maximum call stack size exceeded, from JSON.stringify of the dtype in
    // src/report/compute.ts (exit 4 from the CLI).
    const text = template.replace('"__DEEP__"', '0').replace('"dtype": "float32", "units": 2', `"dtype": ${deep('0')}, "units": 2`);
    expect(text).not.toBe(template.replace('"__DEEP__"', '0'));
    expect(await survives(write('deep-dtype.json', text))).toMatch(/^report: /);
  });

  it("a tfjs Conv1D's padding nested 100,000 deep: the causal-padding variant reads a string only (seed 1, case 463)", async () => {
    // Was RuleBugError "the Conv1D rule failed": String() of the padding in src/layers/loader-variants.ts.
    const seed = readFileSync('fixtures/tfjs/keras3-converted/model.json', 'utf8');
    const text = seed.replaceAll('"padding":"valid"', `"padding":${deep('0')}`);
    expect(text).not.toBe(seed);
    const dir = mkdtempSync(join(tmpdir(), 'kerascope-regress-'));
    writeFileSync(join(dir, 'model.json'), text);
    expect(await survives(join(dir, 'model.json'))).toMatch(/^report: /);
  });
});

describe('fuzzer regressions: messages', () => {
  it('a .keras whose config.json is binary gives a one-line message (seed 51, case 69)', async () => {
    // the parser's own message quotes the bad text, newlines included
    const file = write('binary-config.keras', '');
    writeFileSync(file, writeZip([
      { name: 'metadata.json', data: Buffer.from('{}') },
      { name: 'config.json', data: Buffer.from('\x89HDF\r\n\x1a\n\n\n{"class_name": 1}', 'latin1') },
    ]));
    expect(await survives(file)).toMatch(/^unreadable: /);
  });
});

describe('fuzzer regressions: size', () => {
  it('20,000 stacked Embedding layers (rank grows per layer): shapes stop where no real tensor could follow (seed 3, case 39)', async () => {
    const cfg = JSON.parse(readFileSync(join(REGRESS, 'embedding-chain.json'), 'utf8')) as { config: { layers: { config: { name: string } }[] } };
    const [input, emb] = cfg.config.layers;
    cfg.config.layers = [input!, ...Array.from({ length: 20_000 }, (_, i) => ({ ...emb!, config: { ...emb!.config, name: `embedding_${i}` } }))];
    const r = await analyze(write('embedding-chain.json', JSON.stringify(cfg)));
    // Without a bound every shape was computed, each one axis longer: quadratic time, then out
    // of memory. With the bounds (at most 64 axes, at most 2^53 elements: src/graph/infer.ts), one
    // error names the first layer whose output no real tensor could be (here the element count
    // passes 2^53 at the 14th Embedding, long before the rank passes 64), and the shapes after it
    // are unknown rather than computed.
    const beyond = r.findings.filter((f) => /beyond any real tensor|size too large to count exactly/.test(f.message));
    expect(beyond).toHaveLength(1);
    expect(beyond[0]!.severity).toBe('error');
    const shaped = r.layers.filter((l) => l.outputShape);
    expect(shaped.length).toBeLessThan(66); // at most 64 axes, the Input and the Embeddings up to the bound
  });
});

/**
 * Analyse in a child process (a loop inside WebAssembly cannot be interrupted in-process). With
 * `exit`, the child exits once analyze() settles; without, it must end by itself, as the CLI does.
 */
async function isolated(file: string, exit = true): Promise<{ status: number | null; out: string; timedOut: boolean }> {
  const end = exit ? '.finally(() => process.exit(0))' : '';
  const code = `import('./src/index.ts').then(m => m.analyze(process.argv[1])).then(r => console.log('report', r.verdict), e => console.log(e.name, e.message))${end}`;
  const r = await runChild(process.execPath, ['--import', 'tsx', '-e', code, file], { cwd: join(import.meta.dirname, '..') });
  return { status: r.status, out: `${r.stdout}${r.stderr}`, timedOut: r.timedOut || r.error !== null || r.signal !== null };
}

describe('fuzzer regressions: HDF5 files libhdf5 loops on', () => {
  // libhdf5 loops forever on these. The native reader names the broken structure and the engine
  // gets 3 s (not its usual 30) to word an error of its own.
  it.each([
    ['h5-attr-loop.weights.h5', 'seed 12, case 184', /HDF5 file is corrupt: global heap collection at 2048: free space of the wrong size/],
    ['h5-heap-size-undefined.weights.h5', 'seed 31, case 824', /HDF5 file is corrupt: global heap collection at 2048: an object's size is unreadable/],
    ['h5-header-past-end.weights.h5', 'seed 31, case 1472', /HDF5 file is corrupt: address \d+ \(\+\d+ bytes\) lies past the end of the HDF5 data/],
  ])('%s ends with one line naming the broken structure (%s)', async (name, _, message) => {
    // Only the short try gives this message (the engine's own deadline would say "no answer within 30 s").
    const r = await isolated(join(REGRESS, name));
    expect(r.timedOut).toBe(false);
    expect(r.out).toMatch(/^UnreadableError /m);
    expect(r.out).toMatch(message);
  });

  it('a process that analysed a good HDF5 file ends by itself (the CLI sets exitCode, never exits)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kerascope-regress-'));
    const file = await h5Seed(dir);
    const r = await isolated(file, false);
    expect(r.out).toMatch(/^report /m);
    expect(r.timedOut).toBe(false);
  });
});

/** Every prefix of `file` (every `step` bytes) written to a temp file and analysed in-process. */
async function truncations(file: string, step: number): Promise<number> {
  const bytes = readFileSync(file);
  const dir = mkdtempSync(join(tmpdir(), 'kerascope-trunc-'));
  let n = 0;
  for (let len = 0; len < bytes.length; len += step) {
    const cut = join(dir, `cut-${len}-${file.split('/').pop()}`);
    writeFileSync(cut, bytes.subarray(0, len));
    await survives(cut);
    n++;
  }
  return n;
}

describe('truncated at every length', () => {
  it('a JSON config', async () => {
    expect(await truncations(join(import.meta.dirname, '../fixtures/seed/mlp-softmax.json'), 1)).toBeGreaterThan(1000);
  });

  it('a .keras archive', async () => {
    const file = kerasZipSeed(mkdtempSync(join(tmpdir(), 'kerascope-trunc-')));
    expect(await truncations(file, 1)).toBeGreaterThan(500);
  });

  it('a legacy HDF5 model', async () => {
    const file = await h5Seed(mkdtempSync(join(tmpdir(), 'kerascope-trunc-')));
    expect(await truncations(file, 1)).toBeGreaterThan(1000);
  });
});

describe('fuzz: a short fixed-seed run over every family', () => {
  // The CLI runs on every 5th case when dist/ is built (`npm run build`): cases 0, 5, 10, 15, 20
  // rotate through all four families.
  const built = existsSync(join(import.meta.dirname, '../dist/cli/main.js'));
  it('finds no crash and no hang in 24 cases (seed 1)', async () => {
    const s = await fuzz({
      iterations: 24, seed: 1, cliEvery: built ? 5 : 0, limits: DEFAULT_LIMITS, heapMb: 1024, quiet: true, jsonSummary: false,
      families: null, crashDir: mkdtempSync(join(tmpdir(), 'kerascope-fuzz-crashes-')), fixtures: join(import.meta.dirname, '../fixtures'),
    });
    const families = Object.keys(s.byFamily).sort();
    expect(families).toEqual(['h5', 'json', 'keras-zip', 'tfjs']);
    const problems = s.problems.map((p) => `#${p.index} ${p.family} ${p.mutation}: ${p.result.outcome} ${p.result.detail}`);
    expect(problems).toEqual([]);
  });
});
