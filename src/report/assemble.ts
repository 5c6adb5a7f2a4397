// Report assembly: from the analysed model (or the stored tensors alone) to the Report that every
// renderer prints and `--json` emits — layer rows, totals and dtype bytes, layer status, the
// consistency findings of the graph and the weight match, and the verdict.
import type { Finding, LayerCompute, LayerReport, ModelSource, Report, Shape, StoredTensor, Totals, WeightReport } from '../types.js';
import type { LayerResult, ModelResult } from '../graph/infer.js';
import { findingOf, sortFindings } from '../findings.js';
import { fmtCount, prod } from '../layers/util.js';
import { ruleFor } from '../layers/registry.js';
import type { MatchResult } from '../check/match.js';
import { isOpaque, layerPath, ownedWeights, topLayers } from '../check/expected.js';
import { computeSection } from './compute.js';
import { keyConfig } from './key-config.js';
import { append } from '../append.js';
import { mapShared } from './copy-on-write.js';
import { singularCounts, singularFinding } from './plural.js';
import { batchRow, rowOfFacts, type BatchRow } from './row.js';

export interface AssembleOptions {
  /** The batch size compute and activation memory are given for (default 1: per sample). */
  batch?: number;
}

/**
 * The report of one analysed file. `model` is null when the file stores no architecture (weights
 * only, or a subclassed model); `findings` are those made so far (reader, graph parse); `audited` are
 * the security audit's.
 */
export function assembleReport(source: ModelSource, model: ModelResult | null, match: MatchResult | null, findings: Finding[], audited: Finding[], opts: AssembleOptions = {}): Report {
  const report = model ? modelReport(source, model, match, findings, opts.batch ?? 1) : storedOnlyReport(source, findings);
  // One order for every finding, the audit's included (docs/json.md: most serious first).
  report.findings = sortFindings([...report.findings, ...audited]);
  report.verdict = verdictOf(report.findings, source, model);
  return report;
}

/**
 * The file's row in `check`'s table (row.ts), as batchRow reads it from assembleReport's report
 * with counts of 1 in the singular (plural.ts), but without what only the report holds: each
 * layer's entry (shapes, formula, key config, weight rows with their explanations) and the compute
 * section. A table of 10,000 small files made all of that for each file and printed none of it,
 * and V8 compiled it all (issue 15). Same findings, totals and verdict as the report
 * (test/assemble-row.test.ts).
 */
export function assembleRow(source: ModelSource, model: ModelResult | null, match: MatchResult | null, findings: Finding[], audited: Finding[]): BatchRow {
  if (!model) return batchRow(singularCounts(assembleReport(source, model, match, findings, audited)));
  const totals = modelFindings(source, model, match, rowsOfMatch(match), findings);
  const sorted = sortFindings([...findings, ...audited]);
  const verdict = verdictOf(sorted, source, model);
  return rowOfFacts({ format: source.format, weightsFile: source.weightsFile, hasModel: true, verdict, layers: layerCount(model), totals, findings: mapShared(sorted, singularFinding) });
}

function verdictOf(findings: readonly Finding[], source: ModelSource, model: ModelResult | null): Report['verdict'] {
  if (findings.some((f) => f.severity === 'error')) return 'inconsistent';
  if (!source.weights || !model) return 'unverified';
  return 'consistent';
}

/** The layers Keras lists, nested models' own included (the report's layers, counted). */
function layerCount(model: ModelResult): number {
  let n = 0;
  for (const r of topLayers(model)) n += 1 + (r.inner ? layerCount(r.inner) : 0);
  return n;
}

// ---------------------------------------------------------------- with an architecture

function modelReport(source: ModelSource, model: ModelResult, match: MatchResult | null, findings: Finding[], batch: number): Report {
  const rowsOf = rowsOfMatch(match);
  const compute = computeSection(model, rowsOf, batch);
  const layers = topLayers(model).map((r) => layerReport(r, rowsOf, source, compute.layers));
  const totals = modelFindings(source, model, match, rowsOf, findings);
  return { ...baseReport(source, { name: model.graph.name, className: model.graph.className, ...modelIO(model) }, layers, totals, findings), compute: compute.totals };
}

/** A layer's weight rows: the match's, or without stored weights the expected tensors, unverified. */
function rowsOfMatch(match: MatchResult | null): (r: LayerResult) => WeightReport[] {
  return (r) => match?.rows.get(r) ?? expectedRows(r);
}

/**
 * The consistency findings of an analysed model, added to `findings` (the graph's, the weight
 * match's, the total stored against the total needed, one per layer without a rule), and its totals.
 */
function modelFindings(source: ModelSource, model: ModelResult, match: MatchResult | null, rowsOf: (r: LayerResult) => WeightReport[], findings: Finding[]): Totals {
  graphFindings(model, findings);
  if (match) append(findings, match.findings);
  const totals = totalsOf(model, rowsOf, source);
  // What the file should hold: the parameters, less tensors its format does not keep (notInFile).
  const notKept = [...new Set(allLayers(model))].flatMap((r) => (r.inner ? [] : rowsOf(r))).filter((w) => w.notInFile).reduce((t, w) => t + rowParams(w), 0);
  const needed = totals.params - notKept;
  // With tensors of unknown size the architecture's count is not known: never "needs 0" (issue 9,
  // defect 4); each such tensor is paired or reported on its own.
  if (source.weights && totals.storedParams !== null && totals.unknownSizeTensors === 0 && totals.storedParams !== needed) {
    findings.push(findingOf('total-mismatch', null, `the file stores ${fmtCount(totals.storedParams)} parameters; the architecture needs ${fmtCount(needed)}`));
  }
  for (const r of allLayers(model)) if (isOpaque(r)) findings.push(unknownLayerFinding(r, match?.rows.get(r) ?? []));
  return totals;
}

/** One warning per layer kerascope has no rule for (or cannot analyse): its stored tensors are counted as stored. */
function unknownLayerFinding(r: LayerResult, rows: WeightReport[]): Finding {
  const count = rows.reduce((t, w) => t + (w.storedShape ? prod(w.storedShape) : 0), 0);
  const stored = rows.length ? `; its ${rows.length} stored tensors (${fmtCount(count)} parameters) are listed and counted as stored, of unknown trainability (that is in the layer's code)` : '';
  return findingOf(r.state === 'opaque' ? 'opaque-layer' : 'unknown-layer-class', layerPath(r), `${layerPath(r)} (${r.spec.className}): ${r.problem}${stored}`);
}

/** The model's input and output shapes, as `model.inputs` / `model.outputs` (null where unknown). */
function modelIO(model: ModelResult): { inputs: (Shape | null)[]; outputs: (Shape | null)[] } {
  const byName = new Map(model.layers.map((r) => [r.spec.name, r]));
  const shapeOf = (ref: { layer: string; tensor: number }): Shape | null => byName.get(ref.layer)?.calls[0]?.outputShapes?.[ref.tensor] ?? null;
  return { inputs: model.graph.inputs.map(shapeOf), outputs: model.outputShapes };
}

function* allLayers(model: ModelResult): Generator<LayerResult> {
  for (const r of model.layers) {
    yield r;
    if (r.inner) yield* allLayers(r.inner);
  }
}

function graphFindings(model: ModelResult, findings: Finding[]): void {
  const walk = (m: ModelResult): void => {
    for (const p of m.problems) findings.push(findingOf('graph-problem', m.path.replace(/\/$/, '') || null, p));
    for (const d of m.shapeDisagreements) findings.push(findingOf('stored-shape-disagrees', d.layer, d.message));
    for (const r of m.layers) {
      const path = layerPath(r);
      if (r.state === 'rule-error') findings.push(findingOf(r.problemCode ?? 'layer-rule-error', path, `${path} (${r.spec.className}): ${r.problem}`));
      for (const t of r.truncated ?? []) findings.push(findingOf('config-size-truncated', path, `${path} (${r.spec.className}): ${t}`));
      for (const n of r.notes) {
        const text = n.startsWith(`${r.spec.name}: `) ? n.slice(r.spec.name.length + 2) : n;
        findings.push(findingOf(ruleFor(r.spec.className, r.spec.module)?.noteCode ?? 'layer-note', path, `${path}: ${text}`));
      }
      if (r.inner) walk(r.inner);
    }
  };
  walk(model);
  const unknown = [...allLayers(model)].filter((r) => r.state === 'no-shape' && r.spec.className !== 'InputLayer').map(layerPath);
  if (unknown.length) findings.push(findingOf('shape-unknown', null, `output shape unknown (an input shape is unknown): ${unknown.slice(0, 8).join(', ')}${unknown.length > 8 ? ` and ${unknown.length - 8} more` : ''}`));
}

/** Without stored weights: the expected tensors, unverified. */
function expectedRows(r: LayerResult): WeightReport[] {
  return ownedWeights(r).map((w) => ({
    name: w.weight.name,
    expectedShape: w.weight.shape,
    storedShape: null,
    storedPath: null,
    storedDtype: null,
    trainable: w.trainable,
    status: 'unverified' as const,
    why: w.weight.why,
    ...(w.weight.duplicateOf ? { duplicateOf: w.weight.duplicateOf } : {}),
  }));
}

function rowParams(w: WeightReport): number {
  const s = w.expectedShape ?? w.storedShape;
  return s && w.status !== 'extra' && !w.duplicateOf ? prod(s) : 0;
}

function outputOf(shapes: Shape[] | null | undefined): Shape | Shape[] | null {
  if (!shapes || shapes.length === 0) return null;
  return shapes.length === 1 ? shapes[0]! : shapes;
}

function layerReport(r: LayerResult, rowsOf: (r: LayerResult) => WeightReport[], source: ModelSource, costs: Map<LayerResult, LayerCompute>): LayerReport {
  const nested = r.inner ? topLayers(r.inner).map((l) => layerReport(l, rowsOf, source, costs)) : undefined;
  const weights = r.inner ? [] : rowsOf(r);
  const counts = nested ? nestedCounts(nested) : rowCounts(weights);
  const calls = r.calls.map((c) => outputOf(c.outputShapes));
  const report: LayerReport = {
    name: r.spec.name,
    className: r.spec.className,
    outputShape: calls.length ? calls[calls.length - 1]! : null,
    connectedTo: r.spec.calls.flatMap((c) => c.inputs.map((i) => `${i.layer}[${i.node}][${i.tensor}]`)),
    params: counts.params,
    trainableParams: counts.trainableParams,
    nonTrainableParams: counts.nonTrainableParams,
    trainable: r.trainable,
    status: layerStatus(r, weights, nested, source),
    formula: r.rule?.formula ?? (r.problem ? r.problem : null),
    keyConfig: keyConfig(r.spec.config),
    weights,
  };
  if (calls.length > 1) report.outputShapes = calls;
  if (r.spec.calls.length > 1) report.callInputs = r.spec.calls.map((c) => c.inputs.map((i) => `${i.layer}[${i.node}][${i.tensor}]`));
  if (nested) report.layers = nested;
  const cost = costs.get(r);
  if (cost) report.compute = cost;
  if (counts.unknownTrainabilityParams) report.unknownTrainabilityParams = counts.unknownTrainabilityParams;
  if (counts.unknownSizeTensors) report.unknownSizeTensors = counts.unknownSizeTensors;
  if (nested ? nested.some((l) => l.paramsUnknown) : unknownParams(r, source)) report.paramsUnknown = true;
  Object.assign(report, axisMarks(r));
  return report;
}

/** A class with no rule in a file without weights: what it owns is in its code, and nothing counts it. */
function unknownParams(r: LayerResult, source: ModelSource): boolean {
  return isOpaque(r) && !source.weights;
}

/** Which sizes of a one-output layer's shape cannot be known, and which a stored tensor gave. */
function axisMarks(r: LayerResult): Pick<LayerReport, 'unknownAxes' | 'axesFromWeights'> {
  const outs = r.calls[r.calls.length - 1]?.outputs;
  const t = outs?.length === 1 ? outs[0]! : null;
  if (!t?.rankKnown) return {};
  const unknown = t.axes.flatMap((a, i) => (a.unknown && a.size === null ? [i] : []));
  const fromWeights = t.axes.flatMap((a, axis) => (a.from?.kind === 'weights' && a.size !== null ? [{ axis, size: a.size, weight: a.from.what }] : []));
  return { ...(unknown.length ? { unknownAxes: unknown } : {}), ...(fromWeights.length ? { axesFromWeights: fromWeights } : {}) };
}

type Counts = Pick<LayerReport, 'params' | 'trainableParams' | 'nonTrainableParams'> & { unknownTrainabilityParams: number; unknownSizeTensors: number };

/** One pass over a layer's rows (it runs for every layer; four filtered lists each before). */
function rowCounts(ws: WeightReport[]): Counts {
  const c: Counts = { params: 0, trainableParams: 0, nonTrainableParams: 0, unknownTrainabilityParams: 0, unknownSizeTensors: 0 };
  for (let i = 0; i < ws.length; i++) {
    const w = ws[i]!;
    const n = rowParams(w);
    c.params += n;
    if (isTrainable(w)) c.trainableParams += n;
    if (isFrozen(w)) c.nonTrainableParams += n;
    if (isUnknownTrainability(w)) c.unknownTrainabilityParams += n;
    if (isUnknownSize(w)) c.unknownSizeTensors++;
  }
  return c;
}

/** A nested model owns what its layers own. */
function nestedCounts(layers: LayerReport[]): Counts {
  const c: Counts = { params: 0, trainableParams: 0, nonTrainableParams: 0, unknownTrainabilityParams: 0, unknownSizeTensors: 0 };
  for (const l of layers) {
    c.params += l.params;
    c.trainableParams += l.trainableParams;
    c.nonTrainableParams += l.nonTrainableParams;
    c.unknownTrainabilityParams += l.unknownTrainabilityParams ?? 0;
    c.unknownSizeTensors += l.unknownSizeTensors ?? 0;
  }
  return c;
}

const isTrainable = (w: WeightReport): boolean => w.trainable && !w.trainableUnknown;
const isFrozen = (w: WeightReport): boolean => !w.trainable && !w.trainableUnknown;
const isUnknownTrainability = (w: WeightReport): boolean => !!w.trainableUnknown;
/** An expected tensor whose size neither the config nor the file tells. */
const isUnknownSize = (w: WeightReport): boolean => w.status !== 'extra' && !w.duplicateOf && w.expectedShape === null && w.storedShape === null;

function layerStatus(r: LayerResult, weights: WeightReport[], nested: LayerReport[] | undefined, source: ModelSource): LayerReport['status'] {
  if (nested) return nested.some((l) => l.status === 'mismatch') ? 'mismatch' : nested.some((l) => l.status === 'unknown-class') ? 'unknown-class' : source.weights ? 'ok' : 'unverified';
  if (r.state === 'unknown-class' || r.state === 'opaque') return 'unknown-class';
  if (r.state === 'rule-error' || weights.some((w) => w.status === 'shape-mismatch' || w.status === 'missing' || w.status === 'extra')) return 'mismatch';
  if (r.state === 'no-shape') return 'no-shape';
  if (!source.weights && weights.length > 0) return 'unverified';
  return 'ok';
}

// ---------------------------------------------------------------- totals

const DTYPE_BYTES: Record<string, number> = { float64: 8, int64: 8, uint64: 8, complex64: 8, float32: 4, int32: 4, uint32: 4, float16: 2, bfloat16: 2, int16: 2, uint16: 2, int8: 1, uint8: 1, bool: 1, int4: 1, float8_e4m3fn: 1, float8_e5m2: 1 };

function bytesOf(w: WeightReport): number {
  return rowParams(w) * (DTYPE_BYTES[w.storedDtype ?? 'float32'] ?? 4);
}

function totalsOf(model: ModelResult, rowsOf: (r: LayerResult) => WeightReport[], source: ModelSource): Totals {
  const rows: WeightReport[] = [];
  const leaves = [...new Set(allLayers(model))].filter((r) => !r.inner);
  for (const r of leaves) append(rows, rowsOf(r));
  return makeTotals(rows, source, leaves.filter((r) => unknownParams(r, source)).length);
}

function makeTotals(rows: WeightReport[], source: ModelSource, unknownParamLayers = 0): Totals {
  return totalsOfRows(rows, source.weights ? source.weights.groups.flatMap((g) => g.tensors) : null, source.weights?.optimizer ?? [], unknownParamLayers);
}

/** Totals of weight rows; `stored`: the model's stored tensors (null without weights), `opt` the optimizer's. */
export function totalsOfRows(rows: WeightReport[], stored: StoredTensor[] | null, opt: StoredTensor[], unknownParamLayers = 0): Totals {
  const counted = rows.filter((w) => w.status !== 'extra');
  const sum = (ws: WeightReport[], f: (w: WeightReport) => number): number => ws.reduce((t, w) => t + f(w), 0);
  return {
    params: sum(counted, rowParams),
    trainableParams: sum(counted.filter(isTrainable), rowParams),
    nonTrainableParams: sum(counted.filter(isFrozen), rowParams),
    optimizerParams: opt.reduce((t, s) => t + prod(s.shape), 0),
    // A variable Keras stores twice (duplicateOf) is one parameter set: count its copy once.
    storedParams: stored ? stored.reduce((t, s: StoredTensor) => t + prod(s.shape), 0) - sum(rows.filter((w) => w.duplicateOf && w.storedShape), (w) => prod(w.storedShape!)) : null,
    paramBytes: sum(counted, bytesOf),
    trainableBytes: sum(counted.filter(isTrainable), bytesOf),
    nonTrainableBytes: sum(counted.filter(isFrozen), bytesOf),
    optimizerBytes: opt.reduce((t, s) => t + prod(s.shape) * (DTYPE_BYTES[s.dtype] ?? 4), 0),
    unknownTrainabilityParams: sum(counted.filter(isUnknownTrainability), rowParams),
    unknownTrainabilityBytes: sum(counted.filter(isUnknownTrainability), bytesOf),
    unknownSizeTensors: counted.filter(isUnknownSize).length,
    unknownParamLayers,
  };
}

// ---------------------------------------------------------------- without an architecture

/** Weights only (or a subclassed model): list what is stored, group by group. */
function storedOnlyReport(source: ModelSource, findings: Finding[]): Report {
  const groups = source.weights?.groups ?? [];
  const layers: LayerReport[] = groups
    .filter((g) => g.tensors.length > 0)
    .map((g) => {
      const weights: WeightReport[] = g.tensors.map((s) => ({
        name: s.name,
        expectedShape: null,
        storedShape: s.shape,
        storedPath: s.path,
        storedDtype: s.dtype,
        // No weights file records whether Keras trains a variable: without the architecture, not guessed.
        trainable: false,
        trainableUnknown: true as const,
        status: 'unverified',
        why: 'stored; no architecture to check it against',
      }));
      const c = rowCounts(weights);
      const layer: LayerReport = { name: g.label ?? g.path, className: 'unknown', outputShape: null, connectedTo: [], params: c.params, trainableParams: c.trainableParams, nonTrainableParams: c.nonTrainableParams, trainable: true, status: 'unverified', formula: null, weights };
      if (c.unknownTrainabilityParams) layer.unknownTrainabilityParams = c.unknownTrainabilityParams;
      return layer;
    });
  if (!source.config) findings.push(findingOf('weights-only', null, 'weights only: no architecture in the file, so tensors are listed, not verified (give one with --config FILE)'));
  const rows = layers.flatMap((l) => l.weights);
  const totals = makeTotals(rows, source);
  return baseReport(source, null, layers, totals, findings);
}

export function baseReport(source: ModelSource, model: Report['model'], layers: LayerReport[], totals: Totals, findings: Finding[]): Report {
  return {
    schemaVersion: 1,
    file: source.file,
    weightsFile: source.weightsFile,
    format: source.format,
    formatLabel: source.formatLabel,
    kerasVersion: source.kerasVersion,
    backend: source.backend,
    model,
    verdict: 'unverified',
    layers,
    totals,
    findings,
  };
}
