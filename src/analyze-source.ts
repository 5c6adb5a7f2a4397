// The pipeline on a source already read: graph → rules → check → report (src/report/assemble.ts
// builds the --json object). Nothing here touches Node, so the page (web/) runs it as the command
// line does; reading a path on this machine is analyze.ts.
import type { Finding, ModelSource, Report } from './types.js';
import { UnreadableError } from './errors.js';
import { parseModel, ConfigError } from './graph/parse.js';
import type { ModelResult } from './graph/infer.js';
import { inferAndMatch } from './check/solve.js';
import type { MatchResult } from './check/match.js';
import { parseKerasVersion } from './layers/evaluate.js';
import type { KerasVersion } from './layers/types.js';
import { audit } from './audit/index.js';
import { findingOf } from './findings.js';
import { assembleReport, assembleRow, type AssembleOptions } from './report/assemble.js';
import type { BatchRow } from './report/row.js';
import { singularCounts } from './report/plural.js';
import { convertBack } from './check/convert-back.js';
import { tfjsRefusals } from './check/tfjs-loader.js';
import { analyzePreset } from './analyze-preset.js';
import { append } from './append.js';

export function analyzeSource(source: ModelSource, opts: AssembleOptions = {}): Report {
  if (source.preset) return singularCounts(analyzePreset(source, safeAudit(source)));
  const a = analyzeGraph(source);
  return singularCounts(assembleReport(source, a.model, a.match, a.findings, safeAudit(source), opts));
}

/**
 * Only the file's row in `check`'s table (report/row.ts), the same as `batchRow(analyzeSource(source))`
 * made without the rest of the report (assemble.ts assembleRow). null for a KerasHub preset: its
 * report is needed whole (the weights files it read).
 */
export function analyzeSourceRow(source: ModelSource): BatchRow | null {
  if (source.preset) return null;
  const a = analyzeGraph(source);
  return assembleRow(source, a.model, a.match, a.findings, safeAudit(source));
}

interface Analysed {
  model: ModelResult | null;
  match: MatchResult | null;
  /** The reader's findings, then the conversion checks' and the subclassed model's. */
  findings: Finding[];
}

/** The graph built from the config, its shapes inferred and its weights matched (when it has a config). */
function analyzeGraph(source: ModelSource): Analysed {
  const findings: Finding[] = [...source.findings];
  let model: ModelResult | null = null;
  let match: MatchResult | null = null;
  if (source.config) {
    try {
      const graph = parseModel(source.config);
      if (graph.kind !== 'subclassed') {
        const version = versionOf(source);
        ({ model, match } = inferAndMatch(graph, version, source.weights));
        append(findings, convertBack(graph, model, version), tfjsRefusals(source));
      }
      else findings.push(findingOf('subclassed-model', null, `${graph.className} is a subclassed model: its config stores no layers, so only the stored tensors can be listed`));
    } catch (e) {
      if (e instanceof ConfigError) throw new UnreadableError(source.file, `model config: ${e.message}`);
      throw e;
    }
  }
  return { model, match, findings };
}

/**
 * The Keras version the rules follow: the file's, its weights', or the one its reader says its
 * format implies (ModelSource.assumedKerasVersion); else Keras 3 (Keras 3's to_json() and
 * config.json carry none; every earlier to_json() did).
 */
function versionOf(source: ModelSource): KerasVersion {
  // A TensorFlow.js folder is loaded by tfjs-layers, whichever Keras wrote its config.
  const loader = source.format === 'tfjs-layers' ? 'tfjs' : undefined;
  // The backend decides a Lambda's shape in Keras 1/2 (only Theano took the input shape: layers/lambda.ts).
  const backend = source.backend ?? source.weights?.backend ?? null;
  return { ...parseKerasVersion(source.kerasVersion ?? source.weights?.kerasVersion ?? source.assumedKerasVersion ?? '3.0', loader), backend };
}

function safeAudit(source: ModelSource): Finding[] {
  try {
    return audit(source);
  } catch (e) {
    return [findingOf('audit-failed', null, `the security audit could not finish: ${(e as Error).message}`)];
  }
}
