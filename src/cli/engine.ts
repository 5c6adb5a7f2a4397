// What the CLI needs from the library: analyze() and the registry table. Loaded lazily so that
// `--help` and usage errors never pay for it; injectable so tests can drive the CLI with hand-made reports.
import type { AnalyzeOptions } from '../analyze.js';
import type { Report } from '../types.js';

export type { AnalyzeOptions };

export interface Engine {
  analyze(file: string, opts: AnalyzeOptions): Promise<Report>;
  /** The rule registry as text, for `kerascope layers`. */
  layersTable(): string | Promise<string>;
}

type TableModule = { layersTable: () => unknown };

// A variable specifier on purpose: the registry table (src/layers/table.ts) is built by another part
// of the project and may be absent from a partial build; `kerascope layers` then fails with one line.
const TABLE = '../layers/table.js';

function asText(v: unknown): string {
  if (Array.isArray(v)) return v.join('\n') + '\n';
  const s = String(v);
  return s.endsWith('\n') ? s : `${s}\n`;
}

export function defaultEngine(): Engine {
  return {
    async analyze(file, opts) {
      const { analyze } = await import('../index.js');
      return analyze(file, opts);
    },
    async layersTable() {
      const table = (await import(TABLE)) as TableModule;
      return asText(await table.layersTable());
    },
  };
}
