// Every file in ../shared/corpus (real Keras files from public repositories) when the folder exists:
// each is read or refused with the right message, every real full model is consistent (no false alarm),
// and every model.summary() that Keras printed in a SOURCE.md matches: totals, per-layer params, shapes.
// A known deviation is listed here with its reason, never skipped silently.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { analyze } from '../src/index.js';
import type { LayerReport, Report } from '../src/types.js';
import { CORPUS, hasCorpus } from './helpers/zoo.js';
import { parseSummaries, type Summary } from './helpers/summary.js';

const at = (...p: string[]): string => join(CORPUS, ...p);

interface Expect {
  file: string;
  weights?: string;
  verdict?: Report['verdict'];
  refused?: RegExp;
}

/** What each corpus file must give. Full models and paired architectures must be consistent. */
const FILES: Expect[] = [
  { file: 'json-k1-1-2-carnd-doubleencoded/model.json', verdict: 'unverified' },
  { file: 'json-k1-2-0-carnd-deep/model.json', verdict: 'unverified' },
  { file: 'json-k2-0-imdb-conv1d-lstm/model.json', verdict: 'unverified' },
  { file: 'json-k2-2-mobilenet/model.json', verdict: 'unverified' },
  { file: 'json-k2-3-bilstm-postag/model.json', verdict: 'unverified' },
  { file: 'k1-1-1-carnd-nvidia-weights-json/model.json', weights: 'k1-1-1-carnd-nvidia-weights-json/model_weights.h5', verdict: 'consistent' },
  { file: 'k1-1-1-carnd-nvidia-weights-json/model_weights.h5', verdict: 'unverified' },
  { file: 'k1-2-0-functional-merge-weights-json/cnn.json', verdict: 'consistent' },
  { file: 'k1-carnd-weights-elu-nvidia/nvidia_33_17.json', verdict: 'consistent' },
  { file: 'k1-carnd-weights-elu-nvidia/steering_angle.json', verdict: 'consistent' },
  { file: 'k2-0-5-weights-json-fraud-mlp/model.json', verdict: 'consistent' },
  { file: 'k2-0-6-carnd-nvidia-lambda/model.h5', verdict: 'consistent' },
  { file: 'k2-15-mlp-h5-plus-tfjs/my_keras_model.h5', verdict: 'consistent' },
  { file: 'k2-15-mlp-h5-plus-tfjs/tfjs_model/model.json', verdict: 'consistent' },
  { file: 'k2-2-0-cudnnlstm-attention/attention_model.h5', verdict: 'consistent' },
  { file: 'k2-2-0-cudnnlstm-attention/cool_feature.h5', verdict: 'consistent' },
  { file: 'k2-2-4-seq2seq-katakana/model.h5', verdict: 'consistent' },
  { file: 'k2-3-1-weights-json-bn-named/model.json', verdict: 'consistent' },
  { file: 'keras-ext-but-hdf5-k2-2-0-lstm/model.keras', verdict: 'consistent' },
  { file: 'keras-zip-k2-14-vae-subclassed/model.keras', verdict: 'unverified' },
  { file: 'keras3-11-mlp-dropout-with-weights/best-model.keras', verdict: 'consistent' },
  { file: 'keras3-11-mlp-dropout-with-weights/model-whole.keras', verdict: 'consistent' },
  { file: 'keras3-11-mlp-dropout-with-weights/model.weights.h5', verdict: 'unverified' },
  { file: 'keras3-8-10-cnn-mlp-plus-tfjs-graph/Digit_Recognition_MLP.keras', verdict: 'consistent' },
  { file: 'keras3-8-10-cnn-mlp-plus-tfjs-graph/Subhadip_Hensh_MNIST_CNN.keras', verdict: 'consistent' },
  { file: 'keras3-8-10-cnn-mlp-plus-tfjs-graph/tfjs_model/model.json', refused: /graph model/ },
  { file: 'keras3-8-10-cnn-mlp-plus-tfjs-graph/tfjs_model_mlp/model.json', refused: /graph model/ },
  { file: 'keras3-9-legacy-h5-gru-attention-lambda/model.h5', verdict: 'consistent' },
  { file: 'keras3-9-legacy-h5-gru-attention-lambda/attention_model.h5', verdict: 'consistent' },
  { file: 'tfjs-graph-tiny-savedmodel/model.json', refused: /graph model/ },
  // tf.keras SavedModel folders (issue 12): read as folders, as their saved_model.pb, or refused when broken.
  { file: 'savedmodel-tf-stock-lstm', verdict: 'consistent' },
  { file: 'savedmodel-tf-stock-lstm/saved_model.pb', verdict: 'consistent' },
  { file: 'savedmodel-no-variables-churn', verdict: 'unverified' },
  { file: 'savedmodel-renamed-pb-mnist/model1', refused: /keras_metadata\.pb: truncated: nodes declares 1,786,699 bytes/ },
  { file: 'tfjs-k2-7-bilstm-abusive/model.json', verdict: 'consistent' },
  { file: 'tfjs-native-mnist-mlp/model.json', verdict: 'consistent' },
  { file: 'tfk-2-12-nested-sequential-preprocessing/potatoes.h5', verdict: 'consistent' },
  { file: 'tfk-2-2-4tf-cnn-dogscats/model.h5', verdict: 'consistent' },
  { file: 'tfk-2-2-4tf-weights-json-lstm/model.json', verdict: 'consistent' },
  { file: 'tfk-2-9-siamese-custom-resnet-lambda/siamese_model.h5', verdict: 'consistent' },
];

const errors = (r: Report): string[] => r.findings.filter((f) => f.severity === 'error').map((f) => f.message);

describe.runIf(hasCorpus)('corpus: every file read or refused', () => {
  for (const e of FILES) {
    test(e.file, async () => {
      const run = analyze(at(e.file), e.weights ? { weights: at(e.weights) } : {});
      if (e.refused) {
        await expect(run).rejects.toThrow(e.refused);
        return;
      }
      const r = await run;
      expect(errors(r)).toEqual([]);
      expect(r.verdict).toBe(e.verdict);
    });
  }
});

/**
 * Printed summaries. `summary` picks the block in SOURCE.md; `byPosition` compares rows in order
 * when the notebook's layer names differ from the file's (another run of the same code).
 */
interface SummaryCase {
  dir: string;
  file: string;
  weights?: string;
  summary: number;
  byPosition?: boolean;
  /** Per-field deviations, with the reason. */
  skipShapes?: string;
  /** Sizes kerascope cannot know (left open, null) are not compared; every size it states must be Keras's. */
  openShapes?: string;
  skipSplit?: string;
  skipOptimizer?: string;
  /**
   * Layers with no rule whose stored tensors are of unknown trainability (issue 9, defect 7): Keras's
   * split of them is not in the file. Their count is checked; the known split must fit inside Keras's.
   */
  unknownTrainability?: { params: number; why: string };
}

const SUMMARIES: SummaryCase[] = [
  { dir: 'json-k1-1-2-carnd-doubleencoded', file: 'model.json', summary: 0 },
  {
    dir: 'json-k2-3-bilstm-postag',
    file: 'model.json',
    summary: 0,
    byPosition: true,
    skipShapes: 'the notebook built the model with input_length=190; the saved JSON has no sequence length (None)',
  },
  {
    dir: 'k1-2-0-functional-merge-weights-json',
    file: 'cnn.json',
    summary: 0,
    openShapes: 'lambda_1 has no stored output_shape and the JSON records no backend: Keras 1.2 traced the function on TensorFlow (its README summary shows (None, 46, 160, 3)); kerascope never runs it, so the sizes after it are open except where the stored weights pin them',
  },
  { dir: 'k2-0-5-weights-json-fraud-mlp', file: 'model.json', summary: 0 },
  // SOURCE.md calls this summary's trainable split stale; it is not: Readout is frozen (trainable
  // false) and the BatchNormalization statistics are non-trainable: 11 + 120 = 131, as printed.
  // The README printed Keras 1 class names (Convolution2D1…) for layers the file names Conv2D1…
  { dir: 'k2-3-1-weights-json-bn-named', file: 'model.json', summary: 0, byPosition: true },
  { dir: 'keras3-11-mlp-dropout-with-weights', file: 'model-whole.keras', summary: 1, byPosition: true },
  {
    dir: 'keras3-9-legacy-h5-gru-attention-lambda',
    file: 'model.h5',
    summary: 0,
    skipOptimizer:
      'the notebook printed the summary of a model loaded for inference, whose optimizer Keras 3 had built with only its iteration and learning_rate (2); the file stores all of Adam\'s state: 2 × 8,601 + 2 = 17,204',
  },
  { dir: 'tfk-2-9-siamese-custom-resnet-lambda', file: 'siamese_model.h5', summary: 0, skipShapes: 'res_net is a subclassed model (config {}): its output shape cannot be recomputed from the file',
    unknownTrainability: { params: 300_560, why: 'res_net is a subclassed model: which of its 300,560 stored parameters Keras trains (its BatchNormalization statistics do not) is in its code' } },
];

function summaryOf(dir: string, index: number): Summary {
  return parseSummaries(readFileSync(at(dir, 'SOURCE.md'), 'utf8'))[index]!;
}

function flat(shape: LayerReport['outputShape']): (number | null)[] | null {
  if (!shape) return null;
  return Array.isArray(shape[0]) ? (shape[0] as (number | null)[]) : (shape as (number | null)[]);
}

describe.runIf(hasCorpus)('corpus: summaries printed by Keras', () => {
  for (const c of SUMMARIES) {
    test(`${c.dir}/${c.file}`, async () => {
      const s = summaryOf(c.dir, c.summary);
      const r = await analyze(at(c.dir, c.file), c.weights ? { weights: at(c.dir, c.weights) } : {});
      const visible = r.layers.filter((l) => l.className !== 'InputLayer' || s.rows.some((row) => row.type === 'InputLayer'));
      s.rows.forEach((row, i) => {
        const layer = c.byPosition ? visible[i] : r.layers.find((l) => l.name === row.name);
        expect(layer, `layer ${row.name}`).toBeDefined();
        expect(layer!.params, `${row.name} params`).toBe(row.params);
        const ours = flat(layer!.outputShape);
        if (c.openShapes && row.shape) {
          if (ours) expect(ours.map((d, j) => (d === null ? row.shape![j] : d)), `${row.name} output shape (open sizes aside)`).toEqual(row.shape);
        } else if (!c.skipShapes && row.shape) expect(ours, `${row.name} output shape`).toEqual(row.shape);
      });
      // Keras 3 prints Total = trainable + non-trainable + optimizer; Keras 1/2 had no optimizer line.
      if (s.total !== null) expect(r.totals.params + (s.optimizer ?? 0)).toBe(s.total);
      const unknown = c.unknownTrainability?.params ?? 0;
      expect(r.totals.unknownTrainabilityParams, 'parameters of unknown trainability').toBe(unknown);
      const split = (keras: number, ours: number): void => {
        if (unknown === 0) expect(ours).toBe(keras);
        else expect(ours).toBeLessThanOrEqual(keras);
      };
      if (!c.skipSplit && s.trainable !== null) split(s.trainable, r.totals.trainableParams);
      if (!c.skipSplit && s.nonTrainable !== null) split(s.nonTrainable, r.totals.nonTrainableParams);
      if (s.optimizer !== null && !c.skipOptimizer) expect(r.totals.optimizerParams).toBe(s.optimizer);
      if (c.skipOptimizer) expect(r.totals.optimizerParams).toBe(2 * s.trainable! + s.optimizer!);
    });
  }
});
