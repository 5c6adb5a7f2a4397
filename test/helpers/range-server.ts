// An HTTP server on 127.0.0.1 for the remote tests and the bench: it serves files (from memory or
// from disk, read by position: a 4 GB sparse file is served the bytes asked for), answers Range
// requests as a chosen kind of server does, counts every request and body byte, and misbehaves on
// purpose when told to. It can also play the Hugging Face hub: its tree API and `/resolve/`,
// redirecting to a second server that plays the CDN.
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * How the server answers a Range header: `multi` as RFC 9110 says (several ranges in a
 * multipart/byteranges body), `first` only the first range asked, `span` one range from the
 * first asked byte to the last, `ignore` the whole file (200, and no Accept-Ranges).
 */
export type RangeMode = 'multi' | 'first' | 'span' | 'ignore';

export interface ServedFile {
  /** Bytes in memory, or a path on disk read by position. */
  bytes?: Uint8Array;
  path?: string;
  /** Lies this file is served with (a broken or hostile server). */
  lie?: Lie;
}

/** What a lying server says or does about one file. */
export interface Lie {
  /** The size it claims: in Content-Range totals, a 200's Content-Length and the hub listing. */
  size?: number;
  /** Body bytes sent before the connection is dropped, whatever Content-Length promised. */
  cutAfter?: number;
  /** Answers every GET with 200, no Content-Length, and a body that never ends. */
  endless?: boolean;
}

export interface Logged {
  method: string;
  url: string;
  range: string | null;
  authorization: string | null;
  status: number;
  bytes: number;
}

export interface Misbehaviour {
  /** Paths (prefix) the misbehaviour applies to; all when absent. */
  path?: string;
  /** Answer this status instead, for the next `times` requests (then behave). */
  status: number;
  times: number;
  retryAfter?: string;
}

export interface ServerOptions {
  ranges?: RangeMode;
  /** Milliseconds to wait before answering each request (a slow server). */
  delayMs?: number;
  /** Play the hub: `/api/models/<repo>/tree/<rev>` lists the files, `/<repo>/resolve/<rev>/<path>` serves them. */
  hub?: { repo: string; revision?: string; redirectTo?: RangeServer; pageSize?: number };
  /** Requests that must carry `Authorization: Bearer <token>` (the hub's private repository). */
  requireToken?: string;
  /**
   * Let pages of this origin read the files (CORS, as a static host that allows it): every answer
   * says Access-Control-Allow-Origin and exposes Content-Range; an OPTIONS preflight (a multi-range
   * Range header is not CORS-safelisted) allows GET and HEAD with a Range header.
   */
  cors?: string;
}

/** The answer headers a page may read beyond the CORS-safelisted ones (Content-Length, Content-Type). */
const EXPOSED = 'Content-Range, Content-Length, Accept-Ranges';

export class RangeServer {
  readonly log: Logged[] = [];
  readonly misbehave: Misbehaviour[] = [];
  private readonly files = new Map<string, ServedFile>();
  private server: Server | null = null;
  origin = '';

  constructor(public options: ServerOptions = {}) {}

  /** Serves `file` at `/path` (for the hub: `path` inside the repository). */
  add(path: string, file: ServedFile): this {
    this.files.set(path.replace(/^\//, ''), file);
    return this;
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    this.origin = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
  }

  get requests(): number {
    return this.log.length;
  }

  get bytes(): number {
    return this.log.reduce((n, l) => n + l.bytes, 0);
  }

  reset(): void {
    this.log.length = 0;
  }

  url(path: string): string {
    return `${this.origin}/${path.replace(/^\//, '')}`;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const entry: Logged = { method: req.method ?? 'GET', url: req.url ?? '/', range: req.headers.range ?? null, authorization: req.headers.authorization ?? null, status: 0, bytes: 0 };
    this.log.push(entry);
    const cors = this.options.cors;
    if (cors) {
      res.setHeader('access-control-allow-origin', cors);
      res.setHeader('access-control-expose-headers', EXPOSED);
      res.setHeader('vary', 'Origin');
    }
    const send = (status: number, headers: Record<string, string | number>, body?: Uint8Array) => {
      entry.status = status;
      res.writeHead(status, headers);
      if (body && req.method !== 'HEAD') {
        entry.bytes += body.length;
        res.end(body);
      } else res.end();
    };
    if (this.options.delayMs) await new Promise((r) => setTimeout(r, this.options.delayMs));
    if (res.destroyed) return;
    if (cors && req.method === 'OPTIONS') return send(204, { 'access-control-allow-methods': 'GET, HEAD', 'access-control-allow-headers': 'Range', 'access-control-max-age': '600' });
    const path = decodeURIComponent(new URL(entry.url, 'http://x').pathname.slice(1));
    const bad = this.misbehave.find((m) => m.times > 0 && (!m.path || path.startsWith(m.path)));
    if (bad) {
      bad.times--;
      return send(bad.status, bad.retryAfter ? { 'retry-after': bad.retryAfter } : {}, Buffer.from(`status ${bad.status}`));
    }
    if (this.options.requireToken && entry.authorization !== `Bearer ${this.options.requireToken}`) return send(401, {}, Buffer.from('{"error":"Invalid credentials"}'));
    const hub = this.options.hub;
    if (hub) {
      const rev = hub.revision ?? 'main';
      const tree = `api/models/${hub.repo}/tree/${rev}`;
      if (path === tree) return this.listing(req, send);
      const resolve = `${hub.repo}/resolve/${rev}/`;
      if (!path.startsWith(resolve)) return send(404, {}, Buffer.from('Repository not found'));
      const inRepo = path.slice(resolve.length);
      if (hub.redirectTo) {
        if (!this.files.has(inRepo)) return send(404, {}, Buffer.from('Entry not found'));
        return send(302, { location: hub.redirectTo.url(`cdn/${inRepo}`) + '?signature=abc' });
      }
      return this.serve(req, inRepo, send, res);
    }
    return this.serve(req, path.replace(/^cdn\//, ''), send, res);
  }

  private listing(req: IncomingMessage, send: (s: number, h: Record<string, string | number>, b?: Uint8Array) => void): void {
    const all = [...this.files.entries()].map(([path, f]) => ({ type: 'file', path, size: f.lie?.size ?? this.sizeOf(f), oid: 'x' }));
    const dirs = new Set(all.flatMap((e) => e.path.split('/').slice(0, -1).map((_, i, parts) => parts.slice(0, i + 1).join('/'))));
    const entries = [...[...dirs].map((path) => ({ type: 'directory', path, size: 0, oid: 'd' })), ...all];
    const page = this.options.hub!.pageSize ?? 1000;
    const cursor = Number(new URL(req.url!, 'http://x').searchParams.get('cursor') ?? 0);
    const next: Record<string, string> = cursor + page < entries.length ? { link: `<${this.origin}${req.url!.replace(/&cursor=\d+/, '')}&cursor=${cursor + page}>; rel="next"` } : {};
    send(200, { 'content-type': 'application/json', ...next }, Buffer.from(JSON.stringify(entries.slice(cursor, cursor + page))));
  }

  private sizeOf(f: ServedFile): number {
    if (f.bytes) return f.bytes.length;
    const fd = openSync(f.path!, 'r');
    try {
      return fstatSync(fd).size;
    } finally {
      closeSync(fd);
    }
  }

  private read(f: ServedFile, offset: number, length: number): Uint8Array {
    if (f.bytes) return f.bytes.subarray(offset, offset + length);
    const fd = openSync(f.path!, 'r');
    try {
      const b = Buffer.alloc(length);
      readSync(fd, b, 0, length, offset);
      return b;
    } finally {
      closeSync(fd);
    }
  }

  private serve(req: IncomingMessage, path: string, send: (s: number, h: Record<string, string | number>, b?: Uint8Array) => void, res: ServerResponse): void {
    const f = this.files.get(path);
    if (!f) return send(404, {}, Buffer.from('not found'));
    const size = this.sizeOf(f);
    // What the server says the size is (a liar's figure), and what it serves (the real bytes).
    const told = f.lie?.size ?? size;
    const mode = this.options.ranges ?? 'multi';
    const accept: Record<string, string> = mode === 'ignore' ? {} : { 'accept-ranges': 'bytes' };
    if (f.lie?.endless) return this.endless(req, res);
    const asked = parseRanges(req.headers.range, size);
    if (mode === 'ignore' || asked === null) {
      // The whole file: streamed in pieces, so a client that stops reading stops the transfer.
      return this.stream(f, 200, 0, size, accept, req, res, told);
    }
    if (asked.length === 0) return send(416, { 'content-range': `bytes */${told}` });
    let spans = asked;
    if (mode === 'first') spans = [asked[0]!];
    if (mode === 'span') spans = [{ start: Math.min(...asked.map((a) => a.start)), end: Math.max(...asked.map((a) => a.end)) }];
    if (spans.length === 1) {
      const s = spans[0]!;
      return this.stream(f, 206, s.start, s.end - s.start + 1, { ...accept, 'content-range': `bytes ${s.start}-${s.end}/${told}` }, req, res);
    }
    const boundary = 'KERASCOPE_TEST_BOUNDARY';
    const parts: Buffer[] = [];
    for (const s of spans) {
      parts.push(Buffer.from(`\r\n--${boundary}\r\ncontent-type: application/octet-stream\r\ncontent-range: bytes ${s.start}-${s.end}/${told}\r\n\r\n`));
      parts.push(Buffer.from(this.read(f, s.start, s.end - s.start + 1)));
    }
    parts.push(Buffer.from(`\r\n--${boundary}--\r\n`));
    const body = Buffer.concat(parts);
    send(206, { ...accept, 'content-type': `multipart/byteranges; boundary=${boundary}`, 'content-length': body.length }, body);
  }

  /**
   * `length` bytes at `start`, streamed in pieces: a client that stops reading stops the transfer.
   * `told`: the Content-Length said for the whole file (a liar's); a file's `cutAfter` drops the
   * connection after that many bytes.
   */
  private stream(f: ServedFile, status: number, start: number, length: number, headers: Record<string, string>, req: IncomingMessage, res: ServerResponse, told = length): void {
    const entry = this.log[this.log.length - 1]!;
    entry.status = status;
    res.writeHead(status, { ...headers, 'content-length': told });
    if (req.method === 'HEAD') return void res.end();
    let at = 0;
    const stop = Math.min(length, f.lie?.cutAfter ?? length);
    const pump = () => {
      while (at < stop && !res.destroyed) {
        const n = Math.min(64 * 1024, stop - at);
        const chunk = this.read(f, start + at, n);
        at += n;
        entry.bytes += n;
        if (!res.write(chunk)) return void res.once('drain', pump);
      }
      if (res.destroyed) return;
      if (stop < length) res.destroy();
      else res.end();
    };
    res.on('close', () => (at = length));
    pump();
  }

  /** 200, no Content-Length, zeros until the client stops reading. */
  private endless(req: IncomingMessage, res: ServerResponse): void {
    const entry = this.log[this.log.length - 1]!;
    entry.status = 200;
    res.writeHead(200, { 'content-type': 'application/octet-stream' });
    if (req.method === 'HEAD') return void res.end();
    const chunk = Buffer.alloc(64 * 1024);
    let open = true;
    res.on('close', () => (open = false));
    const pump = () => {
      while (open && !res.destroyed) {
        entry.bytes += chunk.length;
        if (!res.write(chunk)) return void res.once('drain', pump);
      }
    };
    pump();
  }
}

/** `bytes=a-b,c-,-n` as inclusive spans inside `size`; null without a (valid) Range header; [] when none is satisfiable. */
function parseRanges(header: string | undefined, size: number): { start: number; end: number }[] | null {
  const m = /^bytes=(.+)$/.exec(header ?? '');
  if (!m) return null;
  const out: { start: number; end: number }[] = [];
  for (const part of m[1]!.split(',')) {
    const r = /^\s*(\d*)-(\d*)\s*$/.exec(part);
    if (!r) return null;
    if (r[1] === '') {
      const n = Number(r[2]);
      if (n > 0) out.push({ start: Math.max(0, size - n), end: size - 1 });
    } else {
      const start = Number(r[1]);
      const end = r[2] === '' ? size - 1 : Math.min(Number(r[2]), size - 1);
      if (start < size && start <= end) out.push({ start, end });
    }
  }
  return out;
}
