// Where kerascope and Keras 3.15.1 still disagree on the project's own fixtures (fixtures/keras), each
// with its reason. test/keras-fixtures.test.ts fails on any other disagreement, and on a listed one
// that no longer occurs.

/** How a model is read: each Keras format alone, the architecture/weights pairings, and the extras. */
export type Run =
  | 'keras' | 'h5' | 'weights+config' | 'json+paired' | 'json alone' | 'weights alone'
  | 'unzipped folder' | 'sharded+config' | 'npz keras' | 'legacy weights+config' | 'legacy weights alone';

/**
 * Known deviations: disagreement lines (see helpers/truth-compare.ts) that match `match`, for model
 * `slug` in `runs`, with the reason. A listed deviation must still occur (the test fails when it is
 * fixed, so the list cannot go stale); every other line fails the test.
 */
export interface Deviation { slug: string; runs: Run[]; match: RegExp; reason: string }
/** Runs whose architecture is Keras 3's to_json(), which carries no keras_version. */
export const FROM_JSON: Run[] = ['weights+config', 'json+paired', 'json alone'];
/** The models written with extras (sharded weights, unzipped folder): see fixtures/keras/cases.py. */
export const WITH_EXTRAS = ['seed_embedding_lstm', 'nested_three_deep', 'trained_adam'];
export const DEVIATIONS: Deviation[] = [
  {
    slug: 'attention_layers',
    runs: ['keras', ...FROM_JSON],
    match: /^grouped_query_attention className/,
    reason: 'Keras 3 configs say GroupQueryAttention (the public alias it serialises; the legacy .h5 says GroupedQueryAttention); the Python class, and so truth.json and summary(), is GroupedQueryAttention',
  },
  {
    slug: 'spectral_norm',
    runs: ['keras', ...FROM_JSON],
    match: /^spectral_normalization weight kernel \[5,3\]: expected by kerascope/,
    reason: 'the Keras 3 store holds SpectralNormalization\'s kernel twice (its own vars/0 is the wrapped Dense kernel; spectral_normalization.py sets self.kernel = self.layer.kernel): kerascope lists that second reference as a row of its own (counted once); Keras\'s layer.weights lists the variable once',
  },
  {
    slug: 'spectral_norm',
    runs: ['keras', 'weights+config', 'json+paired'],
    match: /storedParams/,
    reason: 'the Keras 3 store holds the wrapped kernel twice (36 elements in the file); kerascope counts the second copy once in storedParams (21), so that it equals count_params()',
  },
  {
    slug: 'dense_lora',
    runs: ['keras', 'weights+config', 'json+paired'],
    match: /lora|total-mismatch|verdict/,
    reason: 'lora_rank adds lora_kernel_a/b (lora_embeddings_a/b) and freezes the kernel; the legacy .h5 stores all of them (passes), but the Keras 3 store merges LoRA into the kernel and stores kernel and bias only (keras/src/layers/core/dense.py save_own_variables). The rows of lora_* are therefore listed as not kept by this format (status unverified, notInFile), never ok',
  },
  {
    slug: 'custom_layer',
    runs: ['h5'],
    match: /^scale_shift className: kerascope "kerascope_fixtures>ScaleShift"/,
    reason: 'Keras 3\'s legacy HDF5 writer stores a registered custom class under its registered name (class_name "kerascope_fixtures>ScaleShift"), and kerascope reports the class as stored; Keras prints the Python class ScaleShift',
  },
  {
    slug: 'custom_layer',
    runs: ['keras', 'h5', 'weights+config', 'json+paired', 'json alone', 'legacy weights+config'],
    match: /^scale_shift outputShape: kerascope null/,
    reason: 'a Sequential stores no edge shapes, and the next layer (GlobalAveragePooling1D, no weights) no build_config: the custom layer\'s output is known only by running its code (printed "?")',
  },
  ...['lookup_modes', 'lookups_adapted'].map((slug): Deviation => ({
    slug,
    runs: ['keras', 'weights+config', 'json+paired', 'weights alone'],
    match: /storedParams/,
    reason: 'the Keras 3 store keeps the idf_weights of StringLookup/TextVectorization(output_mode="tf_idf") as …/vars/idf_weights (a named dataset, not vars/N), outside count_params(); kerascope leaves them out of storedParams without listing them',
  })),
];
