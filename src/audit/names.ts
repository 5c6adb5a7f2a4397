// Module and name lists the audit rates against. Keras facts:
// - Keras 3 imports only `keras`, `keras_hub`, `keras_cv`, `keras_nlp` modules while deserializing
//   (keras/src/saving/serialization_lib.py `_retrieve_class_or_fn`, hardened after CVE-2025-1550);
//   before 3.9 it imported any `module` a config named.
// - NON_MODELING_APIS (same file; keras-team/keras PR #23115) are Keras functions that must never be
//   objects of a reloaded model: loading/saving files, downloading, turning safe mode off
//   (CVE-2025-8747 used get_file, CVE-2025-9906 enable_unsafe_deserialization).

/** Root packages whose objects Keras itself may deserialize. */
export const KERAS_PACKAGES = new Set(['keras', 'keras_hub', 'keras_cv', 'keras_nlp', 'tf_keras']);

/** Root modules that give a config file-system, process, network or code-loading power. */
export const DENY_MODULES = new Set([
  'os', 'posix', 'nt', 'posixpath', 'ntpath', 'subprocess', 'builtins', '__builtin__', 'sys', 'shutil',
  'importlib', 'imp', 'pkgutil', 'zipimport', 'runpy', 'code', 'codeop', 'pickle', '_pickle', 'cPickle',
  'dill', 'cloudpickle', 'joblib', 'shelve', 'marshal', 'socket', 'ssl', 'http', 'urllib', 'urllib2',
  'urllib3', 'requests', 'ftplib', 'smtplib', 'telnetlib', 'webbrowser', 'ctypes', 'cffi', 'pty',
  'commands', 'multiprocessing', 'threading', 'signal', 'asyncio', 'pathlib', 'tempfile', 'glob',
  'io', 'types', 'operator', 'functools', 'inspect', 'gc', 'platform', 'pdb', 'timeit', 'trace',
  'tarfile', 'zipfile', 'yaml',
]);

/** Python builtins that run code, import, or touch files when called with a config's arguments. */
export const DANGEROUS_BUILTINS = new Set([
  'exec', 'eval', 'compile', '__import__', 'open', 'getattr', 'setattr', 'delattr', 'globals', 'locals',
  'vars', 'input', 'breakpoint', 'exit', 'quit',
]);

/** Keras APIs that are not modelling objects (last name part; module must be a Keras one). */
export const NON_MODELING_APIS = new Set([
  'enable_unsafe_deserialization', 'load_model', 'load_weights', 'save_model', 'save_weights', 'get_file',
  'load_img', 'save_img', 'image_dataset_from_directory', 'text_dataset_from_directory',
  'audio_dataset_from_directory', 'clear_session', 'deserialize_keras_object', 'register_keras_serializable',
  'custom_object_scope', 'model_from_json', 'model_from_yaml', 'model_from_config',
]);

/** Names in Lambda bytecode that mean process, file, network or dynamic-code access. */
export const DANGEROUS_CODE_NAMES = new Set([
  'os', 'sys', 'subprocess', 'system', 'popen', 'Popen', 'spawn', 'spawnv', 'execv', 'execve', 'execl',
  'fork', 'exec', 'eval', 'compile', '__import__', 'import_module', 'importlib', 'builtins',
  '__builtins__', '__globals__', '__subclasses__', '__code__', 'getattr', 'setattr', 'open', 'socket',
  'urlopen', 'urllib', 'requests', 'pickle', 'marshal', 'loads', 'ctypes', 'shutil', 'rmtree', 'remove',
  'unlink', 'check_output', 'check_call', 'webbrowser', 'pty',
]);

/** Model container classes every era writes; not custom objects. */
export const MODEL_CLASSES = new Set(['Sequential', 'Functional', 'Model']);

/** The package a dotted module name is in: what comes before its first dot (no list made: it runs for every object of a config). */
export function rootOf(module: string): string {
  const dot = module.indexOf('.');
  return dot < 0 ? module : module.slice(0, dot);
}

export type ModuleClass = 'keras' | 'deny' | 'main' | 'other';

export function classifyModule(module: string): ModuleClass {
  const root = rootOf(module);
  if (KERAS_PACKAGES.has(root)) return 'keras';
  if (DENY_MODULES.has(root)) return 'deny';
  if (root === '__main__') return 'main';
  return 'other';
}

/**
 * tf.keras 2.11–2.15 writes its own optimizers as `"class_name": "Custom>Adam"` in training_config
 * (the new optimizers were registered under the default package "Custom"): not custom objects.
 */
export const TF_KERAS_OPTIMIZERS = new Set([
  'Adam', 'AdamW', 'SGD', 'RMSprop', 'Adagrad', 'Adadelta', 'Adamax', 'Nadam', 'Ftrl', 'Lion', 'Adafactor',
]);

/**
 * Function names Keras resolves itself when a config says `module: "builtins"`: before importing
 * anything, `_retrieve_class_or_fn` looks the name up in keras.activations, constraints,
 * initializers, losses, metrics, optimizers and regularizers (serialization_lib.py BUILTIN_MODULES).
 * Keras 3 writes its own losses and metrics this way (corpus keras3-8-10: sparse_categorical_crossentropy).
 */
export const KERAS_BUILTIN_FUNCTIONS = new Set([
  // activations
  'relu', 'relu6', 'leaky_relu', 'elu', 'selu', 'celu', 'gelu', 'glu', 'silu', 'swish', 'hard_silu', 'hard_swish',
  'sigmoid', 'hard_sigmoid', 'softmax', 'log_softmax', 'softplus', 'softsign', 'soft_shrink', 'hard_shrink',
  'tanh', 'hard_tanh', 'tanh_shrink', 'exponential', 'linear', 'mish', 'log_sigmoid', 'squareplus', 'sparse_plus',
  'sparsemax', 'threshold',
  // losses
  'mean_squared_error', 'mse', 'mean_absolute_error', 'mae', 'mean_absolute_percentage_error', 'mape',
  'mean_squared_logarithmic_error', 'msle', 'binary_crossentropy', 'binary_focal_crossentropy',
  'categorical_crossentropy', 'categorical_focal_crossentropy', 'sparse_categorical_crossentropy', 'hinge',
  'squared_hinge', 'categorical_hinge', 'huber', 'log_cosh', 'logcosh', 'kl_divergence', 'kld',
  'kullback_leibler_divergence', 'poisson', 'cosine_similarity', 'ctc', 'dice', 'tversky', 'circle',
  'categorical_generalized_cross_entropy',
  // metrics
  'accuracy', 'acc', 'binary_accuracy', 'categorical_accuracy', 'sparse_categorical_accuracy',
  'top_k_categorical_accuracy', 'sparse_top_k_categorical_accuracy',
]);
