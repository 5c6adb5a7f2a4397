// Headless Chromium for tests (Debian's `chromium` package; .ci/run installs it), driven by
// playwright-core, and the built page served from memory on 127.0.0.1. Every request the browser
// makes is recorded, and any that is not for the page's own assets is refused and reported: the
// page promises that nothing leaves the machine.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

/** Where Chromium is, or null: KERASCOPE_CHROMIUM, else Debian's /usr/bin/chromium. */
export function chromiumPath(): string | null {
  const p = process.env['KERASCOPE_CHROMIUM'] || '/usr/bin/chromium';
  return existsSync(p) ? p : null;
}

/**
 * The flags this closed network needs: without the background-networking ones Chromium's own
 * connections (component updates, sync, QUIC probes) are refused and slow it down; the test would
 * also count them as requests the page did not make.
 */
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** Files served at `/name`. */
export type Site = ReadonlyMap<string, { body: string | Buffer; type: string }>;

export interface Browser {
  page: Page;
  origin: string;
  /** Every URL the browser asked for that is neither the site's nor an allowed origin's (refused). */
  outside: string[];
  /** Every URL the browser asked for. */
  requests: string[];
  close(): Promise<void>;
}

function serve(site: Site): Promise<Server> {
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    const file = site.get(path === '/' ? '/index.html' : path);
    if (!file) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': file.type, 'cache-control': 'no-store' }).end(file.body);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

/**
 * Starts Chromium (a fresh profile in TMPDIR) on the served site; `close` ends both and removes the
 * profile. Every request is intercepted, and any not for the site is refused.
 *
 * `allow`: origins on 127.0.0.1 besides the site's that the page may reach (a test's model server).
 * Then nothing is intercepted — Playwright answers a CORS preflight itself when it intercepts, and
 * the servers' own CORS answers are what is tested — and Chromium resolves no host name at all
 * (`--host-resolver-rules`, 127.0.0.1 excepted): a request anywhere else fails, and is listed in `outside`.
 */
export async function openSite(executablePath: string, site: Site, allow: readonly string[] = []): Promise<Browser> {
  const server = await serve(site);
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const profile = mkdtempSync(join(tmpdir(), 'chromium-profile-'));
  let context: BrowserContext;
  try {
    const args = allow.length ? [...FLAGS, '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1'] : FLAGS;
    context = await chromium.launchPersistentContext(profile, { executablePath, headless: true, args, acceptDownloads: true });
  } catch (e) {
    server.close();
    rmSync(profile, { recursive: true, force: true });
    throw e;
  }
  const outside: string[] = [];
  const requests: string[] = [];
  const ours = (url: string) => [origin, ...allow].some((o) => url.startsWith(`${o}/`)) || /^(blob|data):/.test(url);
  context.on('request', (r) => {
    requests.push(r.url());
    if (allow.length && !ours(r.url())) outside.push(r.url());
  });
  if (!allow.length)
    await context.route('**/*', (route) => {
      const url = route.request().url();
      if (url.startsWith(`${origin}/`)) return route.continue();
      outside.push(url);
      return route.abort('blockedbyclient');
    });
  const page = context.pages()[0] ?? (await context.newPage());
  // Safety nets only (the suite's own is 5 minutes): a test waits for page state, never for time.
  page.setDefaultTimeout(240_000);
  return {
    page,
    origin,
    outside,
    requests,
    async close() {
      await context.close();
      await new Promise((r) => server.close(r));
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
