// Hand-made reports for renderer and CLI tests. Figures are the seed notebook's (../shared/seed:
// Embedding(7, 13) 91, LSTM(17) 2108, Dense(1) 18, total 2,217) and Keras facts, not our output.
import type { Finding, LayerReport, Report, WeightReport } from '../src/types.js';

export function w(name: string, shape: number[], why: string, over: Partial<WeightReport> = {}): WeightReport {
  return { name, expectedShape: shape, storedShape: shape, storedPath: `model_weights/${name}`, storedDtype: 'float32', trainable: true, status: 'ok', why, ...over };
}

export function layer(name: string, className: string, outputShape: LayerReport['outputShape'], weights: WeightReport[], over: Partial<LayerReport> = {}): LayerReport {
  const size = (x: WeightReport) => (x.expectedShape ?? x.storedShape ?? []).reduce((a, b) => a * b, 1);
  const params = weights.reduce((n, x) => n + size(x), 0);
  const trainable = weights.filter((x) => x.trainable).reduce((n, x) => n + size(x), 0);
  return { name, className, outputShape, connectedTo: [], params, trainableParams: trainable, nonTrainableParams: params - trainable, trainable: true, status: 'ok', formula: null, weights, ...over };
}

/** The seed's Embedding → LSTM(17) → Dropout → Dense(1) model, weights all present. */
export function seedLstmReport(over: Partial<Report> = {}): Report {
  const layers = [
    layer('embedding_5', 'Embedding', [null, null, 13], [w('embeddings', [7, 13], '7 input_dim × 13 output_dim')], { formula: '7 input_dim × 13 output_dim = 91' }),
    layer('lstm_5', 'LSTM', [null, 17], [
      w('kernel', [13, 68], '13 inputs × 4 gates·17 units'),
      w('recurrent_kernel', [17, 68], '17 units × 4 gates·17 units'),
      w('bias', [68], '4 gates·17 units'),
    ], { formula: '4 gates × 17 units × (13 inputs + 17 recurrent + 1 bias) = 2,108' }),
    layer('dropout_26', 'Dropout', [null, 17], []),
    layer('dense_29', 'Dense', [null, 1], [w('kernel', [17, 1], '17 inputs × 1 units'), w('bias', [1], '1 units')], { formula: '17 inputs × 1 units + 1 bias = 18' }),
  ];
  return {
    schemaVersion: 1,
    file: 'seed_lstm.h5',
    weightsFile: null,
    format: 'h5-model',
    formatLabel: 'legacy HDF5 full model (Keras 2.0.2)',
    kerasVersion: '2.0.2',
    backend: 'tensorflow',
    model: { name: 'sequential_5', className: 'Sequential' },
    verdict: 'consistent',
    layers,
    totals: {
      params: 2217, trainableParams: 2217, nonTrainableParams: 0, optimizerParams: 0, storedParams: 2217,
      paramBytes: 8868, trainableBytes: 8868, nonTrainableBytes: 0, optimizerBytes: 0,
      unknownTrainabilityParams: 0, unknownTrainabilityBytes: 0, unknownSizeTensors: 0, unknownParamLayers: 0,
    },
    findings: [],
    ...over,
  };
}

export function finding(severity: Finding['severity'], code: string, category: Finding['category'], layerName: string | null, message: string): Finding {
  return { severity, code, category, layer: layerName, message };
}

/** The same model with dense_29's kernel stored as (17, 2): an error finding. */
export function seedLstmMismatch(): Report {
  const r = seedLstmReport({ verdict: 'inconsistent', file: 'bad.h5' });
  const dense = r.layers[3]!;
  dense.status = 'mismatch';
  dense.weights[0] = { ...dense.weights[0]!, storedShape: [17, 2], status: 'shape-mismatch' };
  r.totals.storedParams = 2234;
  r.findings = [
    finding('info', 'optimizer-absent', 'format', null, 'no optimizer weights stored'),
    finding('error', 'weight-shape-mismatch', 'consistency', 'dense_29', 'dense_29/kernel: expected (17, 1) from 17 inputs × units=1, stored (17, 2)'),
  ];
  return r;
}
