// Which files a report read besides its own, as real paths: the weights file paired with a JSON
// architecture, a KerasHub preset's shards and its task's weights. `check` and `audit` fold those
// files' own rows into the row that read them (report/batch.ts foldPairedWeights): one model, one row.
import { realpath } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Report } from '../types.js';
import type { BatchResult } from '../report/batch.js';
import type { Entry } from './paths.js';

/** What a report (or a row) says of the files it read. */
type PairedIn = Pick<Report, 'file' | 'weightsFile'> & Partial<Pick<Report, 'preset'>>;

/** The weights files a preset's report read, as paths (they sit beside its config.json). */
function presetWeights(report: PairedIn): string[] {
  const p = report.preset;
  if (!p) return [];
  const dir = dirname(report.file);
  return [...p.weightsFiles, ...(p.task?.weightsFile ? [p.task.weightsFile] : [])].map((f) => join(dir, f));
}

/** The real paths foldPairedWeights needs: the entry's own, its paired weights file's, its preset's weights files'. */
export async function pairedPaths(report: PairedIn, entry: Entry): Promise<Pick<BatchResult, 'real' | 'weightsReal' | 'companionsReal'>> {
  const weightsReal = report.weightsFile ? await realpath(report.weightsFile).catch(() => undefined) : undefined;
  const presetFiles = presetWeights(report);
  const companions = presetFiles.length ? (await Promise.all(presetFiles.map((f) => realpath(f).catch(() => null)))).filter((f): f is string => f !== null) : [];
  return { real: entry.real, ...(weightsReal ? { weightsReal } : {}), ...(companions.length ? { companionsReal: companions } : {}) };
}
