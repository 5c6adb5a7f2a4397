// The tensors of one model as the walk produces them, and what the file states about each: the one
// place where a recomputed shape meets a stored one (graph/shape.ts mergeShapes, after ONNX's
// mergeShapesAndTypes). A producer that cannot tell its outputs (a Lambda without output_shape, an
// opaque layer) leaves them unknown, and any output index it is asked for is then what the file states.
import { mergeShapes, UNKNOWN_TENSOR, type Axis, type TensorShape } from './shape.js';

const SEP = '\u0000';
const FAILED: TensorShape = { ...UNKNOWN_TENSOR, failed: true };

/** One call of a layer in a model at `path` (`outer/inner/`). */
export function callKey(path: string, layer: string, call: number): string {
  return `${path}${layer}${SEP}${call}`;
}

/** One output tensor of one call of a layer. */
export function tensorKey(path: string, layer: string, call: number, tensor: number): string {
  return `${callKey(path, layer, call)}${SEP}${tensor}`;
}

function callOf(key: string): string {
  return key.slice(0, key.lastIndexOf(SEP));
}

function indexOf(key: string): number {
  return Number(key.slice(key.lastIndexOf(SEP) + 1));
}

/** A size a stored weight pins on a tensor (check/solve.ts): axis counted from the end. */
export interface Pin {
  tensor: string;
  fromEnd: number;
  /** The tensor's rank when the pinning layer decides it (Conv2D: 4), else null. */
  rank: number | null;
  size: number;
  /** The stored tensor it comes from: `conv2d_1/kernel`. */
  source: string;
}

/** A pin as a stated shape: only its axis is known; the batch axis of a known rank is Keras's None. */
export function pinFact(pin: Pin): TensorShape {
  const len = pin.rank ?? -pin.fromEnd;
  const axes = Array.from({ length: len }, (_, i): Axis => (pin.rank !== null && i === 0 ? { size: null } : { size: null, unknown: true }));
  axes[len + pin.fromEnd] = { size: pin.size, from: { kind: 'weights', what: pin.source } };
  return { rankKnown: pin.rank !== null, axes };
}

export interface Fact {
  /** `file`: a shape the file stores (an edge, a build_config); `weights`: a size a stored weight pins. */
  kind: 'file' | 'weights';
  shape: TensorShape;
  /** The finding to report when the recomputed shape disagrees; null: say nothing (a stored weight says it itself). */
  conflict: ((got: TensorShape) => { layer: string; message: string }) | null;
}

export class TensorTable {
  private readonly produced = new Map<string, TensorShape[] | null>();
  private readonly failed = new Set<string>();
  private readonly facts = new Map<string, Fact[]>();
  private readonly merged = new Map<string, { shape: TensorShape; filled: boolean }>();

  constructor(private readonly report: (d: { layer: string; message: string }) => void) {}

  addFact(key: string, fact: Fact): void {
    const list = this.facts.get(key) ?? [];
    list.push(fact);
    this.facts.set(key, list);
  }

  /** A call's outputs; null when the producer cannot tell them; `failed` when it could not be evaluated. */
  produce(callKey: string, outputs: TensorShape[] | null, failed = false): void {
    this.produced.set(callKey, outputs);
    if (failed) this.failed.add(callKey);
  }

  /** The sizes stored weights pin on this tensor. */
  pinned(key: string): boolean {
    return (this.facts.get(key) ?? []).some((f) => f.kind === 'weights');
  }

  /** Whether the call that makes this tensor has run. */
  has(key: string): boolean {
    return this.produced.has(callOf(key));
  }

  /**
   * The tensor with every stated fact merged in. `filled`: a fact gave what the producer could not;
   * `missing`: the producer has fewer outputs than the index asked for.
   */
  read(key: string): { shape: TensorShape; filled: boolean; missing: boolean } {
    const outputs = this.produced.get(callOf(key));
    const index = indexOf(key);
    const missing = !!outputs && index >= outputs.length;
    let cached = this.merged.get(key);
    if (!cached) {
      const base = outputs?.[index] ?? (this.failed.has(callOf(key)) ? FAILED : UNKNOWN_TENSOR);
      let shape = base;
      for (const fact of this.facts.get(key) ?? []) {
        const m = mergeShapes(shape, fact.shape);
        if (m.conflict && fact.conflict) this.report(fact.conflict(shape));
        shape = m.shape;
      }
      const stated = (this.facts.get(key) ?? []).some((f) => f.kind === 'file');
      cached = { shape, filled: stated && (!base.rankKnown || base.axes.some((a) => a.unknown)) };
      this.merged.set(key, cached);
    }
    return { shape: cached.shape, filled: cached.filled, missing };
  }
}
