// Issue 9, defect 7: a layer kerascope has no rule for (a custom class, JaxLayer, FlaxLayer,
// TFSMLayer) keeps its stored tensors in the counts, but whether Keras trains each of them is in the
// layer's code, not in the file: the report says "unknown trainability" instead of guessing a split,
// and without stored weights it says the layer's count is unknown (never 0). Checked on the project's
// own fixture written by Keras 3.15.1 (fixtures/keras, slug custom_layer: ScaleShift owns a trainable
// scale (3,), a non-trainable offset (3,) and a non-trainable int32 counter; Keras: 11 trainable, 4 not).
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { analyze } from '../src/index.js';
import type { TruthModel } from './helpers/zoo.js';
import { renderTable } from '../src/report/table.js';
import { run } from './cli-harness.js';

const HERE = resolve(dirname(fileURLToPath(import.meta.url)), '../fixtures/keras');
const at = (file: string): string => join(HERE, file);
const truth = (JSON.parse(readFileSync(join(HERE, 'truth.json'), 'utf8')) as TruthModel[]).find((m) => m.slug === 'custom_layer')!;
const custom = truth.layers.find((l) => l.name === 'scale_shift')!;

describe('a custom layer: stored tensors of unknown trainability', () => {
  it('counts its stored tensors in the total, in neither the trainable nor the non-trainable split', async () => {
    const r = await analyze(at(truth.files.keras!));
    expect(r.verdict).toBe('consistent');
    expect(r.totals.params).toBe(truth.total_params); // 15
    expect(r.totals.unknownTrainabilityParams).toBe(custom.params); // 7
    expect(r.totals.unknownTrainabilityBytes).toBe(6 * 4 + 4); // two float32 (3,) and one int32 scalar
    // Keras's split less the custom layer's part: only Dense's 8 are known trainable.
    expect(r.totals.trainableParams).toBe(truth.trainable_params - custom.trainable_params);
    expect(r.totals.nonTrainableParams).toBe(truth.non_trainable_params - custom.non_trainable_params);
    const l = r.layers.find((x) => x.name === 'scale_shift')!;
    expect([l.params, l.trainableParams, l.nonTrainableParams, l.unknownTrainabilityParams]).toEqual([7, 0, 0, 7]);
    // Not even the int32 counter is guessed: Keras lets add_weight(trainable=True) take any dtype.
    expect(l.weights.map((w) => [w.storedShape, w.trainableUnknown])).toEqual([[[3], true], [[3], true], [[], true]]);
    expect(r.findings.find((f) => f.code === 'unknown-layer-class')?.message).toMatch(/7 parameters\) are listed and counted as stored, of unknown trainability/);
  });

  it('prints a "Params of unknown trainability" line, inside Total params', async () => {
    const r = await run([at(truth.files.keras!)]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(' Total params: 15 (60.00 B)');
    expect(r.stdout).toContain(' Trainable params: 8 (32.00 B)');
    expect(r.stdout).toContain(' Non-trainable params: 0 (0.00 B)');
    expect(r.stdout).toContain(' Params of unknown trainability: 7 (28.00 B)');
    expect(r.stdout).toContain(' Stored params: 15 of 15 expected (match)');
  });

  it('shows the same in the legacy HDF5 file', async () => {
    const r = await analyze(at(truth.files.h5!));
    expect([r.verdict, r.totals.params, r.totals.unknownTrainabilityParams, r.totals.trainableParams]).toEqual(['consistent', 15, 7, 8]);
  });

  it('without stored weights, the layer owns an unknown count: "?", never 0, and the total says so', async () => {
    const r = await analyze(at(truth.files.json!), { noPairing: true });
    const l = r.layers.find((x) => x.name === 'scale_shift')!;
    expect([l.params, l.paramsUnknown]).toEqual([0, true]);
    expect(r.totals.unknownParamLayers).toBe(1);
    expect(r.totals.params).toBe(truth.total_params - custom.params);
    const table = renderTable(r);
    expect(table).toMatch(/│ scale_shift \(ScaleShift\) +│ \? +│ +\? │/);
    expect(table).toContain(' Total params: 8 (32.00 B)');
    expect(table).toContain(' Unknown counts: the parameters of 1 layer kerascope has no rule for (Param # ?)');
  });
});

describe('weights without an architecture: no split is guessed', () => {
  it('lists every tensor as of unknown trainability (a BatchNormalization moving_mean included)', async () => {
    const r = await analyze(at('models/legacy/trained_adam.h5'), { noPairing: true });
    expect(r.verdict).toBe('unverified');
    expect(r.totals.trainableParams + r.totals.nonTrainableParams).toBe(0);
    expect(r.totals.unknownTrainabilityParams).toBe(r.totals.params);
    expect(r.totals.params).toBe(r.totals.storedParams);
    expect(r.layers.flatMap((l) => l.weights).every((w) => w.trainableUnknown)).toBe(true);
  });
});
