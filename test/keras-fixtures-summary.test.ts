// `kerascope FILE` on the project's own Keras 3.15.1 fixtures must print the rows (name and type,
// output shape, params, connected to) and totals that Keras's model.summary() printed for the same
// model (fixtures/keras/truth.json `summary`). Runs without ../shared: the fixtures are committed.
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { run } from './cli-harness.js';
import { parseSummary, sameCell } from './report-keras-layout.js';
import type { TruthModel } from './helpers/zoo.js';

const HERE = resolve(dirname(fileURLToPath(import.meta.url)), '../fixtures/keras');
const truth = JSON.parse(readFileSync(join(HERE, 'truth.json'), 'utf8')) as TruthModel[];

/**
 * Every line where our table differs from a summary Keras printed (header, each row, totals). Keras's
 * "Trainable" column (show_trainable=True) has no counterpart: the columns before it are compared.
 */
function differences(summary: string, table: string): string[] {
  const keras = parseSummary(summary);
  const ours = parseSummary(table);
  const out: string[] = [];
  const width = keras.header.filter((h) => h !== 'Trainable').length;
  const cut = (row: string[] | undefined): string => (row ?? []).slice(0, width).join(' | ');
  if (cut(ours.header) !== cut(keras.header)) out.push(`header: ${cut(ours.header)} ≠ ${cut(keras.header)}`);
  const n = Math.max(ours.rows.length, keras.rows.length);
  for (let i = 0; i < n; i++) {
    const k = keras.rows[i];
    const o = ours.rows[i];
    if (!k || !o || !k.slice(0, width).every((cell, j) => sameCell(o[j] ?? '', cell))) out.push(`row ${i}: ${cut(o)} ≠ ${cut(k)}`);
  }
  for (const t of keras.totals.filter((line) => !ours.totals.includes(line))) out.push(`totals: Keras printed "${t}"`);
  return out;
}

/**
 * `slug:format` → why our table cannot print what Keras printed. A listed pair must still differ
 * (so the list cannot go stale); every other pair must match.
 */
const KNOWN: Record<string, string> = {
  'attention_layers:keras': 'the .keras config stores class_name "GroupQueryAttention" (the public alias); Keras prints the Python class GroupedQueryAttention',
  'custom_layer:keras': 'ScaleShift has no rule: its output is known only by running it (a Sequential stores no edge shapes, "?"), and which of its variables Keras trains is in its code ("Params of unknown trainability: 7" instead of Keras\'s 11 / 4 split)',
  'custom_layer:h5': 'as custom_layer:keras; and the legacy HDF5 stores the registered name kerascope_fixtures>ScaleShift, and GlobalAveragePooling1D\'s 3 is taken from the stored Dense kernel ("3*": no build_config in this format)',
};

const cases = truth.flatMap((m) =>
  (['keras', 'h5'] as const).filter((f) => m.files[f]).map((f) => [`${m.slug} ${f}`, m, f] as const),
);

describe('kerascope FILE on fixtures/keras against the summaries Keras 3.15.1 printed', () => {
  it.each(cases)('%s', async (_name, m, format) => {
    const r = await run([join(HERE, m.files[format]!)]);
    expect([0, 1], r.stderr).toContain(r.code);
    const diff = differences(m.summary, r.stdout);
    const why = KNOWN[`${m.slug}:${format}`];
    if (why) expect(diff.length, `listed difference no longer occurs, remove it: ${why}`).toBeGreaterThan(0);
    else expect(diff).toEqual([]);
  });
});

/** Models with a model inside (directly or in a wrapper): Keras's expand_nested rows are worth comparing. */
const nested = truth.filter((m) => m.built && m.layers.some((l) => l.layers || /^(TimeDistributed|Bidirectional)$/.test(l.class_name)));

describe('kerascope FILE --expand on fixtures/keras against summary(expand_nested=True)', () => {
  it('covers the nested fixtures', () => expect(nested.length).toBeGreaterThanOrEqual(5));
  it.each(nested.map((m) => [m.slug, m] as const))('%s', async (_slug, m) => {
    const r = await run([join(HERE, m.files.keras!), '--expand']);
    expect([0, 1], r.stderr).toContain(r.code);
    expect(differences(m.summary_expanded as string, r.stdout)).toEqual([]);
  });
});

