// Model configs for the bench inputs: a chain of Dense(units) layers on an Input of `units`
// features, as Keras saves it. Keras 3 form: keras/src/models/sequential.py get_config (layers
// carry module/registered_name, the InputLayer a batch_shape); tf.keras 2 form (legacy .h5
// `model_config`): keras/engine/sequential.py, InputLayer with batch_input_shape.

export interface Chain {
  /** Input features and units of every Dense layer. */
  units: number;
  /** How many Dense layers. */
  layers: number;
}

/** Layer names as Keras numbers them: dense, dense_1, dense_2, … */
export function denseNames(chain: Chain): string[] {
  return Array.from({ length: chain.layers }, (_, i) => (i === 0 ? 'dense' : `dense_${i}`));
}

/** Keras's count: each Dense(units) on `units` features owns units·units + units parameters. */
export function chainParams(chain: Chain): number {
  return chain.layers * (chain.units * chain.units + chain.units);
}

function dense(name: string, units: number): Record<string, unknown> {
  return {
    name,
    trainable: true,
    dtype: 'float32',
    units,
    activation: 'relu',
    use_bias: true,
    kernel_initializer: { module: 'keras.initializers', class_name: 'GlorotUniform', config: { seed: null }, registered_name: null },
    bias_initializer: { module: 'keras.initializers', class_name: 'Zeros', config: {}, registered_name: null },
    kernel_regularizer: null,
    bias_regularizer: null,
    kernel_constraint: null,
    bias_constraint: null,
  };
}

// The InputLayer and the Dense chain, as both forms list them (the InputLayer's shape key differs).
function layerList(chain: Chain, inputConfig: Record<string, unknown>): unknown[] {
  const shape = [null, chain.units];
  const input = { module: 'keras.layers', class_name: 'InputLayer', config: inputConfig, registered_name: null };
  const layers = denseNames(chain).map((n) => ({
    module: 'keras.layers',
    class_name: 'Dense',
    config: dense(n, chain.units),
    registered_name: null,
    build_config: { input_shape: shape },
  }));
  return [input, ...layers];
}

const inputConfig = { dtype: 'float32', sparse: false, ragged: false };

/** config.json of a `.keras` archive (Keras 3). */
export function keras3Config(chain: Chain, name: string): unknown {
  const shape = [null, chain.units];
  const layers = layerList(chain, { batch_shape: shape, ...inputConfig, name: 'input_layer' });
  return {
    module: 'keras',
    class_name: 'Sequential',
    config: { name, trainable: true, dtype: 'float32', layers, build_input_shape: shape },
    registered_name: null,
    build_config: { input_shape: shape },
    compile_config: null,
  };
}

/** `model_config` of a legacy .h5 written by tf.keras 2.15. */
export function legacyConfig(chain: Chain, name: string): unknown {
  const layers = layerList(chain, { batch_input_shape: [null, chain.units], ...inputConfig, name: 'dense_input' });
  return { class_name: 'Sequential', config: { name, layers } };
}
