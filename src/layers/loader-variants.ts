// Where a loader other than Keras computes a layer differently, and a file written for that loader
// was built by its rule: the stored tensors follow it, so kerascope must too (issue 9, defect 5).
// One entry per difference, with the loader's own source; evaluate.ts applies them, and
// check/convert-back.ts says when the difference would stop the model converting back to Keras.
// (Where tfjs-layers differs from Keras only in what it reports, without changing any stored tensor,
// kerascope keeps Keras's shape: test/tfjs-property.test.ts KNOWN.)
import type { Cfg, RuleVariant } from './types.js';

const TFJS_CONV_UTILS = 'tfjs-layers src/utils/conv_utils.ts convOutputLength';

/** The config with some arguments replaced: the loader's rule is Keras's rule on what the loader reads. */
function withConfig(patch: (c: Cfg) => Cfg): RuleVariant['apply'] {
  return (input, keras) => keras({ ...input, config: patch(input.config) });
}

const dilated = (c: Cfg): boolean => {
  const d = c['dilation_rate'];
  return Array.isArray(d) ? d.some((x) => x !== 1) : typeof d === 'number' && d !== 1;
};

export const VARIANTS: RuleVariant[] = [
  {
    // tfjs-layers Conv.computeOutputShape → convOutputLength: `same` keeps the length, anything else
    // (causal included) is computed as valid, n − d·(k − 1); Keras pads a causal conv on the left and
    // keeps n. A Dense after Flatten is then built from the shorter length.
    classes: ['Conv1D', 'Convolution1D'],
    loader: 'tfjs',
    // A string only: a hostile config's padding may be an array nested 100,000 deep (String() recurses).
    applies: ({ config }) => typeof config['padding'] === 'string' && config['padding'].toLowerCase() === 'causal',
    reason: `tfjs-layers computes a causal Conv1D's output length like valid padding (${TFJS_CONV_UTILS})`,
    apply: withConfig((c) => ({ ...c, padding: 'valid' })),
  },
  {
    // tfjs-layers DepthwiseConv2D.computeOutputShape calls convOutputLength without the dilation rate.
    classes: ['DepthwiseConv2D'],
    loader: 'tfjs',
    applies: ({ config }) => dilated(config),
    reason: `tfjs-layers computes a DepthwiseConv2D's output size without its dilation_rate (src/layers/convolutional_depthwise.ts computeOutputShape, ${TFJS_CONV_UTILS})`,
    apply: withConfig((c) => ({ ...c, dilation_rate: 1 })),
  },
  {
    // tfjs-layers Resizing.computeOutputShape returns [height, width, inputShape[2]]: no batch axis,
    // and the input's width where the channels should be.
    classes: ['Resizing'],
    loader: 'tfjs',
    applies: ({ inputShapes }) => inputShapes[0]?.length === 4,
    reason: 'tfjs-layers gives a Resizing layer the shape [height, width, input axis 2], without the batch axis (src/layers/preprocessing/image_resizing.ts computeOutputShape)',
    apply: (input, keras) => {
      const out = keras(input);
      return { ...out, outputShapes: [[input.config['height'] as number, input.config['width'] as number, input.inputShapes[0]![2]!]] };
    },
  },
];

/** The variant of `className` that holds for this loader and version, if any (tested against the input by the caller). */
export function variantsFor(className: string): RuleVariant[] {
  return VARIANTS.filter((v) => v.classes.includes(className));
}
