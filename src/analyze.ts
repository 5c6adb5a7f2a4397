// The pipeline: reader → graph → rules → check → report. `analyze(file)` reads a path on this
// machine (src/formats/index.ts); the rest is analyze-source.ts, which runs anywhere.
import type { Report } from './types.js';
import { readSource, type ReadOptions } from './formats/index.js';
import { analyzeSource } from './analyze-source.js';

export { analyzeSource } from './analyze-source.js';

export interface AnalyzeOptions extends ReadOptions {
  /** Kept for the CLI: nested layers are always in the report, `--expand` only changes the table. */
  expand?: boolean;
  /** The batch size of the compute and activation-memory numbers (default 1: per sample). */
  batch?: number;
}

/** Analyse one file: the same object `kerascope FILE --json` prints. */
export async function analyze(file: string, opts: AnalyzeOptions = {}): Promise<Report> {
  const source = await readSource(file, opts);
  return analyzeSource(source, { batch: opts.batch });
}
