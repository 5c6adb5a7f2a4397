// What the CLI needs from the library: analyze() and the registry table. Loaded lazily (dynamic
// imports) so that `--help` and usage errors never pay for them; injectable so tests can drive the
// CLI with hand-made reports.
import type { AnalyzeOptions } from '../analyze.js';
import type { ModelSource, Report } from '../types.js';
import type { ValuesSummary } from '../diff/index.js';
import type { Out } from './io.js';
import type { BatchRow } from '../report/row.js';

export type { AnalyzeOptions };

export interface Engine {
  /** The library's own analysis: `check`'s worker threads may run it, each making its own (a test's fake engine stays in the main thread). */
  threadSafe?: boolean;
  analyze(file: string, opts: AnalyzeOptions): Promise<Report>;
  /**
   * `analyze` in its two halves, for `check`'s read-ahead thread (check-read-ahead.ts): the file
   * read (in a worker thread), then analysed (in this one). Absent: `analyze` only.
   */
  readSource?(file: string): Promise<ModelSource>;
  analyzeSource?(source: ModelSource, opts: AnalyzeOptions): Promise<Report>;
  /** Only the row `check`'s table shows of `analyzeSource`'s report, or null when the report is needed whole. */
  analyzeSourceRow?(source: ModelSource): Promise<BatchRow | null>;
  /** A model that comes as a stream (standard input, FILE `-`: stdin.ts), named `name`. */
  analyzeStream?(stream: AsyncIterable<Uint8Array>, name: string, opts: { batch?: number }): Promise<Report>;
  /** The rule registry as text, for `kerascope layers`. */
  layersTable(): string | Promise<string>;
  /** `diff --values`: the weight values of two analysed files compared by streaming hashes, a progress bar on `progress`. */
  compareValues?(a: Report, b: Report, progress: Out | null): Promise<ValuesSummary>;
}

export function defaultEngine(): Engine {
  return {
    threadSafe: true,
    async analyze(file, opts) {
      const { analyze } = await import('../index.js');
      return analyze(file, opts);
    },
    async readSource(file) {
      const { readSource } = await import('../index.js');
      return readSource(file);
    },
    async analyzeSource(source, opts) {
      const { analyzeSource } = await import('../index.js');
      return analyzeSource(source, opts);
    },
    async analyzeSourceRow(source) {
      const { analyzeSourceRow } = await import('../analyze-source.js');
      return analyzeSourceRow(source);
    },
    async analyzeStream(stream, name, opts) {
      const { analyzeStream } = await import('../index.js');
      return analyzeStream(stream, name, opts);
    },
    async compareValues(a, b, progress) {
      const { compareValues } = await import('../values/index.js');
      return compareValues(a, b, progress);
    },
    async layersTable() {
      const { layersTable } = await import('../layers/table.js');
      return layersTable();
    },
  };
}
