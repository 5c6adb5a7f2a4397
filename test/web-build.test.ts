// The page's build (web/build.ts) and the library's browser side, in Node: nothing of Node in the
// page's bundle, each `.browser.ts` twin keeping its Node module's exports, the bundle's size
// bounded, and the browser byte sources and inflater giving the command line's own report.
import { readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyze, analyzeSource } from '../src/analyze.js';
import { BlobSource, BrowserFolder } from '../src/formats/browser.js';
import { readPlace } from '../src/formats/dispatch.js';
import { InflateBudget } from '../src/formats/keras-zip/budget.js';
import * as nodeInflate from '../src/formats/keras-zip/inflate.js';
import * as browserInflate from '../src/formats/keras-zip/inflate.browser.js';
import { MemorySource } from '../src/formats/source.js';
import { deflateRawSync } from 'node:zlib';
import { bundlePage, TWINS } from '../web/build.js';
import { deflatedCopy } from './helpers/deflate.js';

const ROOT = resolve(import.meta.dirname, '..');
const SEED = join(ROOT, 'fixtures/keras/models/seed_embedding_lstm.keras');

describe('the page bundle', async () => {
  const page = await bundlePage();

  it('reaches no Node built-in: the library runs in the page as it is, its Node parts replaced by their twins', () => {
    const builtins = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);
    const node = page.inputs.filter((f) => f.startsWith('node:') || builtins.has(f));
    expect(node).toEqual([]);
    for (const twin of TWINS) {
      expect(page.inputs).toContain(twin.replace(/\.ts$/, '.browser.ts'));
      expect(page.inputs).not.toContain(twin);
    }
    // yauzl's built-ins are the stand-ins of web/shims/, and the page does run the library.
    expect(page.inputs).toContain('web/shims/stream.ts');
    expect(page.inputs).toContain('src/formats/dispatch.ts');
    expect(page.inputs).toContain('src/analyze-source.ts');
  });

  it('the HDF5 engine\'s worker is h5wasm\'s browser build and run-job.ts, with nothing of Node', () => {
    const builtins = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);
    expect(page.workerInputs.filter((f) => f.startsWith('node:') || builtins.has(f))).toEqual([]);
    expect(page.workerInputs).toContain('node_modules/h5wasm/dist/esm/hdf5_util.js');
    expect(page.workerInputs).toContain('src/formats/hdf5/run-job.ts');
    // The Node engine (h5wasm/node, its worker thread) stays out of it; the page itself never loads h5wasm.
    for (const node of ['src/formats/hdf5/engine.ts', 'src/formats/hdf5/worker.ts', 'src/formats/hdf5/client.ts']) expect(page.workerInputs).not.toContain(node);
    expect(page.inputs.filter((f) => f.includes('h5wasm'))).toEqual([]);
  });

  it('keeps each twin\'s exports those of its Node module', async () => {
    for (const twin of TWINS) {
      const node = Object.keys(await import(join(ROOT, twin))).sort();
      const browser = Object.keys(await import(join(ROOT, twin.replace(/\.ts$/, '.browser.ts')))).sort();
      // The Node inflater also writes a temporary file for tests; the page never does.
      expect(browser.filter((k) => !node.includes(k)), twin).toEqual([]);
      expect(node.filter((k) => !browser.includes(k) && k !== 'inflateToFile'), twin).toEqual([]);
    }
  });

  it('stays small: the page script under 600 kB minified (README states its size)', () => {
    expect(Buffer.byteLength(page.js)).toBeLessThan(600 * 1024);
  });
});

describe('the browser byte sources, in Node', () => {
  const blob = (file: string) => new Blob([readFileSync(file)]);

  it.each([
    ['read whole at open', undefined],
    ['read by slices (a file past the whole-read size)', 0],
  ])('a .keras as a picked File, %s, gives the command line\'s report', async (_, whole) => {
    const src = await BlobSource.open(blob(SEED), 'seed.keras', whole);
    expect(src.readNow === undefined).toBe(whole === 0);
    src.close();
    class Folder extends BrowserFolder {
      protected override openFile(file: Blob, name: string) {
        return BlobSource.open(file, name, whole);
      }
    }
    const report = analyzeSource(await readPlace({ folder: new Folder('', [['seed.keras', blob(SEED)]]), entry: 'seed.keras' }));
    const cli = await analyze(SEED);
    expect({ ...report, file: null }).toEqual({ ...cli, file: null });
    expect(report.file).toBe('seed.keras');
  });

  it('a picked folder is named by its top folder, its files by their paths inside it', async () => {
    const dir = join(ROOT, 'fixtures/tfjs/seed-lstm');
    const folder = BrowserFolder.fromPaths(['model.json', 'weights.bin'].map((f) => [`seed-lstm/${f}`, blob(join(dir, f))] as const));
    expect(folder.name).toBe('seed-lstm');
    expect(await folder.list()).toEqual({ entries: [{ path: 'model.json', size: statSync(join(dir, 'model.json')).size, notFile: null, outside: null }, expect.objectContaining({ path: 'weights.bin' })], truncated: false });
    const source = await readPlace({ folder, entry: 'model.json' });
    expect(source.weights?.groups.length).toBeGreaterThan(0);
    expect(analyzeSource(source).verdict).toBe('consistent');
  });

  it('a DEFLATED .keras inflates through the browser\'s DecompressionStream into a Blob, report unchanged', async () => {
    const bytes = await deflatedCopy(SEED);
    const folder = new BrowserFolder('', [['deflated.keras', new Blob([new Uint8Array(bytes)])]]);
    const report = analyzeSource(await readPlace({ folder, entry: 'deflated.keras' }));
    const cli = await analyze(SEED);
    expect(report.totals).toEqual(cli.totals);
    expect(report.verdict).toBe('consistent');
    expect(report.findings.map((f) => f.code)).toContain('weights-inflated');
  });
});

describe('the browser inflater against zlib', () => {
  const data = Buffer.from(Array.from({ length: 3 << 20 }, (_, i) => (i * 7919) % 251));
  const raw = deflateRawSync(data);
  const job = (declared: number, budget = new InflateBudget()) => ({ source: new MemorySource(raw, 'a.keras'), start: 0, length: raw.length, member: 'x.h5', file: 'a.keras', declared, budget });

  it('inflates the same bytes', async () => {
    expect(Buffer.compare(await browserInflate.inflateToMemory(job(data.length)), await nodeInflate.inflateToMemory(job(data.length)))).toBe(0);
    const src = await browserInflate.inflatedSource(job(data.length), 'a.keras:x.h5');
    expect(src.size).toBe(data.length);
    expect(Buffer.compare(Buffer.from(await src.read(1 << 20, 1000)), data.subarray(1 << 20, (1 << 20) + 1000))).toBe(0);
  });

  it('stops where the member\'s declared size or the archive\'s budget ends, as zlib\'s does', async () => {
    await expect(browserInflate.inflateToMemory(job(1000))).rejects.toThrow('zip member x.h5 inflates past its declared 1000 bytes');
    const budget = new InflateBudget(1 << 20);
    await expect(browserInflate.inflateToMemory(job(data.length, budget))).rejects.toThrow(`the ${1 << 20} bytes kerascope inflates from one archive`);
    expect(budget.used).toBeLessThanOrEqual(1 << 20);
  });
});
