// What the graph knows about one tensor's shape, axis by axis, and the one place where a shape the
// file states is merged into a recomputed one. The merge follows ONNX's shape inference
// (onnx/defs/shape_inference.h `mergeInShapeInfo`, used by `mergeShapesAndTypes`): a stated size
// fills an unknown one, two known sizes must agree, and a disagreement keeps the inferred size and
// is reported by the caller.
import type { Dim, Shape } from '../types.js';

/** Where a size that the rules did not compute came from. */
export interface AxisSource {
  /** `weights`: a stored tensor pinned it (`what` is the tensor: `dense_1/kernel`); `file`: a shape the file stores. */
  kind: 'weights' | 'file';
  what: string;
}

export interface Axis {
  /** null: Keras's None (any size), unless `unknown`. */
  size: Dim;
  /** The size cannot be known from the file (it depends on a function kerascope never runs), not Keras's None. */
  unknown?: true;
  from?: AxisSource;
}

/**
 * A tensor's shape as far as the file tells. With `rankKnown` false only the trailing axes in
 * `axes` are known (possibly none): a Lambda without a stored output shape may return any rank.
 */
export interface TensorShape {
  rankKnown: boolean;
  axes: Axis[];
  /**
   * Derived from an input that declares no shape: Keras could not have built the layers on it from
   * the config alone, so whether they own weights depends on whether the model was ever called.
   */
  unbuilt?: true;
  /** Its producer could not be evaluated (a rule error): the layers on it are not evaluated either. */
  failed?: true;
}

export const UNKNOWN_TENSOR: TensorShape = { rankKnown: false, axes: [] };

export function fromShape(shape: Shape): TensorShape {
  return { rankKnown: true, axes: shape.map((size) => ({ size })) };
}

/** The shape Keras would print, null when the rank is unknown (unknown sizes print as null too). */
export function toShape(t: TensorShape): Shape | null {
  return t.rankKnown ? t.axes.map((a) => a.size) : null;
}

/** A shape with some axes unknown, as a rule reads it: unknown sizes are null. */
export function sizes(t: TensorShape): Dim[] {
  return t.axes.map((a) => a.size);
}

/** An axis the rules must follow: its size is unknown, or a stored weight pinned it. */
export function isOpenAxis(a: Axis): boolean {
  return !!a.unknown || a.from?.kind === 'weights';
}

/** Whether the rules cannot simply run on this tensor's sizes (graph/partial.ts). */
export function isPartial(t: TensorShape): boolean {
  return !t.rankKnown || t.axes.some(isOpenAxis);
}

/** Axes whose size cannot be known (shown as `?`), as indexes; null when the rank is unknown. */
export function unknownAxes(t: TensorShape): number[] | null {
  if (!t.rankKnown) return null;
  return t.axes.flatMap((a, i) => (a.unknown && a.size === null ? [i] : []));
}

function mergeAxis(inferred: Axis, stated: Axis): { axis: Axis; conflict: boolean } {
  if (inferred.size !== null && stated.size !== null) return { axis: inferred, conflict: inferred.size !== stated.size };
  // A stated size fills an unknown one; Keras's None stays None (a build_config may record the
  // batch size of the data a layer was first called on: it is not the model's).
  if (inferred.size === null && stated.size !== null) return { axis: inferred.unknown ? (stated.from ? { size: stated.size, from: stated.from } : { size: stated.size }) : inferred, conflict: false };
  if (inferred.size !== null) return { axis: inferred, conflict: false };
  // Both sizes open: unknown only if neither side says Keras's None.
  return { axis: inferred.unknown && stated.unknown ? { size: null, unknown: true } : { size: null }, conflict: false };
}

/** Align two axis lists at their ends and merge them; the longer one's extra leading axes are kept. */
function mergeTail(inferred: Axis[], stated: Axis[]): { axes: Axis[]; conflict: boolean } {
  const n = Math.min(inferred.length, stated.length);
  const longer = inferred.length >= stated.length ? inferred : stated;
  const axes = longer.slice(0, longer.length - n);
  let conflict = false;
  for (let k = n; k > 0; k--) {
    const m = mergeAxis(inferred[inferred.length - k]!, stated[stated.length - k]!);
    conflict ||= m.conflict;
    axes.push(m.axis);
  }
  return { axes, conflict };
}

/**
 * Merge what the rules computed with what the file states about the same tensor (a Keras 3
 * `__keras_tensor__` shape, a `build_config` input shape, a size pinned by a stored weight).
 * On a conflict the inferred shape is kept and `conflict` is true.
 */
export function mergeShapes(inferred: TensorShape, stated: TensorShape): { shape: TensorShape; conflict: boolean } {
  const ranks = [inferred, stated].filter((t) => t.rankKnown).map((t) => t.axes.length);
  const rank = ranks[0];
  if (ranks.length === 2 && ranks[0] !== ranks[1]) return { shape: inferred, conflict: true };
  if (rank !== undefined && (inferred.axes.length > rank || stated.axes.length > rank)) return { shape: inferred, conflict: true };
  const m = mergeTail(inferred.axes, stated.axes);
  // The side that knew the rank is the longer one: its leading axes come first, unchanged. A shape
  // the file states for a tensor from a shapeless input means the model was built after all.
  const flags = stated.rankKnown ? {} : { ...(inferred.unbuilt ? { unbuilt: true as const } : {}), ...(inferred.failed ? { failed: true as const } : {}) };
  return { shape: { rankKnown: rank !== undefined, axes: m.axes, ...flags }, conflict: m.conflict };
}

/** `(None, ?, ?, 3)`, `(…, 60)` for a known tail of unknown rank, `?` for nothing known. */
export function fmtTensor(t: TensorShape): string {
  const dims = t.axes.map((a) => (a.size !== null ? String(a.size) : a.unknown ? '?' : 'None'));
  if (!t.rankKnown) return dims.length ? `(…, ${dims.join(', ')})` : '?';
  return dims.length === 1 ? `(${dims[0]},)` : `(${dims.join(', ')})`;
}
