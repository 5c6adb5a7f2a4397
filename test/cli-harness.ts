// In-process CLI runs: a fake engine serving hand-made reports, captured stdout/stderr.
import { UnreadableError } from '../src/errors.js';
import type { AnalyzeOptions, Engine } from '../src/cli/engine.js';
import type { Io } from '../src/cli/io.js';
import { main } from '../src/cli/main.js';
import type { Report } from '../src/types.js';

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
  calls: { file: string; opts: AnalyzeOptions }[];
}

/** Reports by file name; a file not listed is unreadable, a value that is an Error is thrown as is. */
export type Served = Record<string, Report | Error>;

export function fakeEngine(served: Served, calls: Run['calls'] = []): Engine {
  return {
    async analyze(file, opts) {
      calls.push({ file, opts });
      const key = Object.keys(served).find((k) => file === k || file.endsWith(`/${k}`));
      if (key === undefined) throw new UnreadableError(file, 'not an HDF5 file, a zip archive or JSON');
      const r = served[key]!;
      if (r instanceof Error) throw r;
      return { ...r, file };
    },
    layersTable: () => 'Dense (core): kernel (inputs, units) + bias (units)',
  };
}

/** Run the CLI in-process; with `served`, on a fake engine serving those reports, else on the real one. */
export async function run(argv: string[], served?: Served, io: Partial<Io> & { stderrTTY?: boolean } = {}): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const calls: Run['calls'] = [];
  const code = await main(
    argv,
    {
      stdout: { write: (s: string) => (stdout += s) },
      stderr: { write: (s: string) => (stderr += s), isTTY: io.stderrTTY ?? false },
      isTTY: io.isTTY ?? false,
      columns: io.columns,
      env: io.env ?? {},
      stdin: io.stdin,
    },
    served ? fakeEngine(served, calls) : undefined,
  );
  return { code, stdout, stderr, calls };
}
