// Two architecture fingerprints compared (issue 13): what `kerascope diff A B` prints and what
// `check --baseline` reports as findings, with the same messages. Only differences that change what
// the model is are drift: layers added, removed, renamed or of another class; the compared config
// arguments; output, input and tensor shapes; tensor dtypes; parameter totals; optimizer state
// stored or not. What a format does not record (a dtype in a Keras 2 JSON, stored tensors in an
// architecture-only file) is never drift: it is compared only where both sides state it.
import { ALIAS_OF } from '../layers/aliases.js';
import { fmtCount, fmtOutput, fmtShape } from '../layers/util.js';
import { align, type Alignable } from './align.js';
import type { Snapshot, SnapshotLayer, SnapshotTensor } from './snapshot.js';

/** What kind of drift a change is: `--allow KIND` accepts it. */
export const DRIFT_KINDS = ['layers', 'names', 'class', 'config', 'shapes', 'tensors', 'dtype', 'trainable', 'params', 'optimizer', 'values', 'checksum'] as const;
export type DriftKind = (typeof DRIFT_KINDS)[number];

export interface Change {
  kind: DriftKind;
  /** The layer (B's path when renamed), or null for the model. */
  layer: string | null;
  /** One line with the figures: `dense_1: units 64 → 32`. */
  message: string;
  /** Accepted by `--allow`: shown, but not drift. */
  allowed: boolean;
}

type Emit = (kind: DriftKind, layer: string | null, message: string) => void;

/**
 * One name per class. A custom class is named by its registered name in a Keras 3 `.h5`
 * (`package>ScaleShift`, keras/src/saving/object_registration.py get_registered_name) and by
 * its bare class name beside `registered_name` in a `.keras` config: the same class, so the
 * package prefix is dropped before comparing.
 */
const canonical = (className: string): string => {
  const bare = className.slice(className.lastIndexOf('>') + 1);
  return ALIAS_OF[bare] ?? bare;
};

/** Equal config values; a scalar equals a list of itself (`kernel_size: 3` is `(3, 3)`). */
function sameValue(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => x === b[i]);
  if (Array.isArray(a) && typeof b === 'number') return a.length > 0 && a.every((x) => x === b);
  if (Array.isArray(b) && typeof a === 'number') return sameValue(b, a);
  return a === b;
}

function showValue(v: unknown): string {
  if (Array.isArray(v)) return fmtShape(v as (number | null)[]);
  return typeof v === 'string' ? v : JSON.stringify(v);
}

const sameShape = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

// ---------------------------------------------------------------- one pair of layers

function compareConfig(a: SnapshotLayer, b: SnapshotLayer, where: string, emit: Emit): void {
  for (const [key, va] of Object.entries(a.config)) {
    if (!(key in b.config)) continue;
    const vb = b.config[key];
    if (sameValue(va, vb)) continue;
    const kind: DriftKind = key === 'dtype' || key.endsWith('.dtype') ? 'dtype' : 'config';
    emit(kind, where, `${where}: ${key} ${showValue(va)} → ${showValue(vb)}`);
  }
}

function tensorLabel(t: SnapshotTensor): string {
  return `${t.shape ? fmtShape(t.shape) : '?'}${t.dtype ? ` ${t.dtype}` : ''}`;
}

function compareTensor(ta: SnapshotTensor, tb: SnapshotTensor, where: string, emit: Emit): void {
  const name = `${where}/${tb.name}`;
  if (ta.shape && tb.shape && !sameShape(ta.shape, tb.shape)) emit('tensors', where, `${name}: shape ${fmtShape(ta.shape)} → ${fmtShape(tb.shape)}`);
  if (ta.dtype && tb.dtype && ta.dtype !== tb.dtype) emit('dtype', where, `${name}: dtype ${ta.dtype} → ${tb.dtype}`);
}

/** Tensors pair by name, then what is left by position. */
function compareTensors(a: SnapshotLayer, b: SnapshotLayer, where: string, emit: Emit): void {
  const restB = [...b.tensors];
  const restA: SnapshotTensor[] = [];
  for (const ta of a.tensors) {
    const k = restB.findIndex((tb) => tb.name === ta.name);
    if (k < 0) restA.push(ta);
    else compareTensor(ta, restB.splice(k, 1)[0]!, where, emit);
  }
  const common = Math.min(restA.length, restB.length);
  for (let i = 0; i < common; i++) compareTensor(restA[i]!, restB[i]!, where, emit);
  for (const t of restA.slice(common)) emit('tensors', where, `${where}/${t.name}: tensor removed, ${tensorLabel(t)}`);
  for (const t of restB.slice(common)) emit('tensors', where, `${where}/${t.name}: tensor added, ${tensorLabel(t)}`);
}

function compareLayer(a: SnapshotLayer, b: SnapshotLayer, emit: Emit): void {
  const where = b.path;
  if (a.path !== b.path && leaf(a.path) !== leaf(b.path)) emit('names', where, `layer renamed: ${a.path} → ${b.path} (${b.className})`);
  if (canonical(a.className) !== canonical(b.className)) {
    emit('class', where, `${where}: class ${a.className} → ${b.className}`);
    return;
  }
  if (a.trainable !== b.trainable) emit('trainable', where, `${where}: trainable ${a.trainable} → ${b.trainable}`);
  compareConfig(a, b, where, emit);
  if (a.outputShape && b.outputShape && !sameShape(a.outputShape, b.outputShape)) {
    emit('shapes', where, `${where}: output shape ${fmtOutput(a.outputShape)} → ${fmtOutput(b.outputShape)}`);
  }
  if (!a.container && !b.container) compareTensors(a, b, where, emit);
}

const leaf = (path: string): string => path.slice(path.lastIndexOf('/') + 1);

// ---------------------------------------------------------------- the layer lists

/** Input layers are compared as the model's inputs (a Sequential hides its InputLayer, a Functional lists it). */
const listed = (s: Snapshot): SnapshotLayer[] => s.layers.filter((l) => l.className !== 'InputLayer');

function compareLayers(a: Snapshot, b: Snapshot, emit: Emit): void {
  const la = listed(a);
  const lb = listed(b);
  const key = (l: SnapshotLayer): Alignable => ({ name: l.path, className: canonical(l.className) });
  for (const [i, j] of align(la.map(key), lb.map(key))) {
    if (i !== null && j !== null) compareLayer(la[i]!, lb[j]!, emit);
    else if (i !== null) emit('layers', la[i]!.path, `layer removed: ${la[i]!.path} (${la[i]!.className}), position ${i + 1} of ${la.length} in A`);
    else emit('layers', lb[j!]!.path, `layer added: ${lb[j!]!.path} (${lb[j!]!.className}), position ${j! + 1} of ${lb.length} in B`);
  }
}

/** Without an architecture on one side: the stored tensors, as a multiset of shapes and dtypes. */
function compareStoredOnly(a: Snapshot, b: Snapshot, emit: Emit): void {
  const label = (t: SnapshotTensor) => `${t.shape ? fmtShape(t.shape) : '?'} ${t.dtype ?? '?'}`;
  const bag = (s: Snapshot) => {
    const m = new Map<string, number>();
    for (const l of s.layers) for (const t of l.tensors) m.set(label(t), (m.get(label(t)) ?? 0) + 1);
    return m;
  };
  const ba = bag(a);
  const bb = bag(b);
  for (const k of new Set([...ba.keys(), ...bb.keys()])) {
    const na = ba.get(k) ?? 0;
    const nb = bb.get(k) ?? 0;
    if (na !== nb) emit('tensors', null, `stored tensors ${k}: ${na} in A, ${nb} in B`);
  }
}

// ---------------------------------------------------------------- the model

function compareModel(a: Snapshot, b: Snapshot, emit: Emit): void {
  const ma = a.model!;
  const mb = b.model!;
  if (ma.name !== mb.name) emit('names', null, `model name: ${ma.name} → ${mb.name}`);
  if (ma.className !== mb.className && !(isPlain(ma.className) && isPlain(mb.className))) emit('class', null, `model class: ${ma.className} → ${mb.className}`);
  for (const io of ['inputs', 'outputs'] as const) {
    const sa = ma[io];
    const sb = mb[io];
    const word = io === 'inputs' ? 'input' : 'output';
    if (sa.length !== sb.length) emit('shapes', null, `model ${word}s: ${sa.length} → ${sb.length}`);
    else sa.forEach((s, i) => {
      const t = sb[i];
      if (s && t && !sameShape(s, t)) emit('shapes', null, `model ${word}${sa.length > 1 ? ` ${i + 1}` : ''}: ${fmtOutput(s)} → ${fmtOutput(t)}`);
    });
  }
}

/** Sequential, Functional and Model are one architecture when their layers agree (Keras 3 re-saves a Sequential as it is; tf.keras wrote Model). */
const isPlain = (c: string): boolean => c === 'Sequential' || c === 'Functional' || c === 'Model';

function compareTotals(a: Snapshot, b: Snapshot, emit: Emit): void {
  const ta = a.totals;
  const tb = b.totals;
  if (ta.params !== tb.params) emit('params', null, `params: ${fmtCount(ta.params)} → ${fmtCount(tb.params)}`);
  // The split is news only when it is not the total's change alone (a layer frozen, BatchNormalization added).
  if (ta.nonTrainableParams !== tb.nonTrainableParams || (ta.params === tb.params && ta.trainableParams !== tb.trainableParams)) {
    emit('params', null, `trainable params: ${fmtCount(ta.trainableParams)} → ${fmtCount(tb.trainableParams)}; non-trainable: ${fmtCount(ta.nonTrainableParams)} → ${fmtCount(tb.nonTrainableParams)}`);
  }
  const stored = (x: boolean) => (x ? 'stored' : 'not stored');
  if (a.optimizer !== null && b.optimizer !== null && a.optimizer !== b.optimizer) emit('optimizer', null, `optimizer state: ${stored(a.optimizer)} → ${stored(b.optimizer)}`);
}

/** Every difference between A and B that changes the model, in reading order; `allow` marks accepted kinds. */
export function compareSnapshots(a: Snapshot, b: Snapshot, allow: ReadonlySet<DriftKind> = new Set()): Change[] {
  const changes: Change[] = [];
  const emit: Emit = (kind, layer, message) => changes.push({ kind, layer, message, allowed: allow.has(kind) });
  if (a.model && b.model) {
    compareModel(a, b, emit);
    compareLayers(a, b, emit);
  } else compareStoredOnly(a, b, emit);
  compareTotals(a, b, emit);
  return changes;
}

/** `names,optimizer` → the kinds; an unknown kind is named in the error. */
export function parseAllow(values: readonly string[]): Set<DriftKind> {
  const out = new Set<DriftKind>();
  for (const v of values.flatMap((x) => x.split(','))) {
    const k = v.trim();
    if (!k) continue;
    if (!(DRIFT_KINDS as readonly string[]).includes(k)) throw new Error(`--allow ${k}: not a kind of drift (one of ${DRIFT_KINDS.join(', ')})`);
    out.add(k as DriftKind);
  }
  return out;
}
