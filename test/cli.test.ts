import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { RuleError } from '../src/layers/types.js';
import { UsageError } from '../src/errors.js';
import { run } from './cli-harness.js';
import { finding, seedLstmMismatch, seedLstmReport } from './report-fixtures.js';

const good = seedLstmReport();
const bad = seedLstmMismatch();
const ANSI = /\u001b\[/;

function withSecurity(severity: 'critical' | 'high' | 'medium' | 'low' | 'info') {
  return seedLstmReport({ findings: [finding(severity, 'lambda-layer', 'security', 'lambda', 'Lambda layer: code object <lambda> from /home/u/train.py')] });
}

describe('kerascope FILE', () => {
  it('prints the table and exits 0 for a consistent file', async () => {
    const r = await run(['seed.h5'], { 'seed.h5': good });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Model: "sequential_5"');
    expect(r.stdout).toContain('Total params: 2,217 (8.66 KB)');
    expect(r.stderr).toBe('');
  });

  it('exits 1 when the file disagrees with itself', async () => {
    const r = await run(['bad.h5'], { 'bad.h5': bad });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('MISMATCH');
  });

  it('--json prints the report object itself', async () => {
    const r = await run(['seed.h5', '--json'], { 'seed.h5': good });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ ...good, file: 'seed.h5' });
  });

  it('passes --weights, --config and --expand to analyze', async () => {
    const r = await run(['arch.json', '--weights', 'w.h5', '--config', 'c.json', '--expand'], { 'arch.json': good });
    expect(r.calls[0]).toEqual({ file: 'arch.json', opts: { weights: 'w.h5', config: 'c.json', expand: true } });
  });

  it('also answers to the explicit analyze command', async () => {
    const r = await run(['analyze', 'seed.h5'], { 'seed.h5': good });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Verdict: consistent');
  });
});

describe('--fail-on', () => {
  it('defaults to high: a high finding exits 1, a medium one 0', async () => {
    expect((await run(['m.keras'], { 'm.keras': withSecurity('high') })).code).toBe(1);
    expect((await run(['m.keras'], { 'm.keras': withSecurity('critical') })).code).toBe(1);
    expect((await run(['m.keras'], { 'm.keras': withSecurity('medium') })).code).toBe(0);
  });

  it('moves the threshold, and none never fails on security', async () => {
    expect((await run(['m.keras', '--fail-on', 'medium'], { 'm.keras': withSecurity('medium') })).code).toBe(1);
    expect((await run(['m.keras', '--fail-on', 'low'], { 'm.keras': withSecurity('info') })).code).toBe(0);
    expect((await run(['m.keras', '--fail-on', 'info'], { 'm.keras': withSecurity('info') })).code).toBe(1);
    expect((await run(['m.keras', '--fail-on', 'none'], { 'm.keras': withSecurity('critical') })).code).toBe(0);
    expect((await run(['m.keras', '--fail-on', 'critical'], { 'm.keras': withSecurity('high') })).code).toBe(0);
  });

  it('never hides a consistency error', async () => {
    expect((await run(['bad.h5', '--fail-on', 'none'], { 'bad.h5': bad })).code).toBe(1);
  });

  it('refuses an unknown severity with exit 2', async () => {
    const r = await run(['m.keras', '--fail-on', 'severe'], { 'm.keras': good });
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^kerascope: .*severe/);
  });
});

describe('errors: one line, the documented exit code', () => {
  it('unreadable file → exit 3, `kerascope: FILE: message`, no stack', async () => {
    const r = await run(['junk.bin'], {});
    expect(r.code).toBe(3);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe('kerascope: junk.bin: not an HDF5 file, a zip archive or JSON\n');
  });

  it('--debug adds the stack trace', async () => {
    const r = await run(['junk.bin', '--debug'], {});
    expect(r.code).toBe(3);
    expect(r.stderr.split('\n')[0]).toBe('kerascope: junk.bin: not an HDF5 file, a zip archive or JSON');
    expect(r.stderr).toMatch(/\n\s+at /);
  });

  it('a bug is exit 4 with one line, not a stack trace', async () => {
    const r = await run(['x.h5'], { 'x.h5': new RuleError('config has no units\nsecond line') });
    expect(r.code).toBe(4);
    expect(r.stderr).toBe('kerascope: x.h5: internal error: config has no units (a bug in kerascope: please report it; --debug shows where)\n');
  });

  it('a usage error from analyze (a missing --weights file) is exit 2', async () => {
    const r = await run(['a.json', '--weights', 'nope.h5'], { 'a.json': new UsageError('--weights nope.h5: no such file') });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('kerascope: a.json: --weights nope.h5: no such file\n');
  });

  it('no arguments → help on stderr, exit 2', async () => {
    const r = await run([], {});
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('Usage: kerascope');
  });

  it('an unknown option → exit 2 and one line', async () => {
    const r = await run(['seed.h5', '--jsn'], { 'seed.h5': good });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe("kerascope: unknown option '--jsn' (see kerascope --help)\n");
    expect(r.calls).toHaveLength(0);
  });
});

describe('--help and --version', () => {
  it('documents the four examples of the issue and every exit code', async () => {
    const r = await run(['--help'], {});
    expect(r.code).toBe(0);
    for (const example of ['npx kerascope model.h5', 'kerascope model.keras --json', 'kerascope explain model.h5 lstm_5', 'kerascope arch.json --weights weights.h5']) {
      expect(r.stdout).toContain(example);
    }
    for (const code of ['0  consistent', '1  the file disagrees', '2  usage error', '3  unreadable or unsupported file']) expect(r.stdout).toContain(code);
    expect(r.stdout).toContain('default: high');
    expect(r.stdout).toContain('NO_COLOR');
  });

  it('prints the package version', async () => {
    const r = await run(['--version'], {});
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('each command has its own help', async () => {
    const r = await run(['check', '--help'], {});
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Usage: kerascope check');
  });
});

describe('colour', () => {
  it('is off when stdout is not a terminal', async () => {
    expect((await run(['bad.h5'], { 'bad.h5': bad }, { isTTY: false })).stdout).not.toMatch(ANSI);
  });

  it('is on for a terminal', async () => {
    expect((await run(['bad.h5'], { 'bad.h5': bad }, { isTTY: true })).stdout).toMatch(ANSI);
  });

  it('is off on a terminal when NO_COLOR is set', async () => {
    expect((await run(['bad.h5'], { 'bad.h5': bad }, { isTTY: true, env: { NO_COLOR: '1' } })).stdout).not.toMatch(ANSI);
  });

  it('never colours --json', async () => {
    expect((await run(['bad.h5', '--json'], { 'bad.h5': bad }, { isTTY: true })).stdout).not.toMatch(ANSI);
  });
});

describe('kerascope explain', () => {
  it('gives the LSTM formula and each tensor with this model\'s numbers', async () => {
    const r = await run(['explain', 'seed.h5', 'lstm_5'], { 'seed.h5': good });
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toBe('lstm_5 (LSTM): 4 gates × 17 units × (13 inputs + 17 recurrent + 1 bias) = 2,108');
    expect(lines[1]).toMatch(/^\s+kernel\s+\(13, 68\): 13 inputs × 4 gates·17 units — stored ok$/);
    expect(r.calls[0]!.opts.expand).toBe(true);
  });

  it('an unknown layer is a usage error naming the near ones', async () => {
    const r = await run(['explain', 'seed.h5', 'lstm5'], { 'seed.h5': good });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('kerascope: seed.h5: no layer named lstm5; did you mean lstm_5?\n');
  });

  it('an unreadable file is exit 3', async () => {
    expect((await run(['explain', 'junk.bin'], {})).code).toBe(3);
  });

  it('--json gives the chosen layers with their paths', async () => {
    const r = await run(['explain', '--json', 'seed.h5', 'dense_29', 'lstm_5'], { 'seed.h5': good });
    const out = JSON.parse(r.stdout) as { path: string; formula: string; weights: { name: string }[] }[];
    expect(out.map((l) => l.path)).toEqual(['dense_29', 'lstm_5']);
    expect(out[1]!.formula).toBe('4 gates × 17 units × (13 inputs + 17 recurrent + 1 bias) = 2,108');
    expect(out[1]!.weights.map((w) => w.name)).toEqual(['kernel', 'recurrent_kernel', 'bias']);
  });

  it('exits 0 once explained, even for an inconsistent file (no --fail-on here)', async () => {
    expect((await run(['explain', 'bad.h5'], { 'bad.h5': bad })).code).toBe(0);
    expect((await run(['explain', 'bad.h5', '--fail-on', 'high'], { 'bad.h5': bad })).code).toBe(2);
  });
});

describe('kerascope audit', () => {
  const mixed = seedLstmReport({
    findings: [
      finding('error', 'weight-shape-mismatch', 'consistency', 'dense_29', 'dense_29/kernel: expected (17, 1), stored (17, 2)'),
      finding('medium', 'custom-object', 'security', 'mylayer', 'custom class MyLayer from package my_pkg'),
    ],
  });

  it('lists security findings only, and exits by --fail-on', async () => {
    const r = await run(['audit', 'a.keras'], { 'a.keras': mixed });
    expect(r.stdout).toContain('a.keras: 1 security finding');
    expect(r.stdout).toMatch(/medium\s+custom-object {2}mylayer: custom class MyLayer from package my_pkg/);
    expect(r.stdout).not.toContain('weight-shape-mismatch');
    expect(r.code).toBe(0);
    expect((await run(['audit', '--fail-on', 'medium', 'a.keras'], { 'a.keras': mixed })).code).toBe(1);
  });

  it('takes several files; an unreadable one gives its line and the worst exit code', async () => {
    const r = await run(['audit', 'a.keras', 'junk.bin', 'b.h5'], { 'a.keras': withSecurity('critical'), 'b.h5': good });
    expect(r.code).toBe(3);
    expect(r.stdout).toContain('b.h5: no security findings');
    expect(r.stderr).toBe('kerascope: junk.bin: not an HDF5 file, a zip archive or JSON\n');
  });

  it('--json gives one entry per file', async () => {
    const r = await run(['audit', '--json', 'a.keras', 'junk.bin'], { 'a.keras': mixed });
    const out = JSON.parse(r.stdout) as { file: string; findings?: unknown[]; error?: { exitCode: number } }[];
    expect(out.map((e) => e.file)).toEqual(['a.keras', 'junk.bin']);
    expect(out[0]!.findings).toHaveLength(1);
    expect(out[1]!.error!.exitCode).toBe(3);
  });
});

describe('kerascope layers', () => {
  it('prints the registry table', async () => {
    const r = await run(['layers'], {});
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('Dense (core): kernel (inputs, units) + bias (units)\n');
  });
});

describe('kerascope check (batch)', () => {
  const made: string[] = [];
  afterAll(() => made.forEach((d) => rmSync(d, { recursive: true, force: true })));
  function folder(): string {
    const dir = mkdtempSync(join(tmpdir(), 'kerascope-check-'));
    made.push(dir);
    mkdirSync(join(dir, 'sub', 'deeper'), { recursive: true });
    for (const f of ['a.h5', 'sub/bad.keras', 'sub/deeper/c.h5', 'notes.txt', 'shards.weights.json']) writeFileSync(join(dir, f), 'x');
    // A JSON that looks like a model (and is broken), and one that is not a model at all.
    writeFileSync(join(dir, 'sub/junk.json'), '{"class_name": "Sequential", "config": ');
    writeFileSync(join(dir, 'sub/vocab.json'), '{"the": 1, "cat": 2}');
    return dir;
  }
  const served = { 'a.h5': good, 'bad.keras': bad, 'c.h5': good };

  it('walks folders recursively (model files only), keeps going past a bad file, and exits with the worst code', async () => {
    const dir = folder();
    const r = await run(['check', dir], served);
    expect(r.calls.map((c) => c.file.slice(dir.length + 1)).sort()).toEqual(['a.h5', 'sub/bad.keras', 'sub/deeper/c.h5', 'sub/junk.json']);
    expect(r.code).toBe(3);
    expect(r.stdout).toMatch(/a\.h5 +│ h5-model +│ +4 │ +2,217 │ consistent/);
    expect(r.stdout).toMatch(/junk\.json +│ - +│ +- │ +- │ unreadable +│ not an HDF5 file, a zip archive or JSON/);
    expect(r.stdout).toMatch(/c\.h5 +│ h5-model +│ +4 │ +2,217 │ consistent/);
    expect(r.stdout).toMatch(/bad\.keras .*│ inconsistent +│ 1 error, 1 info/);
    expect(r.stdout).toContain('4 files: 2 consistent, 1 inconsistent, 1 unreadable');
  });

  it('exits 1 when the worst file is inconsistent, 0 when all are consistent', async () => {
    const dir = folder();
    expect((await run(['check', join(dir, 'a.h5'), join(dir, 'sub/bad.keras')], served)).code).toBe(1);
    expect((await run(['check', join(dir, 'a.h5'), join(dir, 'sub/deeper/c.h5')], served)).code).toBe(0);
  });

  it('expands globs, checks a file once, and reports a path that gives nothing', async () => {
    const dir = folder();
    const r = await run(['check', `${dir}/**/*.h5`, join(dir, 'a.h5'), join(dir, 'missing.h5'), `${dir}/*.nothing`], served);
    expect(r.calls.map((c) => c.file).sort()).toEqual([join(dir, 'a.h5'), join(dir, 'sub/deeper/c.h5')]);
    expect(r.stdout).toContain('no such file or directory');
    expect(r.stdout).toContain('no file matches this pattern');
    expect(r.code).toBe(3);
  });

  it('keeps the order the paths were given, a missing one in its place', async () => {
    const dir = folder();
    const r = await run(['check', '--json', join(dir, 'sub/deeper/c.h5'), join(dir, 'missing.h5'), join(dir, 'a.h5')], served);
    const files = (JSON.parse(r.stdout) as { file: string }[]).map((e) => e.file.slice(dir.length + 1));
    expect(files).toEqual(['sub/deeper/c.h5', 'missing.h5', 'a.h5']);
  });

  it('--json gives one entry per file: reports, errors for the unreadable, then what the walk skipped', async () => {
    const dir = folder();
    const r = await run(['check', '--json', dir], served);
    const out = JSON.parse(r.stdout) as { file: string; schemaVersion: number; verdict?: string; error?: { exitCode: number; message: string }; skipped?: object }[];
    expect(out).toHaveLength(5);
    expect(out[4]).toEqual({ schemaVersion: 1, file: join(dir, 'sub/vocab.json'), skipped: { reason: 'not-a-model', message: 'JSON that is not a Keras or TensorFlow.js model' } });
    expect(out.every((e) => e.schemaVersion === 1)).toBe(true);
    const junk = out.find((e) => e.file.endsWith('junk.json'))!;
    expect(junk.error).toEqual({ exitCode: 3, message: 'not an HDF5 file, a zip archive or JSON' });
    expect(out.find((e) => e.file.endsWith('a.h5'))!.verdict).toBe('consistent');
  });

  it('a crash in one file does not poison the next (exit 4 is the worst)', async () => {
    const dir = folder();
    const r = await run(['check', '--jobs', '1', dir], { ...served, 'a.h5': new TypeError('boom') });
    expect(r.stdout).toMatch(/a\.h5 .*│ failed +│ internal error: boom/);
    expect(r.stdout).toMatch(/c\.h5 .*│ consistent/);
    expect(r.code).toBe(4);
  });

  it('draws a progress bar only when stderr is a terminal', async () => {
    const dir = folder();
    expect((await run(['check', dir], served)).stderr).toBe('');
    const tty = await run(['check', dir], served, { stderrTTY: true });
    expect(tty.stderr).toContain('checking');
  });
});
