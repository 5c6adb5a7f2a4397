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
  ...WITH_EXTRAS.map((slug): Deviation => ({
    slug,
    runs: ['unzipped folder'],
    match: /./,
    reason: 'an unzipped .keras folder (model.save(dir, zipped=False)) is read as its config.json alone: the model.weights.h5 beside it is not paired (pairing looks for config.weights.h5 / config.h5), so nothing is verified',
  })),
  ...WITH_EXTRAS.map((slug): Deviation => ({
    slug,
    runs: ['sharded+config'],
    match: /^unreadable: /,
    reason: 'sharded weights written by save_weights("….weights.json", max_shard_size=…) (a weight_map JSON + _0000N.weights.h5 shards, Keras >= 3.10) are not accepted by --weights; kerascope reads such shards only inside a .keras zip',
  })),
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
    slug: 'separable_depthwise',
    runs: FROM_JSON,
    match: /depthwise_conv/,
    reason: 'Keras 3 to_json() has no keras_version; the DepthwiseConv rule (src/layers/conv.ts) reads that as Keras 2 (kerasVersion.major, not kerasMajor()) and names the variable `depthwise_kernel`; Keras 3 names it `kernel` (base_depthwise_conv.py). Right from .h5/.keras, which carry the version',
  },
  {
    slug: 'channels_first_more',
    runs: FROM_JSON,
    match: /depthwise_conv/,
    reason: 'as separable_depthwise: Keras 2 variable name `depthwise_kernel` applied to a Keras 3 to_json() without keras_version',
  },
  {
    slug: 'dense_lora',
    runs: ['keras', 'weights+config', 'json+paired'],
    match: /lora|total-mismatch|verdict/,
    reason: 'lora_rank adds lora_kernel_a/b (lora_embeddings_a/b) and freezes the kernel; the legacy .h5 stores all of them (passes), but the Keras 3 store merges LoRA into the kernel and stores kernel and bias only (keras/src/layers/core/dense.py save_own_variables). The rule says so (inKeras3Store: false) but the matching still pairs lora_* with stored vars/N: shape-mismatch/missing findings. Once fixed, the lora rows are not stored, so their status cannot be ok: this entry then narrows to those rows',
  },
  ...['lookup_modes', 'lookups_adapted'].map((slug): Deviation => ({
    slug,
    runs: ['keras', 'weights+config', 'json+paired', 'weights alone'],
    match: /storedParams/,
    reason: 'the Keras 3 store keeps the idf_weights of StringLookup/TextVectorization(output_mode="tf_idf") as …/vars/idf_weights (a named dataset, not vars/N), outside count_params(); kerascope leaves them out of storedParams without listing them',
  })),
];
