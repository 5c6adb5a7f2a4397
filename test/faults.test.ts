// Fault injection into the project's own fixtures, one family at a time: the seed's Embedding(7, 13)
// + LSTM(17) + Dense(1) as written by Keras 3.15.1 (fixtures/keras/models/seed_embedding_lstm.*, layers named embedding, lstm, dropout, dense).
// Each faulted copy is rebuilt with the fixture builder from what the real file stores (its config,
// its tensor names and shapes) with one thing changed, and must give its exact finding.
// The tfjs family (with the wrong shard size) is in faults-tfjs.test.ts.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { analyze, readSource } from '../src/index.js';
import type { Finding, ModelSource, StoredGroup } from '../src/types.js';
import { writeKeras3WeightsH5, writeLegacyH5 } from '../fixtures/builder/h5.js';
import { buildKerasZip } from '../fixtures/builder/zip.js';

const FIX = 'fixtures/keras/models/seed_embedding_lstm';
type Json = Record<string, any>;
type Fault = 'none' | 'units' | 'drop' | 'swap';

const dir = mkdtempSync(join(tmpdir(), 'kerascope-faults-'));
let legacy: ModelSource; // from the .h5 (legacy layout, full model)
let keras3: ModelSource; // from the .keras (Keras 3 store)

beforeAll(async () => {
  legacy = await readSource(`${FIX}.h5`);
  keras3 = await readSource(`${FIX}.keras`);
});

function faultyConfig(config: unknown, fault: Fault): Json {
  const c = structuredClone(config) as Json;
  if (fault === 'units') c['config'].layers.find((l: Json) => l.class_name === 'LSTM').config.units = 16;
  return c;
}

/** The stored groups with one fault: the LSTM's recurrent_kernel dropped, or its first two tensors swapped. */
function faultyGroups(groups: StoredGroup[], fault: Fault): StoredGroup[] {
  return groups.map((g) => {
    const lstm = g.tensors.some((t) => /recurrent_kernel/.test(t.name)) || g.path.endsWith('lstm/cell');
    if (!lstm) return g;
    const tensors = [...g.tensors];
    if (fault === 'drop') tensors.splice(1, 1);
    if (fault === 'swap') [tensors[0], tensors[1]] = [tensors[1]!, tensors[0]!];
    return { ...g, tensors };
  });
}

async function legacyH5(fault: Fault, withConfig: boolean): Promise<string> {
  const file = join(dir, `legacy-${fault}-${withConfig}.h5`);
  await writeLegacyH5(file, {
    modelConfig: withConfig ? faultyConfig(legacy.config, fault) : null,
    kerasVersion: legacy.kerasVersion,
    backend: legacy.backend,
    layers: faultyGroups(legacy.weights!.groups, fault).map((g) => ({ name: g.label ?? g.path, weights: g.tensors.map((t) => ({ name: t.name, shape: t.shape })) })),
  });
  return file;
}

async function keras3H5(fault: Fault): Promise<string> {
  const file = join(dir, `keras3-${fault}.weights.h5`);
  await writeKeras3WeightsH5(file, {
    groups: faultyGroups(keras3.weights!.groups, fault).map((g) => ({ path: g.path, ...(g.label ? { name: g.label } : {}), tensors: g.tensors.map((t) => t.shape) })),
  });
  return file;
}

async function kerasZip(fault: Fault): Promise<string> {
  const file = join(dir, `model-${fault}.keras`);
  await buildKerasZip(file, { config: faultyConfig(keras3.config, fault), weightsH5: await keras3H5(fault === 'units' ? 'none' : fault) });
  return file;
}

function configJson(fault: Fault): string {
  const file = join(dir, `arch-${fault}.json`);
  writeFileSync(file, JSON.stringify(faultyConfig(keras3.config, fault)));
  return file;
}

const errorsOf = (fs: Finding[]): Finding[] => fs.filter((f) => f.severity === 'error');
const messages = (fs: Finding[]): string[] => errorsOf(fs).map((f) => f.message);

/** Each family: how to build a faulted copy and analyse it. */
const FAMILIES: Record<string, (fault: Fault) => Promise<Finding[]>> = {
  'legacy .h5 full model': async (f) => (await analyze(await legacyH5(f, true))).findings,
  'legacy .h5 weights-only + --config': async (f) => (await analyze(await legacyH5(f === 'units' ? 'none' : f, false), { config: configJson(f) })).findings,
  'Keras 3 .weights.h5 + --config': async (f) => (await analyze(await keras3H5(f === 'units' ? 'none' : f), { config: configJson(f) })).findings,
  '.keras archive': async (f) => (await analyze(await kerasZip(f))).findings,
  'to_json + --weights': async (f) => (await analyze(configJson(f), { weights: await keras3H5(f === 'units' ? 'none' : f) })).findings,
};

describe.each(Object.entries(FAMILIES))('faults injected into the %s', (_family, run) => {
  test('untouched: consistent, the seed total 2217', async () => {
    expect(messages(await run('none'))).toEqual([]);
  });

  test('a changed units: LSTM(17) → LSTM(16)', async () => {
    const ms = messages(await run('units'));
    expect(ms).toContain('lstm/lstm_cell/kernel: expected (13, 64) from 13 inputs × 4 gates·16 units, stored (13, 68)');
    expect(ms.some((m) => m.startsWith('dense/kernel: expected (16, 1) from 16 inputs × units=1, stored (17, 1)'))).toBe(true);
  });

  test('a dropped tensor: the LSTM recurrent_kernel', async () => {
    const found = errorsOf(await run('drop'));
    // legacy files pair by order, so the bias slides into the recurrent_kernel's place
    expect(found.some((f) => f.code === 'weight-missing' && f.layer === 'lstm')).toBe(true);
    expect(found.some((f) => /^lstm\/lstm_cell\/(recurrent_kernel|bias): expected/.test(f.message))).toBe(true);
  });

  test('two tensors swapped: the LSTM kernel and recurrent_kernel', async () => {
    const ms = messages(await run('swap'));
    expect(ms.some((m) => m.startsWith('lstm/lstm_cell/kernel: expected (13, 68) from 13 inputs × 4 gates·17 units, stored (17, 68)'))).toBe(true);
    expect(ms.some((m) => m.startsWith('lstm/lstm_cell/recurrent_kernel: expected (17, 68) from 17 units fed back × 4 gates·17 units, stored (13, 68)'))).toBe(true);
  });
});
