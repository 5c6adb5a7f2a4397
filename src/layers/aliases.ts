// Class names that are the same Python class as another one, shared by the layers table and the
// Keras 3 weights-store paths (which snake-case the Python class name).

/**
 * Names that are the same class as another one. Keras 3.15 keras/api/layers/__init__.py exports
 * these twice (`Conv2D as Convolution2D`…); tf.keras's BatchNormalizationV1/V2 and
 * UnifiedLSTM/UnifiedGRU are its own aliases of BatchNormalization, LSTM and GRU.
 */
export const ALIAS_OF: Record<string, string> = {
  GroupQueryAttention: 'GroupedQueryAttention',
  Convolution1D: 'Conv1D',
  Convolution2D: 'Conv2D',
  Convolution3D: 'Conv3D',
  Convolution1DTranspose: 'Conv1DTranspose',
  Convolution2DTranspose: 'Conv2DTranspose',
  Convolution3DTranspose: 'Conv3DTranspose',
  SeparableConvolution1D: 'SeparableConv1D',
  SeparableConvolution2D: 'SeparableConv2D',
  AvgPool1D: 'AveragePooling1D',
  AvgPool2D: 'AveragePooling2D',
  AvgPool3D: 'AveragePooling3D',
  GlobalAvgPool1D: 'GlobalAveragePooling1D',
  GlobalAvgPool2D: 'GlobalAveragePooling2D',
  GlobalAvgPool3D: 'GlobalAveragePooling3D',
  GlobalMaxPool1D: 'GlobalMaxPooling1D',
  GlobalMaxPool2D: 'GlobalMaxPooling2D',
  GlobalMaxPool3D: 'GlobalMaxPooling3D',
  MaxPool1D: 'MaxPooling1D',
  MaxPool2D: 'MaxPooling2D',
  MaxPool3D: 'MaxPooling3D',
  BatchNormalizationV1: 'BatchNormalization',
  BatchNormalizationV2: 'BatchNormalization',
  UnifiedLSTM: 'LSTM',
  UnifiedGRU: 'GRU',
};

/** The Python class a config class name stands for (itself when it is not an alias). */
export function pythonClass(className: string): string {
  return ALIAS_OF[className] ?? className;
}
