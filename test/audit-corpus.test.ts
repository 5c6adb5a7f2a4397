// The real corpus files with Lambdas are flagged with what their bytecode says about itself (the
// code object's name and the source path that leaked at save time), read through the real readers.
// Every expected string can be seen in the stored bytes themselves (the raw_unicode_escape text of a
// Keras 1/2.0 config, or `base64 -d` of a later one), and the Python eras match the files' dates and
// Keras versions (Keras 1.1 in 2016: Python 3.5; tf.keras 2.9: 3.8–3.10; Keras 3.9: 3.11+).
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyze } from '../src/index.js';
import type { Finding } from '../src/types.js';
import { CORPUS, hasCorpus } from './helpers/zoo.js';

const lambdas = async (file: string, opts = {}): Promise<Finding[]> =>
  (await analyze(join(CORPUS, file), opts)).findings.filter((f) => f.code === 'lambda-layer');

describe.runIf(hasCorpus)('corpus Lambdas, named without running them', () => {
  it('Keras 1.1.2 to_json (double-encoded), Python 3.0–3.7 bytecode from a home directory', async () => {
    const [f, ...rest] = await lambdas('json-k1-1-2-carnd-doubleencoded/model.json');
    expect(rest).toEqual([]);
    expect(f).toMatchObject({ layer: 'lambda_1', severity: 'high', category: 'security' });
    expect(f!.message).toContain('code object "<lambda>" (Python 3.0–3.7 bytecode)');
    expect(f!.message).toContain('"/home/carnd/carnd-behavioral-cloning/training.py" line 300');
  });

  it('Keras 2.0.6 .h5 still stores raw_unicode_escape code', async () => {
    const [f] = await lambdas('k2-0-6-carnd-nvidia-lambda/model.h5');
    expect(f!.message).toContain('compiled from "model.py"');
  });

  it('tf.keras 2.9 siamese: base64 function and output_shape, with the names the code uses', async () => {
    const fs = await lambdas('tfk-2-9-siamese-custom-resnet-lambda/siamese_model.h5');
    expect(fs.map((f) => f.layer)).toEqual(['output_layer', 'output_layer']);
    expect(fs[0]!.message).toContain('code object "euclidean_distance" (Python 3.8–3.10 bytecode)');
    expect(fs[0]!.message).toMatch(/uses names K, sum, square, sqrt, maximum, epsilon/);
    expect(fs[0]!.message).toContain('/var/folders/hx/8ktl0wt56q7dx073nt1x6dsm0000gp/T/ipykernel_30760/4012732802.py');
    expect(fs[1]!.message).toContain('code object "eucl_dist_output_shape"');
  });

  it('Keras 3.9 legacy .h5: a __lambda__ with Python 3.11+ bytecode and its qualified name', async () => {
    const [f] = await lambdas('keras3-9-legacy-h5-gru-attention-lambda/attention_model.h5');
    expect(f!.message).toContain('code object "build_attention_gru_model.<locals>.<lambda>" (Python 3.11+ bytecode)');
    expect(f!.message).toContain('c:/Users/danie/OneDrive/Desktop/INM706-Code-1/models/attention_model.py');
  });

  it('Keras 1.2.0 functional with Merge layers: the Lambda under its own name', async () => {
    const [f] = await lambdas('k1-2-0-functional-merge-weights-json/cnn.json', { noPairing: true });
    expect(f!.message).toContain('"/home/dat/Documents/behavioral-cloning/model/DatNet.py" line 153');
  });
});

describe.runIf(hasCorpus)('the npz-pickle proof of concept (12end/evil_keras)', () => {
  it('flags the two model.weights.npz members and the npz store, without opening either', async () => {
    const r = await analyze(join(CORPUS, 'adversarial-keras3-6-npz-pickle-poc/model.keras'));
    const codes = r.findings.filter((f) => f.category === 'security').map((f) => `${f.code}:${f.severity}`);
    expect(codes).toContain('zip-duplicate-member:high');
    expect(codes).toContain('zip-npz-weights:high');
    expect(r.findings.find((f) => f.code === 'zip-duplicate-member')!.message).toContain('2 members named "model.weights.npz"');
  });
});
