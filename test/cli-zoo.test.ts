// End to end on files written by Keras 3.15.1: `kerascope FILE` must print the rows and totals
// that Keras's own model.summary() printed for the same model (truth.json `summary`).
import { describe, expect, it } from 'vitest';
import { run } from './cli-harness.js';
import { CORPUS, hasCorpus, hasZoo, zooPath, zooTruth, type TruthModel } from './helpers/zoo.js';
import { parseSummary, sameCell } from './report-keras-layout.js';

const cli = (argv: string[]) => run(argv);

function compare(m: TruthModel, table: string): string | null {
  const keras = parseSummary(m.summary);
  const ours = parseSummary(table);
  const width = keras.header.length;
  if (ours.header.slice(0, width).join('|') !== keras.header.join('|')) return `header ${ours.header.join('|')}`;
  if (ours.rows.length !== keras.rows.length) return `${ours.rows.length} rows, Keras ${keras.rows.length}`;
  const bad = keras.rows.findIndex((row, i) => !row.every((cell, j) => sameCell(ours.rows[i]![j]!, cell)));
  if (bad >= 0) return `row ${bad}: ${ours.rows[bad]!.slice(0, width).join(' | ')} ≠ ${keras.rows[bad]!.join(' | ')}`;
  if (ours.totals.join('|') !== keras.totals.join('|')) return `totals ${ours.totals.join(' | ')} ≠ ${keras.totals.join(' | ')}`;
  return null;
}

/**
 * Where our table cannot print what Keras printed, and why. Every other built model must match.
 * Keras ran the model's code to learn these shapes; kerascope never runs code.
 */
const KNOWN: Record<string, string> = {
  dz_pipeline: 'Pipeline runs its own layers: output shape unknown without running it (printed "?")',
  dz_jaxlayer: 'JaxLayer wraps a JAX function: its output shape needs the function run (printed "?"), and which variables it trains is in that code (a "Params of unknown trainability" line, not Keras\'s split)',
  dz_flaxlayer: 'FlaxLayer wraps a Flax module: its output shape needs the module run (printed "?"), and which variables it trains is in that code (a "Params of unknown trainability" line, not Keras\'s split)',
  dz_custom_layer: 'AffineChannel is a custom class with no rule: which of its variables Keras trains is in its code (a "Params of unknown trainability" line, not Keras\'s split); its output shape comes from the next edge',
  dz_lambda_neg: 'the Lambda (lambda x: -x, no output_shape) is the model output: Keras traced the function, no later edge stores its shape (printed "?")',
  dz_gqa: 'the file stores class_name "GroupQueryAttention" (the public alias); Keras prints the Python class GroupedQueryAttention',
  dz_reversible_embedding: 'rev_emb is called a second time with reverse=True: the rule gives the forward shape (None, 4, 6, 6) where Keras has (None, 4, 24)',
};

/** Run the CLI on each model's file of one kind; list every way its table differs from Keras's. */
async function problemsFor(models: TruthModel[], kind: 'keras' | 'h5'): Promise<string[]> {
  const problems: string[] = [];
  for (const m of models) {
    const r = await cli([zooPath(m.files[kind]!)]);
    const diff = r.code === 3 || r.code === 4 ? `exit ${r.code} ${r.stderr.trim()}` : compare(m, r.stdout);
    if (diff) problems.push(`${m.slug}: ${diff}`);
  }
  return problems;
}

describe.runIf(hasZoo)('kerascope FILE.keras against Keras 3 summaries', () => {
  const models = zooTruth().filter((m) => m.built && m.files.keras);

  it('prints the rows and totals Keras printed, for every built .keras model', async () => {
    expect(await problemsFor(models.filter((x) => !(x.slug in KNOWN)), 'keras')).toEqual([]);
    expect(models.length).toBeGreaterThan(100);
  });

  it('still reads every known deviation (exit 0 or 1, a table with all rows)', async () => {
    for (const m of models.filter((x) => x.slug in KNOWN)) {
      const r = await cli([zooPath(m.files.keras!)]);
      expect([0, 1], `${m.slug}: ${r.stderr}`).toContain(r.code);
      expect(parseSummary(r.stdout).rows).toHaveLength(parseSummary(m.summary).rows.length);
    }
  });
});

describe.runIf(hasZoo)('kerascope FILE.h5 (legacy HDF5 written by Keras 3) against Keras 3 summaries', () => {
  const models = zooTruth().filter((m) => m.built && m.files.h5 && !(m.slug in KNOWN));

  it('prints the rows and totals Keras printed', async () => {
    expect(await problemsFor(models, 'h5')).toEqual([]);
    expect(models.length).toBeGreaterThan(100);
  });
});

describe.runIf(hasZoo)('kerascope check on the zoo', () => {
  it('gives the same reports one file at a time and two at once', async () => {
    const pattern = zooPath('dz_{dense,conv,lstm,gru,nested,shared}*.{keras,h5}');
    const one = await cli(['check', '--json', '--jobs', '1', pattern]);
    const two = await cli(['check', '--json', '--jobs', '2', pattern]);
    expect(JSON.parse(one.stdout).length).toBeGreaterThan(10);
    expect(two.stdout).toBe(one.stdout);
    expect(two.code).toBe(one.code);
  });
});

describe.runIf(hasCorpus)('kerascope check on ../shared/corpus (real files from the wild)', () => {
  it('reads or refuses every file with one line, never an internal error', async () => {
    const r = await cli(['check', '--json', CORPUS]);
    const entries = JSON.parse(r.stdout) as { file: string; verdict?: string; error?: { exitCode: number; message: string } }[];
    expect(entries.length).toBeGreaterThan(30);
    const internal = entries.filter((e) => e.error && e.error.exitCode !== 3).map((e) => `${e.file}: ${e.error!.message}`);
    expect(internal).toEqual([]);
    for (const e of entries.filter((x) => x.error)) expect(e.error!.message).not.toContain('\n');
    // The three TensorFlow.js graph models are refused as such (exit 3).
    expect(entries.filter((e) => e.error?.message.startsWith('not a Keras layers model'))).toHaveLength(3);
    expect([1, 3]).toContain(r.code);
  });
});
