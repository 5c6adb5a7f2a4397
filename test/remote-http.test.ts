// Remote reads, the HTTP side (src/formats/remote/): Range headers and multipart answers parsed as
// RFC 9110 says, what an argument names, and the client against a server on 127.0.0.1 that counts
// every request and byte and misbehaves on purpose — statuses in one line, retries with their
// count, timeouts, redirects that never carry the token to another host, servers that answer one
// range, one range spanning all, or the whole file. No network beyond 127.0.0.1; nothing timed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UnreadableError } from '../src/errors.js';
import { parseAddress } from '../src/formats/remote/address.js';
import { HttpClient } from '../src/formats/remote/http.js';
import { fitHeaders, RangedSource, REMOTE_LIMITS } from '../src/formats/remote/ranged.js';
import { mergeSpans, multipartBoundary, parseContentRange, parseMultipart, rangeHeader } from '../src/formats/remote/ranges.js';
import { RangeServer, type RangeMode } from './helpers/range-server.js';

const fast = { backoffMs: 1, timeoutMs: 5000 };
/** 1 MiB of bytes that tell their own offset (byte i is i mod 251). */
const FILE = Buffer.from(Array.from({ length: 1 << 20 }, (_, i) => i % 251));
const slice = (o: number, n: number) => FILE.subarray(o, o + n);

async function fails(p: Promise<unknown>): Promise<UnreadableError> {
  const e = await p.then(() => null, (x: unknown) => x);
  expect(e).toBeInstanceOf(UnreadableError);
  expect((e as Error).message).not.toContain('\n');
  return e as UnreadableError;
}

describe('Range and multipart, as RFC 9110 writes them', () => {
  it('writes Range headers and reads Content-Range', () => {
    expect(rangeHeader([{ offset: 0, length: 10 }, { offset: 100, length: 1 }])).toBe('bytes=0-9,100-100');
    expect(parseContentRange('bytes 0-9/1000')).toEqual({ offset: 0, length: 10, total: 1000 });
    expect(parseContentRange('bytes 10-19/*')).toEqual({ offset: 10, length: 10, total: null });
    for (const bad of ['bytes 9-0/10', 'bytes 0-10/10', 'items 0-1/2', '', null]) expect(parseContentRange(bad)).toBeNull();
  });

  it('merges ranges that touch or lie close, and splits a Range header that would grow too long', () => {
    expect(mergeSpans([{ offset: 10, length: 5 }, { offset: 0, length: 5 }, { offset: 5, length: 2 }, { offset: 100, length: 1 }])).toEqual([
      { offset: 0, length: 7 },
      { offset: 10, length: 5 },
      { offset: 100, length: 1 },
    ]);
    expect(mergeSpans([{ offset: 0, length: 5 }, { offset: 20, length: 5 }], 15)).toEqual([{ offset: 0, length: 25 }]);
    const many = Array.from({ length: 2000 }, (_, i) => ({ offset: i * 1e9, length: 4096 }));
    const groups = fitHeaders(many);
    expect(groups.length).toBeGreaterThan(1);
    expect(groups.flat()).toEqual(many);
    for (const g of groups) expect(rangeHeader(g).length).toBeLessThanOrEqual(4000);
  });

  it('reads a multipart/byteranges body, and says what is wrong with a broken one', () => {
    expect(multipartBoundary('multipart/byteranges; boundary=THIS_STRING')).toBe('THIS_STRING');
    expect(multipartBoundary('multipart/byteranges; boundary="a b"')).toBe('a b');
    expect(multipartBoundary('application/octet-stream')).toBeNull();
    const part = (range: string, bytes: string) => `--B\r\nContent-Type: application/octet-stream\r\nContent-Range: bytes ${range}\r\n\r\n${bytes}\r\n`;
    const body = Buffer.from(`preamble\r\n${part('0-3/100', 'abcd')}${part('50-51/100', '\r\n')}--B--\r\n`);
    expect(parseMultipart(body, 'B')).toEqual([
      { offset: 0, bytes: Buffer.from('abcd'), total: 100 },
      { offset: 50, bytes: Buffer.from('\r\n'), total: 100 },
    ]);
    expect(parseMultipart(Buffer.from(`${part('0-99/100', 'abcd')}--B--`), 'B')).toBe('a part shorter than its Content-Range');
    expect(parseMultipart(Buffer.from(`--B\r\nContent-Type: x\r\n\r\nabcd\r\n--B--`), 'B')).toBe('a part without a valid Content-Range');
    expect(parseMultipart(Buffer.from(`${part('0-1/100', 'abcd')}--B--`), 'B')).toBe('a part longer than its Content-Range');
    expect(parseMultipart(Buffer.from(part('0-3/100', 'abcd')), 'B')).toBe('a body that never closes its last part');
  });
});

describe('what an argument names', () => {
  const hub = 'https://huggingface.co';
  it('reads hf:// addresses as huggingface_hub spells them', () => {
    expect(parseAddress('hf://keras-io/mnist', hub)).toEqual({ kind: 'hub', type: 'model', repo: 'keras-io/mnist', revision: 'main', path: '' });
    expect(parseAddress('hf://keras-io/mnist@v1.0/sub/model.h5', hub)).toEqual({ kind: 'hub', type: 'model', repo: 'keras-io/mnist', revision: 'v1.0', path: 'sub/model.h5' });
    expect(parseAddress('hf://owner/repo@refs/pr/3/model.keras', hub)).toMatchObject({ revision: 'refs/pr/3', path: 'model.keras' });
    expect(parseAddress('hf://datasets/owner/repo/x.keras', hub)).toMatchObject({ type: 'dataset', repo: 'owner/repo', path: 'x.keras' });
    expect(parseAddress('hf://owner', hub)).toBe('expected hf://owner/repo[@revision][/path]');
    expect(parseAddress('hf://../repo', hub)).toBe('expected hf://owner/repo[@revision][/path]');
  });

  it('reads a hub URL as the hub file or folder it shows, any other URL as a file', () => {
    expect(parseAddress(`${hub}/owner/repo/resolve/main/model.keras`, hub)).toMatchObject({ kind: 'hub', repo: 'owner/repo', revision: 'main', path: 'model.keras' });
    expect(parseAddress(`${hub}/owner/repo/blob/abc123/a/b.h5`, hub)).toMatchObject({ kind: 'hub', revision: 'abc123', path: 'a/b.h5' });
    expect(parseAddress(`${hub}/owner/repo`, hub)).toMatchObject({ kind: 'hub', path: '' });
    expect(parseAddress('https://example.org/m/model.h5?sig=1', hub)).toMatchObject({ kind: 'url' });
    expect(parseAddress('https://user:pw@example.org/model.h5', hub)).toMatch(/user name or password/);
  });
});

describe('the client against a server that misbehaves', () => {
  const server = new RangeServer();
  const other = new RangeServer();
  beforeAll(async () => {
    await server.start();
    await other.start();
    server.add('f.bin', { bytes: FILE });
    other.add('f.bin', { bytes: FILE });
  });
  afterAll(async () => {
    await server.stop();
    await other.stop();
  });

  const open = (client = new HttpClient(fast), url = server.url('f.bin')) => RangedSource.open(client, url, url);

  it('says 404, 401, 403 and 410 in one line, and tries none of them again', async () => {
    for (const [status, text] of [[404, 'HTTP 404 Not Found'], [401, 'HTTP 401 Unauthorized'], [403, 'HTTP 403 Forbidden'], [410, 'HTTP 410 Gone']] as const) {
      server.reset();
      server.misbehave.push({ status, times: 5 });
      expect((await fails(open())).message).toMatch(new RegExp(`^${text}`));
      expect(server.requests).toBe(1);
      server.misbehave.length = 0;
    }
  });

  it('tries 429 and 503 again after the wait Retry-After asks, and says how many tries it made when they keep failing', async () => {
    server.reset();
    server.misbehave.push({ status: 429, times: 2, retryAfter: '0' });
    const src = await open();
    expect(Buffer.from(await src.read(1000, 10))).toEqual(slice(1000, 10));
    expect(server.log.map((l) => l.status)).toEqual([429, 429, 206]);
    server.reset();
    server.misbehave.push({ status: 503, times: 10 });
    expect((await fails(open(new HttpClient({ ...fast, retries: 2 })))).message).toBe('HTTP 503 Service Unavailable (after 3 tries)');
    expect(server.requests).toBe(3);
    server.misbehave.length = 0;
  });

  it('gives up on a server that does not answer in time, after its retries', async () => {
    const slow = await new RangeServer({ delayMs: 2000 }).start();
    slow.add('f.bin', { bytes: FILE });
    try {
      const client = new HttpClient({ timeoutMs: 100, retries: 1, backoffMs: 1 });
      expect((await fails(RangedSource.open(client, slow.url('f.bin'), 'f.bin'))).message).toBe('no answer within 0.1 s (after 2 tries)');
      expect(client.requests).toBe(2);
    } finally {
      await slow.stop();
    }
  });

  it('says that nothing listens, in one line', async () => {
    const gone = await new RangeServer().start();
    const url = gone.url('f.bin');
    await gone.stop();
    expect((await fails(RangedSource.open(new HttpClient({ ...fast, retries: 0 }), url, url))).message).toBe('cannot connect: ECONNREFUSED');
  });

  it('sends the token only to the origins it belongs to, never to the host a redirect leads to', async () => {
    const hub = await new RangeServer({ hub: { repo: 'o/r', redirectTo: other } }).start();
    hub.add('f.bin', { bytes: FILE });
    try {
      const client = new HttpClient({ ...fast, token: 'hf_secret', tokenOrigins: [hub.origin] });
      const url = `${hub.origin}/o/r/resolve/main/f.bin`;
      const src = await RangedSource.open(client, url, 'hf://o/r/f.bin');
      expect(Buffer.from(await src.read(700_000, 100))).toEqual(slice(700_000, 100));
      expect(hub.log.map((l) => [l.status, l.authorization])).toEqual([[302, 'Bearer hf_secret']]);
      expect(other.log.length).toBeGreaterThan(0);
      for (const l of other.log) expect(l.authorization).toBeNull();
      // The CDN's signed URL is asked again directly: one redirect in all.
      expect(other.log.every((l) => l.url.includes('signature=abc'))).toBe(true);
      expect(client.requests).toBe(hub.requests + other.requests);
    } finally {
      await hub.stop();
      other.reset();
    }
  });

  it.each<[RangeMode, number]>([
    ['multi', 2],
    ['first', 4],
    ['span', 4],
  ])('serves many ranges right from a server that answers them %s (%d requests)', async (mode, requests) => {
    // multi: the first request, then one for the three. first: the first range only, then the two
    // others one by one. span: one range from the first to the last is refused unread (longer than
    // asked), then the ranges one by one, the two lying within 256 kB of each other as one.
    const s = await new RangeServer({ ranges: mode }).start();
    s.add('f.bin', { bytes: FILE });
    try {
      const client = new HttpClient(fast);
      const src = await RangedSource.open(client, s.url('f.bin'), 'f.bin');
      const asked = [100_000, 300_000, 700_000].map((offset) => ({ offset, length: 5000 }));
      const got = await src.readMany(asked);
      got.forEach((b, i) => expect(Buffer.from(b)).toEqual(slice(asked[i]!.offset, 5000)));
      expect(client.requests).toBe(requests);
      expect(s.requests).toBe(requests);
      // Never the file: what a merged range adds is bounded by the read-ahead and the merge gaps.
      expect(client.bytes).toBeLessThan(FILE.length / 2);
    } finally {
      await s.stop();
    }
  });

  it('keeps a small file a server sends whole, and refuses a large one without reading it', async () => {
    const s = await new RangeServer({ ranges: 'ignore' }).start();
    s.add('f.bin', { bytes: FILE });
    const big = Buffer.alloc(REMOTE_LIMITS.wholeFileCap + 1);
    s.add('big.bin', { bytes: big });
    try {
      const client = new HttpClient(fast);
      const src = await RangedSource.open(client, s.url('f.bin'), 'f.bin');
      expect(src.size).toBe(FILE.length);
      expect(Buffer.from(await src.read(900_000, 10))).toEqual(slice(900_000, 10));
      expect(client.requests).toBe(1);
      const before = client.bytes;
      const e = await fails(RangedSource.open(client, s.url('big.bin'), 'big.bin'));
      expect(e.message).toBe(
        `the server ignores Range requests (it sent the whole file, no Accept-Ranges): the file is ${big.length} bytes, and kerascope downloads at most ${REMOTE_LIMITS.wholeFileCap} bytes of a file whole`,
      );
      // Refused by its Content-Length, before its body.
      expect(client.bytes - before).toBeLessThan(256 * 1024);
    } finally {
      await s.stop();
    }
  });

  it('refuses to transfer more than its cap for one file', async () => {
    const client = new HttpClient(fast);
    const src = await RangedSource.open(client, server.url('f.bin'), 'f.bin', { limits: { ...REMOTE_LIMITS, transferCap: 200_000 } });
    expect((await fails(src.read(300_000, 500_000))).message).toMatch(/^reading this file would transfer more than 200000 bytes/);
  });

  it('says a file that changed while it was read, and a range past its end', async () => {
    const s = await new RangeServer().start();
    s.add('f.bin', { bytes: FILE });
    try {
      const src = await RangedSource.open(new HttpClient(fast), s.url('f.bin'), 'f.bin');
      s.add('f.bin', { bytes: FILE.subarray(0, 800_000) });
      expect((await fails(src.read(500_000, 10))).message).toBe(`the file's size changed while it was read (${FILE.length} bytes, then 800000)`);
      await expect(src.read(FILE.length - 5, 10)).rejects.toThrow(RangeError);
    } finally {
      await s.stop();
    }
  });
});

describe('a server that lies about sizes', () => {
  const server = new RangeServer();
  beforeAll(() => server.start());
  afterAll(() => server.stop());

  const read = (path: string, limits?: typeof REMOTE_LIMITS) =>
    RangedSource.open(new HttpClient({ ...fast, retries: 1 }), server.url(path), path, limits ? { limits } : {}).then((src) => src.read(0, 1000).then(() => src.read(900_000, 10)));

  it('claims a file far larger than it is: the bytes past its real end are refused in one line', async () => {
    server.add('huge.bin', { bytes: FILE, lie: { size: 2 ** 50 } });
    server.reset();
    const client = new HttpClient(fast);
    const src = await RangedSource.open(client, server.url('huge.bin'), 'huge.bin');
    expect(src.size).toBe(2 ** 50);
    expect((await fails(src.read(2 ** 50 - 100, 100))).message).toBe(`HTTP 416 Range Not Satisfiable (the file is shorter than ${2 ** 50} bytes)`);
    // What was read is what was asked: never the claimed size.
    expect(client.bytes).toBeLessThan(256 * 1024);
  });

  it('claims a file smaller than the bytes it sends: a Content-Range past its own total is refused', async () => {
    server.add('small.bin', { bytes: FILE, lie: { size: 1000 } });
    expect((await fails(read('small.bin'))).message).toMatch(/^HTTP 206 without a valid Content-Range/);
  });

  it('a listing that gives another size than the server: said, never read past', async () => {
    const hub = await new RangeServer({ hub: { repo: 'o/r' } }).start();
    try {
      hub.add('f.bin', { bytes: FILE });
      const { HubFolder } = await import('../src/formats/remote/folders.js');
      const client = new HttpClient(fast);
      const src = new HubFolder(client, { endpoint: hub.origin, type: 'model', repo: 'o/r', revision: 'main' }).source('f.bin', 3 * FILE.length);
      expect((await fails(src.read(0, 100))).message).toBe(`the file's size changed while it was read (${3 * FILE.length} bytes, then ${FILE.length})`);
    } finally {
      await hub.stop();
    }
  });

  it('promises more bytes than it sends and drops the connection: one line after the retries, no hang', async () => {
    server.add('cut.bin', { bytes: FILE, lie: { cutAfter: 100 } });
    server.reset();
    expect((await fails(read('cut.bin'))).message).toMatch(/^connection lost: .* \(after 2 tries\)$/);
    expect(server.requests).toBe(2);
  });

  it('answers every range with a body that never ends: kept up to the cap, then refused', async () => {
    server.add('endless.bin', { bytes: FILE, lie: { endless: true } });
    server.reset();
    const client = new HttpClient(fast);
    const limits = { ...REMOTE_LIMITS, wholeFileCap: 256 * 1024 };
    const e = await fails(RangedSource.open(client, server.url('endless.bin'), 'endless.bin', { limits }));
    expect(e.message).toBe(
      'the server ignores Range requests (it sent the whole file, no Accept-Ranges): the file is larger than that, and kerascope downloads at most 262144 bytes of a file whole',
    );
    // The body is abandoned at the cap (plus what one network read brings).
    expect(client.bytes).toBeGreaterThanOrEqual(limits.wholeFileCap);
    expect(client.bytes).toBeLessThan(limits.wholeFileCap + 256 * 1024);
    expect(client.requests).toBe(1);
  });
});
