// `kerascope check DIR` walks only the folder it was given (issue 10 item 5, issue 9 items 8 and 9):
// real symlinks (to `/`, to a sibling tree, loops) in temp folders, one row per real file, a
// weights file read with its architecture not listed again, data JSON skipped with a count, and
// the walk's bounds (entries, depth, time) reached with small limits and an injected clock.
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { NotAModelError } from '../src/errors.js';
import { expandPaths, WALK_LIMITS } from '../src/cli/paths.js';
import { jsonKind } from '../src/cli/sniff.js';
import { run } from './cli-harness.js';
import { seedLstmReport } from './report-fixtures.js';

const made: string[] = [];
afterAll(() => made.forEach((d) => rmSync(d, { recursive: true, force: true })));

function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'kerascope-paths-'));
  made.push(d);
  return d;
}

function files(root: string, names: string[], text = 'x'): void {
  for (const n of names) {
    mkdirSync(join(root, n, '..'), { recursive: true });
    writeFileSync(join(root, n), text);
  }
}

const good = seedLstmReport();
const rel = (dir: string) => (p: string) => p.slice(dir.length + 1);

describe('symlinks in a folder walk', () => {
  it('a link to / is not followed: skipped, named with its target', async () => {
    const dir = tempDir();
    files(dir, ['models/a.h5']);
    symlinkSync('/', join(dir, 'models', 'root'));
    const { entries, skipped } = await expandPaths([join(dir, 'models')]);
    expect(entries.map((e) => rel(dir)(e.path))).toEqual(['models/a.h5']);
    expect(skipped).toEqual([{ path: join(dir, 'models', 'root'), why: 'link-outside', detail: `symlink to /, outside ${join(dir, 'models')}: not followed` }]);
  });

  it('a link to a sibling tree (a folder or one file) is not followed; its model is never opened', async () => {
    const dir = tempDir();
    files(dir, ['models/a.h5', 'other/secret.h5', 'other/deep/x.keras']);
    symlinkSync(join(dir, 'other'), join(dir, 'models', 'tree'));
    symlinkSync(join(dir, 'other', 'secret.h5'), join(dir, 'models', 'secret.h5'));
    const r = await run(['check', join(dir, 'models')], { 'a.h5': good, 'secret.h5': good, 'x.keras': good });
    expect(r.calls.map((c) => rel(dir)(c.file))).toEqual(['models/a.h5']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Skipped 2 paths found by the walk (not checked):');
    expect(r.stdout).toContain(`secret.h5: symlink to ${join(dir, 'other', 'secret.h5')}, outside ${join(dir, 'models')}: not followed`);
  });

  it('loops (a link to the folder itself, to a parent inside it) add nothing: one file, one row', async () => {
    const dir = tempDir();
    files(dir, ['a.h5', 'sub/b.h5', 'sub/deeper/c.h5']);
    symlinkSync('..', join(dir, 'sub', 'up'));
    symlinkSync(dir, join(dir, 'sub', 'deeper', 'top'));
    symlinkSync('self', join(dir, 'self')); // a link to itself: ELOOP
    const { entries, skipped } = await expandPaths([dir]);
    expect(entries.map((e) => rel(dir)(e.path))).toEqual(['a.h5', 'sub/b.h5', 'sub/deeper/c.h5']);
    expect(skipped).toEqual([{ path: join(dir, 'self'), why: 'broken-link', detail: 'broken symlink: a symlink loop' }]);
  });

  it('a link inside the folder to a file or folder inside it: the file is checked once, under its own path', async () => {
    const dir = tempDir();
    files(dir, ['z/real.h5']);
    symlinkSync(join(dir, 'z', 'real.h5'), join(dir, 'a-link.h5'));
    symlinkSync(join(dir, 'z'), join(dir, 'b-folder-link'));
    symlinkSync('nowhere.h5', join(dir, 'broken.h5'));
    const { entries, skipped } = await expandPaths([dir, join(dir, 'z', 'real.h5'), join(dir, 'z', '..', 'z', 'real.h5')]);
    expect(entries.map((e) => rel(dir)(e.path))).toEqual(['z/real.h5']);
    expect(skipped.map((s) => [rel(dir)(s.path), s.why])).toEqual([['broken.h5', 'broken-link']]);
  });

  it('the folder given may itself be a link; "inside" is inside its target', async () => {
    const dir = tempDir();
    files(dir, ['real/m.h5', 'real/sub/n.h5']);
    symlinkSync(join(dir, 'real'), join(dir, 'given'));
    const { entries } = await expandPaths([join(dir, 'given')]);
    expect(entries.map((e) => rel(dir)(e.path))).toEqual(['given/m.h5', 'given/sub/n.h5']);
  });

  it('globs walk the same way: a ** through a link to / stays in its base folder', async () => {
    const dir = tempDir();
    files(dir, ['m/a.h5', 'm/sub/b.h5', 'm/sub/c.keras']);
    symlinkSync('/', join(dir, 'm', 'root'));
    const { entries, skipped } = await expandPaths([`${dir}/m/**/*.h5`, `${dir}/m/*.keras`]);
    expect(entries.map((e) => rel(dir)(e.path))).toEqual(['m/a.h5', 'm/sub/b.h5', `m/*.keras`]);
    expect(entries[2]!.problem).toBe('no file matches this pattern (1 skipped)');
    expect(skipped.map((s) => s.why)).toEqual(['link-outside', 'link-outside']);
  });

  it('a FIFO named like a model is skipped as not a regular file, never opened', async () => {
    const dir = tempDir();
    files(dir, ['a.h5']);
    execFileSync('mkfifo', [join(dir, 'pipe.h5')]);
    const r = await run(['check', dir], { 'a.h5': good });
    expect(r.calls.map((c) => rel(dir)(c.file))).toEqual(['a.h5']);
    expect(r.stdout).toContain('pipe.h5: not a regular file (a FIFO, socket or device)');
  });
});

describe('the walk is bounded', () => {
  it('stops after WALK_LIMITS.entries entries, and the run fails (exit 3)', async () => {
    const dir = tempDir();
    files(dir, Array.from({ length: 10 }, (_, i) => `m${i}.h5`));
    const { entries } = await expandPaths([dir], { limits: { ...WALK_LIMITS, entries: 4 } });
    expect(entries.filter((e) => !e.problem)).toHaveLength(4);
    expect(entries.find((e) => e.problem)).toEqual({ path: dir, problem: 'walk stopped after 4 entries (the limit); files beyond were not checked' });
  });

  it('does not go deeper than WALK_LIMITS.depth folders', async () => {
    const dir = tempDir();
    files(dir, ['a.h5', 'l1/b.h5', 'l1/l2/c.h5', 'l1/l2/l3/d.h5']);
    const { entries } = await expandPaths([dir], { limits: { ...WALK_LIMITS, depth: 2 } });
    expect(entries.filter((e) => !e.problem).map((e) => rel(dir)(e.path))).toEqual(['a.h5', 'l1/b.h5', 'l1/l2/c.h5']);
    expect(entries.find((e) => e.problem)!.problem).toBe('folders more than 2 levels deep were not walked (the limit)');
  });

  it('stops when its time is up (an injected clock: no test waits)', async () => {
    const dir = tempDir();
    files(dir, ['a.h5', 'b.h5', 'c.h5']);
    let t = 0;
    const { entries } = await expandPaths([dir], { limits: { ...WALK_LIMITS, ms: 1500 }, now: () => (t += 1000) });
    expect(entries.filter((e) => !e.problem)).toHaveLength(1);
    expect(entries.find((e) => e.problem)!.problem).toBe('walk stopped after 1.5 s (the limit); files beyond were not checked');
  });

  it('documents its numbers in the README', async () => {
    const { readFileSync } = await import('node:fs');
    const readme = readFileSync(join(__dirname, '..', 'README.md'), 'utf8');
    expect(readme).toContain(`${WALK_LIMITS.entries.toLocaleString('en-US')} entries`);
    expect(readme).toContain(`${WALK_LIMITS.depth} folders deep`);
    expect(readme).toContain(`${WALK_LIMITS.ms / 1000} s`);
  });
});

describe('JSON that is not a model', () => {
  it('jsonKind: only top-level keys name a model', () => {
    expect(jsonKind('[{"slug": "x", "class_name": "Dense"}]', true)).toBe('data'); // keras3-zoo truth.json
    expect(jsonKind('{"classes": 143, "aliases": {"x": {"class_name": "Dense"}}}', true)).toBe('data');
    expect(jsonKind('{"the": 1, "cat": 2}', true)).toBe('data');
    expect(jsonKind('', true)).toBe('data');
    expect(jsonKind('\ufeff {"module": "keras", "class_name": "Functional", "config": {}}', true)).toBe('model');
    expect(jsonKind('{"format": "layers-model", "modelTopology": {}}', true)).toBe('model');
    expect(jsonKind('{"a": "class_name", "b": {"class_name": 1}, "weightsManifest": []}', true)).toBe('model');
    expect(jsonKind('{"a\\"class_name": 1}', true)).toBe('data'); // an escaped quote is not the end of a key
    expect(jsonKind('{"big": [1, 2, 3', false)).toBe('unknown'); // the reader decides past the first read
    expect(jsonKind('"{\\"class_name\\": ...}"', true)).toBe('unknown'); // a double-encoded config
  });

  it('a folder walk skips them with a count; named on the command line, the file gets its one-line error', async () => {
    const dir = tempDir();
    files(dir, ['a.h5']);
    writeFileSync(join(dir, 'truth.json'), '[{"slug": "dz_dense", "layers": [{"class_name": "Dense"}]}]');
    writeFileSync(join(dir, 'coverage.json'), '{"classes": 143, "aliases": {"Conv1D": ["Conv1D"]}}');
    const walked = await run(['check', dir], { 'a.h5': good });
    expect(walked.code).toBe(0);
    expect(walked.calls.map((c) => rel(dir)(c.file))).toEqual(['a.h5']);
    expect(walked.stdout).toContain('1 file: 1 consistent\nSkipped 2 paths found by the walk (not checked):\n  coverage.json: JSON that is not a Keras or TensorFlow.js model\n  truth.json: JSON');
    const named = await run(['check', join(dir, 'truth.json')]);
    expect(named.code).toBe(3);
    expect(named.stdout).toMatch(/truth\.json .*│ unreadable/);
  });

  it('a file the reader calls no model (NotAModelError) is skipped when walked, an error when named', async () => {
    const dir = tempDir();
    files(dir, ['a.h5', 'tokenizer.json'], '{"class_name": "Tokenizer", "config": {}}');
    const served = { 'a.h5': good, 'tokenizer.json': new NotAModelError('tokenizer.json', 'not a Keras model: a Keras Tokenizer') };
    const walked = await run(['check', '--json', dir], served);
    expect(walked.code).toBe(0);
    expect(JSON.parse(walked.stdout)[1]).toEqual({ schemaVersion: 1, file: join(dir, 'tokenizer.json'), skipped: { reason: 'not-a-model', message: 'not a Keras model: a Keras Tokenizer' } });
    const named = await run(['check', join(dir, 'tokenizer.json')], served);
    expect(named.code).toBe(3);
  });
});

describe('a weights file read with its architecture', () => {
  const MODELS = join(__dirname, '..', 'fixtures', 'keras', 'models');

  it('is not listed again as unverified: one row, architecture + weights', async () => {
    const dir = tempDir();
    for (const f of ['dense_use_bias_false.json', 'dense_use_bias_false.weights.h5']) copyFileSync(join(MODELS, f), join(dir, f));
    const r = await run(['check', dir]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/dense_use_bias_false\.json \+ dense_use_bias_false\.weights\.h5 │ keras-json +│ .*│ consistent/);
    expect(r.stdout).toContain('1 file: 1 consistent');
  });

  it('folds the weights file into the pair, its own security findings carried by the pair (named by the weights file)', async () => {
    const dir = tempDir();
    copyFileSync(join(__dirname, '..', 'fixtures', 'seed', 'mlp-binary.json'), join(dir, 'm.json'));
    copyFileSync(join(__dirname, '..', 'fixtures', 'audit', 'h5-external-dataset.weights.h5'), join(dir, 'm.h5'));
    const r = await run(['check', '--json', dir]);
    const out = JSON.parse(r.stdout) as { file: string; weightsFile: string | null; findings: { code: string; message: string }[] }[];
    expect(out.map((e) => rel(dir)(e.file))).toEqual(['m.json']);
    const ext = out[0]!.findings.filter((f) => f.code === 'h5-external-dataset');
    expect(ext.length).toBeGreaterThan(0);
    expect(ext[0]!.message.startsWith('m.h5: ')).toBe(true);
  });
});
