// The page's HDF5 engine (issue 14), in headless Chromium: an HDF5 file that kerascope's own reader
// hands over is read by h5wasm's browser build in the page's worker (dist-web/engine-worker.js,
// web/engine-worker.ts), driven by client.browser.ts as the command line drives its worker: the
// page's report is the command line's, and nothing but the page's own assets is requested. A file
// HDF5 loops on, a worker that hangs or crashes, a worker script that is missing and a page opened
// from disk each end in one line. The hanging and crashing workers are fakes served in the real
// one's place (no test waits on the clock: a fake never answers, whatever the deadline).
//
// Skipped, and says so, only when no Chromium is installed (as test/web-page.test.ts).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyze } from '../src/analyze.js';
import { writeZip } from '../fixtures/audit/zip-writer.js';
import { bundlePage, pageHtml, type Bundles } from '../web/build.js';
import { chromiumPath, openSite, type Browser } from './helpers/chromium.js';
import { hostJob, readNativeJob } from './helpers/h5.js';

const ROOT = resolve(import.meta.dirname, '..');
const CHROMIUM = chromiumPath();
const AUDIT = join(ROOT, 'fixtures/audit');
/** A legacy full model whose Dense kernel is a virtual dataset (fixtures/audit/make_h5_external.py). */
const VIRTUAL_H5 = join(AUDIT, 'h5-virtual-dataset.h5');
/** A zeroed free-space size in a global heap: libhdf5 loops forever on it (fuzz regression). */
const LOOP_H5 = join(AUDIT, 'regress/h5-attr-loop.weights.h5');

/** A Keras 3 Sequential holding one Dense(2) on 3 features, as a .keras archive's config.json stores it. */
const K3_CONFIG = {
  module: 'keras', class_name: 'Sequential', registered_name: null,
  config: { name: 'seq', layers: [
    { module: 'keras.layers', class_name: 'InputLayer', registered_name: null, config: { batch_shape: [null, 3], dtype: 'float32', name: 'input_layer' } },
    { module: 'keras.layers', class_name: 'Dense', registered_name: null, config: { name: 'dense', units: 2, use_bias: true }, build_config: { input_shape: [null, 3] } },
  ] },
};

let dir: string;
let bundles: Bundles;

/** A .keras whose model.weights.h5 holds a virtual kernel and an external bias, its members STORED or DEFLATED. */
function virtualKeras(deflate: boolean): string {
  const file = join(dir, `virtual-${deflate ? 'deflated' : 'stored'}.keras`);
  writeFileSync(file, writeZip([
    { name: 'metadata.json', data: Buffer.from('{"keras_version": "3.6.0"}') },
    { name: 'config.json', data: Buffer.from(JSON.stringify(K3_CONFIG)) },
    { name: 'model.weights.h5', data: readFileSync(join(AUDIT, 'h5-virtual-dataset.weights.h5')), deflate },
  ]));
  return file;
}

/** The served page, with `worker` as its engine-worker.js (absent: none). */
function site(worker: string | null) {
  const files = new Map([['/index.html', { body: pageHtml(bundles), type: 'text/html; charset=utf-8' }]]);
  if (worker !== null) files.set('/engine-worker.js', { body: worker, type: 'text/javascript' });
  return files;
}

/** Gives the page `file` through its file input, and returns its status line once it has read it. */
async function open(b: Browser, file: string): Promise<string> {
  await b.page.setInputFiles('#file', file);
  await b.page.waitForSelector('#status[data-state="done"], #status[data-state="error"]');
  return (await b.page.textContent('#status')) ?? '';
}

/** The line the command line prints for a file it cannot read (`kerascope: FILE: line`), the line only. */
async function cliLine(file: string): Promise<string> {
  try {
    await analyze(file);
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error(`${file}: the command line read it`);
}

const engineRequests = (b: Browser) => b.requests.filter((u) => u === `${b.origin}/engine-worker.js`).length;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'kerascope-web-engine-'));
  if (CHROMIUM) bundles = await bundlePage();
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the fixtures are handed to the engine by kerascope\'s own HDF5 reader (else these tests prove nothing)', () => {
  it.each([
    ['the virtual dataset', VIRTUAL_H5, /virtual dataset/],
    ['the looping global heap', LOOP_H5, /global heap collection at \d+: free space of the wrong size/],
  ])('%s', async (_, file, why) => {
    expect((await readNativeJob(hostJob(file))).gaveUp).toMatch(why);
  });
});

const skipped = CHROMIUM ? '' : ' — SKIPPED: no Chromium at /usr/bin/chromium (apt-get install chromium, or set KERASCOPE_CHROMIUM)';

describe.skipIf(!CHROMIUM)(`the HDF5 engine in the page, headless Chromium${skipped}`, () => {
  let b: Browser;

  beforeAll(async () => {
    b = await openSite(CHROMIUM!, site(bundles.worker));
    await b.page.goto(`${b.origin}/`);
    await b.page.waitForSelector('#status[data-state="idle"]');
  });

  afterAll(async () => {
    await b?.close();
  });

  /** The page's `--json` object of what it shows now. */
  async function pageJson(): Promise<unknown> {
    const [saved] = await Promise.all([b.page.waitForEvent('download'), b.page.click('#download-json')]);
    return JSON.parse(readFileSync((await saved.path())!, 'utf8'));
  }

  it.each([
    ['a legacy .h5 with a virtual dataset (the engine opens the picked File)', () => VIRTUAL_H5, false],
    ['a .keras whose STORED model.weights.h5 has one (the engine reads the member in place)', () => virtualKeras(false), true],
    ['a .keras whose DEFLATED model.weights.h5 has one (inflated into a Blob the engine opens)', () => virtualKeras(true), true],
  ])('%s: read by h5wasm in the page\'s worker, the command line\'s report', async (_, make, externalBias) => {
    const file = make();
    const before = engineRequests(b);
    expect(await open(b, file)).toBe(`Read ${basename(file)}: consistent.`);
    const findings = (await b.page.textContent('#findings')) ?? '';
    expect(findings).toContain('h5-virtual-dataset');
    // The store's bias is external (make_h5_external.py: external=[("ext-bias.bin", 0, 8)]): h5wasm
    // does not say so; the worker reads the dataset's header from the mounted Blob itself.
    if (externalBias) expect(findings).toContain('"ext-bias.bin" (8 bytes at offset 0)');
    const cli = await analyze(file);
    expect({ ...(await pageJson() as object), file: null }).toEqual({ ...JSON.parse(JSON.stringify(cli)), file: null });
    // One worker for the page: started by the first of these files, used again by the others.
    expect(engineRequests(b)).toBe(before === 0 ? 1 : before);
  });

  it('a file HDF5 loops on: its deadline ends the worker, one line (the command line\'s), and the next file gets a fresh worker', async () => {
    const before = engineRequests(b);
    expect(before).toBe(1);
    expect(await open(b, LOOP_H5)).toBe(`Cannot read ${basename(LOOP_H5)}: ${await cliLine(LOOP_H5)}`);
    expect(await open(b, VIRTUAL_H5)).toBe(`Read ${basename(VIRTUAL_H5)}: consistent.`);
    expect(engineRequests(b)).toBe(2);
  });

  it('made no request but the page\'s own (the page and its engine worker)', () => {
    expect(b.outside).toEqual([]);
    expect(new Set(b.requests)).toEqual(new Set([`${b.origin}/`, `${b.origin}/engine-worker.js`]));
  });
});

/**
 * A stand-in for engine-worker.js: ready at once, then for a file named `hang…` it never answers;
 * for `abort…` it answers as the real one does after an emscripten abort (one line, and `retire`:
 * its engine is not to be trusted again); for any other it throws (an uncaught error in the worker,
 * as an engine crash gives).
 */
const FAKE_WORKER = `
postMessage({ ready: true });
addEventListener('message', (e) => {
  const { id, job } = e.data;
  if (job.label.startsWith('hang')) return;
  if (job.label.startsWith('abort')) return postMessage({ id, ok: false, unreadable: true, message: 'HDF5 engine failed on this file: Aborted()', retire: true });
  throw new Error('engine crashed');
});`;

describe.skipIf(!CHROMIUM)(`the HDF5 engine's worker failing, headless Chromium${skipped}`, () => {
  const fakes: Browser[] = [];

  afterAll(async () => {
    for (const f of fakes) await f.close();
  });

  async function start(worker: string | null, query = ''): Promise<Browser> {
    const f = await openSite(CHROMIUM!, site(worker));
    fakes.push(f);
    await f.page.goto(`${f.origin}/${query}`);
    await f.page.waitForSelector('#status[data-state="idle"]');
    return f;
  }

  /** VIRTUAL_H5 under another name. */
  function copy(name: string): string {
    const file = join(dir, name);
    writeFileSync(file, readFileSync(VIRTUAL_H5));
    return file;
  }

  it('a worker that never answers, aborts or crashes: one line each, and a fresh worker after each', async () => {
    const f = await start(FAKE_WORKER, '?h5-timeout=1');
    // The deadline of the address (?h5-timeout=1) ends the hung worker.
    expect(await open(f, copy('hang.h5'))).toBe('Cannot read hang.h5: HDF5 engine gave no answer within 1 s: the file is corrupt or hostile');
    expect(engineRequests(f)).toBe(1);
    expect(await open(f, copy('abort.h5'))).toBe('Cannot read abort.h5: HDF5 engine failed on this file: Aborted()');
    expect(engineRequests(f)).toBe(2);
    // The aborted worker was retired: the crashing file gets a fresh one, and one more try after the crash.
    expect(await open(f, copy('crash.h5'))).toMatch(/^Cannot read crash\.h5: HDF5 engine stopped on this file \(.*engine crashed.*\)$/);
    expect(engineRequests(f)).toBe(4);
    expect(f.outside).toEqual([]);
  });

  it('no engine-worker.js beside the page: one line', async () => {
    const f = await start(null);
    expect(await open(f, VIRTUAL_H5)).toBe(
      `Cannot read ${basename(VIRTUAL_H5)}: this HDF5 file needs the HDF5 engine (h5wasm), and its script engine-worker.js failed to load: the command line reads it`,
    );
  });

  it('a page opened from disk (file://) starts no worker: one line; a file the native reader reads is read', async () => {
    const f = await start(null);
    const page = join(dir, 'index.html');
    writeFileSync(page, pageHtml(bundles));
    writeFileSync(join(dir, 'engine-worker.js'), bundles.worker);
    // The helper refuses every URL that is not the site's; file:// is let through here, and checked below.
    await f.page.context().unroute('**/*');
    await f.page.goto(pathToFileURL(page).href);
    await f.page.waitForSelector('#status[data-state="idle"]');
    expect(await open(f, VIRTUAL_H5)).toBe(
      `Cannot read ${basename(VIRTUAL_H5)}: this HDF5 file needs the HDF5 engine (h5wasm), and a page opened from disk cannot start it (serve the page's folder over HTTP instead): the command line reads it`,
    );
    expect(await open(f, join(ROOT, 'fixtures/keras/models/seed_embedding_lstm.h5'))).toBe('Read seed_embedding_lstm.h5: consistent.');
    // The page itself, and the graph's picture (a blob: URL of the page's own).
    expect(f.requests.filter((u) => !u.startsWith(f.origin) && !u.startsWith('blob:'))).toEqual([pathToFileURL(page).href]);
  });
});
