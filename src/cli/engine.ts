// What the CLI needs from the library: analyze() and the registry table. Loaded lazily (dynamic
// imports) so that `--help` and usage errors never pay for them; injectable so tests can drive the
// CLI with hand-made reports.
import type { AnalyzeOptions } from '../analyze.js';
import type { Report } from '../types.js';

export type { AnalyzeOptions };

export interface Engine {
  analyze(file: string, opts: AnalyzeOptions): Promise<Report>;
  /** The rule registry as text, for `kerascope layers`. */
  layersTable(): string | Promise<string>;
}

export function defaultEngine(): Engine {
  return {
    async analyze(file, opts) {
      const { analyze } = await import('../index.js');
      return analyze(file, opts);
    },
    async layersTable() {
      const { layersTable } = await import('../layers/table.js');
      return layersTable();
    },
  };
}
