// Report assembly for a KerasHub preset: the backbone's blocks as rows (each with its formula and
// its tensors matched against the weights store), a part the rules do not verify as one row of
// stored tensors, the task's own weights as rows after the backbone's, the totals, and the
// preset's own summary (the backbone's count against metadata.json's parameter_count).
import type { Finding, LayerReport, ModelSource, PresetReport, Report, StoredTensor, WeightReport } from '../types.js';
import type { BackboneLayout, Block, OpaquePart } from '../backbones/types.js';
import type { BackboneMatch } from '../check/backbone.js';
import { storedRow } from '../check/backbone.js';
import { findingOf, sortFindings } from '../findings.js';
import { fmtCount, prod } from '../layers/util.js';
import { baseReport, totalsOfRows } from './assemble.js';

const elements = (ts: readonly StoredTensor[]): number => ts.reduce((n, t) => n + prod(t.shape), 0);
const rowParams = (w: WeightReport): number => (w.status === 'extra' ? 0 : prod(w.expectedShape ?? w.storedShape ?? []));

function layerRow(name: string, className: string, outputShape: LayerReport['outputShape'], formula: string | null, weights: WeightReport[], status: LayerReport['status']): LayerReport {
  const params = weights.reduce((n, w) => n + rowParams(w), 0);
  const trainable = weights.filter((w) => w.trainable).reduce((n, w) => n + rowParams(w), 0);
  return { name, className, outputShape, connectedTo: [], params, trainableParams: trainable, nonTrainableParams: params - trainable, trainable: true, status, formula, weights };
}

function blockRow(b: Block, rows: WeightReport[] | null): LayerReport {
  const weights = rows ?? b.tensors.map((t) => ({ name: t.name, expectedShape: t.shape, storedShape: null, storedPath: null, storedDtype: null, trainable: true, status: 'unverified' as const, why: t.why }));
  const bad = weights.some((w) => w.status === 'missing' || w.status === 'shape-mismatch' || w.status === 'extra');
  return layerRow(b.name, b.className, b.outputShape, b.formula, weights, rows === null ? 'unverified' : bad ? 'mismatch' : 'ok');
}

/** Stored tensors grouped under the element of the `layers` list they sit in. */
function byContainer(ts: readonly StoredTensor[]): Map<string, StoredTensor[]> {
  const out = new Map<string, StoredTensor[]>();
  for (const t of ts) {
    const top = t.path.replace(/^\/+/, '').split('/').slice(0, 2).join('/');
    out.set(top, [...(out.get(top) ?? []), t]);
  }
  return out;
}

function storedRows(prefix: string, className: string, groups: Map<string, StoredTensor[]>, why: string, status: LayerReport['status'], rowStatus: 'unverified' | 'extra'): LayerReport[] {
  return [...groups].map(([top, ts]) => layerRow(`${prefix}${top.replace(/^layers\//, '')}`, className, null, null, ts.map((t) => storedRow(t, rowStatus, why)), status));
}

function opaqueRow(part: OpaquePart, ts: StoredTensor[]): LayerReport {
  return layerRow(part.name, part.className, null, part.reason, ts.map((t) => storedRow(t, 'unverified', part.reason)), 'unknown-class');
}

/**
 * The rows of one part: its blocks matched (or expected, nothing stored), parts not verified, and
 * what the store holds beyond them; without a layout, or for a store laid out by another writer,
 * the stored tensors listed by container.
 */
function partRows(part: PresetPart, stored: StoredTensor[], prefix: string, className: string, why: string): LayerReport[] {
  const { layout, match } = part;
  const named = (l: LayerReport): LayerReport => ({ ...l, name: `${prefix}${l.name}` });
  if (layout && (!match || match.recognised)) {
    const extra = match ? storedRows('', 'unknown', match.unclaimed, `stored; no layer of ${className} owns it`, 'mismatch', 'extra') : [];
    return [...layout.blocks.map((b, i) => blockRow(b, match ? match.rows[i]! : null)), ...layout.opaque.map((p, i) => opaqueRow(p, match?.opaque[i] ?? [])), ...extra].map(named);
  }
  return storedRows(prefix, className === 'unknown' ? 'unknown' : `${className} head`, byContainer(stored), why, 'unverified', 'unverified');
}

function backboneRows(source: ModelSource, part: PresetPart): LayerReport[] {
  const stored = source.weights?.groups.flatMap((g) => g.tensors) ?? [];
  return partRows(part, stored, '', 'unknown', 'stored; not verified against the constructor arguments');
}

function taskRows(source: ModelSource, part: PresetPart): LayerReport[] {
  const task = source.preset?.task;
  if (!task) return [];
  const stored = task.weights?.groups.flatMap((g) => g.tensors) ?? [];
  if (!part.layout && stored.length === 0) return [];
  return partRows(part, stored, 'task/', task.className, `stored in task.weights.h5; kerascope has no rule for the ${task.className} head: listed and counted`);
}

export interface PresetPart {
  layout: BackboneLayout | null;
  match: BackboneMatch | null;
}

export interface PresetAnalysis {
  backbone: PresetPart;
  /** The task's head (task.weights.h5). */
  task: PresetPart;
  /** Findings made so far (reader, rules, match). */
  findings: Finding[];
}

export function assemblePresetReport(source: ModelSource, a: PresetAnalysis, audited: Finding[]): Report {
  const preset = source.preset!;
  const findings = [...a.findings];
  const layers = [...backboneRows(source, a.backbone), ...taskRows(source, a.task)];
  const backboneStored = source.weights ? elements(source.weights.groups.flatMap((g) => g.tensors)) : null;
  const expected = a.backbone.layout ? a.backbone.layout.blocks.reduce((n, b) => n + b.tensors.reduce((m, t) => m + prod(t.shape), 0), 0) : null;
  const task = preset.task;
  const taskStored = task?.weights ? task.weights.groups.flatMap((g) => g.tensors) : [];
  const taskOptimizer = task?.weights?.optimizer ?? [];
  findings.push(...countFindings(preset.metadata?.parameterCount ?? null, backboneStored, expected, preset.weightsFiles));
  if (task) findings.push(taskFinding(task.className, elements(taskStored), taskOptimizer.length, task.weightsFile !== null, a.task.match?.recognised === true));
  const stored = source.weights ? [...source.weights.groups.flatMap((g) => g.tensors), ...taskStored] : null;
  const totals = totalsOfRows(layers.flatMap((l) => l.weights), stored, taskOptimizer);
  const name = typeof preset.args['name'] === 'string' ? preset.args['name'] : preset.backboneClass;
  const report = baseReport(source, { name, className: preset.backboneClass }, layers, totals, []);
  report.findings = sortFindings([...findings, ...audited]);
  const verified = a.backbone.layout !== null && a.backbone.match !== null && a.backbone.match.recognised;
  report.verdict = report.findings.some((f) => f.severity === 'error') ? 'inconsistent' : verified ? 'consistent' : 'unverified';
  report.preset = presetSummary(source, expected, backboneStored, elements(taskStored), elements(taskOptimizer));
  return report;
}

/** metadata.json's parameter_count against the weights store, or (without weights) against the constructor arguments. */
function countFindings(count: number | null, stored: number | null, expected: number | null, files: string[]): Finding[] {
  if (count === null) return [];
  if (stored !== null && stored !== count) {
    return [findingOf('preset-parameter-count', null, `metadata.json says parameter_count ${fmtCount(count)}; ${files[0] ?? 'the weights store'} holds ${fmtCount(stored)} (${stored > count ? '+' : ''}${fmtCount(stored - count)})`)];
  }
  if (stored === null && expected !== null && expected !== count) {
    return [findingOf('preset-parameter-count', null, `the constructor arguments in config.json give ${fmtCount(expected)} parameters; metadata.json says parameter_count ${fmtCount(count)}`)];
  }
  return [];
}

function taskFinding(className: string, params: number, optimizer: number, hasWeights: boolean, verified: boolean): Finding {
  if (!hasWeights) return findingOf('preset-task', null, `task ${className} (task.json): no task.weights.h5, so it owns no weights beyond the backbone's (keras-hub writes one only when the task does)`);
  const opt = optimizer ? `, and ${optimizer} optimizer variables of the compiled task (not parameters, not counted)` : '';
  return findingOf('preset-task', null, `task ${className} (task.json): ${fmtCount(params)} parameters of its own in task.weights.h5, ${verified ? 'verified tensor by tensor' : 'listed and counted, not verified'}${opt}`);
}

function presetSummary(source: ModelSource, expected: number | null, stored: number | null, taskParams: number, taskOptimizer: number): PresetReport {
  const p = source.preset!;
  return {
    backbone: p.backboneClass,
    kerasHubVersion: p.metadata?.kerasHubVersion ?? null,
    parameterCount: p.metadata?.parameterCount ?? null,
    expectedParams: expected,
    storedParams: stored,
    weightsFiles: p.weightsFiles,
    task: p.task ? { className: p.task.className, params: taskParams, optimizerParams: taskOptimizer, weightsFile: p.task.weightsFile ? 'task.weights.h5' : null } : null,
    files: p.files,
  };
}
