// Findings: the --fail-on threshold and their plain-text lines, in the one order of src/findings.ts.
import { EXIT } from '../errors.js';
import type { Finding, Severity } from '../types.js';
import { SEVERITY_ORDER, sortFindings } from '../findings.js';
import { displayAll } from './display.js';
import { padEnd, type Paint } from './format.js';

/** Security severities, lowest to highest, as `--fail-on` accepts them; `none` never fails. */
export const SECURITY_LEVELS = ['info', 'low', 'medium', 'high', 'critical'] as const;
export type FailOn = (typeof SECURITY_LEVELS)[number] | 'none';
export const FAIL_ON_CHOICES: FailOn[] = [...SECURITY_LEVELS, 'none'];
/** Documented default for both plain analysis and `audit`. */
export const DEFAULT_FAIL_ON: FailOn = 'high';

function securityRank(s: Severity): number {
  return (SECURITY_LEVELS as readonly string[]).indexOf(s);
}

/**
 * Does this finding make the exit code 1? A consistency error always does (the file disagrees with
 * itself); a security finding does when its severity is at or above `failOn`.
 */
export function fails(f: Pick<Finding, 'severity' | 'category'>, failOn: FailOn): boolean {
  if (f.severity === 'error') return true;
  if (f.category !== 'security' || failOn === 'none') return false;
  const rank = securityRank(f.severity);
  return rank >= 0 && rank >= securityRank(failOn);
}

/** 1 when any finding fails the run (a consistency error, or security at/above --fail-on), else 0: the command line's and the page's exit code. */
export function exitFor(findings: readonly Pick<Finding, 'severity' | 'category'>[], failOn: FailOn): number {
  return findings.some((f) => fails(f, failOn)) ? EXIT.findings : EXIT.ok;
}

function colourOf(s: Severity, p: Paint): (x: string) => string {
  if (s === 'error' || s === 'critical' || s === 'high') return p.red;
  if (s === 'medium' || s === 'warning') return p.yellow;
  return p.dim;
}

/** `  error     weight-shape-mismatch  dense_2: expected (128, 64)…` */
export function findingLine(f: Finding, p: Paint, codeWidth = 0): string {
  // Consistency messages already start with the layer path ("dense_2/kernel: expected…").
  const where = f.layer && !f.message.startsWith(f.layer) ? `${f.layer}: ` : '';
  return `  ${colourOf(f.severity, p)(padEnd(f.severity, 8))}  ${padEnd(f.code, codeWidth)}  ${where}${f.message}`;
}

/** Findings, most serious first, their codes in one aligned column. */
export function findingLines(raw: readonly Finding[], p: Paint): string[] {
  const findings = displayAll(raw); // messages quote names from the file
  const width = Math.max(0, ...findings.map((f) => f.code.length));
  return sortFindings(findings).map((f) => findingLine(f, p, width));
}

export function renderFindings(findings: readonly Finding[], p: Paint): string[] {
  if (findings.length === 0) return ['No findings.'];
  return [p.bold(`Findings (${findings.length}):`), ...findingLines(findings, p)];
}

/** "2 errors, 1 high" — counts by severity, in display order, for the batch table. */
export function countBySeverity(findings: readonly Pick<Finding, 'severity'>[]): string {
  const parts: string[] = [];
  for (const s of SEVERITY_ORDER) {
    const n = findings.filter((f) => f.severity === s).length;
    if (n > 0) parts.push(`${n} ${s === 'error' && n > 1 ? 'errors' : s === 'warning' && n > 1 ? 'warnings' : s}`);
  }
  return parts.length ? parts.join(', ') : '-';
}
