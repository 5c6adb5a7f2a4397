// Comparing architectures (issue 13): two reports (`kerascope diff A B`), or a report against a
// baseline snapshot (`check --baseline FILE`), or against `--expect` figures.
import type { Finding, Report } from '../types.js';
import { findingOf, sortFindings } from '../findings.js';
import { compareSnapshots, type Change, type DriftKind } from './compare.js';
import { expectationFindings, type Expectation } from './expect.js';
import { snapshotOf, type Snapshot } from './snapshot.js';

export { DRIFT_KINDS, compareSnapshots, parseAllow, type Change, type DriftKind } from './compare.js';
export { EXPECT_KEYS, expectationFindings, parseExpectation, type Expectation } from './expect.js';
export { isSnapshot, snapshotOf, type Snapshot, type SnapshotLayer, type SnapshotTensor } from './snapshot.js';

/** One side of a diff: what was read, and its totals. */
export interface DiffSide {
  file: string;
  weightsFile: string | null;
  format: Report['format'];
  formatLabel: string;
  kerasVersion: string | null;
  model: Report['model'];
  verdict: Report['verdict'];
  layers: number;
  totals: Snapshot['totals'];
  optimizer: boolean | null;
}

/** The `kerascope diff --json` object. */
export interface DiffResult {
  schemaVersion: 1;
  kind: 'kerascope-diff';
  a: DiffSide;
  b: DiffSide;
  /** True when no change is drift (every change, if any, is of a kind given to --allow). */
  agree: boolean;
  allowed: DriftKind[];
  /** In reading order: model, then layers in model order, then totals. */
  changes: Change[];
  /** Weight values compared with --values; absent without it. */
  values?: ValuesSummary;
}

/** What --values compared: tensors hashed, equal, different, and those that could not be read. */
export interface ValuesSummary {
  compared: number;
  equal: number;
  different: number;
  notCompared: { tensor: string; reason: string }[];
  bytesHashed: number;
  /**
   * The checksums a file keeps for its tensors (a SavedModel's crc32c), checked on the bytes
   * hashed: how many held, and each that did not. Absent when no compared tensor has one.
   */
  checksums?: { verified: number; failed: { tensor: string; file: string; message: string }[] };
}

function side(r: Report, s: Snapshot): DiffSide {
  return {
    file: r.file,
    weightsFile: r.weightsFile,
    format: r.format,
    formatLabel: r.formatLabel,
    kerasVersion: r.kerasVersion,
    model: r.model,
    verdict: r.verdict,
    layers: s.layers.length,
    totals: s.totals,
    optimizer: s.optimizer,
  };
}

export function diffReports(a: Report, b: Report, allow: ReadonlySet<DriftKind> = new Set()): DiffResult {
  const sa = snapshotOf(a);
  const sb = snapshotOf(b);
  const changes = compareSnapshots(sa, sb, allow);
  return { schemaVersion: 1, kind: 'kerascope-diff', a: side(a, sa), b: side(b, sb), agree: changes.every((c) => c.allowed), allowed: [...allow], changes };
}

/** The baseline's differences as findings: drift an error, an allowed change info (shown, passing). */
export function baselineFindings(r: Report, baseline: Snapshot, allow: ReadonlySet<DriftKind> = new Set()): Finding[] {
  return compareSnapshots(baseline, snapshotOf(r), allow).map((c) => findingOf('baseline-drift', c.layer, c.message, c.allowed ? 'info' : undefined));
}

/** A report with the baseline's and the expectations' findings added, still in the one order. */
export function withExpectations(r: Report, opts: { baseline?: Snapshot; allow?: ReadonlySet<DriftKind>; expect?: readonly Expectation[] }): Report {
  const extra = [...(opts.baseline ? baselineFindings(r, opts.baseline, opts.allow) : []), ...expectationFindings(r, opts.expect ?? [])];
  return extra.length ? { ...r, findings: sortFindings([...r.findings, ...extra]) } : r;
}
