// The pipeline: reader → graph → rules → check → report. `analyze(file)` reads a path on this
// machine (src/formats/index.ts); the rest is analyze-source.ts, which runs anywhere.
import type { Report } from './types.js';
import { readModelFrom, readSource, type ReadOptions } from './formats/index.js';
import { withSource } from './formats/dispatch.js';
import { streamToFile } from './formats/stream-file.js';
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

/**
 * Analyse a model that comes as a stream (standard input), named `name` in the report: kept in a
 * temporary file as it comes, at most 1 GiB (formats/stream-file.ts), removed after. Nothing sits
 * beside it, so it is read alone (no same-stem pairing, no tfjs shards, no SavedModel variables/).
 */
export async function analyzeStream(stream: AsyncIterable<Uint8Array>, name = '(stdin)', opts: { batch?: number; maxBytes?: number } = {}): Promise<Report> {
  const source = await withSource(await streamToFile(stream, name, opts.maxBytes), (src) => readModelFrom(src, null));
  return analyzeSource(source, { batch: opts.batch });
}
