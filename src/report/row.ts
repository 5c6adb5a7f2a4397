// A file's row in `check`'s table: what the table and the folding of paired weights files read of
// its report. Made from a whole report (batchRow), or by assemble.ts's assembleRow without the
// parts of a report the row never reads (issue 15: 10,000 files).
import type { Finding, Report, Totals } from '../types.js';

/** A report as `check`'s table and the folding of paired weights files read it. */
export interface BatchRow {
  format: Report['format'];
  weightsFile: string | null;
  hasModel: boolean;
  verdict: Report['verdict'];
  layers: number;
  params: number;
  /** Some sizes are unknown: the count is a lower bound. */
  atLeast: boolean;
  findings: Pick<Finding, 'code' | 'message' | 'severity' | 'category'>[];
}

/** What a row is made of: the report's own fields, its layers counted (nested ones included). */
export type RowFacts = Pick<Report, 'format' | 'weightsFile' | 'verdict' | 'findings'> & { hasModel: boolean; layers: number; totals: Totals };

export function batchRow(r: Report): BatchRow {
  return rowOfFacts({ format: r.format, weightsFile: r.weightsFile, hasModel: r.model !== null, verdict: r.verdict, layers: layerCount(r.layers), totals: r.totals, findings: r.findings });
}

export function rowOfFacts(r: RowFacts): BatchRow {
  const t = r.totals;
  return {
    format: r.format,
    weightsFile: r.weightsFile,
    hasModel: r.hasModel,
    verdict: r.verdict,
    layers: r.layers,
    params: t.trainableParams + t.nonTrainableParams + (t.unknownTrainabilityParams ?? 0),
    atLeast: (t.unknownSizeTensors ?? 0) + (t.unknownParamLayers ?? 0) > 0,
    findings: r.findings.map((f) => ({ code: f.code, message: f.message, severity: f.severity, category: f.category })),
  };
}

function layerCount(ls: Report['layers']): number {
  let n = 0;
  for (const l of ls) n += 1 + (l.layers ? layerCount(l.layers) : 0);
  return n;
}
