// Random valid architectures built with TensorFlow.js: Sequential stacks, Functional chains, branches
// merged by Add/Concatenate/…, two inputs and two outputs, a layer shared by two calls, a Sequential
// nested in a model. Seeded, so every run builds the same models.
import type * as TF from '@tensorflow/tfjs';
import { keepAxes, movesFor, type Make, type Move } from './tfjs-moves.js';
import type { Layer, Rng, Sym, Tf } from './tfjs-gen.js';

export interface Arch {
  kind: string;
  model: TF.LayersModel;
}

const MAX_ELEMENTS = 4096;

function dims(t: Sym): number[] {
  return t.shape.slice(1) as number[];
}

function sane(t: Sym): boolean {
  const d = t.shape.slice(1);
  return d.length > 0 && d.every((x) => typeof x === 'number' && x >= 1) && (d as number[]).reduce((a, b) => a * b, 1) <= MAX_ELEMENTS;
}

/** Applies one layer; null when tfjs refuses it or the result is empty or too big. */
function tryApply(layer: Layer, x: Sym | Sym[]): Sym | null {
  try {
    const y = layer.apply(x) as Sym | Sym[];
    if (Array.isArray(y)) return null;
    return sane(y) ? y : null;
  } catch {
    return null;
  }
}

interface Chain {
  out: Sym;
  makes: Make[];
}

/** Grows a chain of `n` accepted layers from `x`, drawing moves from `pool(shape)`. */
function chain(tf: Tf, r: Rng, x: Sym, n: number, pool: (s: number[]) => Move[] = movesFor): Chain {
  const makes: Make[] = [];
  let out = x;
  for (let tries = 0; makes.length < n && tries < n * 8; tries++) {
    const drawn = r.pick(pool(dims(out)))(tf, r, dims(out));
    if (!drawn) continue;
    // About one layer in ten is frozen: its weights must count as non-trainable.
    const mk: Make = r.chance(0.1) ? (extra) => drawn({ ...(extra ?? {}), trainable: false }) : drawn;
    const y = tryApply(mk(), out);
    if (y) {
      makes.push(mk);
      out = y;
    }
  }
  return { out, makes };
}

// ---------------------------------------------------------------- inputs

interface Start {
  shape: number[];
  dtype: 'float32' | 'int32';
  /** A fixed batch size (batch_input_shape), carried by every output shape; null for None. */
  batch: number | null;
}

/** Input arguments for tf.input / inputLayer / a first layer: batchShape when the batch is fixed. */
function inputArgs(start: Start, key: 'shape' | 'inputShape'): Record<string, unknown> {
  const batchKey = key === 'shape' ? 'batchShape' : 'batchInputShape';
  return start.batch === null ? { [key]: start.shape, dtype: start.dtype } : { [batchKey]: [start.batch, ...start.shape], dtype: start.dtype };
}

function randomShape(r: Rng): Omit<Start, 'batch'> {
  switch (r.int(0, 5)) {
    case 0:
      return { shape: [r.int(1, 8)], dtype: 'float32' };
    case 1:
    case 2:
      return { shape: [r.int(3, 10), r.int(1, 5)], dtype: 'float32' };
    case 3:
      return { shape: [r.int(4, 10), r.int(4, 10), r.int(1, 3)], dtype: 'float32' };
    case 4:
      return { shape: [r.int(2, 4), r.int(4, 7), r.int(4, 7), r.int(1, 2)], dtype: 'float32' };
    default:
      return { shape: [r.int(3, 10)], dtype: 'int32' }; // token ids, for an Embedding first
  }
}

function randomStart(r: Rng): Start {
  return { ...randomShape(r), batch: r.chance(0.1) ? r.int(1, 4) : null };
}

/** An input, and for token ids the Embedding that turns them into (steps, features). */
function begin(tf: Tf, r: Rng, start: Start): { input: Sym; x: Sym; first: Make | null } {
  const input = tf.input(inputArgs(start, 'shape') as Parameters<Tf['input']>[0]);
  if (start.dtype === 'float32') return { input, x: input, first: null };
  const args = { inputDim: r.int(2, 20), outputDim: r.int(1, 6) };
  const first: Make = (extra) => tf.layers.embedding({ ...args, ...(extra ?? {}) });
  return { input, x: first().apply(input) as Sym, first };
}

// ---------------------------------------------------------------- kinds

function sequential(tf: Tf, r: Rng): Arch | null {
  const start = randomStart(r);
  const { x, first } = begin(tf, r, start);
  const { makes } = chain(tf, r, x, r.int(1, 6));
  const all = first ? [first, ...makes] : makes;
  if (all.length === 0) return null;
  const model = tf.sequential();
  // Half the stacks start with an explicit InputLayer, half give inputShape to their first layer.
  if (r.chance(0.5)) {
    model.add(tf.layers.inputLayer(inputArgs(start, 'inputShape')));
    for (const mk of all) model.add(mk());
  } else {
    model.add(all[0]!(inputArgs(start, 'inputShape')));
    for (const mk of all.slice(1)) model.add(mk());
  }
  return { kind: 'sequential', model };
}

function functionalChain(tf: Tf, r: Rng): Arch | null {
  const { input, x } = begin(tf, r, randomStart(r));
  const { out, makes } = chain(tf, r, x, r.int(1, 6));
  return makes.length || out !== x ? { kind: 'functional', model: tf.model({ inputs: input, outputs: out }) } : null;
}

/** Makes `a`'s last axis match `b`'s with a Dense, so the two can be added, multiplied… */
function matchLast(tf: Tf, a: Sym, b: Sym): Sym {
  const want = b.shape[b.shape.length - 1] as number;
  return a.shape[a.shape.length - 1] === want ? a : (tf.layers.dense({ units: want }).apply(a) as Sym);
}

function toVector(tf: Tf, x: Sym): Sym {
  return x.shape.length > 2 ? (tf.layers.flatten().apply(x) as Sym) : x;
}

function merge(tf: Tf, r: Rng, a: Sym, b: Sym): Sym {
  const sameButLast = a.shape.length === b.shape.length && a.shape.slice(0, -1).every((d, i) => d === b.shape[i]);
  if (!sameButLast) return tf.layers.concatenate().apply([toVector(tf, a), toVector(tf, b)]) as Sym;
  const kind = r.pick(['concatenate', 'add', 'multiply', 'average', 'maximum', 'minimum', 'dot', 'dot']);
  if (kind === 'concatenate') return tf.layers.concatenate({ axis: -1 }).apply([a, b]) as Sym;
  const b2 = matchLast(tf, b, a);
  const rank = a.shape.length - 1;
  if (kind === 'dot') {
    // The last axes, or (on sequences) the steps axes: (t, f)·(t, f) over axis 1 gives (f, f).
    const axes: number | [number, number] = rank === 2 && r.chance(0.5) ? [1, 1] : rank;
    return tf.layers.dot({ axes, normalize: r.chance(0.3) }).apply([a, b2]) as Sym;
  }
  if (rank >= 2 && r.chance(0.3)) {
    // Same shapes: concatenate along another axis than the last.
    return tf.layers.concatenate({ axis: r.int(1, rank) }).apply([a, b2]) as Sym;
  }
  const L = tf.layers as unknown as Record<string, (a?: object) => Layer>;
  // Element-wise merges take any number of inputs; sometimes a third (the first again).
  return L[kind]!().apply(r.chance(0.25) ? [a, b2, a] : [a, b2]) as Sym;
}

function branches(tf: Tf, r: Rng): Arch | null {
  const { input, x } = begin(tf, r, randomStart(r));
  const stem = chain(tf, r, x, r.int(0, 2)).out;
  const a = chain(tf, r, stem, r.int(0, 2), () => keepAxes).out;
  const b = chain(tf, r, stem, r.int(1, 2), () => keepAxes).out;
  const merged = merge(tf, r, a, b);
  const tail = chain(tf, r, merged, r.int(0, 2)).out;
  return { kind: 'merge', model: tf.model({ inputs: input, outputs: tail }) };
}

function twoInputs(tf: Tf, r: Rng): Arch | null {
  const one = begin(tf, r, randomStart(r));
  const two = begin(tf, r, randomStart(r));
  const a = toVector(tf, chain(tf, r, one.x, r.int(1, 3)).out);
  const b = toVector(tf, chain(tf, r, two.x, r.int(1, 3)).out);
  const joined = tf.layers.concatenate().apply([a, b]) as Sym;
  const head = tf.layers.dense({ units: r.int(1, 4) }).apply(joined) as Sym;
  const outputs = r.chance(0.5) ? [head, tf.layers.dense({ units: 1, activation: 'sigmoid' }).apply(a) as Sym] : head;
  return { kind: 'two-inputs', model: tf.model({ inputs: [one.input, two.input], outputs }) };
}

/** One layer called on two inputs of the same shape: its weights exist once. */
function sharedLayer(tf: Tf, r: Rng): Arch | null {
  const start = randomStart(r);
  if (start.dtype !== 'float32') return null;
  const i1 = tf.input({ shape: start.shape });
  const i2 = tf.input({ shape: start.shape });
  const mk = r.pick(movesFor(start.shape))(tf, r, start.shape);
  if (!mk) return null;
  const layer = mk();
  const y1 = tryApply(layer, i1);
  const y2 = y1 && tryApply(layer, i2);
  if (!y1 || !y2) return null;
  return { kind: 'shared', model: tf.model({ inputs: [i1, i2], outputs: merge(tf, r, y1, y2) }) };
}

/** A Sequential used as a layer inside a Functional model. */
function nested(tf: Tf, r: Rng): Arch | null {
  const start = randomStart(r);
  const { input, x } = begin(tf, r, start);
  const pre = chain(tf, r, x, r.int(0, 2)).out;
  const innerPlan = chain(tf, r, pre, r.int(1, 3));
  if (innerPlan.makes.length === 0) return null;
  const inner = tf.sequential();
  inner.add(innerPlan.makes[0]!({ inputShape: dims(pre) }));
  for (const mk of innerPlan.makes.slice(1)) inner.add(mk());
  const mid = inner.apply(pre) as Sym;
  const post = chain(tf, r, mid, r.int(0, 2)).out;
  return { kind: 'nested', model: tf.model({ inputs: input, outputs: post }) };
}

/** A recurrent layer that also returns its states (a list of outputs), optionally feeding a second one's initial_state. */
function states(tf: Tf, r: Rng): Arch | null {
  const input = tf.input({ shape: [r.int(3, 8), r.int(1, 4)] });
  const L = tf.layers as unknown as Record<string, (a: object) => Layer>;
  const cls = r.pick(['lstm', 'gru', 'simpleRNN']);
  const units = r.int(1, 4);
  const [seq, ...st] = L[cls]!({ units, returnSequences: r.chance(0.5), returnState: true }).apply(input) as Sym[];
  let head = toVector(tf, seq!);
  if (r.chance(0.5)) {
    const second = L[cls]!({ units }).apply(input, { initialState: st }) as Sym;
    head = tf.layers.concatenate().apply([head, second]) as Sym;
  }
  const out = tf.layers.concatenate().apply([head, ...st]) as Sym;
  return { kind: 'states', model: tf.model({ inputs: input, outputs: tf.layers.dense({ units: 2 }).apply(out) as Sym }) };
}

const KINDS: [number, (tf: Tf, r: Rng) => Arch | null][] = [
  [40, sequential],
  [20, functionalChain],
  [18, branches],
  [10, twoInputs],
  [6, sharedLayer],
  [6, nested],
  [5, states],
];

/** The next random architecture: tries kinds by weight until tfjs accepts one. */
export function randomArch(tf: Tf, r: Rng): Arch {
  const total = KINDS.reduce((a, [w]) => a + w, 0);
  for (;;) {
    let pickAt = r.int(1, total);
    const kind = KINDS.find(([w]) => (pickAt -= w) <= 0)![1];
    try {
      const arch = kind(tf, r);
      if (arch) return arch;
    } catch {
      // tfjs refused the combination (a merge of incompatible shapes…): draw again
    }
  }
}
