// The composite GitHub Action (action.yml, issue 13), its steps run here as a runner runs them:
// each `run` step in bash with its `env` (inputs substituted), GITHUB_ACTION_PATH at this repo,
// GITHUB_OUTPUT and GITHUB_STEP_SUMMARY as files; `uses` steps (setup-node, upload-sarif) are not
// run, their `if` is evaluated. Also the pre-commit hook definitions.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { runChild } from './helpers/child.js';

const root = resolve(import.meta.dirname, '..');
const tmp = mkdtempSync(join(tmpdir(), 'kerascope-action-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

interface Step { name?: string; id?: string; uses?: string; run?: string; if?: string; env?: Record<string, string>; with?: Record<string, unknown>; shell?: string }
const action = parse(readFileSync(join(root, 'action.yml'), 'utf8')) as { inputs: Record<string, { default?: string }>; runs: { using: string; steps: Step[] } };

type Inputs = Record<string, string>;

/** `${{ inputs.x }}`, `${{ steps.id.outputs.y }}`: the only expressions the action's env and `with` use. */
function expand(text: string, inputs: Inputs, outputs: Record<string, Record<string, string>>): string {
  return text.replace(/\$\{\{\s*([^}]+?)\s*\}\}/g, (_, expr: string) => {
    let m = /^inputs\.([\w-]+)$/.exec(expr);
    if (m) return inputs[m[1]!] ?? action.inputs[m[1]!]?.default ?? '';
    m = /^steps\.([\w-]+)\.outputs\.([\w-]+)$/.exec(expr);
    if (m) return outputs[m[1]!]?.[m[2]!] ?? '';
    throw new Error(`expression the test does not know: ${expr}`);
  });
}

/** `inputs.a == 'x' && inputs.b == 'y'`, as the upload step's `if` is written. */
function condition(expr: string, inputs: Inputs): boolean {
  const body = expr.replace(/^\$\{\{\s*|\s*\}\}$/g, '');
  return body.split('&&').every((part) => {
    const m = /^\s*inputs\.([\w-]+)\s*==\s*'([^']*)'\s*$/.exec(part);
    if (!m) throw new Error(`condition the test does not know: ${part}`);
    return (inputs[m[1]!] ?? action.inputs[m[1]!]?.default ?? '') === m[2];
  });
}

interface ActionRun { code: number; outputs: Record<string, string>; summary: string; log: string; skipped: string[]; uploads: boolean }

async function runAction(inputs: Inputs): Promise<ActionRun> {
  const dir = mkdtempSync(join(tmp, 'run-'));
  const outFile = join(dir, 'output');
  const summary = join(dir, 'summary.md');
  writeFileSync(outFile, '');
  writeFileSync(summary, '');
  const outputs: Record<string, Record<string, string>> = {};
  const res: ActionRun = { code: 0, outputs: {}, summary: '', log: '', skipped: [], uploads: false };
  for (const step of action.runs.steps) {
    if (step.uses) {
      res.skipped.push(step.uses);
      if (step.uses.startsWith('github/codeql-action/upload-sarif')) res.uploads = condition(step.if!, inputs);
      continue;
    }
    expect(step.shell).toBe('bash');
    writeFileSync(outFile, '');
    const env: NodeJS.ProcessEnv = { ...process.env, GITHUB_ACTION_PATH: root, GITHUB_OUTPUT: outFile, GITHUB_STEP_SUMMARY: summary, NO_COLOR: '1' };
    for (const [k, v] of Object.entries(step.env ?? {})) env[k] = expand(String(v), inputs, outputs);
    const r = await runChild('bash', ['-e', '-c', step.run!], { cwd: root, env });
    res.log += r.stdout + r.stderr;
    const produced = Object.fromEntries(readFileSync(outFile, 'utf8').split('\n').filter(Boolean).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
    if (step.id) outputs[step.id] = produced;
    if (step.id === 'check') res.outputs = produced;
    res.code = r.status ?? -1;
    if (res.code !== 0) break;
  }
  res.summary = readFileSync(summary, 'utf8');
  return res;
}

describe('action.yml', () => {
  it('is a composite action: setup-node, install, check, upload (when asked), exit', () => {
    expect(action.runs.using).toBe('composite');
    expect(action.runs.steps.map((s) => s.uses ?? s.id ?? s.name)).toEqual(['actions/setup-node@v4', 'Install kerascope', 'check', 'github/codeql-action/upload-sarif@v3', "Exit with kerascope's code"]);
    // Inputs reach scripts only through env: no expression inside a script.
    for (const s of action.runs.steps) if (s.run) expect(s.run).not.toContain('${{');
    expect(existsSync(join(root, 'dist', 'index.js')), 'the install step finds the build it skips').toBe(true);
  });

  it('consistent files: exit 0, a SARIF report with no results, a Markdown summary, the upload asked for', async () => {
    const report = join(tmp, 'ok.sarif');
    const r = await runAction({ paths: 'fixtures/diff/base.keras\nfixtures/diff/base.h5', report, 'upload-sarif': 'true' });
    expect(r.code, r.log).toBe(0);
    expect(r.outputs).toEqual({ 'exit-code': '0', report });
    const log = JSON.parse(readFileSync(report, 'utf8')) as { version: string; runs: { results: unknown[] }[] };
    expect(log.version).toBe('2.1.0');
    expect(log.runs[0]!.results).toEqual([]);
    expect(r.summary).toContain('## kerascope check');
    expect(r.summary).toContain('2 files: 2 consistent');
    expect(r.uploads).toBe(true);
    expect(r.log).toContain('2 files: 2 consistent'); // the table in the job log
  });

  it('drift from a baseline: the job fails with exit 1 after writing the JUnit report; no upload for junit', async () => {
    const report = join(tmp, 'drift.xml');
    const r = await runAction({ paths: 'fixtures/diff/units.keras', format: 'junit', report, baseline: 'fixtures/diff/base.kerascope.json', 'upload-sarif': 'true', args: '--expect max-params=10M' });
    expect(r.code).toBe(1);
    expect(r.outputs['exit-code']).toBe('1');
    expect(readFileSync(report, 'utf8')).toContain('hidden: units 64 → 32');
    expect(r.uploads).toBe(false);
  });

  it('a path cannot inject shell: it reaches kerascope as one argument', async () => {
    const marker = join(tmp, 'pwned');
    const r = await runAction({ paths: `fixtures/diff/base.keras;touch${'${IFS}'}${marker}`, report: join(tmp, 'x.sarif'), summary: 'false' });
    expect(existsSync(marker)).toBe(false);
    expect(r.code).toBe(3); // "fixtures/diff/base.keras;touch${IFS}…" is no file
  });
});

describe('.pre-commit-hooks.yaml', () => {
  const hooks = parse(readFileSync(join(root, '.pre-commit-hooks.yaml'), 'utf8')) as { id: string; entry: string; language: string; files: string }[];
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { bin: Record<string, string> };

  it('runs the package\'s own command on model files only', async () => {
    expect(hooks.map((h) => h.id)).toEqual(['kerascope', 'kerascope-audit']);
    for (const h of hooks) {
      expect(h.language).toBe('node');
      expect(Object.keys(pkg.bin)).toContain(h.entry.split(' ')[0]);
      const files = new RegExp(h.files);
      for (const f of ['m.h5', 'a/b.keras', 'x.hdf5', 'tfjs/model.json', 'model.json']) expect(files.test(f), f).toBe(true);
      for (const f of ['README.md', 'config.json', 'data.h5.txt', 'my_model.json.bak']) expect(files.test(f), f).toBe(false);
    }
  });

  it('the entry, given the files pre-commit passes, exits 0 on good files and 1 on a bad one', async () => {
    const bin = join(root, pkg.bin.kerascope!);
    const [cmd, sub] = hooks[0]!.entry.split(' ');
    expect(cmd).toBe('kerascope');
    const ok = await runChild(process.execPath, [bin, sub!, 'fixtures/diff/base.keras', 'fixtures/tfjs/seed-lstm/model.json'], { cwd: root });
    expect(ok.status, ok.stderr).toBe(0);
    const bad = await runChild(process.execPath, [bin, 'audit', 'fixtures/audit/h5-external-dataset.h5'], { cwd: root });
    expect(bad.status).toBe(1);
  });
});
