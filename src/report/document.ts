// What a command hands its renderer (issue 13): every output format — table, JSON, Markdown, JUnit,
// SARIF — renders one of these, so `--format` works the same on analyze, check, audit and diff.
import type { DiffResult } from '../diff/index.js';
import type { Report } from '../types.js';
import type { BatchResult, SkippedFile } from './batch.js';
import { exitFor, type FailOn } from './findings.js';

export const OUTPUT_FORMATS = ['table', 'json', 'markdown', 'junit', 'sarif'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

/** analyze (one file), check (many), audit (security findings only: its reports hold only those). */
export interface FilesDoc {
  command: 'analyze' | 'check' | 'audit';
  results: BatchResult[];
  skipped: SkippedFile[];
  failOn: FailOn;
}

export interface DiffDoc {
  command: 'diff';
  diff: DiffResult;
}

export type ReportDoc = FilesDoc | DiffDoc;

/** The tool's name and version, as SARIF and JUnit name the run. */
export interface ToolInfo {
  version: string;
}

/** `kerascope FILE`'s document for one report, and its exit code (the command line's and the page's SARIF). */
export function analyzeDoc(file: string, report: Report, failOn: FailOn): { doc: FilesDoc; exitCode: number } {
  const exitCode = exitFor(report.findings, failOn);
  return { doc: { command: 'analyze', results: [{ file, exitCode, report }], skipped: [], failOn }, exitCode };
}
