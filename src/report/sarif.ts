// The SARIF 2.1.0 report (`--format sarif`): what GitHub code scanning (the Security tab) and other
// SARIF viewers read. The rule list is the findings catalogue (src/findings.ts), each rule with its
// usual level and, for security codes, GitHub's `security-severity`; each finding is a result at
// the model file. A model file is binary, yet GitHub places a result only with a line: every result
// points at line 1 of its file, and carries its own partial fingerprint (GitHub cannot compute one
// from a binary file). Files that could not be read are tool notifications, not results.
// Checked against the published SARIF 2.1.0 schema in test/report-formats.test.ts. Nothing of Node:
// the page (web/downloads.ts) renders the same log as `--format sarif`.
import type { Finding, Severity } from '../types.js';
import { CATALOGUE, FINDING_CODES, type CatalogueEntry } from '../findings.js';
import type { DiffResult } from '../diff/index.js';
import { displayAll } from './display.js';
import { sha256Hex } from './sha256.js';
import type { DiffDoc, FilesDoc, ReportDoc, ToolInfo } from './document.js';

export const SARIF_SCHEMA = 'https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json';
const INFO_URI = 'https://www.npmjs.com/package/kerascope';

type Level = 'error' | 'warning' | 'note';

/** critical, high and error fail a default run: SARIF `error`; medium and warning: `warning`; the rest `note`. */
export function levelOf(s: Severity): Level {
  if (s === 'critical' || s === 'high' || s === 'error') return 'error';
  if (s === 'medium' || s === 'warning') return 'warning';
  return 'note';
}

/** GitHub's security-severity scale (0–10): critical ≥ 9, high 7–8.9, medium 4–6.9, low < 4. */
const SECURITY_SEVERITY: Partial<Record<Severity, string>> = { critical: '9.5', high: '8.0', medium: '5.5', low: '3.0', info: '1.0' };

function rule(id: string, e: CatalogueEntry): Record<string, unknown> {
  const tags = [e.category, ...(e.category === 'security' ? ['security'] : [])];
  const properties: Record<string, unknown> = { category: e.category, tags: [...new Set(tags)] };
  if (e.category === 'security') properties['security-severity'] = SECURITY_SEVERITY[e.raisedTo ?? e.severity];
  return {
    id,
    name: id.replace(/(^|-)([a-z0-9])/g, (_, _dash, ch: string) => ch.toUpperCase()),
    shortDescription: { text: e.description },
    fullDescription: { text: e.description },
    defaultConfiguration: { level: levelOf(e.severity) },
    helpUri: `${INFO_URI}#findings`,
    properties,
  };
}

/** A remote file's address (`https://…`, `hf://…`): already a URI. */
const URI = /^[A-Za-z][A-Za-z0-9+.-]*:\/\//;
/** An absolute path: POSIX `/…`, Windows `C:\…` or `\\server\share`. */
const ABSOLUTE = /^(\/|[A-Za-z]:[\\/]|\\\\)/;

/**
 * A relative path as a relative URI (forward slashes, each segment encoded); an absolute one as
 * file:// (RFC 8089: `file:///C:/…` for a drive); a URL as it is.
 */
export function artifactUri(file: string): string {
  if (URI.test(file)) return file;
  const segments = file.split(/[\\/]/).map(encodeURIComponent);
  if (!ABSOLUTE.test(file)) return segments.join('/');
  if (/^[A-Za-z]:/.test(file)) return `file:///${file.slice(0, 2)}/${segments.slice(1).join('/')}`;
  // POSIX `/a/b` → `file:///a/b`; UNC `\\server\share` → `file://server/share`.
  return `file:${file.startsWith('/') ? '//' : ''}${segments.join('/')}`;
}

function fingerprint(parts: (string | null)[]): string {
  return sha256Hex(parts.map((p) => p ?? '').join('\u0000')).slice(0, 32);
}

const RULE_INDEX = new Map<string, number>(FINDING_CODES.map((c, i) => [c, i]));

function result(file: string, f: Finding): Record<string, unknown> {
  const location: Record<string, unknown> = { physicalLocation: { artifactLocation: { uri: artifactUri(file) }, region: { startLine: 1 } } };
  if (f.layer) location['logicalLocations'] = [{ name: f.layer.slice(f.layer.lastIndexOf('/') + 1), fullyQualifiedName: f.layer, kind: 'object' }];
  const out: Record<string, unknown> = {
    ruleId: f.code,
    level: levelOf(f.severity as Severity),
    message: { text: f.message },
    locations: [location],
    partialFingerprints: { 'kerascopeFinding/v1': fingerprint([f.code, file, f.layer, f.message]) },
    properties: { severity: f.severity, category: f.category },
  };
  const index = RULE_INDEX.get(f.code);
  if (index !== undefined) out['ruleIndex'] = index;
  return out;
}

function notification(file: string, message: string, level: Level): Record<string, unknown> {
  return { level, message: { text: `${file}: ${message}` }, locations: [{ physicalLocation: { artifactLocation: { uri: artifactUri(file) } } }] };
}

function filesResults(doc: FilesDoc): { results: unknown[]; notes: unknown[]; files: string[] } {
  const results: unknown[] = [];
  const notes: unknown[] = [];
  for (const res of doc.results) {
    if (res.report) for (const f of res.report.findings) results.push(result(res.file, f));
    else notes.push(notification(res.file, res.error ?? 'failed', 'error'));
  }
  for (const s of doc.skipped) notes.push(notification(s.file, `skipped (${s.reason}): ${s.message}`, 'note'));
  return { results, notes, files: doc.results.map((r) => r.file) };
}

/** Diff changes are `baseline-drift` results at B (A is the baseline B is checked against). */
function diffResults(d: DiffResult): { results: unknown[]; notes: unknown[]; files: string[] } {
  const results = d.changes.map((c) =>
    result(d.b.file, { severity: c.allowed ? 'info' : 'error', code: 'baseline-drift', category: 'expectation', layer: c.layer, message: `${c.message} (against ${d.a.file})` }),
  );
  return { results, notes: [], files: [d.a.file, d.b.file] };
}

export function renderSarif(raw: ReportDoc, tool: ToolInfo, exitCode: number): string {
  const doc = displayAll(raw);
  const { results, notes, files } = doc.command === 'diff' ? diffResults((doc as DiffDoc).diff) : filesResults(doc as FilesDoc);
  const log = {
    $schema: SARIF_SCHEMA,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'kerascope',
            version: tool.version,
            semanticVersion: tool.version,
            informationUri: INFO_URI,
            rules: FINDING_CODES.map((c) => rule(c, CATALOGUE[c])),
          },
        },
        invocations: [{ executionSuccessful: exitCode <= 1, exitCode, toolExecutionNotifications: notes }],
        artifacts: [...new Set(files)].map((f) => ({ location: { uri: artifactUri(f) } })),
        results,
        columnKind: 'unicodeCodePoints',
      },
    ],
  };
  return JSON.stringify(log, null, 2) + '\n';
}
