// A config size that is not a whole number (`Dense(output_dim=0.3)`, found in real Keras 1 files):
// whether the file's own loader accepted it, and what it built. Keras never rounded: the loaders that
// accepted one truncated it with int(), so the rule is applied with the truncated size.
import type { KerasVersion } from './types.js';

export interface FractionalVerdict {
  /** The loader built the layer with `Math.trunc(value)`; otherwise it refuses the file. */
  accepted: boolean;
  /** Why, with the loader's source. */
  why: string;
}

/** Classes whose `filters` tf.keras passes through int() (tf_keras layers/convolutional/base_conv.py). */
const TF_KERAS_CONV = /^(Conv[123]D(Transpose)?|SeparableConv[12]D|Convolution[123]D(Transpose)?|SeparableConvolution[12]D)$/;

export function fractionalSize(v: KerasVersion, className: string, key: string, value: number): FractionalVerdict {
  const t = Math.trunc(value);
  if (v.loader === 'tfjs') {
    return { accepted: false, why: 'TensorFlow.js refuses a tensor of a fractional shape (tfjs-core util assertNonNegativeIntegerDimensions)' };
  }
  if (v.major >= 3) return { accepted: false, why: 'Keras 3 refuses it (its layers require an int, e.g. Dense: `if not isinstance(units, int)`)' };
  if (v.raw === null) {
    return { accepted: true, why: `the file does not say which Keras wrote it: Keras 1 built it with int(${value}) = ${t} (checked so), Keras 2 and 3 refuse it` };
  }
  if (v.major <= 1) {
    // keras 1.2.0 backend/tensorflow_backend.py: zeros, random_uniform_variable… all do
    // `shape = tuple(map(int, shape))`; the Theano backend hands the shape to numpy.
    return {
      accepted: true,
      why: `Keras 1 built the weights with int(${value}) = ${t} (its TensorFlow backend truncates every variable shape, keras/backend/tensorflow_backend.py @1.2.0; on Theano, numpy before 1.12 truncated it with a deprecation warning, later numpy refuses it); Keras 2 and later refuse it`,
    };
  }
  if (v.tfKeras) {
    if ((className === 'Dense' && key === 'units') || (key === 'filters' && TF_KERAS_CONV.test(className))) {
      return { accepted: true, why: `tf.keras builds the layer with int(${value}) = ${t} (tf_keras layers/core/dense.py, layers/convolutional/base_conv.py)` };
    }
    return { accepted: false, why: 'tf.keras truncates only Dense units and Conv filters: here it would build a weight of a fractional shape, which TensorFlow refuses' };
  }
  // keras 2.2.4 backend/tensorflow_backend.py random_uniform → tf.random_uniform(shape): a float shape is refused.
  return { accepted: false, why: `Keras ${v.raw} passes it unchanged to the backend, which cannot make a variable of a fractional shape` };
}
