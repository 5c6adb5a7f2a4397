// `index.html?model=URL` in headless Chromium: the page reads the model a link names through the
// library's remote byte source, by HTTP range requests, from a server on 127.0.0.1 that lets pages
// of other sites read it (CORS). The page must report what the command line reports from the same
// address (the same JSON, the same requests and bytes), the weights of a 100 MB file never
// downloaded, and the browser must reach nothing but the page and that server. Counts, never times.
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keras3Config } from '../bench/configs.js';
import { buildBigKerasZip } from '../fixtures/builder/bigZip.js';
import { writeKeras3WeightsH5 } from '../fixtures/builder/h5.js';
import { sparseWrites } from '../fixtures/builder/sparse.js';
import { analyze } from '../src/analyze.js';
import type { Report } from '../src/types.js';
import { bundlePage, pageHtml } from '../web/build.js';
import { chromiumPath, openSite, type Browser } from './helpers/chromium.js';
import { RangeServer } from './helpers/range-server.js';

const ROOT = resolve(import.meta.dirname, '..');
const CHROMIUM = chromiumPath();
const fx = (p: string) => join(ROOT, 'fixtures', p);

/** Every file below `dir`, by its path inside it. */
function filesOf(dir: string): [string, string][] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .map((p) => [p, join(dir, p)] as [string, string])
    .filter(([, full]) => statSync(full).isFile())
    .map(([_p, full]) => [relative(dir, full), full]);
}

/** The report without what only the place it was read from decides (its name, how it travelled). */
const essence = (r: Report) => ({ ...r, file: null, weightsFile: null, findings: r.findings.filter((f) => f.code !== 'remote-transfer') });

describe.skipIf(!CHROMIUM)(`?model=URL in headless Chromium${CHROMIUM ? '' : ' — SKIPPED: no Chromium at /usr/bin/chromium (apt-get install chromium, or set KERASCOPE_CHROMIUM)'}`, () => {
  const dir = mkdtempSync(join(tmpdir(), 'kerascope-web-address-'));
  const bigKeras = join(dir, 'big.keras');
  const server = new RangeServer({ cors: '*' });
  // A hub-like host that redirects each file to its CDN (the browser follows the redirect itself).
  const cdn = new RangeServer({ cors: '*' });
  const hub = new RangeServer({ cors: '*', hub: { repo: 'keras-io/big', redirectTo: cdn } });
  const closed = new RangeServer(); // no CORS: a page may not read it
  let b: Browser;

  beforeAll(async () => {
    // 24 × Dense(1024): 100 MB of weights, sparse on disk; the metadata lies between them.
    const chain = { units: 1024, layers: 24 };
    await sparseWrites(async () => {
      const weights = join(dir, 'w.h5');
      const names = Array.from({ length: chain.layers }, (_, i) => (i === 0 ? 'dense' : `dense_${i}`));
      await writeKeras3WeightsH5(weights, { groups: names.map((n) => ({ path: `layers/${n}`, name: n, tensors: [[1024, 1024], [1024]] })) });
      await buildBigKerasZip(bigKeras, { config: keras3Config(chain, 'big_keras'), weightsH5: weights });
    });
    for (const s of [server, cdn, hub, closed]) await s.start();
    server.add('models/big.keras', { path: bigKeras });
    for (const [p, file] of filesOf(fx('tfjs/seed-lstm'))) server.add(`tfjs/${p}`, { path: file });
    hub.add('big.keras', { path: bigKeras });
    cdn.add('big.keras', { path: bigKeras });
    closed.add('big.keras', { path: bigKeras });
    const page = await bundlePage();
    const site = new Map([['/index.html', { body: pageHtml(page), type: 'text/html; charset=utf-8' }]]);
    b = await openSite(CHROMIUM!, site, [server.origin, hub.origin, cdn.origin, closed.origin]);
  });

  afterAll(async () => {
    await b?.close();
    for (const s of [server, cdn, hub, closed]) await s.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Opens the page on `?model=url` and waits until it has read it (or said why not). */
  async function openAddress(url: string): Promise<string> {
    await b.page.goto(`${b.origin}/index.html?model=${encodeURIComponent(url)}`);
    await b.page.waitForSelector('#status[data-state="done"], #status[data-state="error"]');
    return (await b.page.textContent('#status')) ?? '';
  }

  /** The page's JSON download: its report, as `--json` gives it. */
  async function pageReport(): Promise<Report> {
    const [saved] = await Promise.all([b.page.waitForEvent('download'), b.page.click('#download-json')]);
    return JSON.parse(readFileSync((await saved.path())!, 'utf8')) as Report;
  }

  /** GET and HEAD requests a server saw (a browser's CORS preflights, OPTIONS, are its own). */
  const fetches = (s: RangeServer) => s.log.filter((l) => l.method !== 'OPTIONS');

  it('a 100 MB .keras: the report of its local copy, read in a few range requests, its weights never downloaded', async () => {
    server.reset();
    const url = server.url('models/big.keras');
    expect(await openAddress(url)).toBe(`Read ${url}: consistent.`);
    expect(await b.page.textContent('#verdict')).toBe('consistent');
    const report = await pageReport();
    expect(report.file).toBe(url);
    expect(essence(report)).toEqual(essence(JSON.parse(JSON.stringify(await analyze(bigKeras))) as Report));
    // Only ranged requests, and what the report says the transfer cost is what the server counted.
    const gets = fetches(server);
    expect(gets.length).toBeGreaterThan(0);
    for (const g of gets) expect(g, JSON.stringify(g)).toMatchObject({ method: 'GET', range: expect.stringMatching(/^bytes=\d/), status: 206 });
    // Several ranges in one Range header are not CORS-safelisted: the browser asked the server first, and it allowed them.
    expect(server.log.filter((l) => l.method === 'OPTIONS').map((l) => l.status)).toEqual([204]);
    expect(gets.some((g) => g.range!.includes(','))).toBe(true);
    const bytes = gets.reduce((n, g) => n + g.bytes, 0);
    expect(bytes).toBeLessThan(1_000_000);
    expect(statSync(bigKeras).size).toBeGreaterThan(100_000_000);
    const transfer = report.findings.find((f) => f.code === 'remote-transfer')!.message;
    expect(transfer).toBe(`read over HTTP: ${gets.length} HTTP request${gets.length === 1 ? '' : 's'}, ${bytes} bytes transferred (the file is ${statSync(bigKeras).size} bytes)`);
    // The command line, from the same address, says the same: the same requests, the same bytes.
    server.reset();
    expect(JSON.parse(JSON.stringify(await analyze(url)))).toEqual(report);
  });

  it('a TensorFlow.js model.json: its shard beside it found by HEAD and read by range requests', async () => {
    server.reset();
    const url = server.url('tfjs/model.json');
    expect(await openAddress(url)).toBe(`Read ${url}: consistent.`);
    const report = await pageReport();
    expect(report.weightsFile).toBe(server.url('tfjs/weights.bin'));
    expect(essence(report)).toEqual(essence(JSON.parse(JSON.stringify(await analyze(fx('tfjs/seed-lstm/model.json')))) as Report));
    expect(fetches(server).some((g) => g.method === 'HEAD')).toBe(true);
    for (const g of fetches(server)) expect(g.method === 'HEAD' || g.range !== null, JSON.stringify(g)).toBe(true);
  });

  it('a redirect to another host (a hub to its CDN) is followed by the browser, the bytes read from the CDN', async () => {
    hub.reset();
    cdn.reset();
    const url = hub.url('keras-io/big/resolve/main/big.keras');
    expect(await openAddress(url)).toBe(`Read ${url}: consistent.`);
    expect(fetches(hub).map((l) => l.status)).toEqual([302]); // after the first, the CDN is asked directly
    expect(fetches(cdn).every((l) => l.status === 206 && l.range !== null)).toBe(true);
  });

  it('a server that does not let pages read it (no CORS): one line that says so', async () => {
    const url = closed.url('big.keras');
    const status = await openAddress(url);
    expect(status).toMatch(new RegExp(`^Cannot read ${url.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: cannot fetch it from this page: .*CORS.*\\(after 4 tries\\)$`));
  });

  it('an address that is no http(s) or hf:// URL: one line', async () => {
    expect(await openAddress('file:///etc/passwd')).toBe('Cannot read file:///etc/passwd: the page opens a model named by an http(s):// or hf:// address only');
  });

  it('reached nothing but the page and the servers it was given', () => {
    expect(b.outside).toEqual([]);
    const allowed = [b.origin, server.origin, hub.origin, cdn.origin, closed.origin];
    expect(b.requests.filter((u) => !allowed.some((o) => u.startsWith(`${o}/`)) && !/^(blob|data):/.test(u))).toEqual([]);
  });
});
