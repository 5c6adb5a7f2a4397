// The layer graph, as rebuilt from a stored config of any era.
import type { Shape } from '../types.js';
import type { Cfg } from '../layers/types.js';

/** A reference to one output tensor of one call of a layer: Keras's `[layer, node_index, tensor_index]`. */
export interface TensorRef {
  layer: string;
  node: number;
  tensor: number;
  /** The shape the writer stored with the reference (Keras 3 `__keras_tensor__.shape`), if any. */
  storedShape: Shape | null;
}

/** One call of a layer (one inbound node). */
export interface LayerCall {
  /** Positional tensor inputs, flattened in order. */
  inputs: TensorRef[];
  /** Tensor keyword inputs (`key` of MultiHeadAttention, `initial_state`…). */
  kwargInputs: Record<string, TensorRef[]>;
  /** Constant keyword arguments of the call (tensors left out): `reverse`, `axis`, `slice_spec`… */
  callArgs: Record<string, unknown>;
}

/**
 * Positional inputs, then keyword inputs, in order. The positional list itself when there are no
 * keyword inputs (nearly every call): a caller only reads it. Runs several times per call of every
 * layer, where `[...a, ...Object.values(b).flat()]` made three lists each time.
 */
export function allInputs<T>(inputs: T[], kwargs: Record<string, T[]>): T[] {
  const kw = Object.values(kwargs);
  return kw.length === 0 ? inputs : [...inputs, ...kw.flat()];
}

export interface LayerSpec {
  name: string;
  /** Class name as stored (`Convolution2D`). */
  className: string;
  /** Config with Keras 1 argument names mapped to Keras 2/3 names (graph/legacyArgs.ts). */
  config: Cfg;
  module: string | null;
  registeredName: string | null;
  /** The layer's own `trainable` flag. */
  trainable: boolean;
  calls: LayerCall[];
  /** Input shape stored by the writer: `build_config.input_shape`, or a first layer's `batch_input_shape`. */
  storedInputShape: Shape | Shape[] | null;
  /** A model used as a layer. */
  inner: ModelGraph | null;
  /** Hidden from the summary (a Sequential's InputLayer, as Keras hides it). */
  hidden: boolean;
}

export interface ModelGraph {
  name: string;
  className: string;
  kind: 'sequential' | 'functional' | 'subclassed';
  trainable: boolean;
  layers: LayerSpec[];
  inputs: TensorRef[];
  outputs: TensorRef[];
  /** Problems found while reading the config (dangling references, bad nodes…). */
  problems: string[];
}
