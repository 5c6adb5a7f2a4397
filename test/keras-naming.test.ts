// Keras's naming (src/keras/naming.ts) against Keras itself: the expected names below were printed by
// Keras 3.15.1 `keras.src.utils.naming.to_snake_case` (the venv of the guide); the tf.keras 2.x
// variant follows keras 2.13.1 keras/utils/generic_utils.py `to_snake_case`, which keeps non-word
// characters and prefixes a private class name with `private` (values run through that function's
// code in plain Python).
import { describe, expect, it } from 'vitest';
import { containerNamer, toSnakeCase, toSnakeCaseKeras2, uniqueNamer } from '../src/keras/naming.js';

const KERAS3: [string, string][] = [
  ['Conv2D', 'conv2d'],
  ['PReLU', 'p_re_lu'],
  ['MultiHeadAttention', 'multi_head_attention'],
  ['ConvLSTM2D', 'conv_lstm2d'],
  ['SeparableConv1D', 'separable_conv1d'],
  ['LeakyReLU', 'leaky_re_lu'],
  ['Functional', 'functional'],
  ['InputLayer', 'input_layer'],
  ['UpSampling2D', 'up_sampling2d'],
  ['Conv2DTranspose', 'conv2d_transpose'],
  ['STFTSpectrogram', 'stft_spectrogram'],
  ['My.Layer', 'my_layer'],
];

describe('to_snake_case', () => {
  it.each(KERAS3)('Keras 3: %s → %s', (cls, snake) => expect(toSnakeCase(cls)).toBe(snake));
  it('tf.keras 2.x: the same split, non-word characters kept, private classes prefixed', () => {
    expect(toSnakeCaseKeras2('Conv2DTranspose')).toBe('conv2d_transpose');
    expect(toSnakeCaseKeras2('InputLayer')).toBe('input_layer');
    expect(toSnakeCaseKeras2('_Custom')).toBe('private__custom');
  });
});

describe('the _N counter of one container', () => {
  it('numbers repeats of a name from _1, one counter per name', () => {
    const n = uniqueNamer();
    expect(['dense', 'dense', 'conv2d', 'dense', 'conv2d'].map(n)).toEqual(['dense', 'dense_1', 'conv2d', 'dense_2', 'conv2d_1']);
  });
  it('names container elements by class', () => {
    const n = containerNamer();
    expect(['Dense', 'Dropout', 'Dense', 'PReLU'].map(n)).toEqual(['dense', 'dropout', 'dense_1', 'p_re_lu']);
  });
});
