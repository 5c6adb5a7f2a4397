// Issue 12 part 4, smaller reach: `-` is standard input (kerascope, explain, check, audit), gzip on
// it, and `audit PATH…` over folders and globs as `check` walks them. Real fixtures, Keras's own
// counts (fixtures/keras/truth.json); exit codes and one-line errors; the temporary file standard
// input is kept in is gone after every run — in-process (liveTempDirs) and in a child process with a
// private TMPDIR, also when the child is stopped by SIGINT or SIGTERM while the stream is still coming.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { analyzeStream } from '../src/analyze.js';
import type { Stdin } from '../src/cli/io.js';
import { SIGNAL_EXIT } from '../src/cli/signals.js';
import { liveTempDirs } from '../src/formats/temp.js';
import { run } from './cli-harness.js';
import { schemaErrors } from './helpers/report-schema.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const FIX = join(ROOT, 'fixtures');
const MODEL = join(FIX, 'keras/models/seed_mlp_softmax');

/** Keras's own count_params() of the model (fixtures/keras/generate.py wrote it with the files). */
const TRUTH = (JSON.parse(readFileSync(join(FIX, 'keras/truth.json'), 'utf8')) as { slug: string; total_params: number }[]).find((t) => t.slug === 'seed_mlp_softmax')!;

/** A stream of the given pieces, as standard input; `pulled` counts the pieces taken from it. */
function stdin(...pieces: Uint8Array[]): { stdin: () => Stdin; pulled: () => number } {
  let pulled = 0;
  const stream: Stdin = {
    async *[Symbol.asyncIterator]() {
      for (const p of pieces) {
        pulled++;
        yield p;
      }
    },
  };
  return { stdin: () => stream, pulled: () => pulled };
}

interface Json {
  file: string;
  format: string;
  formatLabel: string;
  verdict: string;
  totals: { params: number };
  findings: { code: string }[];
}

afterEach(() => expect(liveTempDirs()).toEqual([]));

describe('kerascope - (standard input)', () => {
  it('reads an .h5 (kept in a file the HDF5 engine could open) as the named file reads: Keras count, verdict, findings', async () => {
    const bytes = readFileSync(`${MODEL}.h5`);
    const piped = await run(['-', '--json'], undefined, stdin(bytes.subarray(0, 1000), bytes.subarray(1000)));
    expect(piped.code).toBe(0);
    const r = JSON.parse(piped.stdout) as Json;
    const named = JSON.parse((await run([`${MODEL}.h5`, '--json'])).stdout) as Json;
    expect(r.file).toBe('(stdin)');
    expect(r.totals.params).toBe(TRUTH.total_params);
    expect([r.format, r.verdict, r.totals, r.findings]).toEqual([named.format, named.verdict, named.totals, named.findings]);
  });

  it('a gzip-compressed .keras on standard input is inflated once and says so (the audit sees the archive, not the gzip)', async () => {
    const r = JSON.parse((await run(['-', '--json'], undefined, stdin(gzipSync(readFileSync(`${MODEL}.keras`))))).stdout) as Json;
    expect(r.verdict).toBe('consistent');
    expect(r.totals.params).toBe(TRUTH.total_params);
    expect(r.formatLabel).toMatch(/^Keras archive .*, gzip-compressed$/);
    expect(r.findings.map((f) => f.code)).toEqual(['gzip-inflated']);
  });

  it('explain -, check - (named twice, read once) and audit - read it too', async () => {
    const keras = readFileSync(`${MODEL}.keras`);
    const explained = await run(['explain', '-', 'dense_1'], undefined, stdin(keras));
    expect(explained.code).toBe(0);
    // Dense(13) on 7 inputs: Keras's 104 (truth.json's layer dense_1).
    expect(explained.stdout).toContain('dense_1 (Dense): 13 units × (7 inputs + 1 bias) = 104');
    const checked = await run(['check', '--json', '-', '-'], undefined, stdin(keras));
    expect(checked.code).toBe(0);
    expect((JSON.parse(checked.stdout) as Json[]).map((e) => [e.file, e.verdict, e.totals.params])).toEqual([['(stdin)', 'consistent', TRUTH.total_params]]);
    const table = await run(['check', '-'], undefined, stdin(keras));
    expect(table.stdout).toMatch(/│ \(stdin\) +│ keras-zip/);
    const audited = await run(['audit', '-'], undefined, stdin(readFileSync(join(FIX, 'keras2-lambda/carnd-crop.h5'))));
    expect(audited.code).toBe(1);
    expect(audited.stdout).toMatch(/^\(stdin\): 2 security findings\n {2}high +lambda-layer +lambda_1: /);
  });

  it('empty, gzip twice, a terminal, - given twice to one command, --weights with -: one line each, documented exit codes', async () => {
    const one = async (argv: string[], io: ReturnType<typeof stdin> & { isTTY?: boolean }) => {
      const r = await run(argv, undefined, io);
      expect(r.stderr.split('\n')).toHaveLength(2); // one line and its newline
      return [r.code, r.stderr.trim()];
    };
    expect(await one(['-'], stdin())).toEqual([3, 'kerascope: (stdin): empty input']);
    expect(await one(['-'], stdin(gzipSync(gzipSync(readFileSync(`${MODEL}.json`)))))).toEqual([3, 'kerascope: (stdin): gzip-compressed twice: kerascope inflates one layer of gzip']);
    const tty = stdin(readFileSync(`${MODEL}.h5`));
    const terminal = { stdin: () => Object.assign(tty.stdin(), { isTTY: true }), pulled: tty.pulled };
    expect(await one(['-'], terminal)).toEqual([2, 'kerascope: -: standard input is a terminal: pipe a model into it (kerascope - < model.h5)']);
    expect(tty.pulled()).toBe(0); // refused, not waited on
    expect(await one(['-', '--weights', `${MODEL}.weights.h5`], stdin(readFileSync(`${MODEL}.json`)))).toEqual([2, 'kerascope: -: --weights and --config need FILE to be a file: a model on standard input (-) is read alone']);
    expect(await one([`${MODEL}.json`, '--weights', '-'], stdin())).toEqual([2, `kerascope: ${MODEL}.json: --weights and --config take a file: standard input (-) can only be FILE`]);
    const twice = await run(['diff', '-', '-'], undefined, stdin(readFileSync(`${MODEL}.h5`)));
    expect([twice.code, twice.stderr]).toEqual([2, 'kerascope: -: standard input (-) is read once: name it once\n']);
    const values = await run(['diff', '-', `${MODEL}.keras`, '--values'], undefined, stdin(readFileSync(`${MODEL}.h5`)));
    expect([values.code, values.stderr]).toEqual([2, 'kerascope: --values reads the weight values from the files again: it needs files, not - (standard input)\n']);
  });

  it('a stream past the cap is refused as it comes: never pulled or written past it', async () => {
    const piece = new Uint8Array(600).fill(7);
    const s = stdin(piece, piece, piece, piece);
    await expect(analyzeStream(s.stdin(), '(stdin)', { maxBytes: 1000 })).rejects.toThrow('more than 1,000 bytes (the most kerascope keeps of a stream): save it to a file and name the file');
    expect(s.pulled()).toBe(2);
  });
});

describe('kerascope audit PATH… walks folders and globs as check does', () => {
  it('each SavedModel folder is one model; the Lambda in keras_metadata.pb is found; a Keras 3 export is one line, exit 3', async () => {
    const r = await run(['audit', join(FIX, 'savedmodel/folders')]);
    expect(r.stdout).toContain('savedmodel/folders/tfk26_lambda: 1 security finding\n  high      lambda-layer  double: Lambda layer "double"');
    expect(r.stdout).toContain('savedmodel/folders/tfk26_nested: no security findings\n');
    expect(r.stdout).not.toMatch(/variables|saved_model\.pb: no/);
    expect(r.stderr).toMatch(/^kerascope: .*keras3_export\/saved_model\.pb: not a Keras model: a TensorFlow SavedModel without Keras metadata, an inference export/);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.code).toBe(3);
    const two = await run(['audit', '--json', join(FIX, 'savedmodel/folders/tfk26_lambda'), join(FIX, 'savedmodel/folders/tfk26_lstm')]);
    expect((JSON.parse(two.stdout) as Json[]).map((e) => [e.file.replace(`${FIX}/`, ''), e.findings.length])).toEqual([
      ['savedmodel/folders/tfk26_lambda', 1],
      ['savedmodel/folders/tfk26_lstm', 0],
    ]);
    expect(two.code).toBe(1);
  });

  it('a KerasHub preset folder is one row (its weights read with it), its tokenizer and task configs not models on their own', async () => {
    const dir = join(FIX, 'keras-hub/presets/bert_tiny');
    const r = await run(['audit', dir]);
    expect(r.stdout).toBe(`${dir}/config.json: no security findings\n(4 other files found by the walk are not models on their own; --json says why)\n`);
    expect(r.code).toBe(0);
  });

  it('a glob; a folder with data JSON, a .h5.gz and a symlink out of it: the link named "not audited", the rest in --json', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'reach-')), 'models');
    mkdirSync(dir);
    writeFileSync(join(dir, 'truth.json'), '{"counts": [1, 2]}');
    writeFileSync(join(dir, 'model.h5.gz'), gzipSync(readFileSync(join(FIX, 'keras2-lambda/carnd-crop.h5'))));
    symlinkSync(`${MODEL}.keras`, join(dir, 'outside.keras'));
    const r = await run(['audit', dir]);
    expect(r.stdout).toMatch(new RegExp(`^${dir}/model\\.h5\\.gz: 2 security findings\\n {2}high +lambda-layer`));
    expect(r.stdout).toContain(`\n${dir}/outside.keras: not audited: symlink to ${MODEL}.keras, outside ${dir}: not followed\n(1 other file found by the walk is not a model on its own; --json says why)\n`);
    expect(r.code).toBe(1);
    const j = JSON.parse((await run(['audit', '--json', dir])).stdout) as { file: string; skipped?: { reason: string } }[];
    expect(j.map((e) => [e.file.slice(dir.length + 1), e.skipped?.reason ?? 'audited'])).toEqual([
      ['model.h5.gz', 'audited'],
      ['outside.keras', 'link-outside'],
      ['truth.json', 'not-a-model'],
    ]);
    expect(schemaErrors('audit', j)).toBe('');
    // A glob matches files, as in check: a SavedModel's saved_model.pb stands for its folder.
    const glob = await run(['audit', `${FIX}/savedmodel/folders/tfk26_l*/*.pb`]);
    expect(glob.stdout.match(/^\S+: /gm)).toEqual([`${FIX}/savedmodel/folders/tfk26_lambda: `, `${FIX}/savedmodel/folders/tfk26_lstm: `]);
  });
});

/** Every path under `d`. */
const everything = (d: string): string[] => readdirSync(d, { recursive: true }) as string[];

/** The CLI from the sources in a child process, its signal handling installed as bin/kerascope.js does, its TMPDIR private. */
function child(argv: string[], tmp: string) {
  const code = "const m = await import('./src/cli/main.ts'); m.cleanUpOnSignals(); process.exitCode = await m.main(process.argv.slice(1));";
  const p = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code, ...argv], { cwd: ROOT, env: { ...process.env, TMPDIR: tmp, NO_COLOR: '1' }, stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  p.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
  p.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
  const ended = new Promise<{ code: number | null; stdout: string; stderr: string }>((res) => p.on('close', (c) => res({ code: c, stdout, stderr })));
  return { p, ended };
}

describe('the temporary file standard input is kept in (a child process, its own TMPDIR)', () => {
  const base = mkdtempSync(join(tmpdir(), 'reach-child-'));

  it('is gone when the run ends, and the piped .h5 reads as Keras counts it', async () => {
    const tmp = join(base, 'normal');
    mkdirSync(tmp);
    const { p, ended } = child(['-', '--json'], tmp);
    p.stdin.end(readFileSync(`${MODEL}.h5`));
    const r = await ended;
    expect(r.code).toBe(0);
    expect((JSON.parse(r.stdout) as Json).totals.params).toBe(TRUTH.total_params);
    expect(everything(tmp).filter((f) => !f.startsWith('tsx-'))).toEqual([]);
  });

  it.each(['SIGINT', 'SIGTERM'] as const)('is gone when %s stops the run while the stream is still coming', async (signal) => {
    const tmp = join(base, signal);
    mkdirSync(tmp);
    const { p, ended } = child(['-'], tmp);
    let done = false;
    void ended.then(() => (done = true));
    p.stdin.write(readFileSync(`${MODEL}.h5`).subarray(0, 4096)); // and the pipe stays open
    // Wait for the stream's temporary file (kerascope-XXXXXX/stream) to hold what was sent.
    const stream = () => everything(tmp).find((f) => /^kerascope-\w{6}\/stream$/.test(f));
    while (!done && !(stream() && readFileSync(join(tmp, stream()!)).length === 4096)) await sleep(10);
    expect(done).toBe(false);
    p.kill(signal);
    const r = await ended;
    expect([r.code, r.stderr]).toEqual([SIGNAL_EXIT[signal], '']);
    expect(everything(tmp).filter((f) => !f.startsWith('tsx-'))).toEqual([]);
  });
});
