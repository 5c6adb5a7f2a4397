// The findings catalogue: every code any part of kerascope can report, with its category, its usual
// severity and one line saying what it means — and the one severity order everything sorts by.
// It sits at the bottom of the house (it imports nothing): readers, graph, check, audit and report
// all import it. It is the rule list of the SARIF report (issue 13).
//
// A new finding code is one entry here. test/findings-catalogue.test.ts scans src/ for the codes
// modules emit and fails on any code missing from this list.

/** Consistency and format findings use error/warning/info; security findings use critical…info. */
export type Severity = 'critical' | 'high' | 'medium' | 'low' | 'error' | 'warning' | 'info';

/**
 * `consistency`: the file disagrees with itself; `security`: what could run code or mislead a
 * loader; `format`: how the file was read (pairing, slow paths, what was not opened);
 * `expectation`: the file is not what the pipeline expects (`check --baseline`, `--expect`) — the
 * file may agree with itself: these fail the run without changing the verdict.
 */
export type Category = 'consistency' | 'security' | 'format' | 'expectation';

export interface Finding {
  severity: Severity;
  /** Stable, kebab-case, one of the catalogue's codes (FindingCode). */
  code: string;
  category: Category;
  /** Layer path (`outer/inner/dense_2`) or null for the whole file. */
  layer: string | null;
  message: string;
}

/**
 * Most serious first. A critical security finding (code that runs when Keras loads the file) comes
 * before a consistency error (the file will not load as it claims); an error, which always fails the
 * run, before a high security finding, which fails it at the default --fail-on.
 */
export const SEVERITY_ORDER: readonly Severity[] = ['critical', 'error', 'high', 'medium', 'warning', 'low', 'info'];

const rank = (s: Severity): number => {
  const i = SEVERITY_ORDER.indexOf(s);
  return i < 0 ? SEVERITY_ORDER.length : i;
};

/** Compare by severity only: sorting with it is stable, so equal findings keep the order they were made in. */
export function compareFindings(a: Pick<Finding, 'severity'>, b: Pick<Finding, 'severity'>): number {
  return rank(a.severity) - rank(b.severity);
}

/** A sorted copy, most serious first (the order of the JSON `findings` and of every renderer). */
export function sortFindings<F extends Pick<Finding, 'severity'>>(findings: readonly F[]): F[] {
  return [...findings].sort(compareFindings);
}

export interface CatalogueEntry {
  category: Category;
  /** The severity the code is usually given (SARIF's default level); a few codes rise with what they find (`raisedTo`). */
  severity: Severity;
  /** The severity it takes when what it finds is worse (a Lambda naming os.system: critical). */
  raisedTo?: Severity;
  /** One line: what the finding means. */
  description: string;
}

const c = (category: Category, severity: Severity, description: string, raisedTo?: Severity): CatalogueEntry =>
  raisedTo ? { category, severity, description, raisedTo } : { category, severity, description };

export const CATALOGUE = {
  // ---------------------------------------------------------------- consistency: architecture vs stored tensors
  'total-mismatch': c('consistency', 'error', 'The file stores a different number of parameters than the architecture needs.'),
  'weight-shape-mismatch': c('consistency', 'error', "A stored tensor's shape differs from the shape the layer's config implies."),
  'weight-missing': c('consistency', 'error', 'A tensor the layer must own by its config is not stored.'),
  'weight-extra': c('consistency', 'error', 'A stored tensor that no layer of the architecture owns.'),
  'layer-name-differs': c('consistency', 'info', 'A stored weight group was paired with a layer by position, as Keras loads it, under another name.'),
  'layer-order': c('consistency', 'warning', 'The file stores layer weights in another order than the model lists its layers.'),
  'store-numbered-twice': c('consistency', 'warning', 'A weights store numbered the tf.keras 2.12–2.13 way: consistent, but tf.keras 2.14+ and Keras 3 do not load it as stored.'),
  'store-name-differs': c('consistency', 'warning', "A weights-store group is labelled with another layer's name."),
  'graph-problem': c('consistency', 'error', 'The layer graph cannot be rebuilt as stored (an unknown inbound layer, a cycle, a bad node reference).'),
  'stored-shape-disagrees': c('consistency', 'error', 'A shape the file records disagrees with the shape worked out from the config.'),
  'layer-rule-error': c('consistency', 'error', "A layer's config cannot be accepted by the rule for its class."),
  'config-invalid-value': c('consistency', 'error', 'A config value that must be a size (units, filters, a stored shape) is negative, fractional or not a number; the message names the layer and the key.'),
  'config-size-truncated': c('consistency', 'warning', "A fractional size (Keras 1's `Dense(output_dim=0.3)`) that the file's own loader truncated with int(): the layer is checked with the truncated size, as that loader built it; later Keras versions refuse the file."),
  'size-too-large': c('consistency', 'error', 'A weight or output size past 2^53 elements: it cannot be counted exactly, so it is refused rather than printed as a float.'),
  'lambda-shape': c('consistency', 'info', "How a Lambda layer's output shape was found: a stored output_shape, the shape the file stores where it is used, sizes pinned by stored weights, or unknown."),
  'layer-note': c('consistency', 'info', "A note from a layer's rule: an assumption made or a Keras version difference applied."),
  'tfjs-refuses': c('consistency', 'error', "TensorFlow.js's own loader (tf.loadLayersModel) refuses the file, in its own words: a Keras 3 InputLayer shape, Keras 3 inbound nodes, weights named by Keras 3 store paths."),
  'loader-semantics': c('consistency', 'warning', "Shapes follow the file's own loader (TensorFlow.js) where it computes a layer differently from Keras, and the stored tensors depend on it: the model would not convert back to Keras as it is."),
  'shape-unknown': c('consistency', 'info', 'Output shapes that cannot be worked out because an input shape is unknown.'),
  'opaque-layer': c('consistency', 'warning', "A layer whose computation lives outside the config (JaxLayer, TFSMLayer…): its stored tensors are counted as stored."),
  'unknown-layer-class': c('consistency', 'warning', 'A layer class kerascope has no rule for (a custom class): its stored tensors are counted as stored.'),
  'subclassed-model': c('consistency', 'warning', 'A subclassed model: its config stores no layers, so only the stored tensors are listed.'),
  'weights-shard-missing': c('consistency', 'error', 'A sharded weights manifest names a shard the archive does not hold.'),
  'tfjs-shard-missing': c('consistency', 'error', 'A TensorFlow.js weights shard named by model.json is not beside it.'),
  'tfjs-shard-size': c('consistency', 'error', 'TensorFlow.js shard files hold a different number of bytes than their manifest tensors need.'),
  'tfjs-unknown-dtype': c('consistency', 'warning', 'A TensorFlow.js manifest tensor has a dtype kerascope does not know, so its shard size is not checked.'),
  'tfjs-duplicate-weight': c('consistency', 'error', 'A TensorFlow.js manifest lists the same weight name more than once; tfjs loads by name, so one is ignored.'),
  'tfjs-shard-not-file': c('consistency', 'error', 'A TensorFlow.js shard beside model.json is not a regular file (a FIFO, a device, a folder): never opened.'),
  'remote-transfer': c('format', 'info', 'The file was read over HTTP by range requests: how many requests and bytes it took (weights are not downloaded, but for a DEFLATED weights member, which is inflated whole).'),
  'tfjs-shard-unchecked': c('consistency', 'info', "TensorFlow.js shard sizes not checked because their paths leave the model's folder (or model.json sits in no folder)."),
  'savedmodel-shard-missing': c('consistency', 'error', 'A SavedModel data shard (variables.data-NNNNN-of-NNNNN) that variables.index names is not in the folder.'),
  'savedmodel-shard-not-file': c('consistency', 'error', 'A SavedModel data shard is not a regular file (a FIFO, a device, a folder): never opened.'),
  'savedmodel-shard-size': c('consistency', 'error', "A SavedModel's variables.index places a tensor's bytes past the end of its data shard, or gives it a size its dtype and shape do not take."),
  'savedmodel-key-missing': c('consistency', 'error', "The checkpoint's object graph names a variable whose key variables.index does not hold."),
  'savedmodel-variables-unread': c('consistency', 'error', "A SavedModel's variables.index is not a readable TensorBundle index (or not a file): the stored tensors are not read."),
  'savedmodel-layer-unplaced': c('consistency', 'warning', "A layer of the Keras metadata is not in the checkpoint's object graph: its weights are not looked for."),
  'savedmodel-unmapped': c('consistency', 'warning', 'The stored tensors of a SavedModel cannot be matched to layers (no readable object graph): they are not compared.'),
  'savedmodel-graph-missing': c('consistency', 'warning', 'A SavedModel folder without saved_model.pb: TensorFlow cannot load it; the Keras config is read from keras_metadata.pb.'),
  'savedmodel-variables-misplaced': c('consistency', 'warning', 'The checkpoint lies beside saved_model.pb instead of in variables/: read, but TensorFlow will not find it there.'),

  // ---------------------------------------------------------------- consistency: KerasHub presets
  'preset-parameter-count': c('consistency', 'error', "A KerasHub preset's metadata.json parameter_count differs from what its weights store holds (or, without weights, from what the backbone's constructor arguments give)."),
  'backbone-config-invalid': c('consistency', 'error', "A KerasHub backbone's constructor arguments cannot build it (a size that is not a whole number, heads that leave no per-head size)."),
  'backbone-layout-unrecognised': c('consistency', 'warning', "A KerasHub backbone's weights store does not follow the layout keras-hub 0.32 writes (an older writer): tensors are listed and counted, not verified one by one."),
  'backbone-unknown': c('consistency', 'info', "A KerasHub backbone class kerascope has no rule for: its stored tensors are listed and counted and compared with metadata.json's parameter_count."),
  'backbone-too-large': c('consistency', 'warning', 'A KerasHub backbone with more layers than kerascope expands one by one: counted from its stored tensors.'),
  'weights-shard-map': c('consistency', 'error', "A sharded weights store keeps a group in another shard than its weight_map names: Keras looks for it in the named shard and loads nothing."),

  // ---------------------------------------------------------------- format: how the file was read
  'weights-only': c('format', 'info', 'The file holds weights only: tensors are listed, not verified (give an architecture with --config).'),
  'weights-from-file': c('format', 'info', 'Weights were read from the file given with --weights.'),
  'config-from-file': c('format', 'info', 'The architecture was read from the file given with --config.'),
  'weights-paired': c('format', 'info', 'Weights were paired automatically from a same-name file beside the architecture.'),
  'zip-member-not-read': c('format', 'warning', 'A weights member was not read (overlapping bytes, a zip bomb, or past the inflation budget): its weights are not verified.'),
  'zip-member-out-of-bounds': c('format', 'warning', 'An archive member declares sizes the archive cannot hold.'),
  'npz-weights-not-read': c('format', 'info', 'Weights are in a NumPy .npz member, which is never opened: weights are not verified.'),
  'weights-inflated': c('format', 'info', 'A compressed weights member was inflated to a temporary file to be read (slower than a STORED member).'),
  'store-windows-paths': c('format', 'info', 'A Keras weights store written on Windows: its group names use \\ as the separator, read as /.'),
  'store-metrics': c('format', 'info', "A Keras weights store that also keeps compiled metrics' state (tf.keras 2.13–2.15): not parameters, not counted."),
  'gzip-inflated': c('format', 'info', 'The file is gzip-compressed: it was inflated (at most 1 GiB) to a temporary file and read as the file inside.'),
  'savedmodel-no-variables': c('format', 'info', 'A SavedModel folder without variables/: the architecture is read, there are no stored tensors to compare.'),
  'savedmodel-not-variables': c('format', 'info', 'Values a SavedModel checkpoint saves that are not variables (lookup tables, configs): not parameters, not counted.'),
  'savedmodel-graph-from-pb': c('format', 'info', "Tensors matched to layers through saved_model.pb's object graph, because the checkpoint's own could not be read."),
  'tfjs-quantized': c('format', 'info', 'TensorFlow.js weights are stored quantized; shapes and counts are unchanged.'),
  'h5-unreadable-object': c('format', 'warning', 'An HDF5 object could not be read; the rest of the file was.'),
  'preset-weights-missing': c('format', 'warning', "A KerasHub preset's weights file is absent, or is a Git LFS pointer that was never downloaded: the backbone is checked from its config alone."),
  'preset-file-unreadable': c('format', 'warning', "A file of a KerasHub preset could not be read (not JSON, not a regular file, a corrupt weights file): an error when keras-hub loads it, a warning for metadata.json, which it never reads.", 'error'),
  'preset-task': c('format', 'info', "A KerasHub preset's task: its own weights (the head in task.weights.h5) and its optimizer state (not counted as parameters)."),
  'h5-bad-json-attribute': c('format', 'error', 'An HDF5 root attribute that must hold JSON (model_config, training_config) is not valid JSON.'),

  // ---------------------------------------------------------------- expectation: what the pipeline expects (issue 13)
  'baseline-drift': c('expectation', 'error', 'The architecture differs from the baseline snapshot (kerascope snapshot): the same messages as kerascope diff.'),
  'expectation-failed': c('expectation', 'error', 'A figure the command line expects (--expect params=573, output="(None, 23)", max-params=10M) differs from the file.'),

  // ---------------------------------------------------------------- security: the audit
  'audit-failed': c('security', 'warning', 'The security audit could not finish on this file.'),
  'findings-truncated': c('security', 'info', 'More findings of one code than are listed; the count is given.'),
  'config-too-large': c('security', 'medium', 'The config holds more objects than the audit walks; the rest was not checked.'),
  'lambda-layer': c('security', 'high', 'A Lambda layer stores Python bytecode, which Keras runs when the model is loaded or called.', 'critical'),
  'lambda-function': c('security', 'high', 'A config field stores Python bytecode (a serialized function), which Keras runs when loading.', 'critical'),
  'lambda-named-function': c('security', 'medium', 'A Python function called by name at load time; its code is not in the file.', 'critical'),
  'module-unknown': c('security', 'medium', "A reference to a module outside Keras's packages, which Keras before 3.9 imports while loading."),
  'module-denied': c('security', 'critical', 'A reference to a module that gives process, file, network or code-loading power (the CVE-2025-1550 class).'),
  'keras-non-modeling-api': c('security', 'critical', 'A reference to a Keras API that is not a modelling object (files, downloads, safe mode): CVE-2025-8747, CVE-2025-9906.'),
  'keras-tfsm-layer': c('security', 'high', 'A TFSMLayer, which loads and runs the TensorFlow SavedModel its config names.'),
  'tf-op-dangerous': c('security', 'high', 'A tf.keras TFOpLambda / SlicingOpLambda / ClassMethod layer calls a TF function that reaches files, processes, the network or Python when the model is loaded.'),
  'tf-op-unknown': c('security', 'medium', 'A tf.keras TFOpLambda / SlicingOpLambda / ClassMethod layer calls a TF function kerascope does not know to be pure computation.'),
  'tf-op-call': c('security', 'info', 'A tf.keras TFOpLambda / SlicingOpLambda / ClassMethod layer calls a pure TF math or array function (Keras 3 refuses the file).'),
  'custom-function': c('security', 'medium', 'A function of the script that saved the model; its code must be supplied when loading.'),
  'custom-object': c('security', 'low', "A registered custom object: loading runs the author's code for it, which is not in the file."),
  'custom-class': c('security', 'low', "A class that is not Keras's: loading needs the author's Python code, which is not in the file."),
  'zip-path-traversal': c('security', 'high', 'An archive member name climbs out of the archive with "..".'),
  'zip-absolute-path': c('security', 'high', 'An archive member has an absolute path.'),
  'zip-backslash-name': c('security', 'medium', 'An archive member name uses backslashes, which Windows tools treat as folders.'),
  'zip-control-chars': c('security', 'medium', 'An archive member name holds control characters.'),
  'zip-npz-weights': c('security', 'high', 'A NumPy .npz member, which may hold pickled Python objects.'),
  'zip-pickle-member': c('security', 'high', 'A pickle-style member, which runs code when unpickled.'),
  'zip-executable-member': c('security', 'high', 'An executable or script member, which no Keras model needs.'),
  'zip-python-member': c('security', 'medium', 'Python source or bytecode in the archive, which no Keras model needs.'),
  'zip-unexpected-member': c('security', 'low', 'An archive member Keras does not write into a .keras archive.'),
  'zip-size-mismatch': c('security', 'medium', "An archive member's declared sizes do not fit the file or its method."),
  'zip-bomb-ratio': c('security', 'high', 'An archive member unpacks to far more bytes than it stores: the signature of a zip bomb (never inflated).'),
  'zip-overlapping-members': c('security', 'high', "Archive members share stored bytes: one copy read under many names, how a zip bomb multiplies (Python's zipfile refuses them)."),
  'zip-unusual-method': c('security', 'low', "An archive member uses a compression method Python's zipfile (so Keras) may not read."),
  'zip-duplicate-member': c('security', 'high', 'Several archive members share one name: what is inspected may not be what Keras loads.'),
  'h5-external-link': c('security', 'high', 'An HDF5 external link, which HDF5 follows into another file.'),
  'h5-soft-link': c('security', 'medium', 'An HDF5 soft link, which Keras never writes.'),
  'h5-external-dataset': c('security', 'high', 'An HDF5 dataset whose data lives in an external raw file.'),
  'h5-virtual-dataset': c('security', 'high', 'An HDF5 virtual dataset mapped from other files.'),
  'h5-user-block': c('security', 'low', 'An HDF5 user block before the data, which Keras never writes: the file may be two formats at once.'),
  'h5-shape-bomb': c('security', 'medium', 'An HDF5 dataset that declares far more data than the file holds.'),
  'h5-issue': c('security', 'medium', 'An unusual HDF5 object.'),
  'tfjs-remote-path': c('security', 'high', 'A TensorFlow.js weights path is a URL: a loader would fetch weights from the network.'),
  'tfjs-path-outside': c('security', 'high', "A TensorFlow.js weights path leaves the model's folder."),
  'tfjs-shard-link-outside': c('security', 'high', "A TensorFlow.js shard beside model.json is a symbolic link to a file outside the model's folder."),
} as const satisfies Record<string, CatalogueEntry>;

/** Every finding code kerascope can report. */
export type FindingCode = keyof typeof CATALOGUE;

export const FINDING_CODES = Object.keys(CATALOGUE) as FindingCode[];

export function isFindingCode(code: string): code is FindingCode {
  return Object.hasOwn(CATALOGUE, code);
}

/** The catalogue entry for a code, or null for a code not in the catalogue (a bug the catalogue test catches). */
export function catalogueEntry(code: string): CatalogueEntry | null {
  return isFindingCode(code) ? CATALOGUE[code] : null;
}

/** A finding whose category comes from the catalogue; the severity is the catalogue's unless given. */
export function findingOf(code: FindingCode, layer: string | null, message: string, severity?: Severity): Finding {
  const e: CatalogueEntry = CATALOGUE[code];
  return { severity: severity ?? e.severity, code, category: e.category, layer, message };
}
