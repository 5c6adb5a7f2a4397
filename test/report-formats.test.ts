// --format markdown | junit | sarif and --output (issue 13) on analyze, check, audit and diff, run on
// real fixtures: SARIF valid against the published SARIF 2.1.0 schema, JUnit parsed as XML, Markdown
// with its Mermaid block; strings from a file escaped in each.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { afterAll, describe, expect, it } from 'vitest';
import { FINDING_CODES } from '../src/findings.js';
import { renderJunit } from '../src/report/junit.js';
import { renderMarkdown } from '../src/report/markdown.js';
import { renderMermaid } from '../src/report/mermaid.js';
import { renderSarif } from '../src/report/sarif.js';
import { run } from './cli-harness.js';
import { sarifErrors } from './helpers/sarif.js';
import { finding, seedLstmReport } from './report-fixtures.js';

const tmp = mkdtempSync(join(tmpdir(), 'kerascope-formats-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const xml = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '', isArray: (name) => name === 'testcase' });
type Suite = { testsuites: { tests: string; failures: string; errors: string; testsuite: { testcase: { name: string; failure?: { type: string; '#text': string }; error?: object; 'system-out'?: string }[] } } };

const H5_EXTERNAL = 'fixtures/audit/h5-external-dataset.h5';

describe('--format sarif', () => {
  it('check over real files is valid SARIF 2.1.0, the catalogue is the rule list, results point at the files', { timeout: 60_000 }, async () => {
    const r = await run(['check', 'fixtures/diff/base.keras', 'fixtures/diff/units.keras', H5_EXTERNAL, 'README.md', '--baseline', 'fixtures/diff/base.kerascope.json', '--format', 'sarif']);
    const log = JSON.parse(r.stdout) as { runs: { tool: { driver: { rules: { id: string; defaultConfiguration: { level: string }; properties: Record<string, unknown> }[] } }; results: { ruleId: string; ruleIndex: number; level: string; locations: { physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } } }[] }[]; invocations: { exitCode: number; toolExecutionNotifications: { message: { text: string } }[] }[] }[] };
    expect(sarifErrors(log)).toBe('');
    expect(sarifErrors({ ...log, version: '2.0.0' })).not.toBe(''); // the validator can fail
    const run0 = log.runs[0]!;
    expect(run0.tool.driver.rules.map((x) => x.id)).toEqual(FINDING_CODES);
    for (const res of run0.results) expect(run0.tool.driver.rules[res.ruleIndex]!.id).toBe(res.ruleId);
    const ext = run0.results.find((x) => x.ruleId === 'h5-external-dataset')!;
    expect(ext.level).toBe('error');
    expect(ext.locations[0]!.physicalLocation.artifactLocation.uri).toBe(H5_EXTERNAL);
    expect(ext.locations[0]!.physicalLocation.region.startLine).toBe(1);
    expect(run0.results.some((x) => x.ruleId === 'baseline-drift' && x.locations[0]!.physicalLocation.artifactLocation.uri === 'fixtures/diff/units.keras')).toBe(true);
    expect(run0.tool.driver.rules.find((x) => x.id === 'lambda-layer')!.properties['security-severity']).toBe('9.5');
    expect(run0.invocations[0]!.exitCode).toBe(3);
    expect(run0.invocations[0]!.toolExecutionNotifications[0]!.message.text).toMatch(/^README\.md: /);
  });

  it('diff and audit are valid SARIF too', async () => {
    const d = await run(['diff', 'fixtures/diff/base.keras', 'fixtures/diff/units.keras', '--format', 'sarif']);
    expect(sarifErrors(JSON.parse(d.stdout))).toBe('');
    const a = await run(['audit', H5_EXTERNAL, '--format', 'sarif']);
    expect(sarifErrors(JSON.parse(a.stdout))).toBe('');
  });

  it('levels follow severities; a message keeps its words but not a terminal escape', () => {
    const report = seedLstmReport({ findings: [finding('critical', 'lambda-layer', 'security', 'lambda', 'Lambda \u001b[2Jcode'), finding('medium', 'module-unknown', 'security', null, 'm'), finding('info', 'layer-note', 'consistency', null, 'n')] });
    const log = JSON.parse(renderSarif({ command: 'analyze', results: [{ file: 'm.keras', exitCode: 1, report }], skipped: [], failOn: 'high' }, { version: '0.1.0' }, 1)) as { runs: { results: { level: string; message: { text: string } }[] }[] };
    expect(sarifErrors(log)).toBe('');
    expect(log.runs[0]!.results.map((x) => x.level)).toEqual(['error', 'warning', 'note']);
    expect(log.runs[0]!.results[0]!.message.text).toBe('Lambda \\x1b[2Jcode');
  });
});

describe('--format junit', () => {
  it('one test case per file: failing findings a failure, an unreadable file an error, the rest in system-out', { timeout: 60_000 }, async () => {
    const r = await run(['check', 'fixtures/diff/base.keras', H5_EXTERNAL, 'README.md', '--format', 'junit']);
    expect(XMLValidator.validate(r.stdout)).toBe(true);
    const doc = xml.parse(r.stdout) as Suite;
    expect(doc.testsuites.tests).toBe('3');
    expect(doc.testsuites.failures).toBe('1');
    expect(doc.testsuites.errors).toBe('1');
    const cases = doc.testsuites.testsuite.testcase;
    expect(cases.map((c) => c.name)).toEqual(['fixtures/diff/base.keras', H5_EXTERNAL, 'README.md']);
    expect(cases[0]!.failure).toBeUndefined();
    expect(cases[1]!.failure!.type).toBe('h5-external-dataset');
    expect(cases[2]!.error).toBeDefined();
  });

  it('a diff is one case, failing on drift; names with markup stay text', async () => {
    const d = await run(['diff', 'fixtures/diff/base.keras', 'fixtures/diff/units.keras', '--format', 'junit']);
    const doc = xml.parse(d.stdout) as Suite;
    expect(doc.testsuites.testsuite.testcase[0]!.failure!['#text']).toContain('hidden: units 64 → 32');
    const report = seedLstmReport({ findings: [finding('error', 'weight-missing', 'consistency', 'a<b>&"c"', 'x </failure><x>\u0007')] });
    const text = renderJunit({ command: 'analyze', results: [{ file: 'a&b.h5', exitCode: 1, report }], skipped: [], failOn: 'high' }, { version: '0' });
    expect(XMLValidator.validate(text)).toBe(true);
    expect((xml.parse(text) as Suite).testsuites.testsuite.testcase[0]!.failure!['#text']).toContain('x </failure><x>\\x07');
  });
});

describe('--format markdown', () => {
  it('analyze: summary table, findings, and the model as a collapsed Mermaid graph', async () => {
    const r = await run(['fixtures/diff/base.keras', '--format', 'markdown']);
    expect(r.stdout).toContain('| ✅ consistent | mlp (Sequential) | 2 | 2,839 |');
    expect(r.stdout).toContain('<summary>Model graph</summary>');
    const block = /```mermaid\n([^`]*)```/.exec(r.stdout)![1]!;
    expect(block).toMatch(/^flowchart TD\n/);
    expect(block).toContain("hidden<br/>(Dense)<br/>(None, 64)");
    expect(block).toMatch(/--> n\d/);
  });

  it('check: the batch table and each file\'s findings; diff: the change table', async () => {
    const c = await run(['check', 'fixtures/diff/base.keras', 'fixtures/diff/units.keras', '--baseline', 'fixtures/diff/base.kerascope.json', '--format', 'markdown']);
    expect(c.stdout).toContain('| File | Format | Layers | Params | Verdict | Findings |');
    expect(c.stdout).toContain('hidden: units 64 → 32');
    const d = await run(['diff', 'fixtures/diff/base.keras', 'fixtures/diff/units.keras', '--format', 'markdown']);
    expect(d.stdout).toContain('❌ Drift: 6 changes.');
    expect(d.stdout).toContain('| ❌ config | hidden | hidden: units 64 → 32 |');
  });

  it('markup in a name is text: no HTML, no table break, no Mermaid break', () => {
    const report = seedLstmReport();
    report.layers[0]!.name = '<img src=x>|"]-->x';
    const text = renderMarkdown({ command: 'analyze', results: [{ file: 'x.h5', exitCode: 0, report }], skipped: [], failOn: 'high' });
    expect(text).not.toContain('<img');
    expect(text).toContain('&lt;img src=x&gt;\\|');
    const graph = renderMermaid(report);
    expect(graph).not.toContain('<img');
    expect(graph).toContain('#lt;img src=x#gt;');
  });
});

describe('--output', () => {
  it('writes the chosen format to the file and still prints the table', async () => {
    const out = join(tmp, 'k.sarif');
    const r = await run(['fixtures/diff/base.keras', '--format', 'sarif', '--output', out]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Verdict: consistent');
    expect(sarifErrors(JSON.parse(readFileSync(out, 'utf8')))).toBe('');
  });

  it('an unwritable file and --json with another --format are usage errors', async () => {
    expect((await run(['fixtures/diff/base.keras', '--format', 'junit', '--output', join(tmp, 'no', 'such', 'dir.xml')])).code).toBe(2);
    const both = await run(['fixtures/diff/base.keras', '--json', '--format', 'sarif']);
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('give one');
  });
});
