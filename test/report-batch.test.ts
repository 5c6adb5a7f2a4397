import { describe, expect, it } from 'vitest';
import { batchRow, batchSummary, commonFolder, errorEntry, foldPairedWeights, renderBatch, type BatchResult } from '../src/report/batch.js';
import { parseSummary } from './report-keras-layout.js';
import { seedLstmMismatch, seedLstmReport } from './report-fixtures.js';

const results: BatchResult[] = [
  { file: '/data/models/a.h5', exitCode: 0, report: seedLstmReport() },
  { file: '/data/models/old/bad.h5', exitCode: 1, report: seedLstmMismatch() },
  { file: '/data/models/junk.bin', exitCode: 3, error: 'not an HDF5 file, a zip archive or JSON' },
];

describe('renderBatch', () => {
  it('has one row per file: file, format, layers, params, verdict, findings', () => {
    const parsed = parseSummary(renderBatch(results));
    expect(parsed.header).toEqual(['File', 'Format', 'Layers', 'Params', 'Verdict', 'Findings']);
    expect(parsed.rows).toEqual([
      ['a.h5', 'h5-model', '4', '2,217', 'consistent', '-'],
      ['old/bad.h5', 'h5-model', '4', '2,217', 'inconsistent', '1 error, 1 info'],
      ['junk.bin', '-', '-', '-', 'unreadable', 'not an HDF5 file, a zip archive or JSON'],
    ]);
  });

  it('names the common folder once and ends with a tally', () => {
    const text = renderBatch(results);
    expect(text.split('\n')[0]).toBe('In: /data/models/');
    expect(text.trimEnd().split('\n').at(-1)).toBe('3 files: 1 consistent, 1 inconsistent, 1 unreadable');
  });

  it('gives the same table from rows alone as from whole reports (check keeps only rows for a table)', () => {
    const rows = results.map(({ report, ...rest }) => (report ? { ...rest, row: batchRow(report) } : rest));
    expect(rows.some((r) => 'report' in r)).toBe(false);
    expect(renderBatch(rows)).toBe(renderBatch(results));
    expect(foldPairedWeights(rows).length).toBe(foldPairedWeights(results).length);
  });

  it('counts nested layers too', () => {
    const r = seedLstmReport();
    r.layers[0]!.layers = [{ ...r.layers[1]! }];
    expect(parseSummary(renderBatch([{ file: 'x.h5', exitCode: 0, report: r }])).rows[0]![2]).toBe('5');
  });
});

describe('commonFolder', () => {
  it('finds the deepest shared folder, never a partial name', () => {
    expect(commonFolder(['/a/bc/x.h5', '/a/bd/y.h5'])).toBe('/a/');
    expect(commonFolder(['/a/b/x.h5', '/a/b/c/y.h5'])).toBe('/a/b/');
    expect(commonFolder(['/x.h5', '/y/z.h5'])).toBe('');
    expect(commonFolder(['x.h5', 'y.h5'])).toBe('');
    expect(commonFolder(['/a/b/x.h5'])).toBe('');
  });

  it('an absolute path beside a relative one shares nothing (this used to loop forever)', () => {
    expect(commonFolder(['/tmp/m/a.h5', 'fixtures/b.h5'])).toBe('');
    expect(commonFolder(['a/x.h5', '/a/y.h5'])).toBe('');
    expect(commonFolder(['/x.h5', 'y.h5'])).toBe('');
  });
});

describe('batchSummary and errorEntry', () => {
  it('tallies by verdict; an internal failure is "failed"', () => {
    expect(batchSummary([{ file: 'a', exitCode: 4, error: 'internal error: x' }])).toBe('1 file: 1 failed');
  });

  it('gives the JSON entry of a file that could not be analysed', () => {
    expect(errorEntry(results[2]!)).toEqual({ schemaVersion: 1, file: '/data/models/junk.bin', error: { exitCode: 3, message: 'not an HDF5 file, a zip archive or JSON' } });
  });
});
