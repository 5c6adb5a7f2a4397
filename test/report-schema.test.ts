// The report contract (issue 13): docs/report.schema.json against real reports of every format,
// every command's JSON (analyze, check, audit, snapshot, diff, the error object), the exit-code
// table and errors' exitCode, and require('kerascope').
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { analyze } from '../src/analyze.js';
import { EXIT, EXIT_CODES, NotAModelError, UnreadableError, UsageError } from '../src/index.js';
import { SEVERITY_ORDER } from '../src/findings.js';
import { run } from './cli-harness.js';
import { schemaErrors } from './helpers/report-schema.js';

/** One real file per format and writer (Keras 3, a Keras 2 JSON, tfjs, a legacy weights file, audit findings). */
const FILES = [
  'fixtures/keras/models/seed_embedding_lstm.keras',
  'fixtures/keras/models/nested_three_deep.h5',
  'fixtures/keras/models/trained_adam.weights.h5',
  'fixtures/keras/models/legacy/bidirectional.h5',
  'fixtures/keras/models/multi_io_shared.json',
  'fixtures/seed/vgg-like.json',
  'fixtures/tfjs/seed-lstm/model.json',
  'fixtures/tfjs/keras3-converted/model.json',
  'fixtures/audit/h5-external-dataset.h5',
];

describe('docs/report.schema.json', () => {
  it('is a valid JSON Schema 2020-12 document that ajv compiles in strict mode', () => {
    expect(schemaErrors(null, { schemaVersion: 1, file: 'x', error: { exitCode: 3, message: 'm' } })).toBe('');
  });

  it.each(FILES)('holds for the report of %s, whose findings are sorted most serious first', async (file) => {
    const r = await analyze(file);
    expect(schemaErrors('report', JSON.parse(JSON.stringify(r)))).toBe('');
    const ranks = r.findings.map((f) => SEVERITY_ORDER.indexOf(f.severity));
    expect(ranks).toEqual([...ranks].sort((a, b) => a - b));
  });

  it('holds for check --json and audit --json over folders of every format', { timeout: 60_000 }, async () => {
    const check = await run(['check', 'fixtures/diff', 'fixtures/tfjs', 'fixtures/not-a-model', 'fixtures/audit/h5-external-dataset.h5', '--json']);
    const entries = JSON.parse(check.stdout) as unknown[];
    expect(entries.length).toBeGreaterThan(10);
    expect(schemaErrors('check', entries)).toBe('');
    const audit = await run(['audit', 'fixtures/audit/h5-external-dataset.h5', 'fixtures/diff/base.keras', 'README.md', '--json']);
    expect(audit.code).toBe(3);
    expect(schemaErrors('audit', JSON.parse(audit.stdout))).toBe('');
  });

  it('holds for a snapshot and a diff, and rejects a diff with a made-up drift kind', async () => {
    const snap = await run(['snapshot', 'fixtures/keras/models/nested_three_deep.keras']);
    expect(schemaErrors('snapshot', JSON.parse(snap.stdout))).toBe('');
    const diff = await run(['diff', 'fixtures/diff/base.keras', 'fixtures/diff/units.keras', '--json']);
    const d = JSON.parse(diff.stdout) as { changes: { kind: string }[] };
    expect(schemaErrors('diff', d)).toBe('');
    d.changes[0]!.kind = 'vibes';
    expect(schemaErrors('diff', d)).toMatch(/kind/);
  });

  it('kerascope FILE --json on an unreadable file prints the error object on stdout, exit 3', async () => {
    const r = await run(['README.md', '--json']);
    expect(r.code).toBe(3);
    const v = JSON.parse(r.stdout) as { error: { exitCode: number; message: string } };
    expect(schemaErrors('errorEntry', v)).toBe('');
    expect(v.error.exitCode).toBe(3);
    expect(r.stderr).toMatch(/^kerascope: README\.md: /);
  });
});

describe('exit codes for library callers', () => {
  it('errors carry the exit code the CLI gives them, and the table is exported', () => {
    expect(new UnreadableError('f', 'm').exitCode).toBe(3);
    expect(new NotAModelError('f', 'm').exitCode).toBe(3);
    expect(new UsageError('m').exitCode).toBe(2);
    expect(Object.keys(EXIT_CODES).map(Number)).toEqual([0, 1, 2, 3, 4]);
    expect(EXIT.internal).toBe(4);
  });

  it('analyze() rejects a missing file with an UnreadableError whose exitCode is 3', async () => {
    await expect(analyze('fixtures/no-such-file.h5')).rejects.toMatchObject({ exitCode: 3 });
  });
});

describe('the package', () => {
  const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { exports: Record<string, unknown>; files: string[] };

  it('ships the schema and exports it', () => {
    expect(pkg.files).toContain('docs');
    expect(pkg.exports['./report.schema.json']).toBe('./docs/report.schema.json');
  });

  it("require('kerascope') works from CommonJS (Node's require(esm), Node ≥ 20.19)", () => {
    const [major, minor] = process.versions.node.split('.').map(Number) as [number, number];
    if (major === 20 && minor < 19) return; // README: older Node 20 needs import()
    // The package's own name resolves to itself through "exports" (self-reference); dist/ is built by npm ci.
    const out = execFileSync(process.execPath, ['-e', "const k = require('kerascope'); process.stdout.write(typeof k.analyze + ' ' + k.EXIT.unreadable)"], { encoding: 'utf8' });
    expect(out).toBe('function 3');
  });
});
