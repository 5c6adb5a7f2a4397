// The page (issue 14), in a real browser: headless Chromium loads the built page, each fixture goes
// in through the page's own file inputs, and the page must say what the command line says —
// verdict, totals, an explained count — computed in the browser, with no request but the page's
// own. Truth comes from the real writers: Keras's own summary() (fixtures/keras/truth.json),
// keras-hub's count_params() and metadata.json (fixtures/keras-hub/truth.json), tf.keras's
// count_params() (fixtures/savedmodel/truth.json), XLA's cost analysis (fixtures/compute/truth.json).
//
// Skipped, and says so, only when no Chromium is installed (`apt-get install chromium`; .ci/run
// does it). Waits are for page state (#status[data-state]), never for time.
import { readFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { XMLParser } from 'fast-xml-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyze } from '../src/analyze.js';
import { main } from '../src/cli/main.js';
import { bundlePage, pageHtml } from '../web/build.js';
import { chromiumPath, openSite, type Browser } from './helpers/chromium.js';
import { deflatedCopy } from './helpers/deflate.js';
import { sarifErrors } from './helpers/sarif.js';

const ROOT = resolve(import.meta.dirname, '..');
const CHROMIUM = chromiumPath();

interface KerasTruth {
  slug: string;
  summary: string;
  total_params: number;
  layers: { name: string; params: number }[];
}
const kerasTruth = (slug: string) => (JSON.parse(readFileSync(join(ROOT, 'fixtures/keras/truth.json'), 'utf8')) as KerasTruth[]).find((t) => t.slug === slug)!;
const hubTruth = JSON.parse(readFileSync(join(ROOT, 'fixtures/keras-hub/truth.json'), 'utf8')) as {
  presets: Record<string, { backbone_params: number; metadata_parameter_count: number; task_only_params: number }>;
};

/** The "Total params: …" lines of Keras's own summary(), as Keras printed them. */
function kerasTotals(t: KerasTruth): string[] {
  return t.summary.split('\n').filter((l) => /^\s*(Total|Trainable|Non-trainable) params:/.test(l)).map((l) => l.trim());
}

const seed = kerasTruth('seed_embedding_lstm');

interface XlaLayer {
  name: string;
  batch_1: { xla: { compiled: { flops: number } }; output_bytes: number };
  batch_8: { xla: { compiled: { flops: number } }; output_bytes: number };
}
const xla = (JSON.parse(readFileSync(join(ROOT, 'fixtures/compute/truth.json'), 'utf8')) as { cases: Record<string, { layers: XlaLayer[] }> }).cases;
const savedTruth = (JSON.parse(readFileSync(join(ROOT, 'fixtures/savedmodel/truth.json'), 'utf8')) as { folders: Record<string, { count_params: number }> }).folders;

describe.skipIf(!CHROMIUM)(`the page in headless Chromium${CHROMIUM ? '' : ' — SKIPPED: no Chromium at /usr/bin/chromium (apt-get install chromium, or set KERASCOPE_CHROMIUM)'}`, () => {
  let b: Browser;

  beforeAll(async () => {
    const page = await bundlePage();
    const site = new Map([
      ['/index.html', { body: pageHtml(page), type: 'text/html; charset=utf-8' }],
      ['/engine-worker.js', { body: page.worker, type: 'text/javascript' }],
    ]);
    b = await openSite(CHROMIUM!, site);
    await b.page.goto(`${b.origin}/`);
    await b.page.waitForSelector('#status[data-state="idle"]');
  });

  afterAll(async () => {
    await b?.close();
  });

  /** Gives the page a file (or a folder) through its input, and waits until it has read it. */
  async function open(input: '#file' | '#folder', path: string | { name: string; mimeType: string; buffer: Buffer }): Promise<string> {
    await b.page.setInputFiles(input, typeof path === 'string' ? join(ROOT, path) : path);
    await b.page.waitForSelector('#status[data-state="done"], #status[data-state="error"]');
    return (await b.page.textContent('#status')) ?? '';
  }

  const text = async (selector: string) => (await b.page.textContent(selector)) ?? '';

  /** Clicks a layer's name and returns the formula its explanation opens with. */
  async function explain(layer: string): Promise<string> {
    const row = b.page.locator(`tr[data-layer="${layer}"]`);
    await row.locator('button.layer-name').click();
    const formula = row.locator('xpath=following-sibling::tr[1]').locator('.formula');
    await formula.waitFor({ state: 'visible' });
    return (await formula.textContent()) ?? '';
  }

  it.each([
    ['a .keras archive', 'fixtures/keras/models/seed_embedding_lstm.keras'],
    ['a legacy .h5 the native HDF5 reader reads', 'fixtures/keras/models/seed_embedding_lstm.h5'],
  ])('%s: the verdict, Keras\'s own totals, and the LSTM count explained', async (_, file) => {
    expect(await open('#file', file)).toMatch(/^Read .*: consistent\.$/);
    expect(await text('#verdict')).toBe('consistent');
    const totals = await text('#totals');
    for (const line of kerasTotals(seed)) expect(totals).toContain(line);
    const lstm = seed.layers.find((l) => l.name === 'lstm')!;
    // The formula ends in the count Keras's summary gives the layer (2,108).
    expect(await explain('lstm')).toMatch(new RegExp(`^lstm \\(LSTM\\): .* = ${lstm.params.toLocaleString('en-US')}$`));
  });

  /** Clicks a download button and returns the file the browser saved. */
  async function download(button: string): Promise<{ name: string; text: string }> {
    const [saved] = await Promise.all([b.page.waitForEvent('download'), b.page.click(button)]);
    return { name: saved.suggestedFilename(), text: readFileSync((await saved.path())!, 'utf8') };
  }

  it('the graph: the SVG the command line draws, decoded and shown by the browser, and saved as the same file', async () => {
    const file = 'fixtures/keras/models/seed_embedding_lstm.keras';
    expect(await open('#file', file)).toMatch(/: consistent\.$/);
    await b.page.waitForSelector('#graph .picture[data-state="ready"], #graph .picture[data-state="error"]');
    expect(await b.page.getAttribute('#graph .picture', 'data-state')).toBe('ready');
    const size = await b.page.$eval('#graph-svg', (img) => [(img as HTMLImageElement).naturalWidth, (img as HTMLImageElement).naturalHeight]);
    const svg = await download('#download-svg');
    expect(svg.name).toBe('seed_embedding_lstm.keras.svg');
    const root = new XMLParser({ ignoreAttributes: false }).parse(svg.text).svg;
    // The browser drew it at the size the SVG declares (a picture it could not parse has none).
    expect(size).toEqual([Math.round(Number(root['@_width'])), Math.round(Number(root['@_height']))]);
    for (const l of seed.layers) expect(svg.text).toContain(`>${l.name}</tspan>`);
    expect(await b.page.locator('#graph .picture img').getAttribute('src')).toMatch(/^blob:/);
  });

  it('downloads the --json object of the command line', async () => {
    const file = 'fixtures/keras/models/seed_embedding_lstm.keras';
    expect(await open('#file', file)).toMatch(/: consistent\.$/);
    const json = await download('#download-json');
    expect(json.name).toBe('seed_embedding_lstm.keras.kerascope.json');
    const cli = await analyze(join(ROOT, file));
    expect({ ...JSON.parse(json.text), file: null }).toEqual({ ...JSON.parse(JSON.stringify(cli)), file: null });
  });

  /** `kerascope NAME --format sarif` run in NAME's folder (the page knows a file by its name only), and its exit code. */
  async function cliSarif(path: string): Promise<{ code: number; text: string }> {
    const dir = dirname(join(ROOT, path));
    const here = process.cwd();
    let text = '';
    process.chdir(dir);
    try {
      const io = { stdout: { write: (t: string) => (text += t) }, stderr: { write: () => true, isTTY: false }, isTTY: false, env: {} };
      const code = await main([basename(path), '--format', 'sarif'], io);
      return { code, text };
    } finally {
      process.chdir(here);
    }
  }

  it.each([
    ['a consistent .keras (no result, exit code 0)', 'fixtures/keras/models/seed_embedding_lstm.keras', 0],
    ['a Keras 2 .h5 whose Lambda layer holds marshalled bytecode (a critical result, exit code 1)', 'fixtures/keras2-lambda/carnd-crop.h5', 1],
  ])('downloads the SARIF log of the command line: %s, valid SARIF 2.1.0, the same bytes as --format sarif', async (_, file, exit) => {
    expect(await open('#file', file)).toMatch(/^Read /);
    const sarif = await download('#download-sarif');
    expect(sarif.name).toBe(`${basename(file)}.sarif`);
    const log = JSON.parse(sarif.text) as { runs: { invocations: { exitCode: number }[]; results: { ruleId: string; level: string }[] }[] };
    expect(sarifErrors(log)).toBe('');
    expect(log.runs[0]!.invocations[0]!.exitCode).toBe(exit);
    if (exit) expect(log.runs[0]!.results).toContainEqual(expect.objectContaining({ ruleId: 'lambda-layer', level: 'error' }));
    else expect(log.runs[0]!.results).toEqual([]);
    const cli = await cliSarif(file);
    expect(cli.code).toBe(exit);
    expect(sarif.text).toBe(cli.text);
  });

  it('compute and memory: each layer\'s FLOPs and output bytes as XLA\'s cost analysis counts them, at batch 1 and 8', async () => {
    const buffer = gunzipSync(readFileSync(join(ROOT, 'fixtures/compute/models/dense.keras.gz')));
    const cell = async (layer: string, column: string) => (await b.page.textContent(`tr[data-layer="${layer}"] td[data-column="${column}"]`))?.trim();
    expect(await open('#file', { name: 'dense.keras', mimeType: 'application/zip', buffer })).toBe('Read dense.keras: consistent.');
    // Dense's count is exact against XLA (fixtures/compute/README.md): 2 × MACs + bias + activation.
    const dense = xla['dense']!.layers.find((l) => l.name === 'dense_relu')!;
    expect(await cell('dense_relu', 'flops')).toBe(dense.batch_1.xla.compiled.flops.toLocaleString('en-US'));
    expect(await cell('dense_relu', 'activation-bytes')).toBe(`${dense.batch_1.output_bytes.toFixed(2)} B`);
    expect(await text('#compute-totals')).toMatch(/^Compute \(per sample\): .* MACs, .* FLOPs/);
    await b.page.fill('#batch', '8');
    await b.page.dispatchEvent('#batch', 'change');
    await b.page.waitForSelector('#compute-totals:has-text("batch 8")');
    expect(await cell('dense_relu', 'flops')).toBe(dense.batch_8.xla.compiled.flops.toLocaleString('en-US'));
    expect(await cell('dense_relu', 'activation-bytes')).toBe(`${dense.batch_8.output_bytes.toFixed(2)} B`);
    await b.page.fill('#batch', '1');
    await b.page.dispatchEvent('#batch', 'change');
    await b.page.waitForSelector('#compute-totals:has-text("per sample")');
  });

  it('a tf.keras SavedModel folder (saved_model.pb, keras_metadata.pb, variables/) picked as a folder', async () => {
    expect(await open('#folder', 'fixtures/savedmodel/folders/tfk26_lstm')).toBe('Read folder tfk26_lstm: consistent.');
    expect(await text('#totals')).toContain(`Total params: ${savedTruth['tfk26_lstm']!.count_params.toLocaleString('en-US')}`);
    expect(await text('#file-name')).toBe('tfk26_lstm');
  });

  it('a .keras whose members are DEFLATED: inflated in the page (DecompressionStream), the same totals', async () => {
    const buffer = await deflatedCopy(join(ROOT, 'fixtures/keras/models/seed_embedding_lstm.keras'));
    expect(await open('#file', { name: 'deflated.keras', mimeType: 'application/zip', buffer })).toBe('Read deflated.keras: consistent.');
    for (const line of kerasTotals(seed)) expect(await text('#totals')).toContain(line);
    expect(await text('#findings')).toContain('weights-inflated');
  });

  it('a TensorFlow.js folder (model.json and its shard) picked as a folder', async () => {
    // fixtures/tfjs/seed-lstm is the same Embedding → LSTM → Dropout → Dense as Keras's seed model (fixtures/tfjs/make.ts).
    expect(await open('#folder', 'fixtures/tfjs/seed-lstm')).toBe('Read folder seed-lstm: consistent.');
    expect(await text('#totals')).toContain(`Total params: ${seed.total_params.toLocaleString('en-US')}`);
    expect(await text('#file-name')).toBe('seed-lstm/model.json');
  });

  it('a KerasHub preset folder: the backbone against keras-hub\'s count and metadata.json', async () => {
    const truth = hubTruth.presets['bert_tiny']!;
    expect(await open('#folder', 'fixtures/keras-hub/presets/bert_tiny')).toBe('Read folder bert_tiny: consistent.');
    const totals = await text('#totals');
    const n = (x: number) => x.toLocaleString('en-US');
    expect(totals).toContain(`${n(truth.backbone_params)} params from its constructor arguments, ${n(truth.backbone_params)} stored; metadata.json parameter_count ${n(truth.metadata_parameter_count)} (match)`);
    expect(totals).toContain(`${n(truth.task_only_params)} params of its own in task.weights.h5`);
  });

  it('a hostile layer name is shown as text: no element, no request, bidi controls written out', async () => {
    const hostile = '<img src="http://203.0.113.9/x.png">\u202egnp.exe';
    const json = readFileSync(join(ROOT, 'fixtures/keras/models/seed_mlp_softmax.json'), 'utf8').replaceAll('"dense_1"', JSON.stringify(hostile));
    expect(await open('#file', { name: 'model.json', mimeType: 'application/json', buffer: Buffer.from(json) })).toMatch(/^Read model\.json: /);
    // The one image is the graph kerascope drew (an <img> of a Blob URL: it runs and loads nothing).
    expect(await b.page.locator('#report img:not(#graph-svg)').count()).toBe(0);
    const table = await text('#layers');
    expect(table).toContain('<img src="http://203.0.113.9/x.png">\\u202egnp.exe');
    expect(table).not.toContain('\u202e');
  });

  it('a file that is no model: one line that says why', async () => {
    const status = await open('#file', { name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('hello') });
    expect(status).toMatch(/^Cannot read notes\.txt: .*not a Keras model file/);
  });

  it('made no request but the page\'s own', () => {
    expect(b.outside).toEqual([]);
    expect(b.requests.filter((u) => !u.startsWith(`${b.origin}/`) && !/^(blob|data):/.test(u))).toEqual([]);
    expect(b.requests.length).toBeGreaterThan(0); // the page itself was seen
  });
});
