// The contract every layer rule follows. One rule per class (aliases share it), one file per family,
// one registry (registry.ts). A rule is pure: config + input shapes in, output shapes + expected weights out.
import type { FindingCode } from '../findings.js';
import type { Shape } from '../types.js';

/** A layer config as stored, with Keras 1 argument names already mapped to Keras 2/3 names (src/graph/legacy.ts). */
export type Cfg = Record<string, unknown>;

/**
 * The program that will load the file: Keras (standalone or Keras 3), tf.keras, or TensorFlow.js
 * (tfjs-layers `tf.loadLayersModel`). Where it computes a layer differently from Keras, its own rule
 * decides (RuleVariant), because that is what the stored tensors were built for.
 */
export type Loader = 'keras' | 'tf.keras' | 'tfjs';

/** The rule context: which Keras version wrote the config, and which loader reads the file. */
export interface KerasVersion {
  raw: string | null;
  major: number; // 1, 2 or 3; 2 when unknown
  minor: number;
  /** True for tf.keras (versions like "2.2.4-tf", ≥ 2.4 without multi-backend) as opposed to standalone Keras 2.0–2.3. */
  tfKeras: boolean;
  loader: Loader;
  /** The `backend` the file records (`tensorflow`, `theano`, `jax`…), when it records one. */
  backend?: string | null;
}

/** A wrapped layer as found in a config: `{class_name, config}`. */
export interface InnerLayerConfig {
  class_name: string;
  config: Cfg;
  module?: string | null;
  registered_name?: string | null;
}

export interface RuleInput {
  name: string;
  className: string;
  /** The Keras 3 `module` the class was stored with, when any. */
  module?: string | null;
  config: Cfg;
  /**
   * One shape per positional input tensor, batch dimension included, flattened in call order
   * (merge layers and Attention get several; MHA gets query, value).
   */
  inputShapes: Shape[];
  /** Tensor keyword arguments of the call, by name (MHA's `key`, RNN `initial_state`…). */
  kwargShapes: Record<string, Shape[]>;
  /**
   * (optional, added by the core-rules helper) The call's constant keyword arguments as stored in
   * the inbound node, tensors left out: ReversibleEmbedding's `reverse`, tf.keras op layers' `axis`,
   * `keepdims`, `slice_spec`… Rules that need them treat a missing value as Keras's default.
   */
  callArgs?: Cfg;
  kerasVersion: KerasVersion;
  /** Evaluate a wrapped layer (Bidirectional, TimeDistributed, RNN cells…) with the registry. */
  sub(inner: InnerLayerConfig, inputShapes: Shape[]): RuleOutput;
}

export interface ExpectedWeight {
  /**
   * Keras 3's variable path relative to the layer (`kernel`, `lstm_cell/kernel`,
   * `forward_lstm/lstm_cell/kernel`, `query/kernel`). Used as a hint for legacy names.
   */
  name: string;
  /** Null where a needed input dimension is unknown (None). */
  shape: number[] | null;
  /**
   * Set by the graph when `shape` is null because an input size cannot be known (after a Lambda
   * without a stored output shape): the sizes that are known, null for the open ones. A stored
   * tensor that agrees on the known sizes fixes the open ones (graph/partial.ts).
   */
  partialShape?: (number | null)[];
  /** As created by Keras (BatchNormalization statistics: false). Freezing is applied later. */
  trainable: boolean;
  /**
   * Where Keras 3's weights store keeps it, relative to the layer's container path, without `/vars`:
   * '' for the layer's own vars, 'cell' for an RNN, 'forward_layer/cell', 'query_dense', 'layer'…
   */
  store: string;
  /** The shape explained with this model's numbers: "13 input features × 4 gates·17 units". */
  why: string;
  /** Stored dtype when it is not the layer's float dtype (quantized int8 kernels, int64 counts…). */
  dtype?: string;
  /**
   * (optional, added by the core-rules helper) Index of this tensor in the layer's Keras 3 `vars`
   * group when it differs from its position in `weights`: Keras 3 writes a quantized Dense as
   * vars/0 kernel (int8), vars/1 bias, vars/2 kernel_scale (Dense.variable_serialization_spec),
   * while `weights` keeps Keras's trainable-first order (bias, kernel, kernel_scale).
   */
  storeIndex?: number;
  /**
   * Set when this tensor is another of the layer's weights stored a second time: Keras tracks one
   * variable under two attributes (SpectralNormalization keeps `self.kernel = self.layer.kernel`, so
   * its own `vars` hold the wrapped kernel again). Matched against the file, counted once (as
   * `count_params()` de-duplicates). The value names the weight it repeats.
   */
  duplicateOf?: string;
  /**
   * (optional, added by the core-rules helper) False for a variable that Keras counts and the legacy
   * .h5 stores (it saves layer.weights) but the Keras 3 weights store never writes: the LoRA factors
   * lora_kernel_a/b and lora_embeddings_a/b, which Dense / EinsumDense / Embedding
   * `save_own_variables` merge into the kernel (fixtures/keras dense_lora). Keras 3 store matching
   * skips it; it is neither missing there nor counted as stored.
   */
  inKeras3Store?: false;
}

export interface RuleOutput {
  outputShapes: Shape[];
  /** In Keras's own order for the layer: trainable weights first, then non-trainable. */
  weights: ExpectedWeight[];
  /** The layer's count explained: "4 gates × 17 units × (13 inputs + 17 recurrent + 1 bias) = 2108". */
  formula?: string;
  /** Anything the rule could not decide ("no output_shape stored: shape unknown"). */
  notes?: string[];
  /**
   * (optional, added by the core-rules helper) True when the rule cannot tell the output shape from
   * the file (a Lambda without a stored `output_shape`, a tf.* op layer): `outputShapes` is then
   * empty and `notes` says why. The graph treats later shapes as unknown (or takes them from the
   * file's own `__keras_tensor__` shapes) instead of guessing.
   */
  shapeUnknown?: boolean;
  /**
   * (set by evaluateLayer) The loader's own rule was applied and gives other output shapes than
   * Keras's: `kerasShapes` is what Keras computes, `reason` what the loader does differently.
   */
  variant?: { loader: Loader; reason: string; kerasShapes: Shape[] };
  /**
   * (set by evaluateLayer) Fractional sizes the file's loader truncated, and the rule followed: one
   * sentence each, with the loader's source. Reported as warnings (`config-size-truncated`).
   */
  truncated?: string[];
}

/**
 * A layer under another loader's own rule, where that loader computes it differently from Keras
 * (tfjs-layers' convOutputLength takes a causal padding as valid…). One entry per difference, in
 * layers/loader-variants.ts; evaluateLayer applies the first that holds for the rule context.
 */
export interface RuleVariant {
  /** The class names it applies to. */
  classes: string[];
  loader: Loader;
  /** The versions of the writer or loader it holds for; every version when absent. */
  versions?: (v: KerasVersion) => boolean;
  /** Whether the difference touches this layer (a causal padding, a dilation above 1). */
  applies(input: RuleInput): boolean;
  /** What the loader does differently, with its source file. */
  reason: string;
  /** The layer as the loader computes it, from the rule's own apply. */
  apply(input: RuleInput, keras: (input: RuleInput) => RuleOutput): RuleOutput;
}

export interface LayerRule {
  /** Class names this rule answers to, aliases included (`Conv2D`, `Convolution2D`). */
  classes: string[];
  /** The family file it lives in: core, conv, pooling, reshaping, merging, recurrent, … */
  family: string;
  /** The parameter formula in words, for `kerascope layers`. */
  summary: string;
  /** The Keras source file the rule is taken from. */
  source: string;
  apply(input: RuleInput): RuleOutput;
  /** The class is a model's input (InputLayer): the graph starts from it. */
  input?: true;
  /**
   * Set for classes that are recognised but cannot be analysed from a file (JaxLayer, FlaxLayer,
   * TFSMLayer, TorchModuleWrapper): the reason is reported, stored tensors are listed and counted.
   * `apply` is then never called.
   */
  opaque?: string;
  /**
   * The finding code the layer's notes are reported under (default `layer-note`): Lambda's say how its
   * output shape was found (`lambda-shape`). The registry carries it, so no later step names a class.
   */
  noteCode?: FindingCode;
}

/**
 * Raised by a rule when the config or the input shapes cannot produce an output (Keras would refuse
 * too). Anything else a rule throws (a TypeError) is a bug in kerascope, not a finding.
 */
export class RuleError extends Error {
  /** The finding code the report gives it. */
  readonly code: FindingCode = 'layer-rule-error';
}

/** A config value that cannot be what Keras needs there (`units: -7`, `units: "3"`, `[null, -5]`): names the key. */
export class ConfigValueError extends RuleError {
  override readonly code: FindingCode = 'config-invalid-value';
  constructor(
    readonly key: string,
    message: string,
  ) {
    super(`config ${key}: ${message}`);
  }
}

/**
 * A positive size that is not a whole number (`units: 0.3`). Whether the file's loader accepted it
 * depends on the era (layers/fractional.ts): evaluateLayer either truncates it, as that loader did,
 * or reports it as a ConfigValueError.
 */
export class FractionalSizeError extends ConfigValueError {
  constructor(
    key: string,
    readonly value: number,
  ) {
    super(key, `${value} is not a whole number`);
  }
}

/** A size past 2^53 cannot be counted exactly in a double: refused rather than printed as a float. */
export class SizeTooLargeError extends RuleError {
  override readonly code: FindingCode = 'size-too-large';
}
