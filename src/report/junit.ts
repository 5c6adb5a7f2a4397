// The JUnit XML report (`--format junit`): what GitLab, Jenkins and Azure Pipelines render as test
// results. One test suite per command, one test case per file (diff: one case for the pair). A
// file whose findings fail the run (the exit code's rule: an error, a security finding at or above
// --fail-on, a failed expectation) is a <failure> listing them; an unreadable file is an <error>;
// findings that do not fail it go to <system-out>. Ant's junit.xsd allows one failure per case, so
// every failing finding is in that one failure's text, and its type is the most serious code.
import type { Finding } from '../types.js';
import type { DiffResult } from '../diff/index.js';
import type { BatchResult, SkippedFile } from './batch.js';
import { displayAll } from './display.js';
import type { DiffDoc, FilesDoc, ReportDoc, ToolInfo } from './document.js';
import { fails } from './findings.js';

/** XML 1.0 text: entities for markup; characters XML cannot hold at all (displayAll has already written controls out) dropped. */
export function xml(s: string): string {
  return s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;')
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '');
}

const line = (f: Finding): string => `${f.severity} ${f.code}${f.layer ? ` ${f.layer}` : ''}: ${f.message}`;

interface Case {
  name: string;
  classname: string;
  failure?: { type: string; message: string; text: string };
  error?: { type: string; message: string };
  skipped?: string;
  out?: string;
}

function fileCase(res: BatchResult, doc: FilesDoc): Case {
  const c: Case = { name: res.file, classname: `kerascope.${doc.command}` };
  const r = res.report;
  if (!r) return { ...c, error: { type: `exit-${res.exitCode}`, message: res.error ?? 'failed' } };
  const failing = r.findings.filter((f) => fails(f, doc.failOn));
  const rest = r.findings.filter((f) => !fails(f, doc.failOn));
  if (failing.length) {
    const n = failing.length;
    c.failure = { type: failing[0]!.code, message: `${n} finding${n === 1 ? '' : 's'} fail${n === 1 ? 's' : ''} the run (verdict: ${r.verdict})`, text: failing.map(line).join('\n') };
  }
  if (rest.length) c.out = rest.map(line).join('\n');
  return c;
}

function skippedCase(s: SkippedFile, command: string): Case {
  return { name: s.file, classname: `kerascope.${command}`, skipped: `${s.reason}: ${s.message}` };
}

function diffCase(d: DiffResult): Case {
  const c: Case = { name: `${d.a.file} vs ${d.b.file}`, classname: 'kerascope.diff' };
  const drift = d.changes.filter((x) => !x.allowed);
  const allowed = d.changes.filter((x) => x.allowed);
  if (drift.length) c.failure = { type: drift[0]!.kind, message: `${drift.length} change${drift.length === 1 ? '' : 's'}: the architectures drift`, text: drift.map((x) => `${x.kind}: ${x.message}`).join('\n') };
  if (allowed.length) c.out = allowed.map((x) => `${x.kind} (allowed): ${x.message}`).join('\n');
  return c;
}

function caseXml(c: Case): string[] {
  const open = `    <testcase name="${xml(c.name)}" classname="${xml(c.classname)}"`;
  const body: string[] = [];
  if (c.failure) body.push(`      <failure type="${xml(c.failure.type)}" message="${xml(c.failure.message)}">${xml(c.failure.text)}</failure>`);
  if (c.error) body.push(`      <error type="${xml(c.error.type)}" message="${xml(c.error.message)}"/>`);
  if (c.skipped) body.push(`      <skipped message="${xml(c.skipped)}"/>`);
  if (c.out) body.push(`      <system-out>${xml(c.out)}</system-out>`);
  return body.length ? [`${open}>`, ...body, '    </testcase>'] : [`${open}/>`];
}

export function renderJunit(raw: ReportDoc, tool: ToolInfo): string {
  const doc = displayAll(raw);
  const command = doc.command;
  const cases = command === 'diff' ? [diffCase((doc as DiffDoc).diff)] : [...(doc as FilesDoc).results.map((r) => fileCase(r, doc as FilesDoc)), ...(doc as FilesDoc).skipped.map((s) => skippedCase(s, command))];
  const count = (k: keyof Case) => cases.filter((c) => c[k] !== undefined).length;
  const attrs = `tests="${cases.length}" failures="${count('failure')}" errors="${count('error')}" skipped="${count('skipped')}"`;
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="kerascope" ${attrs}>`,
    `  <testsuite name="kerascope ${command}" ${attrs}>`,
    `    <properties><property name="kerascope.version" value="${xml(tool.version)}"/></properties>`,
    ...cases.flatMap(caseXml),
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}
