// The report's compute and memory: each layer's cost (src/cost) and the model's totals at a batch
// size, and the weights' bytes by stored dtype (quantized int8, packed int4, float8 included).
import type { ComputeTotals, DtypeBytes, LayerCompute, WeightReport } from '../types.js';
import type { LayerResult, ModelResult } from '../graph/infer.js';
import { DTYPE_BYTES, innerLayers, layerCost } from '../cost/index.js';
import { prod } from '../layers/util.js';

export interface ComputeSection {
  layers: Map<LayerResult, LayerCompute>;
  totals: ComputeTotals;
}

/** Every layer of a model, nested ones included, as Keras lists them. */
function* walk(m: ModelResult, path = ''): Generator<{ r: LayerResult; path: string; leaf: boolean }> {
  for (const r of innerLayers(m)) {
    yield { r, path: `${path}${r.spec.name}`, leaf: !r.inner };
    if (r.inner) yield* walk(r.inner, `${path}${r.spec.name}/`);
  }
}

/**
 * A kernel of a layer whose dtype policy is int4 (`int4_from_float32`…) is stored by Keras 3 as int8
 * holding two int4 values per byte (keras/src/quantizers/quantizers.py pack_int4): said as int4.
 */
function dtypeOf(w: WeightReport, r: LayerResult): string {
  const stored = w.storedDtype ?? 'float32';
  const policy = policyText(r.spec.config['dtype']);
  return stored === 'int8' && policy.includes('int4') && /(^|\/)(kernel|embeddings)$/.test(w.name) ? 'int4' : stored;
}

/**
 * A dtype policy as text: the string itself (`"int4_from_float32"`, Keras 2 and tfjs), or the string
 * values of Keras 3's `{"class_name": "Int4DTypePolicy", "config": {"mode": "int4/128", …}}` and of
 * its config. Read one level down, never serialized: a hostile config's dtype may be nested 100,000
 * deep (JSON.stringify would overflow the stack).
 */
function policyText(dtype: unknown): string {
  const strings = (v: unknown): string[] =>
    v && typeof v === 'object' && !Array.isArray(v) ? Object.values(v).filter((x): x is string => typeof x === 'string') : [];
  if (typeof dtype === 'string') return dtype;
  const config = dtype && typeof dtype === 'object' ? (dtype as Record<string, unknown>)['config'] : undefined;
  return [...strings(dtype), ...strings(config)].join(' ');
}

function weightBytes(model: ModelResult, rowsOf: (r: LayerResult) => WeightReport[]): DtypeBytes[] {
  const by = new Map<string, DtypeBytes>();
  const seen = new Set<LayerResult>();
  for (const { r, leaf } of walk(model)) {
    if (!leaf || seen.has(r)) continue;
    seen.add(r);
    for (const w of rowsOf(r)) {
      const shape = w.storedShape ?? w.expectedShape;
      if (!shape || w.duplicateOf || w.status === 'extra') continue;
      const dtype = dtypeOf(w, r);
      const entry = by.get(dtype) ?? { dtype, elements: 0, bytes: 0 };
      entry.elements += prod(shape);
      // A packed int4 tensor is an int8 one: one byte per stored element.
      const size = dtype === 'int4' ? 1 : DTYPE_BYTES[dtype];
      entry.bytes = entry.bytes === null || size === undefined ? null : entry.bytes + prod(shape) * size;
      by.set(dtype, entry);
    }
  }
  return [...by.values()].sort((a, b) => (b.bytes ?? 0) - (a.bytes ?? 0) || a.dtype.localeCompare(b.dtype));
}

/** Each layer's cost and the model's totals at `batch` (1: per sample). */
export function computeSection(model: ModelResult, rowsOf: (r: LayerResult) => WeightReport[], batch: number): ComputeSection {
  const layers = new Map<LayerResult, LayerCompute>();
  const totals: ComputeTotals = { batch, macs: 0, flops: 0, activationBytes: 0, unknownLayers: [], weightBytes: weightBytes(model, rowsOf) };
  for (const { r, path, leaf } of walk(model)) {
    const c = layerCost(r, batch);
    layers.set(r, c);
    if (!leaf) continue;
    if (c.macs === null || c.flops === null) totals.unknownLayers.push(path);
    totals.macs += c.macs ?? 0;
    totals.flops += c.flops ?? 0;
    totals.activationBytes += c.activationBytes ?? 0;
  }
  return { layers, totals };
}
