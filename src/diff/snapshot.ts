// The architecture fingerprint of a report (issue 13): what `kerascope snapshot` writes and what
// `diff` and `check --baseline` compare. Layers, shapes, the compared config arguments, tensors
// (shape and dtype), totals and whether optimizer state is stored — never weight values, file
// names or times, and always in the same order (model order, depth first; keys in a fixed order),
// so a snapshot committed beside a model diffs well in git.
import type { FormatId, LayerReport, Report, Shape } from '../types.js';

export interface SnapshotTensor {
  /** Keras's variable name relative to the layer (`kernel`, `lstm_cell/recurrent_kernel`). */
  name: string;
  /** The stored shape, else the shape the config implies; null when neither is known. */
  shape: number[] | null;
  /** The stored dtype; null when the file stores no tensor for it (a JSON architecture). */
  dtype: string | null;
}

export interface SnapshotLayer {
  /** `outer/inner/dense_2` for a layer inside a nested model. */
  path: string;
  className: string;
  outputShape: Shape | Shape[] | null;
  trainable: boolean;
  params: number;
  trainableParams: number;
  nonTrainableParams: number;
  /** The compared config arguments (src/report/key-config.ts). */
  config: NonNullable<LayerReport['keyConfig']>;
  tensors: SnapshotTensor[];
  /** A nested model: its layers follow it, their paths under its name. */
  container?: true;
}

export interface Snapshot {
  schemaVersion: 1;
  kind: 'kerascope-snapshot';
  /** How the file was read: informative only, never compared (any two formats can agree). */
  source: { format: FormatId; kerasVersion: string | null };
  model: { name: string; className: string; inputs: (Shape | null)[]; outputs: (Shape | null)[] } | null;
  totals: { params: number; trainableParams: number; nonTrainableParams: number; optimizerParams: number };
  /** Optimizer state stored in the file; null when it stores no weights at all (an architecture alone). */
  optimizer: boolean | null;
  layers: SnapshotLayer[];
}

function tensorsOf(l: LayerReport): SnapshotTensor[] {
  return l.weights.filter((w) => !w.duplicateOf).map((w) => ({ name: w.name, shape: w.storedShape ?? w.expectedShape, dtype: w.storedDtype }));
}

function layersOf(ls: readonly LayerReport[], prefix: string, out: SnapshotLayer[]): SnapshotLayer[] {
  for (const l of ls) {
    const path = prefix + l.name;
    const layer: SnapshotLayer = {
      path,
      className: l.className,
      outputShape: l.outputShape,
      trainable: l.trainable,
      params: l.params,
      trainableParams: l.trainableParams,
      nonTrainableParams: l.nonTrainableParams,
      config: l.keyConfig ?? {},
      tensors: tensorsOf(l),
    };
    if (l.layers) layer.container = true;
    out.push(layer);
    if (l.layers) layersOf(l.layers, `${path}/`, out);
  }
  return out;
}

/** The fingerprint of one analysed file. */
export function snapshotOf(report: Report): Snapshot {
  const m = report.model;
  const t = report.totals;
  return {
    schemaVersion: 1,
    kind: 'kerascope-snapshot',
    source: { format: report.format, kerasVersion: report.kerasVersion },
    model: m ? { name: m.name, className: m.className, inputs: m.inputs ?? [], outputs: m.outputs ?? [] } : null,
    totals: { params: t.params, trainableParams: t.trainableParams, nonTrainableParams: t.nonTrainableParams, optimizerParams: t.optimizerParams },
    optimizer: t.storedParams === null ? null : t.optimizerParams > 0,
    layers: layersOf(report.layers, '', []),
  };
}

/** Is this parsed JSON a snapshot (a baseline file)? */
export function isSnapshot(v: unknown): v is Snapshot {
  const s = v as Partial<Snapshot> | null;
  return typeof s === 'object' && s !== null && s.kind === 'kerascope-snapshot' && s.schemaVersion === 1 && Array.isArray(s.layers) && typeof s.totals === 'object';
}
