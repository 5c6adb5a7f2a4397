import { describe, expect, it } from 'vitest';
import { renderTable } from '../src/report/table.js';
import { fitWidths, tableWidth, wrapLine } from '../src/report/wrap.js';
import { run } from './cli-harness.js';
import { parseSummary } from './report-keras-layout.js';
import { layer, seedLstmReport } from './report-fixtures.js';

describe('wrapLine', () => {
  it('breaks at spaces, keeping the comma with the first part', () => {
    expect(wrapLine('input_layer_158[0][0], input_layer_159[0][0]', 24)).toEqual(['input_layer_158[0][0],', 'input_layer_159[0][0]']);
  });
  it('cuts a word only when it must', () => {
    expect(wrapLine('abcdefghij', 4)).toEqual(['abcd', 'efgh', 'ij']);
    expect(wrapLine('short', 10)).toEqual(['short']);
  });
});

describe('fitWidths', () => {
  it('narrows the widest column first until the table fits', () => {
    const ws = fitWidths([40, 20, 7], 60);
    expect(tableWidth(ws)).toBeLessThanOrEqual(60);
    expect(ws).toEqual([23, 20, 7]);
  });
  it('stops at a readable minimum', () => {
    expect(fitWidths([30, 30], 10)).toEqual([12, 12]);
  });
});

describe('tables on a narrow terminal', () => {
  const long = layer('a_very_long_layer_name_that_keras_would_wrap_too', 'Conv2DTranspose', [null, 128, 128, 64], []);
  const report = seedLstmReport({ layers: [long, ...seedLstmReport().layers] });

  it('fits every line to the width and keeps every word', () => {
    const text = renderTable(report, { width: 60 });
    const table = text.split('\n').filter((l) => /^[┏┃┡│├└]/.test(l));
    expect(Math.max(...table.map((l) => l.length))).toBeLessThanOrEqual(60);
    expect(text).toContain('Conv2DTranspose');
    const first = parseSummary(text).rows[0]!;
    expect(first[0]!.replace(/ /g, '')).toBe('a_very_long_layer_name_that_keras_would_wrap_too(Conv2DTranspose)');
    expect(first[1]).toBe('(None, 128, 128, 64)');
  });

  it('keeps whole lines when the width is not limited', () => {
    expect(renderTable(report)).toContain('│ a_very_long_layer_name_that_keras_would_wrap_too (Conv2DTranspose) │');
  });

  it('the CLI fits tables to a terminal only', async () => {
    const served = { 'm.h5': report };
    const tty = await run(['m.h5'], served, { isTTY: true, columns: 70, env: { NO_COLOR: '1' } });
    expect(Math.max(...tty.stdout.split('\n').filter((l) => l.startsWith('│')).map((l) => l.length))).toBeLessThanOrEqual(70);
    const piped = await run(['m.h5'], served, { isTTY: false, columns: 70 });
    expect(piped.stdout).toContain('│ a_very_long_layer_name_that_keras_would_wrap_too (Conv2DTranspose) │');
  });
});
