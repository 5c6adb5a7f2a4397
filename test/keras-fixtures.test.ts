// The project's own fixtures, written by Keras 3.15.1 (fixtures/keras/generate.py + cases.py), through
// the whole pipeline in every format Keras wrote, against the figures Keras itself recorded in
// fixtures/keras/truth.json: totals, per-layer name/class/output shapes (per call)/params/trainable
// split, each variable's name, shape, trainable flag and stored dtype, verdict, no error finding.
// Python is never needed: the files and truth.json are committed.
import { readFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { analyze, UnreadableError } from '../src/index.js';
import type { Report } from '../src/types.js';
import { compareReport } from './helpers/truth-compare.js';
import { DEVIATIONS, WITH_EXTRAS, type Run } from './helpers/keras-fixture-deviations.js';
import type { TruthModel } from './helpers/zoo.js';

const HERE = resolve(dirname(fileURLToPath(import.meta.url)), '../fixtures/keras');
const truth = JSON.parse(readFileSync(join(HERE, 'truth.json'), 'utf8')) as TruthModel[];
const at = (file: string): string => join(HERE, file);

/** Written for a few models only (truth.json `extra_files`): Keras 3's unzipped .keras folder and sharded weights. */
interface Extras {
  sharded_weights?: string;
  unzipped?: string;
  /** A .keras whose weights are model.weights.npz (weights_format="npz"): never opened by kerascope. */
  npz_keras?: string;
  /** The Keras 1/2 weights-only layout, written by Keras's own legacy_h5_format.save_weights_to_hdf5_group. */
  legacy_weights_h5?: string;
  legacy_weights_datasets?: Dataset[];
}
const extras = (m: TruthModel): Extras | undefined => m['extra_files'] as Extras | undefined;

/** The lines of `out` not explained by a listed deviation; fails when a listed deviation no longer occurs. */
function unexplained(out: string[], slug: string, run: Run): string[] {
  let rest = out;
  for (const d of DEVIATIONS) {
    if (d.slug !== slug || !d.runs.includes(run)) continue;
    expect(rest.some((l) => d.match.test(l)), `listed deviation no longer occurs, remove it: ${d.reason}`).toBe(true);
    rest = rest.filter((l) => !d.match.test(l));
  }
  return rest;
}

type Dataset = [path: string, shape: number[], dtype: string];
interface Stored { keras?: { datasets: Dataset[] }; h5?: Dataset[]; weights_h5?: Dataset[] }

/**
 * Elements physically stored for the model's layers, from the datasets h5py listed when the file was
 * written (optimizer state excluded): what `totals.storedParams` must say.
 */
function storedElements(m: TruthModel, run: Run): number {
  const stored = m['stored_datasets'] as Stored;
  if (run.startsWith('legacy weights')) return count(extras(m)!.legacy_weights_datasets!);
  // The unzipped folder's model.weights.h5 and the shards hold what the zip's model.weights.h5 holds.
  const sets = run === 'h5' ? stored.h5! : ['keras', 'unzipped folder', 'sharded+config'].includes(run) ? stored.keras!.datasets : stored.weights_h5!;
  return count(sets.filter(([path]) => !/^(optimizer|optimizer_weights)\//.test(path)));
}

const count = (sets: Dataset[]): number => sets.reduce((n, [, shape]) => n + shape.reduce((a, b) => a * b, 1), 0);

async function read(m: TruthModel, run: Run): Promise<Report> {
  const f = m.files;
  switch (run) {
    case 'keras': return analyze(at(f.keras!));
    case 'h5': return analyze(at(f.h5!));
    case 'weights+config': return analyze(at(f.weights_h5!), { config: at(f.json!) });
    case 'json+paired': return analyze(at(f.json!));
    case 'json alone': return analyze(at(f.json!), { noPairing: true });
    case 'weights alone': return analyze(at(f.weights_h5!), { noPairing: true });
    case 'unzipped folder': return analyze(at(extras(m)!.unzipped!));
    case 'sharded+config': return analyze(at(f.json!), { weights: at(extras(m)!.sharded_weights!) });
    case 'npz keras': return analyze(at(extras(m)!.npz_keras!));
    case 'legacy weights+config': return analyze(at(extras(m)!.legacy_weights_h5!), { config: at(f.json!) });
    case 'legacy weights alone': return analyze(at(extras(m)!.legacy_weights_h5!), { noPairing: true });
  }
}

/** The runs each model has, from the files Keras agreed to write. */
function runsOf(m: TruthModel): Run[] {
  const f = m.files;
  const runs: Run[] = [];
  if (f.keras) runs.push('keras');
  if (f.h5) runs.push('h5');
  if (f.weights_h5 && f.json) runs.push('weights+config', 'json+paired');
  if (f.json) runs.push('json alone');
  if (f.weights_h5) runs.push('weights alone');
  if (extras(m)?.unzipped) runs.push('unzipped folder', 'sharded+config', 'npz keras');
  if (extras(m)?.legacy_weights_h5) runs.push('legacy weights+config', 'legacy weights alone');
  return runs;
}

/** Disagreements of one run with Keras's truth. */
function disagreements(r: Report, m: TruthModel, run: Run): string[] {
  // The legacy weights-only layout holds no optimizer state (Keras 2's save_weights never wrote it).
  const optimizer = run.startsWith('legacy') ? 0 : m.optimizer_params;
  if (run === 'weights alone' || run === 'legacy weights alone') {
    // No architecture: the file's tensors are listed and counted, nothing is verified.
    const out: string[] = [];
    if (r.verdict !== 'unverified') out.push(`verdict ${r.verdict}, expected unverified`);
    const stored = storedElements(m, run);
    if (r.totals.storedParams !== stored) out.push(`storedParams ${r.totals.storedParams}, the file holds ${stored}`);
    if (r.totals.optimizerParams !== optimizer) out.push(`optimizerParams ${r.totals.optimizerParams}, the file holds ${optimizer}`);
    // No weights file records which tensors Keras trains: all of them are of unknown trainability.
    if (r.totals.unknownTrainabilityParams !== r.totals.params || r.totals.trainableParams + r.totals.nonTrainableParams !== 0) {
      out.push(`a trainable split guessed without an architecture: ${r.totals.trainableParams} + ${r.totals.nonTrainableParams} + unknown ${r.totals.unknownTrainabilityParams}`);
    }
    for (const f of r.findings.filter((x) => x.severity === 'error')) out.push(`finding ${f.code}: ${f.message}`);
    return out;
  }
  if (run === 'npz keras') {
    // The architecture is checked; the .npz member is reported, never unpickled, so nothing is verified.
    const out = compareReport(r, m, { stored: false, optimizer: false });
    if (!r.findings.some((f) => f.message.includes('model.weights.npz'))) out.push('no finding names the model.weights.npz member');
    return out;
  }
  const stored = run !== 'json alone';
  const out = compareReport(r, m, { stored, optimizer: stored && !run.startsWith('legacy'), storedParams: stored ? storedElements(m, run) : undefined });
  if (run === 'json+paired' && basename(r.weightsFile ?? '') !== basename(m.files.weights_h5!)) {
    out.push(`json was not paired with ${m.files.weights_h5} (weightsFile ${r.weightsFile})`);
  }
  return out;
}

const cases = truth.flatMap((m) => runsOf(m).map((run) => [`${m.slug} ${run}`, m, run] as const));

describe('fixtures/keras: files written by Keras 3.15.1 against Keras\'s own figures', () => {
  test('the fixtures are there and cover every format', () => {
    expect(truth.filter((m) => extras(m)?.unzipped).map((m) => m.slug)).toEqual(WITH_EXTRAS);
    expect(truth.filter((m) => extras(m)?.legacy_weights_h5).length).toBeGreaterThanOrEqual(11);
    expect(truth.length).toBeGreaterThanOrEqual(40);
    for (const fmt of ['keras', 'h5', 'weights_h5', 'json'] as const) {
      expect(truth.filter((m) => m.files[fmt]).length, fmt).toBeGreaterThanOrEqual(40);
    }
  });

  test.each(cases)('%s', async (_name, m, run) => {
    const report = await read(m, run).catch((e: unknown) => {
      if (e instanceof UnreadableError) return e;
      throw e;
    });
    const out = report instanceof UnreadableError ? [`unreadable: ${report.message}`] : disagreements(report, m, run);
    expect(unexplained(out, m.slug, run)).toEqual([]);
  });
});

describe('fixtures/keras: truth.json agrees with the summary() Keras printed', () => {
  // Guards the generator: its own counts (count_params, trainable_weights…) against Keras's printed totals.
  const printed = (summary: string, label: string): number => {
    const m = new RegExp(`^ ${label} params: ([\\d,]+)`, 'm').exec(summary);
    return m ? Number(m[1]!.replace(/,/g, '')) : 0; // Keras prints no Optimizer line without an optimizer
  };
  test.each(truth.map((m) => [m.slug, m] as const))('%s', (_slug, m) => {
    expect(printed(m.summary, 'Trainable')).toBe(m.trainable_params);
    expect(printed(m.summary, 'Non-trainable')).toBe(m.non_trainable_params);
    expect(printed(m.summary, 'Optimizer')).toBe(m.optimizer_params);
    expect(printed(m.summary, 'Total')).toBe(m.total_params + m.optimizer_params);
  });
});

describe('fixtures/keras: the seed\'s figures, as Keras 3.15.1 counts them', () => {
  // ../shared/seed asserts these by hand; truth.json must agree, or the fixtures are not the seed's models.
  const seed: Record<string, number[]> = {
    seed_mlp_softmax: [147, 0, 104, 0, 322],
    seed_mlp_binary: [147, 0, 104, 0, 14],
    seed_vgg_like: [196, 832, 0, 0, 2006, 2926, 0, 0, 0, 211531, 0, 696],
    seed_embedding_lstm: [91, 2108, 0, 18],
    seed_conv1d_stack: [6708, 901, 0, 2280, 2645, 0, 0, 24],
  };
  test.each(Object.entries(seed))('%s', (slug, params) => {
    const m = truth.find((t) => t.slug === slug)!;
    expect(m.layers.map((l) => l.params)).toEqual(params);
  });
});
