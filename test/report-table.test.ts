import { describe, expect, it } from 'vitest';
import { pyFixed2, readableMemorySize, useColor } from '../src/report/format.js';
import { renderTable, sequentialLike } from '../src/report/table.js';
import { hasZoo, zooTruth } from './helpers/zoo.js';
import { parseSummary, reportFromTruth, sameCell } from './report-keras-layout.js';
import { finding, layer, seedLstmMismatch, seedLstmReport, w } from './report-fixtures.js';

describe('readableMemorySize (Keras summary_utils.readable_memory_size)', () => {
  it('prints the sizes Keras prints', () => {
    // From ../shared/keras3-zoo summaries and the issue: 84 params → 336.00 B, 2,217 → 8.66 KB.
    expect(readableMemorySize(84 * 4)).toBe('336.00 B');
    expect(readableMemorySize(2217 * 4)).toBe('8.66 KB');
    expect(readableMemorySize(0)).toBe('0.00 B');
    expect(readableMemorySize(219829 * 4)).toBe('858.71 KB');
    expect(readableMemorySize(1023)).toBe('1023.00 B');
    expect(readableMemorySize(1024)).toBe('1.00 KB');
    expect(readableMemorySize(5 * 1024 ** 3)).toBe('5.00 GB');
  });

  it('rounds exact ties half to even, as Python does (288 params = 1152 B → "1.12 KB")', () => {
    expect(readableMemorySize(288 * 4)).toBe('1.12 KB');
    expect(pyFixed2(0.125)).toBe('0.12');
    expect(pyFixed2(0.375)).toBe('0.38');
    expect(pyFixed2(2.5)).toBe('2.50');
  });
});

describe('renderTable on the seed LSTM model', () => {
  const text = renderTable(seedLstmReport());
  const parsed = parseSummary(text);

  it('has the Keras header and no Connected to for a Sequential model', () => {
    expect(text).toContain('Model: "sequential_5"');
    expect(parsed.header).toEqual(['Layer (type)', 'Output Shape', 'Param #', 'Verdict']);
  });

  it('lists every layer with its shape, count and verdict', () => {
    expect(parsed.rows).toEqual([
      ['embedding_5 (Embedding)', '(None, None, 13)', '91', 'ok'],
      ['lstm_5 (LSTM)', '(None, 17)', '2,108', 'ok'],
      ['dropout_26 (Dropout)', '(None, 17)', '0', 'ok'],
      ['dense_29 (Dense)', '(None, 1)', '18', 'ok'],
    ]);
  });

  it('prints the totals as Keras 3 does, without an Optimizer line when there is none', () => {
    expect(parsed.totals).toEqual(['Total params: 2,217 (8.66 KB)', 'Trainable params: 2,217 (8.66 KB)', 'Non-trainable params: 0 (0.00 B)']);
    expect(text).toMatch(/Stored params: 2,217 of 2,217 expected \(match\)/);
    expect(text).toContain('Verdict: consistent');
    expect(text).toContain('No findings.');
  });

  it('has no ANSI codes unless colour is asked for', () => {
    expect(text).not.toMatch(/\u001b\[/);
    expect(renderTable(seedLstmReport(), { color: true })).toMatch(/\u001b\[32mok\u001b\[0m/);
  });
});

describe('renderTable on an inconsistent model', () => {
  const text = renderTable(seedLstmMismatch());

  it('marks the layer MISMATCH and shows the stored difference', () => {
    expect(parseSummary(text).rows[3]).toEqual(['dense_29 (Dense)', '(None, 1)', '18', 'MISMATCH']);
    expect(text).toContain('Stored params: 2,234 of 2,217 expected (+17 against expected)');
    expect(text).toContain('Verdict: inconsistent');
  });

  it('lists findings errors first', () => {
    const findings = text.split('Findings (2):\n')[1]!.trimEnd().split('\n');
    // The message already names the layer ("dense_29/kernel: …"): it is not said twice.
    expect(findings[0]).toMatch(/^\s+error\s+weight-shape-mismatch\s+dense_29\/kernel: expected \(17, 1\)/);
    expect(findings[1]).toMatch(/^\s+info\s+optimizer-absent\s+no optimizer weights stored$/);
  });
});

describe('renderTable: optimizer, nesting, several outputs', () => {
  it('adds Optimizer params and counts them in Total (Keras 3: 21 + 23 = 44 (176.00 B))', () => {
    const r = seedLstmReport();
    // dz_trained_sgd_momentum in the zoo: Trainable 21 (84.00 B), Optimizer 23 (92.00 B), Total 44 (176.00 B).
    r.totals = { ...r.totals, params: 21, trainableParams: 21, optimizerParams: 23, trainableBytes: 84, optimizerBytes: 92, paramBytes: 84 };
    expect(parseSummary(renderTable(r)).totals).toEqual([
      'Total params: 44 (176.00 B)',
      'Trainable params: 21 (84.00 B)',
      'Non-trainable params: 0 (0.00 B)',
      'Optimizer params: 23 (92.00 B)',
    ]);
  });

  it("indents nested layers with Keras's '   └ ' only with --expand", () => {
    const inner = layer('dense', 'Dense', [null, 4], [w('kernel', [3, 4], ''), w('bias', [4], '')]);
    const outer = layer('encoder', 'Sequential', [null, 4], [], { params: 16, trainableParams: 16, layers: [inner] });
    const r = seedLstmReport({ layers: [outer] });
    expect(parseSummary(renderTable(r)).rows.map((x) => x[0])).toEqual(['encoder (Sequential)']);
    expect(parseSummary(renderTable(r, { expand: true })).rows.map((x) => x[0])).toEqual(['encoder (Sequential)', '└ dense (Dense)']);
    expect(renderTable(r, { expand: true })).toContain('│    └ dense (Dense) ');
  });

  it('prints several outputs and rank-1 shapes as Keras 3 does', () => {
    const r = seedLstmReport({ layers: [layer('simple_rnn', 'SimpleRNN', [[null, 3], [null, 3]], []), layer('flat', 'Flatten', [null], [])] });
    const rows = parseSummary(renderTable(r)).rows;
    expect(rows[0]![1]).toBe('[(None, 3), (None, 3)]');
    expect(rows[1]![1]).toBe('(None)');
  });

  it('shows Connected to for a branching functional model, one input per line', () => {
    const a = layer('in_a', 'InputLayer', [null, 4], []);
    const b = layer('in_b', 'InputLayer', [null, 4], []);
    const add = layer('add', 'Add', [null, 4], [], { connectedTo: ['in_a[0][0]', 'in_b[0][0]'] });
    const r = seedLstmReport({ model: { name: 'f', className: 'Functional' }, layers: [a, b, add] });
    const text = renderTable(r);
    expect(parseSummary(text).header).toEqual(['Layer (type)', 'Output Shape', 'Param #', 'Connected to', 'Verdict']);
    expect(parseSummary(text).rows[2]![3]).toBe('in_a[0][0], in_b[0][0]');
    expect(text).toMatch(/│ in_a\[0\]\[0\], +│/);
  });

  it('gives nested rows "-" for Connected to, as Keras does under expand_nested', () => {
    const inner = layer('dense', 'Dense', [null, 4], []);
    const a = layer('in_a', 'InputLayer', [null, 4], []);
    const b = layer('in_b', 'InputLayer', [null, 4], []);
    const block = layer('block', 'Functional', [null, 4], [], { connectedTo: ['in_a[0][0]', 'in_b[0][0]'], layers: [inner] });
    const r = seedLstmReport({ model: { name: 'f', className: 'Functional' }, layers: [a, b, block] });
    expect(parseSummary(renderTable(r, { expand: true })).rows[3]).toEqual(['└ dense (Dense)', '(None, 4)', '0', '-', 'ok']);
  });

  it('names a report without architecture', () => {
    const r = seedLstmReport({ model: null, totals: { ...seedLstmReport().totals, storedParams: null }, findings: [finding('warning', 'x', 'format', null, 'y')] });
    const text = renderTable(r);
    expect(text).toContain('Model: (no architecture stored)');
    expect(text).toContain('Stored params: none');
  });
});

describe('useColor', () => {
  it('colours a terminal only, and never with NO_COLOR', () => {
    expect(useColor(true, {})).toBe(true);
    expect(useColor(false, {})).toBe(false);
    expect(useColor(true, { NO_COLOR: '1' })).toBe(false);
    expect(useColor(true, { NO_COLOR: '' })).toBe(true);
  });
});

describe.runIf(hasZoo)("renderTable against Keras 3's own summaries (keras3-zoo truth.json)", () => {
  const models = zooTruth().filter((m) => m.built);

  it('prints the same rows and totals as model.summary() for every built zoo model', () => {
    const problems: string[] = [];
    for (const m of models) {
      const keras = parseSummary(m.summary);
      const ours = parseSummary(renderTable(reportFromTruth(m)));
      if (JSON.stringify(ours.totals) !== JSON.stringify(keras.totals)) problems.push(`${m.slug} totals: ${ours.totals.join(' | ')} ≠ ${keras.totals.join(' | ')}`);
      const width = keras.header.length;
      if (JSON.stringify(ours.header.slice(0, width)) !== JSON.stringify(keras.header)) problems.push(`${m.slug} header: ${ours.header.join('|')} ≠ ${keras.header.join('|')}`);
      else if (ours.rows.length !== keras.rows.length) problems.push(`${m.slug}: ${ours.rows.length} rows ≠ ${keras.rows.length}`);
      else {
        const bad = keras.rows.findIndex((row, i) => !row.every((cell, j) => sameCell(ours.rows[i]![j]!, cell)));
        if (bad >= 0) problems.push(`${m.slug} row ${bad}: ${ours.rows[bad]!.join(' | ')} ≠ ${keras.rows[bad]!.join(' | ')}`);
      }
    }
    expect(problems).toEqual([]);
    expect(models.length).toBeGreaterThan(100);
  });

  it('shows Connected to exactly where Keras does', () => {
    const wrong = models
      .filter((m) => m.model_class !== 'Sequential')
      .filter((m) => sequentialLike(reportFromTruth(m)) === m.summary.includes('Connected to'))
      .map((m) => m.slug);
    expect(wrong).toEqual([]);
  });
});
