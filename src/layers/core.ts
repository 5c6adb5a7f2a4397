// Core layers: InputLayer, Dense, EinsumDense, Embedding, ReversibleEmbedding, Lambda, Activation,
// Identity, Masking and the Dropout/noise family.
// Keras 3: keras/src/layers/core/*.py, keras/src/layers/regularization/*.py, activations/activation.py.
import type { LayerRule, RuleInput, ExpectedWeight } from './types.js';
import { ConfigValueError, RuleError } from './types.js';
import { WITH_BATCH, WITHOUT_BATCH, storedBatchShape } from '../keras/input-shape.js';
import { count, bool, one, lastDim, known, weight, fmtShape, sizeProblem, show } from './util.js';
import { quantization, intKernelWeights, float8Weights, withStoreOrder, lora, groupedDenseWeights, requireNotGrouped, type Quantization } from './quantize.js';
import { einsumDense } from './einsum.js';
import { passThrough, total } from './common.js';
import { lambda } from './lambda.js';
import type { Shape } from '../types.js';

/** " + LoRA 15 × 2 + 2 × 2" for a formula, or nothing without LoRA factors. */
export function loraText(ws: readonly ExpectedWeight[]): string {
  const f = ws.filter((w) => w.inKeras3Store === false);
  return f.length ? ` + LoRA ${f.map((w) => (w.shape ? w.shape.join(' × ') : '?')).join(' + ')}` : '';
}

/**
 * A ConfigValueError naming the key when a stored input shape, in any spelling, holds a size that
 * cannot be one (`[null, -5]`, `[null, "3"]`, `2.5`): Keras would refuse it, and it must not read as
 * "no shape".
 */
function checkStoredShapes(config: Record<string, unknown>): void {
  for (const key of [...WITH_BATCH, ...WITHOUT_BATCH, 'shape']) {
    const v = config[key];
    if (v === undefined || v === null) continue;
    if (!Array.isArray(v)) throw new ConfigValueError(key, `${show(v)} is not a shape (a list of sizes)`);
    for (const d of v) {
      const bad = d === null ? null : sizeProblem(d);
      if (bad) throw new ConfigValueError(key, `${show(v)}: ${bad}`);
    }
  }
}

const inputLayer: LayerRule = {
  classes: ['InputLayer'],
  family: 'core',
  summary: 'no weights; output shape = batch_shape (Keras 3) or batch_input_shape (Keras 1/2), in any spelling a writer uses',
  source: 'keras/src/layers/core/input_layer.py',
  input: true,
  apply({ config }) {
    // Keras 3 get_config writes batch_shape; Keras 1/2 and tf.keras batch_input_shape; tfjs and
    // hand-written configs other spellings (src/keras/input-shape.ts).
    checkStoredShapes(config);
    const shape = storedBatchShape(config, true);
    if (shape) return { outputShapes: [shape], weights: [], formula: 'no weights: 0' };
    return { outputShapes: [], weights: [], formula: 'no weights: 0', shapeUnknown: true, notes: ['the InputLayer stores no input shape (neither batch_shape nor batch_input_shape)'] };
  },
};

/**
 * Dense weights for a quantized dtype policy (Keras 3 dense.py `quantized_build`). The kernel of
 * int8/int4 is replaced by an int8 tensor (non-trainable) plus `kernel_scale`; GPTQ/AWQ by a
 * transposed uint8 kernel plus group scales; float8 keeps the float kernel and adds six
 * scalars/histories. storeIndex follows `variable_serialization_spec`.
 */
function quantizedDense(q: Quantization, inputs: number | null, units: number, useBias: boolean): ExpectedWeight[] {
  const bias = useBias ? [weight('bias', [units], `units=${units}`)] : [];
  if (q.mode === 'gptq' || q.mode === 'awq') {
    const ws = [...bias, ...groupedDenseWeights(q, inputs, units)];
    return withStoreOrder(ws, ws.map((w) => w.name));
  }
  if (q.mode === 'float8') {
    const ws = [weight('kernel', [inputs, units], `${inputs ?? '?'} inputs × units=${units}`), ...bias, ...float8Weights(q)];
    return withStoreOrder(ws, ws.map((w) => w.name));
  }
  const ws = [...bias, ...intKernelWeights(q, 'kernel', inputs, units, 1, 1)];
  return withStoreOrder(ws, ['kernel', 'bias', 'kernel_scale', 'kernel_zero', 'g_idx']);
}

const dense: LayerRule = {
  classes: ['Dense'],
  family: 'core',
  summary: 'kernel (inputs, units) + bias (units): units × (inputs + 1); Keras 3 int8/int4/float8/GPTQ/AWQ policies store their quantized variables instead',
  source: 'keras/src/layers/core/dense.py',
  apply({ config, inputShapes }) {
    // Dense works on any rank ≥ 2 and only uses the last dimension (Dense.build).
    const input = one(inputShapes);
    const units = count(config, 'units');
    const useBias = bool(config, 'use_bias', true);
    const inputs = known(lastDim(input));
    const out: Shape = [...input.slice(0, -1), units];
    const q = quantization(config);
    if (q) {
      const weights = quantizedDense(q, inputs, units, useBias);
      return { outputShapes: [out], weights, formula: `${q.name}: ${weights.map((w) => `${w.name} ${w.shape ? fmtShape(w.shape) : '?'}`).join(' + ')} = ${total(weights)}` };
    }
    const plain = [weight('kernel', [inputs, units], `${inputs ?? '?'} inputs × units=${units}`)];
    if (useBias) plain.push(weight('bias', [units], `units=${units}`));
    const weights = lora(config, 'kernel', plain);
    const base = useBias ? `${units} units × (${inputs ?? '?'} inputs + 1 bias)` : `${units} units × ${inputs ?? '?'} inputs (no bias)`;
    return { outputShapes: [out], weights, formula: `${base}${loraText(weights)} = ${total(weights)}` };
  },
};

/** Embedding table, plain or quantized (embedding.py `_int8_build`, `_int4_build`). */
function embeddingWeights(config: Record<string, unknown>, inputDim: number, outputDim: number): ExpectedWeight[] {
  const q = quantization(config);
  const why = `input_dim=${inputDim} × output_dim=${outputDim}`;
  if (!q || q.mode === 'float8') return [weight('embeddings', [inputDim, outputDim], why)];
  requireNotGrouped(q, 'Embedding');
  const ws = intKernelWeights(q, 'embeddings', inputDim, outputDim, 1, 0);
  return withStoreOrder(ws, ['embeddings', 'embeddings_scale', 'embeddings_zero', 'g_idx']);
}

/**
 * Keras 2's `input_length` fixes the sequence dims when the input does not, and must agree where
 * both are known (keras/layers/embeddings.py @2.2.4 compute_output_shape); Keras 3 removed it.
 */
function embeddingInput(input: Shape, inputLength: unknown): Shape {
  if (inputLength === null || inputLength === undefined) return input;
  const lens = Array.isArray(inputLength) ? inputLength : [inputLength];
  const bad = (): RuleError => new RuleError(`input_length ${show(inputLength)} does not fit the input ${fmtShape(input)}`);
  if (lens.length !== input.length - 1) throw bad();
  return [
    input[0] ?? null,
    ...input.slice(1).map((d, i) => {
      const l = typeof lens[i] === 'number' ? (lens[i] as number) : null;
      if (d !== null && d !== undefined && l !== null && d !== l) throw bad();
      return d ?? l;
    }),
  ];
}

/** What Embedding and ReversibleEmbedding share: sizes, the table, the output of a forward call. */
function embeddingCall({ config, inputShapes }: RuleInput) {
  const inputDim = count(config, 'input_dim');
  const outputDim = count(config, 'output_dim');
  const input = embeddingInput(one(inputShapes), config['input_length']);
  return { inputDim, outputDim, out: [...input, outputDim] as Shape, weights: embeddingWeights(config, inputDim, outputDim) };
}

const embedding: LayerRule = {
  classes: ['Embedding'],
  family: 'core',
  summary: 'embeddings (input_dim, output_dim): input_dim × output_dim; output = input + (output_dim,)',
  source: 'keras/src/layers/core/embedding.py',
  apply(input) {
    const call = embeddingCall(input);
    const { inputDim, outputDim, out } = call;
    const weights = lora(input.config, 'embeddings', call.weights);
    return { outputShapes: [out], weights, formula: `${inputDim} inputs × ${outputDim} output_dim${loraText(weights)} = ${total(weights)}` };
  },
};

/**
 * ReversibleEmbedding: a forward call is an Embedding; a `reverse=True` call (RuleInput.callArgs)
 * projects back to input_dim, with reverse_embeddings or the transposed table when tied.
 */
const reversibleEmbedding: LayerRule = {
  classes: ['ReversibleEmbedding'],
  family: 'core',
  summary: 'embeddings (input_dim, output_dim) + reverse_embeddings (output_dim, input_dim) unless tie_weights',
  source: 'keras/src/layers/core/reversible_embedding.py',
  apply(input) {
    const { inputDim, outputDim, weights } = embeddingCall(input);
    // reversible_embedding.py compute_output_shape: a reverse call maps the last dim back to input_dim.
    const x = one(input.inputShapes);
    const out: Shape = input.callArgs?.['reverse'] === true ? [...x.slice(0, -1), inputDim] : [...x, outputDim];
    const q = quantization(input.config);
    // build(): reverse_embeddings only when not tied and not int8/int4-quantized.
    const own = !bool(input.config, 'tie_weights', true) && !(q && q.mode !== 'float8');
    if (own) {
      weights.push(weight('reverse_embeddings', [outputDim, inputDim], `output_dim=${outputDim} × input_dim=${inputDim}`));
    }
    const formula = !own ? `${inputDim} × ${outputDim} (tied, or quantized: the reverse projection reuses the table) = ${total(weights)}` : `2 × ${inputDim} × ${outputDim} = ${total(weights)}`;
    return { outputShapes: [out], weights, formula };
  },
};

export const rules: LayerRule[] = [
  inputLayer,
  dense,
  einsumDense,
  embedding,
  reversibleEmbedding,
  lambda,
  passThrough(['Activation'], 'core', 'keras/src/layers/activations/activation.py'),
  passThrough(['Dropout'], 'core', 'keras/src/layers/regularization/dropout.py'),
  passThrough(['SpatialDropout1D', 'SpatialDropout2D', 'SpatialDropout3D'], 'core', 'keras/src/layers/regularization/spatial_dropout.py'),
  passThrough(['GaussianDropout'], 'core', 'keras/src/layers/regularization/gaussian_dropout.py'),
  passThrough(['GaussianNoise'], 'core', 'keras/src/layers/regularization/gaussian_noise.py'),
  passThrough(['AlphaDropout'], 'core', 'keras/src/layers/regularization/alpha_dropout.py'),
  passThrough(['ActivityRegularization'], 'core', 'keras/src/layers/regularization/activity_regularization.py'),
  passThrough(['Identity'], 'core', 'keras/src/layers/core/identity.py'),
  passThrough(['Masking'], 'core', 'keras/src/layers/core/masking.py'),
];
