// Every crash the fuzzer found, as a small fixture: kerascope must give a report or one
// UnreadableError line. Plus a short fixed-seed fuzz run over every family (CI).
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import JSZip from 'jszip';
import { describe, expect, it } from 'vitest';
import { analyze, analyzeSource, readSource, type Report } from '../src/index.js';
import { MAX_JSON_DEPTH } from '../src/formats/text.js';
import { editH5 } from '../fixtures/builder/h5.js';
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

const template = readFileSync(join(REGRESS, 'deep-keras-history.json'), 'utf8');

describe('fuzzer regressions', () => {
  it('a keras_history entry nested 100,000 deep (seed 7, case 206)', async () => {
    const file = write('deep-keras-history.json', template.replace('"__DEEP__"', deep('0')));
    await survives(file);
  });

  it('a tfjs model.json whose "format" is an array nested 100,000 deep (seed 31, case 859)', async () => {
    const model = (format: string): string => write('model.json', `{"format": ${format}, "modelTopology": {"class_name": "Sequential", "config": {"layers": []}}, "weightsManifest": []}`);
    expect(await survives(model(deep('1')))).toMatch(DEPTH);
    // under the depth limit, the refusal still describes the value by its type, never prints it
    expect(await survives(model('[[1]]'))).toBe('unreadable: not a Keras layers model: a TensorFlow.js model of format given as an array');
  });

  it('a whole file nested 100,000 deep, and a layer config nested so: refused unparsed', async () => {
    for (const [name, text] of [
      ['deep-array.json', deep('')],
      ['deep-layer.json', template.replace('"units": 2', `"units": ${deep('2')}`)],
      ['deep-shape.json', template.replace('"batch_shape": [null, 4]', `"batch_shape": [null, ${deep('4')}]`)],
    ] as const) expect(await survives(write(name, text)), name).toMatch(DEPTH);
  });
});

// A config value nested 100,000 deep parses (V8's JSON.parse does not recurse), but String(),
// join, template literals and JSON.stringify of it overflow the stack wherever a rule, the cost
// or a message touches it: exit 4 "internal error". Python's json (every Keras's reader and
// writer) stops at 1,000 levels and real configs nest at most 16, so every JSON reader refuses a
// text nested deeper than MAX_JSON_DEPTH before parsing it (src/formats/text.ts JsonCounter): one
// case per family the 10,000-case fuzz of seed 1 found it in.
const DEPTH = /^unreadable: .*JSON nested more than 1,000 deep: deeper than kerascope reads, and than Keras's own JSON reader can/;
const H5_DEPTH = /^root attribute model_config: JSON nested more than 1,000 deep/;
const FIXTURES = join(import.meta.dirname, '../fixtures');
const SEPARABLE = join(FIXTURES, 'tfjs/separable-depth-multiplier');
/** The template as compact JSON (`"key":value`), its keras_history plain. */
const compact = (): string => JSON.stringify(JSON.parse(template.replace('"__DEEP__"', '0')));

/** `seed`'s text with the first `"key":value` (compact JSON) given a value nested `n` deep. */
function deepen(seed: string, key: string, value: string, n = DEEP): string {
  const text = seed.replace(`"${key}":${value}`, `"${key}":${'['.repeat(n)}0${']'.repeat(n)}`);
  expect(text, `${key} in the seed`).not.toBe(seed);
  return text;
}

/** A copy of the tfjs folder with model.json's text edited. */
function tfjsCopy(folder: string, edit: (text: string) => string): string {
  const dir = mkdtempSync(join(tmpdir(), 'kerascope-regress-'));
  for (const f of readdirSync(folder)) copyFileSync(join(folder, f), join(dir, f));
  const text = JSON.stringify(JSON.parse(readFileSync(join(folder, 'model.json'), 'utf8')));
  writeFileSync(join(dir, 'model.json'), edit(text));
  return join(dir, 'model.json');
}

/** A copy of a Keras-written HDF5 model whose model_config attribute is edited, as the fuzzer does (scripts/fuzz/mutate.ts). */
async function h5Copy(file: string, edit: (text: string) => string): Promise<string> {
  const out = join(mkdtempSync(join(tmpdir(), 'kerascope-regress-')), basename(file));
  copyFileSync(file, out);
  await editH5(out, 'a', (f) => {
    const text = JSON.stringify(JSON.parse(String(f.attrs['model_config']!.value)));
    f.delete_attribute('model_config');
    f.create_attribute('model_config', edit(text));
  });
  return out;
}

/** The error finding of an HDF5 model whose model_config could not be read. */
async function h5Finding(file: string): Promise<string | undefined> {
  const r = await analyze(file);
  return r.findings.find((f) => f.code === 'h5-bad-json-attribute' && f.severity === 'error')?.message;
}

describe('fuzzer regressions: a config value nested 100,000 deep is refused by every reader (seed 1)', () => {
  it("tfjs: a SeparableConv2D kernel_size (case 4459; was the rule's kernel formula, join)", async () => {
    expect(MAX_JSON_DEPTH).toBe(1000);
    expect(await survives(tfjsCopy(SEPARABLE, (t) => deepen(t, 'kernel_size', '[3,3]')))).toMatch(DEPTH);
  });

  it("tfjs: a SeparableConv2D activation (case 5591; was the cost's activation count, String())", async () => {
    expect(await survives(tfjsCopy(SEPARABLE, (t) => deepen(t, 'activation', '"linear"')))).toMatch(DEPTH);
  });

  it("HDF5: a Conv2D dilation_rate in model_config (case 5092, carnd-crop.h5; was convLength's arithmetic): an error finding, the weights still listed", async () => {
    const file = await h5Copy(join(FIXTURES, 'keras2-lambda/carnd-crop.h5'), (t) => deepen(t, 'dilation_rate', '[1,1]'));
    expect(await h5Finding(file)).toMatch(H5_DEPTH);
  });

  it('HDF5: a Dense activation in model_config (case 5840, dense_use_bias_false.h5: CLI exit 4)', async () => {
    const file = await h5Copy(join(FIXTURES, 'keras/models/dense_use_bias_false.h5'), (t) => deepen(t, 'activation', '"linear"'));
    expect(await h5Finding(file)).toMatch(H5_DEPTH);
  });

  it("a .keras archive's config.json", async () => {
    const file = write('deep.keras', '');
    writeFileSync(file, writeZip([
      { name: 'metadata.json', data: Buffer.from('{"keras_version": "3.15.1"}') },
      { name: 'config.json', data: Buffer.from(deepen(compact(), 'units', '2')), deflate: true },
    ]));
    expect(await survives(file)).toMatch(DEPTH);
  });

  it('a config nested exactly 1,000 deep is still read; one level more is not', async () => {
    // the template's Dense units sit 5 deep ({ config { layers [ { config {): its value adds n levels
    expect(await survives(write('at-limit.json', deepen(compact(), 'units', '2', 995)))).toMatch(/^report: /);
    expect(await survives(write('past-limit.json', deepen(compact(), 'units', '2', 996)))).toMatch(DEPTH);
  });
});

/** An array nested `n` deep around 0, built without recursion. */
function deepValue(n = DEEP): unknown {
  let v: unknown = 0;
  for (let i = 0; i < n; i++) v = [v];
  return v;
}

/** Every object under `root` holding `key` (where `keep` says so) gets `value`; how many did. */
function setAll(root: unknown, key: string, value: unknown, keep: (v: unknown) => boolean = () => true): number {
  let n = 0;
  const stack = [root];
  while (stack.length) {
    const x = stack.pop();
    if (Array.isArray(x)) stack.push(...x);
    else if (x && typeof x === 'object') {
      const o = x as Record<string, unknown>;
      if (key in o && keep(o[key])) {
        o[key] = value;
        n++;
      } else stack.push(...Object.values(o));
    }
  }
  return n;
}

/**
 * The library's analyzeSource takes a ModelSource from anyone (the page, a caller's own reader),
 * past the readers' depth limit: the rules must survive a value nested 100,000 deep there too.
 */
async function analyzedWith(file: string, key: string, keep?: (v: unknown) => boolean): Promise<Report> {
  const source = await readSource(file);
  expect(setAll(source.config, key, deepValue(), keep), `${key} in ${file}`).toBeGreaterThan(0);
  return analyzeSource(source);
}

const messages = (r: Report): string[] => r.findings.map((f) => f.message);

describe('fuzzer regressions: rules handed a value nested 100,000 deep by the library', () => {
  it('a kernel_size or dilation_rate of one entry standing for every axis is checked as a size (seed 1, cases 4459, 5092)', async () => {
    // Was RuleBugError "the SeparableConv2D/Conv2D rule failed": tuple() expanded a single entry
    // unchecked, and the formula's join / convLength's arithmetic overflowed the stack on it.
    const k = await analyzedWith(join(SEPARABLE, 'model.json'), 'kernel_size');
    expect(messages(k)).toContainEqual(expect.stringMatching(/^separable_conv2d \(SeparableConv2D\): config kernel_size: \[\[\[…\]\]\]: \[\[\[…\]\]\] is not a number/));
    const d = await analyzedWith(join(FIXTURES, 'keras/models/conv2d_args.h5'), 'dilation_rate');
    expect(messages(d)).toContainEqual(expect.stringMatching(/^conv2d \(Conv2D\): config dilation_rate: \[\[\[…\]\]\]: \[\[\[…\]\]\] is not a number/));
  });

  it('an activation the cost cannot name is described, bounded (seed 1, cases 5591, 5840)', async () => {
    // Was RangeError from String() of the activation in src/cost/util.ts (exit 4 from the CLI).
    const r = await analyzedWith(join(FIXTURES, 'keras/models/dense_use_bias_false.h5'), 'activation');
    expect(r.layers.find((l) => l.name === 'dense')?.compute?.unknown).toBe('activation [[[…]]] has no known count');
  });

  it('a layer dtype: the int4 check reads the policy by key (seed 1, cases 1198, 1203, 1705)', async () => {
    // Was RangeError: Maximum call stack size exceeded, from JSON.stringify of the dtype in
    // src/report/compute.ts (exit 4 from the CLI).
    const r = await analyzedWith(write('dtype.json', compact()), 'dtype', (v) => v === 'float32');
    expect(r.layers.length).toBeGreaterThan(0);
  });

  it("a tfjs Conv1D's padding: the causal-padding variant reads a string only (seed 1, case 463)", async () => {
    // Was RuleBugError "the Conv1D rule failed": String() of the padding in src/layers/loader-variants.ts.
    const r = await analyzedWith(join(FIXTURES, 'tfjs/keras3-converted/model.json'), 'padding', (v) => v === 'valid');
    expect(r.layers.length).toBeGreaterThan(0);
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
  it('20,000 copies of a quantized Dense in a .keras: 180,000 findings are reported, not spread onto the stack (seed 2, case 265)', async () => {
    // Was "Maximum call stack size exceeded" (CLI exit 4): findings.push(...match.findings) in
    // src/report/assemble.ts passes each finding as an argument, past about 125,000 V8 overflows.
    // Now appended one by one (src/append.ts), wherever a file decides the count.
    const zip = await JSZip.loadAsync(readFileSync(join(import.meta.dirname, '../fixtures/keras/models/quantized_float8.keras')));
    const members = await Promise.all(Object.keys(zip.files).filter((n) => !zip.files[n]!.dir).map(async (name) => ({ name, data: Buffer.from(await zip.files[name]!.async('uint8array')) })));
    const config = members.find((m) => m.name === 'config.json')!;
    const cfg = JSON.parse(config.data.toString('utf8')) as { config: { layers: { class_name: string }[] } };
    const dense = cfg.config.layers.find((l) => l.class_name === 'Dense')!;
    // as the fuzzer's json-graph mutation did (scripts/fuzz/json.ts): the same layer 20,000 times more
    cfg.config.layers.push(...Array.from({ length: 20_000 }, () => structuredClone(dense)));
    config.data = Buffer.from(JSON.stringify(cfg));
    const file = write('many-findings.keras', '');
    writeFileSync(file, writeZip(members.map((m) => ({ ...m, deflate: true }))));
    const r = await analyze(file);
    expect(r.findings.length).toBeGreaterThan(150_000);
    expect(r.verdict).toBe('inconsistent');
  });

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

  it("a local heap's free list whose next offset is past 2^53 is corrupt, not merely handed over (seed 2, case 7664)", async () => {
    // fixtures/keras/models/legacy/normalization.h5 with the fuzzer's 13 bytes inserted at 2547
    // (insert@2547): a group's local-heap free list then points past 2^53. The native reader used to
    // give up as on a structure it does not handle, so libhdf5, which loops on this file, had its
    // full 30 s.
    const seed = readFileSync(join(import.meta.dirname, '../fixtures/keras/models/legacy/normalization.h5'));
    const junk = Buffer.from('677ab28fa86694b66bae398bc2', 'hex');
    const file = join(mkdtempSync(join(tmpdir(), 'kerascope-regress-')), 'normalization.h5');
    writeFileSync(file, Buffer.concat([seed.subarray(0, 2547), junk, seed.subarray(2547)]));
    const r = await isolated(file);
    expect(r.timedOut).toBe(false);
    expect(r.out).toMatch(/^UnreadableError .*HDF5 file is corrupt: local heap at 680: bad free list/m);
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

describe('fuzz: stopped by a signal', () => {
  // The fuzzer's own folder (kerascope-fuzz-SEED-*: the mutated cases) was left behind by Ctrl-C or a
  // CI timeout. Now a SIGINT or SIGTERM stops its CLI runs, removes the folder and exits as the
  // signal would. The signal is sent once a case is on disk (no timing guess).
  it.each([['SIGINT', 130], ['SIGTERM', 143]] as const)('%s removes the run\'s folder and exits %i', async (signal, code) => {
    const tmp = mkdtempSync(join(tmpdir(), 'kerascope-fuzz-signal-'));
    const crashes = mkdtempSync(join(tmpdir(), 'kerascope-fuzz-crashes-'));
    const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/fuzz.ts', '--iterations', '100000', '--seed', '5', '--cli-every', '1', '--crashes', crashes, '--quiet'], {
      cwd: join(import.meta.dirname, '..'), env: { ...process.env, TMPDIR: tmp }, stdio: 'ignore',
    });
    const ended = new Promise<number | null>((resolve) => child.on('close', (status) => resolve(status)));
    let exited = false;
    void ended.then(() => (exited = true));
    const runs = (): string[] => readdirSync(tmp).filter((d) => d.startsWith('kerascope-fuzz-5-'));
    const hasCase = (): boolean => runs().some((d) => readdirSync(join(tmp, d)).some((f) => f.startsWith('case-')));
    while (!exited && !hasCase()) await new Promise((r) => setTimeout(r, 50));
    expect(exited, 'the fuzzer ended before its first case').toBe(false);
    child.kill(signal);
    expect(await ended).toBe(code);
    expect(runs()).toEqual([]);
  });
});
