// What the CLI needs from the library: analyze() and the registry table. Loaded lazily so that
// `--help` and usage errors never pay for it; injectable so tests can drive the CLI with hand-made reports.
import type { Report } from '../types.js';

export interface AnalyzeOptions {
  weights?: string;
  config?: string;
  expand?: boolean;
}

export interface Engine {
  analyze(file: string, opts: AnalyzeOptions): Promise<Report>;
  /** The rule registry as text, for `kerascope layers`. */
  layersTable(): string | Promise<string>;
}

type IndexModule = { analyze: Engine['analyze'] };
type TableModule = { layersTable: () => unknown };

// The specifiers are variables on purpose: the library entry (src/index.ts) and the registry table
// (src/layers/table.ts) are built by other parts of the project, and the CLI must load them lazily.
const INDEX = '../index.js';
const TABLE = '../layers/table.js';

function asText(v: unknown): string {
  if (Array.isArray(v)) return v.join('\n') + '\n';
  const s = String(v);
  return s.endsWith('\n') ? s : `${s}\n`;
}

export function defaultEngine(): Engine {
  return {
    async analyze(file, opts) {
      const index = (await import(INDEX)) as IndexModule;
      return index.analyze(file, opts);
    },
    async layersTable() {
      const table = (await import(TABLE)) as TableModule;
      return asText(await table.layersTable());
    },
  };
}
