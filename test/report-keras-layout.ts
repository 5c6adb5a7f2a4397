// Test helpers: parse a box-drawn summary (Keras 3's, or ours — the same layout) and turn a
// keras3-zoo truth.json model into a Report, using only what Keras itself wrote.
import { readFileSync } from 'node:fs';
import type { LayerReport, Report } from '../src/types.js';
import { zooPath, type TruthLayer, type TruthModel } from './helpers/zoo.js';

export interface ParsedSummary {
  header: string[];
  rows: string[][];
  /** " Total params: 44 (176.00 B)" and the like, trimmed. */
  totals: string[];
}

function cells(line: string, bar: string): string[] {
  return line.split(bar).slice(1, -1).map((c) => c.trim());
}

/** Cells of rows that span several lines are joined with a space, as one reads them. */
export function parseSummary(text: string): ParsedSummary {
  const out: ParsedSummary = { header: [], rows: [], totals: [] };
  let current: string[][] = [];
  const flush = () => {
    if (current.length) out.rows.push(current[0]!.map((_, i) => current.map((l) => l[i]).filter(Boolean).join(' ')));
    current = [];
  };
  for (const line of text.split('\n')) {
    if (line.startsWith('┃')) out.header = cells(line, '┃');
    else if (line.startsWith('│')) current.push(cells(line, '│'));
    else if (line.startsWith('├') || line.startsWith('└')) flush();
    else if (/^ (Total|Trainable|Non-trainable|Optimizer) params:/.test(line)) out.totals.push(line.trim());
  }
  return out;
}

/** rich crops a cell that does not fit its column with "…": then ours need only start the same. */
export function sameCell(ours: string, keras: string): boolean {
  return keras.endsWith('…') ? ours.startsWith(keras.slice(0, -1)) : ours === keras;
}

type Json = Record<string, unknown>;

function histories(v: unknown, out: string[]): void {
  if (Array.isArray(v)) for (const x of v) histories(x, out);
  else if (v && typeof v === 'object') {
    const o = v as Json;
    if (o['class_name'] === '__keras_tensor__') {
      const [name, node, tensor] = (o['config'] as Json)['keras_history'] as [string, number, number];
      out.push(`${name}[${node}][${tensor}]`);
    } else for (const x of Object.values(o)) histories(x, out);
  }
}

/** "Connected to" of each layer from the stored Keras 3 config: every inbound node, args then kwargs. */
export function connectionsFromConfig(model: TruthModel): Map<string, string[]> {
  const map = new Map<string, string[]>();
  if (!model.files.json || model.model_class !== 'Functional') return map;
  const cfg = JSON.parse(readFileSync(zooPath(model.files.json), 'utf8')) as Json;
  for (const layer of ((cfg['config'] as Json)['layers'] as Json[]) ?? []) {
    const found: string[] = [];
    for (const node of (layer['inbound_nodes'] as Json[] | undefined) ?? []) {
      histories(node['args'], found);
      histories(node['kwargs'], found);
    }
    map.set(layer['name'] as string, found);
  }
  return map;
}

const DTYPE_BYTES: Record<string, number> = { float16: 2, bfloat16: 2, float32: 4, float64: 8, int8: 1, int32: 4, int64: 8, uint8: 1, bool: 1 };

function layerFromTruth(t: TruthLayer, links: Map<string, string[]>): LayerReport {
  return {
    name: t.name,
    className: t.class_name,
    outputShape: t.output_shape,
    outputShapes: t.output_shapes,
    connectedTo: links.get(t.name) ?? [],
    params: t.params,
    trainableParams: t.trainable_params,
    nonTrainableParams: t.non_trainable_params,
    trainable: t.trainable,
    status: 'ok',
    formula: null,
    weights: [],
    layers: t.layers?.map((s) => layerFromTruth(s, new Map())),
  };
}

/** Bytes of the model's variables by effective trainable flag, from their dtypes (shared ones once). */
function bytesOf(model: TruthModel): { trainable: number; nonTrainable: number } {
  const seen = new Set<string>();
  let trainable = 0;
  let nonTrainable = 0;
  for (const l of model.layers) {
    for (const w of l.weights) {
      if (seen.has(w.path)) continue;
      seen.add(w.path);
      const bytes = w.shape.reduce((a, b) => a * b, 1) * (DTYPE_BYTES[w.dtype] ?? 4);
      if (w.trainable) trainable += bytes;
      else nonTrainable += bytes;
    }
  }
  return { trainable, nonTrainable };
}

export function reportFromTruth(model: TruthModel): Report {
  const links = connectionsFromConfig(model);
  const bytes = bytesOf(model);
  return {
    schemaVersion: 1,
    file: `${model.slug}.keras`,
    weightsFile: null,
    format: 'keras-zip',
    formatLabel: `.keras archive (Keras ${model.keras_version})`,
    kerasVersion: model.keras_version,
    backend: 'jax',
    model: { name: model.model_name, className: model.model_class },
    verdict: 'consistent',
    layers: model.layers.map((l) => layerFromTruth(l, links)),
    totals: {
      unknownTrainabilityParams: 0, unknownTrainabilityBytes: 0, unknownSizeTensors: 0, unknownParamLayers: 0,
      params: model.total_params,
      trainableParams: model.trainable_params,
      nonTrainableParams: model.non_trainable_params,
      optimizerParams: model.optimizer_params,
      storedParams: model.total_params,
      paramBytes: bytes.trainable + bytes.nonTrainable,
      trainableBytes: bytes.trainable,
      nonTrainableBytes: bytes.nonTrainable,
      // Keras 3 on JAX keeps every optimizer variable here as 4 bytes (the summary's own figure).
      optimizerBytes: model.optimizer_params * 4,
    },
    findings: [],
  };
}
