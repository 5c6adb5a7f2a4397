// The neutral description every reader produces, and the report every renderer prints.
// Data flows one way: reader (src/formats) → graph (src/graph) → rules (src/layers)
// → check (src/check) → report (src/report). Nothing here imports from those folders.

/** One dimension: a number, or null where Keras prints None. */
export type Dim = number | null;
/** A tensor shape including the batch dimension, as Keras prints it: (None, 17). */
export type Shape = Dim[];

// ---------------------------------------------------------------- readers

export type FormatId =
  | 'h5-model' //      legacy HDF5 full model (model_config + model_weights)
  | 'h5-weights' //    legacy weights-only HDF5 (layer_names at the root)
  | 'keras3-weights' // Keras 3 / tf.keras 2.13+ weights store (*.weights.h5, layers/…/vars)
  | 'keras-zip' //     .keras archive (Keras 3, tf.keras 2.11–2.15)
  | 'keras-json' //    model.to_json() / config.json
  | 'tfjs-layers' //   TensorFlow.js layers model (model.json + shards)
  | 'keras-hub-preset' // KerasHub preset folder (config.json + metadata.json + model.weights.h5 …)
  | 'savedmodel'; //   tf.keras SavedModel folder (keras_metadata.pb or SavedUserObject metadata + variables/)

/** One stored weight tensor. Only metadata: values are never read. */
export interface StoredTensor {
  /** Full path inside the file, e.g. `model_weights/dense/dense/kernel:0` or `layers/dense/vars/0`. */
  path: string;
  /** The name Keras gives it: a legacy `weight_names` entry, a Keras 3 `vars/N` path, a tfjs manifest name. */
  name: string;
  shape: number[];
  dtype: string;
  /**
   * SavedModel only: the attribute names from the layer's node to the variable in the checkpoint's
   * object graph (`kernel`, `cell/kernel`, `forward_layer/cell/bias`).
   */
  objectPath?: string;
}

/**
 * A group of stored tensors that Keras loads together.
 * - legacy HDF5: one group per `layer_names` entry, in that order; `path` = `label` = layer name;
 *   tensors in `weight_names` order.
 * - Keras 3 store: one group per `vars` group; `path` is the container path without `/vars`
 *   (`layers/bidirectional/forward_layer/cell`), `label` the `vars@name` attribute (Keras ≥ 3.6) or null;
 *   tensors are `vars/0`, `vars/1`, … in order.
 * - tfjs: one group per layer name prefix (`dense_1` of `dense_1/kernel`), tensors in manifest order.
 * - SavedModel: one group per layer of a model, found through the checkpoint's object graph; `path`
 *   = the layer names from the root model down (`inner/dense_1`), `label` = the layer's name;
 *   tensors' `path` is the checkpoint key, `name` the variable's TensorFlow name.
 */
export interface StoredGroup {
  path: string;
  label: string | null;
  tensors: StoredTensor[];
}

export interface StoredWeights {
  layout: 'legacy' | 'keras3' | 'tfjs' | 'savedmodel';
  /** Where the tensors were read from (the weights file, or the archive member). */
  file: string;
  groups: StoredGroup[];
  /** Optimizer state (`optimizer_weights`, `optimizer/vars`, tfjs group "optimizer"). */
  optimizer: StoredTensor[];
  /**
   * State of compiled metrics that tf.keras 2.13–2.15 saved in the Keras 3 store (`metrics/mean/vars/…`):
   * not model parameters, so neither matched nor counted. Absent where the format keeps none.
   */
  metrics?: StoredTensor[];
  /** What the reader found in a weights file read on its own (`--weights`, a paired file): passed on to the report. */
  findings?: Finding[];
  /**
   * The container of a weights file read on its own (`--weights`, a paired file): audited like the
   * model's own (an external HDF5 dataset in a paired `.h5` is as risky as in a full model).
   */
  container?: ContainerInfo;
  /** Attributes of the weights file itself, when it has them. */
  kerasVersion: string | null;
  backend: string | null;
}

/** What a container holds that is not a model config: for the audit, never executed. */
export interface ZipMemberInfo {
  name: string;
  method: number; // 0 STORED, 8 DEFLATE, …
  compressedSize: number;
  uncompressedSize: number;
  /** Offset of the member's local header in the archive. */
  offset: number;
}

export interface H5ObjectIssue {
  kind: 'external-link' | 'soft-link' | 'external-dataset' | 'virtual-dataset' | 'user-block' | 'shape-bomb';
  path: string;
  detail: string;
}

export interface ContainerInfo {
  /** Size of the file on disk in bytes. */
  size: number;
  zipMembers?: ZipMemberInfo[];
  h5Issues?: H5ObjectIssue[];
  /** tfjs weight paths exactly as the manifest names them. */
  tfjsPaths?: string[];
  /** tfjs shards beside model.json that are symbolic links to files outside its folder. */
  tfjsLinksOutside?: ShardLink[];
}

/** A shard path as the manifest names it, and the real file outside the model's folder it links to. */
export interface ShardLink {
  path: string;
  target: string;
}

/** What every reader returns: one neutral description of a Keras file. */
export interface ModelSource {
  /** The path the user gave. */
  file: string;
  format: FormatId;
  /** Human words for the format: "legacy HDF5 full model (Keras 2.2.4)". */
  formatLabel: string;
  kerasVersion: string | null;
  /**
   * The Keras version the rules follow when neither the file nor its weights name one, if its
   * format implies one (a legacy HDF5 file: Keras 1); otherwise Keras 3.
   */
  assumedKerasVersion?: string;
  backend: string | null;
  /** The model config as parsed JSON: `{class_name, config, …}`, or null (weights only, subclassed). */
  config: unknown | null;
  /** `training_config` (legacy) or `compile_config` (Keras 3), parsed, or null. */
  trainingConfig: unknown | null;
  weights: StoredWeights | null;
  /** A weights file read beside the config (`--weights`, auto-pairing, tfjs shards). */
  weightsFile: string | null;
  /** Findings the reader itself makes (pairing, slow path, npz member, shard sizes…). */
  findings: Finding[];
  container: ContainerInfo;
  /** A KerasHub preset: what its folder holds besides the backbone's config and weights. */
  preset?: PresetInfo;
}

/** A file of a preset folder: its path inside the folder and its size in bytes. */
export interface PresetFile {
  path: string;
  size: number;
}

/** metadata.json of a preset (keras_hub/src/utils/preset_utils.py `_save_metadata`). */
export interface PresetMetadata {
  kerasVersion: string | null;
  /** `keras_hub_version`, or `keras_nlp_version` in presets keras-nlp wrote (before keras-hub 0.15). */
  kerasHubVersion: string | null;
  kerasHubName: 'keras-hub' | 'keras-nlp';
  /** `parameter_count`: the backbone's `count_params()` when it was saved. */
  parameterCount: number | null;
  tasks: string[];
}

/** The task a preset carries (task.json, and task.weights.h5 when the task owns weights of its own). */
export interface PresetTask {
  className: string;
  /** task.json's `config`: the task's own arguments, its backbone's and preprocessor's configs nested. */
  args: Record<string, unknown>;
  /** The weights file of the task's own layers (its head) and its optimizer state, or null. */
  weightsFile: string | null;
  weights: StoredWeights | null;
}

export interface PresetInfo {
  /** The preset folder, as named (the folder of its config.json). */
  folder: string;
  /** config.json's backbone class (`GemmaBackbone`) and its constructor arguments (`config`). */
  backboneClass: string;
  args: Record<string, unknown>;
  metadata: PresetMetadata | null;
  /** The files the backbone's weights were read from: `model.weights.h5`, or the shard index and its shards. */
  weightsFiles: string[];
  task: PresetTask | null;
  /** The preset's other configs, audited like a model config: tokenizer.json, preprocessor.json, task.json… */
  configs: { file: string; value: unknown }[];
  /** Every file in the folder (bounded listing). */
  files: PresetFile[];
}

// ---------------------------------------------------------------- findings

// Finding and Severity live in src/findings.ts, beside the catalogue of codes and the severity order.
import type { Finding } from './findings.js';
export type { Category, Finding, FindingCode, Severity } from './findings.js';

// ---------------------------------------------------------------- report (the --json object)

export type WeightStatus = 'ok' | 'shape-mismatch' | 'missing' | 'extra' | 'unverified';

export interface WeightReport {
  /** Keras's variable name relative to the layer: `kernel`, `forward_lstm/lstm_cell/kernel`. */
  name: string;
  expectedShape: number[] | null;
  storedShape: number[] | null;
  storedPath: string | null;
  storedDtype: string | null;
  trainable: boolean;
  status: WeightStatus;
  /** Why the expected shape is what it is, with this model's numbers. */
  why: string;
  /** The same variable as the named weight, stored a second time by Keras: not counted again. */
  duplicateOf?: string;
  /** Why this file format does not keep the tensor (LoRA factors in the Keras 3 store). */
  notInFile?: string;
  /**
   * Axes of `expectedShape` whose size is the stored tensor's own: nothing else in the file tells
   * it (it depends on a Lambda's output, which is not stored). The other sizes were checked.
   */
  fromStored?: number[];
  /**
   * The file cannot tell whether this tensor is trainable (a layer kerascope has no rule for, an
   * opaque JaxLayer/FlaxLayer/TFSMLayer): it is counted in `unknownTrainabilityParams`, in neither
   * the trainable nor the non-trainable count, and `trainable` is false.
   */
  trainableUnknown?: true;
}

export type LayerStatus = 'ok' | 'mismatch' | 'unknown-class' | 'unverified' | 'no-shape';

export interface LayerReport {
  name: string;
  className: string;
  /** Output shape of the last call (what Keras's summary prints); a list for several outputs; null when unknown. */
  outputShape: Shape | Shape[] | null;
  /** One entry per call when the layer is called more than once (shared layers). */
  outputShapes?: (Shape | Shape[] | null)[];
  /** `layer[node][tensor]` references of the inputs, as Keras's "Connected to". */
  connectedTo: string[];
  /** The inputs of each call, when the layer is called more than once (`connectedTo` is them all, in order). */
  callInputs?: string[][];
  params: number;
  trainableParams: number;
  nonTrainableParams: number;
  trainable: boolean;
  status: LayerStatus;
  /** The count explained: "4 gates × 17 units × (13 inputs + 17 recurrent + 1 bias) = 2108". */
  formula: string | null;
  /**
   * The config arguments `diff` and baselines compare (units, filters, kernel_size, activation,
   * dtype policy…: src/report/key-config.ts), as the config states them; absent without a config.
   */
  keyConfig?: Record<string, string | number | boolean | (number | null)[] | null>;
  weights: WeightReport[];
  /** Sublayers of a nested model, same shape, recursively. */
  layers?: LayerReport[];
  /** What the layer computes at the report's batch size (`compute.batch`); absent without an architecture. */
  compute?: LayerCompute;
  /** Of `params`, those whose trainability the file cannot tell (stored tensors of a layer with no rule). */
  unknownTrainabilityParams?: number;
  /** Tensors the layer owns whose size neither the config nor the file tells: `params` leaves them out. */
  unknownSizeTensors?: number;
  /**
   * `params` leaves out what the layer (or, for a nested model, one of its layers) owns but the file
   * cannot tell: a class kerascope has no rule for, in a file that stores no weights.
   */
  paramsUnknown?: true;
  /** Axes of `outputShape` (one output) whose size cannot be known from the file: printed `?`, null in the shape. */
  unknownAxes?: number[];
  /** Axes of `outputShape` whose size was taken from a stored tensor (`weight`: `dense_1/kernel`), not computed from the config. */
  axesFromWeights?: { axis: number; size: number; weight: string }[];
}

/**
 * A layer's arithmetic and output memory at the report's batch size (docs/compute.md): MACs of its
 * dot products and convolutions (every kernel tap), FLOPs = 2 × MACs + other element operations,
 * the bytes of its output tensors. Null where a size, class or activation is unknown (`unknown` says why).
 */
export interface LayerCompute {
  macs: number | null;
  flops: number | null;
  activationBytes: number | null;
  unknown?: string;
}

/** Bytes of the model's weights of one stored dtype. */
export interface DtypeBytes {
  /** The stored dtype; `int4` for int4 kernels Keras packs two to an int8 byte. */
  dtype: string;
  /** Elements as stored. */
  elements: number;
  /** Null for a dtype of unknown size. */
  bytes: number | null;
}

/** The model's compute and memory at a batch size. Totals add the layers whose cost is known. */
export interface ComputeTotals {
  batch: number;
  macs: number;
  flops: number;
  activationBytes: number;
  /** Layers (paths) whose cost is unknown: the totals leave them out. */
  unknownLayers: string[];
  weightBytes: DtypeBytes[];
}

export interface Totals {
  params: number;
  trainableParams: number;
  nonTrainableParams: number;
  optimizerParams: number;
  /** Elements actually stored for the model's layers (optimizer excluded); null without weights. */
  storedParams: number | null;
  /** Bytes, at 4 bytes per float32 element as Keras's summary prints (dtype-aware where known). */
  paramBytes: number;
  trainableBytes: number;
  nonTrainableBytes: number;
  optimizerBytes: number;
  /** Parameters whose trainability the file cannot tell (layers with no rule): in `params`, in neither split. */
  unknownTrainabilityParams: number;
  unknownTrainabilityBytes: number;
  /** Expected tensors whose size neither the config nor the file tells (an input shape is unknown): not in `params`. */
  unknownSizeTensors: number;
  /** Layers kerascope has no rule for in a file that stores no weights: their parameters are not in `params`. */
  unknownParamLayers: number;
}

export interface Report {
  schemaVersion: 1;
  file: string;
  weightsFile: string | null;
  format: FormatId;
  formatLabel: string;
  kerasVersion: string | null;
  backend: string | null;
  /** The model, with its input and output shapes (`model.inputs`, `model.outputs`; null where unknown). */
  model: { name: string; className: string; inputs?: (Shape | null)[]; outputs?: (Shape | null)[] } | null;
  /** consistent: every check passed; inconsistent: an error finding; unverified: nothing to compare against. */
  verdict: 'consistent' | 'inconsistent' | 'unverified';
  layers: LayerReport[];
  totals: Totals;
  /** Compute and memory; absent when the file stores no architecture. */
  compute?: ComputeTotals;
  findings: Finding[];
  /** A KerasHub preset: the backbone's count against metadata.json, the task, the folder's files. */
  preset?: PresetReport;
}

export interface PresetReport {
  /** The backbone class config.json names (`GemmaBackbone`). */
  backbone: string;
  kerasHubVersion: string | null;
  /** metadata.json's `parameter_count`, or null when absent. */
  parameterCount: number | null;
  /** What the backbone's constructor arguments give, or null when kerascope has no rule for the class. */
  expectedParams: number | null;
  /** Elements the backbone's weights store holds, or null when it is absent. */
  storedParams: number | null;
  weightsFiles: string[];
  /** The task (task.json): its own parameters (the head in task.weights.h5) and optimizer state, or null. */
  task: { className: string; params: number; optimizerParams: number; weightsFile: string | null } | null;
  files: PresetFile[];
}
