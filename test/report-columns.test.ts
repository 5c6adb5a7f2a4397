// The table's options: torchinfo-like --columns, Keras summary()'s show_trainable, layer_range and
// nested depth, --batch, and the compute totals under the table. Values from real Keras files.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import stringWidth from 'string-width';
import { analyze } from '../src/index.js';
import { layerRange, parseColumns, share } from '../src/report/columns.js';
import { renderTable } from '../src/report/table.js';
import { singularCounts } from '../src/report/plural.js';
import { run } from './cli-harness.js';

const model = (name: string) => `fixtures/keras/models/${name}.keras`;
const truth = JSON.parse(readFileSync('fixtures/keras/truth.json', 'utf8')) as { slug: string; layers: { name: string; trainable: boolean; weights: unknown[] }[] }[];

/** The cells of the table's body rows, by the first cell's layer name. */
function rows(text: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const line of text.split('\n')) {
    if (!/^[│|] /.test(line) || line.includes('Layer (type)')) continue;
    const cells = line.slice(1, -1).split(/[│|]/).map((c) => c.trim());
    if (!cells[0]) continue; // a wrapped cell's second line
    out.set(cells[0]!.replace(/^[└`] /, '').replace(/ \(.*\)$/, ''), cells.slice(1));
  }
  return out;
}

describe('--columns', () => {
  it('parses names and refuses unknown ones', () => {
    expect(parseColumns('macs, params,macs')).toEqual(['macs', 'params']);
    expect(parseColumns('macs,mult-adds')).toMatch(/unknown column "mult-adds"/);
  });

  it('shows the chosen columns in order, with the compute totals, at --batch N', async () => {
    const report = await analyze(model('multi_io_shared'), { batch: 4 });
    const text = renderTable(report, { columns: ['params', 'macs', 'flops', 'activation-bytes', 'param-share'] });
    expect(text).toContain('┃ Layer (type)              ┃ Param # ┃ MACs ┃ FLOPs ┃ Activations ┃ Param % ┃');
    // shared_dense: Dense(3) on 4 features, called twice, batch 4: 2 × 4 × 4 × 3 MACs; 2 × MACs + 2 × 4 × 3 bias adds.
    expect(rows(text).get('shared_dense')).toEqual(['15', '96', '216', '96.00 B', share(15, report.totals.params)]);
    expect(text).toContain(` Compute (batch 4): ${report.compute!.macs} MACs, ${report.compute!.flops} FLOPs`);
  });

  it('an unknown cost is "?" and the totals say "at least" and which layers are left out', async () => {
    const report = await analyze(model('lookups'));
    const text = renderTable(report, { columns: ['macs'] });
    expect(report.compute!.unknownLayers.length).toBeGreaterThan(0);
    expect(text).toMatch(/Compute \(per sample\): at least /);
    expect(text).toMatch(/Not counted: \d+ layers? whose cost is unknown/);
    expect([...rows(text).values()].some((c) => c[0] === '?')).toBe(true);
  });

  it('param share is one decimal of the total, "<0.1%" for a sliver', () => {
    expect([share(1, 8), share(1, 10_000), share(0, 5), share(3, 0)]).toEqual(['12.5%', '<0.1%', '0.0%', '-']);
  });
});

describe("Keras summary()'s options", () => {
  it('--show-trainable: Y / N for layers with weights, - without, as Keras prints (frozen_nested)', async () => {
    const text = renderTable(await analyze(model('frozen_nested')), { showTrainable: true });
    const got = rows(text);
    const layers = truth.find((t) => t.slug === 'frozen_nested')!.layers;
    for (const l of layers) expect(got.get(l.name)!.at(-2), l.name).toBe(l.weights.length === 0 ? '-' : l.trainable ? 'Y' : 'N');
  });

  it('--layer-range: the first match of START to the last match of END, anchored at the start (re.match)', async () => {
    const report = await analyze(model('multi_io_shared'));
    const names = (r: ReturnType<typeof layerRange>) => (typeof r === 'string' ? r : r.map((l) => l.name));
    expect(names(layerRange(report.layers, 'right', 'score'))).toEqual(['right', 'shared_dense', 'concatenate', 'score']);
    expect(names(layerRange(report.layers, 'sh', '.*'))).toEqual(['shared_dense', 'concatenate', 'score', 'aux']);
    // re.match anchors at the start: "dense" does not match "shared_dense".
    expect(names(layerRange(report.layers, 'dense', 'aux'))).toMatch(/matches no layer names/);
    expect(names(layerRange(report.layers, '(', 'aux'))).toMatch(/^--layer-range: /);
  });

  it('--depth N shows nested models N levels deep; --expand every level', async () => {
    const report = await analyze(model('nested_three_deep'));
    expect([...rows(renderTable(report, { depth: 1 })).keys()]).toEqual(['input_layer_2', 'input_layer_3', 'middle', 'input_layer_1', 'inner', 'dense_1', 'add', 'dense_2']);
    expect([...rows(renderTable(report, { expand: true })).keys()]).toContain('dense');
    expect([...rows(renderTable(report, {})).keys()]).not.toContain('inner');
  });

  it('on the command line: a bad range or column is a usage error (exit 2) in one line', async () => {
    for (const argv of [[model('multi_io_shared'), '--layer-range', 'nope', 'aux'], [model('multi_io_shared'), '--columns', 'mult-adds'], [model('multi_io_shared'), '--batch', '0'], [model('multi_io_shared'), '--layer-range', 'a']]) {
      const r = await run(argv);
      expect(r.code, argv.join(' ')).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
    }
    const ok = await run([model('multi_io_shared'), '--layer-range', 'left', 'right', '--columns', 'params,trainable']);
    expect(ok.code).toBe(0);
    expect([...rows(ok.stdout).keys()]).toEqual(['left', 'right']);
  });
});

describe('terminal polish', () => {
  const cjk = async () => {
    const r = await analyze(model('multi_io_shared'));
    return { ...r, layers: r.layers.map((l, i) => ({ ...l, name: ['左の入力', '🙂right', '共有_dense', 'concat', 'スコア', 'aux'][i]! })) };
  };

  it('CJK and emoji names: every table line is as wide on the terminal as the others', async () => {
    const lines = renderTable(await cjk()).split('\n').filter((l) => /^[┏┃┡│├└]/.test(l));
    const widths = new Set(lines.map((l) => stringWidth(l)));
    expect(widths.size).toBe(1);
  });

  it('--ascii: the table is plain ASCII', async () => {
    const text = renderTable(await analyze(model('nested_three_deep')), { ascii: true, expand: true });
    const table = text.split('\n').filter((l) => /^[+|]/.test(l));
    expect(table.length).toBeGreaterThan(10);
    expect(table.every((l) => /^[\x20-\x7e]*$/.test(l))).toBe(true);
  });

  it('a narrow COLUMNS fits the table of CJK names, wrapping by display width', async () => {
    // 70 columns: the narrowest this table goes (no column below 12 characters, as rich keeps them).
    const lines = renderTable(await cjk(), { width: 70 }).split('\n').filter((l) => /^[┏┃┡│├└]/.test(l));
    expect(Math.max(...lines.map((l) => stringWidth(l)))).toBe(70);
    expect(new Set(lines.map((l) => stringWidth(l))).size).toBe(1);
  });

  it('TERM=dumb, NO_COLOR, FORCE_COLOR and COLUMNS on the command line', async () => {
    const esc = (r: { stdout: string }) => r.stdout.includes('\u001b[');
    const file = model('multi_io_shared');
    expect(esc(await run([file], undefined, { isTTY: true }))).toBe(true);
    expect(esc(await run([file], undefined, { isTTY: true, env: { TERM: 'dumb' } }))).toBe(false);
    expect(esc(await run([file], undefined, { isTTY: true, env: { NO_COLOR: '1' } }))).toBe(false);
    expect(esc(await run([file], undefined, { isTTY: false, env: { FORCE_COLOR: '1' } }))).toBe(true);
    expect(esc(await run([file], undefined, { isTTY: true, env: { FORCE_COLOR: '0' } }))).toBe(false);
    const wide = await run([file], undefined, { isTTY: false });
    const piped = await run([file], undefined, { isTTY: false, env: { COLUMNS: '70' } });
    const widest = (r: { stdout: string }) => Math.max(...r.stdout.split('\n').filter((l) => /^[┏┃┡│├└]/.test(l)).map((l) => stringWidth(l)));
    expect(widest(wide)).toBeGreaterThan(70);
    expect(widest(piped)).toBe(70);
  });

  it('every style is closed before the line break', async () => {
    const r = await run([model('multi_io_shared'), '--columns', 'params,macs'], undefined, { isTTY: true });
    for (const line of r.stdout.split('\n')) {
      const codes = [...line.matchAll(/\u001b\[(\d+)m/g)].map((m) => m[1]);
      if (codes.length) expect(codes.at(-1), line).toBe('0');
    }
  });

  it('"1 unit", not "1 units" (Dense(1) of the seed model, saved by TensorFlow.js)', async () => {
    const r = await run(['explain', 'fixtures/tfjs/seed-lstm/model.json', 'dense_29']);
    expect(r.stdout).toContain('dense_29 (Dense): 1 unit × (17 inputs + 1 bias) = 18');
    expect(r.stdout).not.toMatch(/\b1 units/);
  });

  it('the singular pass copies only the layers it changes (the seed model: dense_29 has 1 unit)', async () => {
    const report = await analyze('fixtures/tfjs/seed-lstm/model.json');
    // The analysed report is singular already: dense_29's formula put back as a rule writes it.
    const plural = (text: string) => text.replace('1 unit ×', '1 units ×');
    const raw = { ...report, layers: report.layers.map((l) => (l.name === 'dense_29' ? { ...l, formula: plural(l.formula ?? '') } : l)) };
    const out = singularCounts(raw);
    expect(out.layers.find((l) => l.name === 'dense_29')!.formula).toContain('1 unit × (17 inputs');
    for (const [i, l] of raw.layers.entries()) expect(out.layers[i] === l, l.name).toBe(l.name !== 'dense_29');
    expect(out.findings).toBe(raw.findings);
  });
});
