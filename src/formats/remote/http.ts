// One HTTP client per remote analysis, on Node's built-in fetch: every request it makes and every
// body byte it receives is counted (the report states both). Real HTTP behaviour, handled here once:
// - redirects followed by hand (a hub redirects a file to its CDN), at most MAX_REDIRECTS, each
//   hop counted; the token (HF_TOKEN) is sent only to the origins it belongs to, never to the host
//   a redirect leads to;
// - a network error, a timeout, 429 and 5xx are tried again after a backoff (Retry-After honoured
//   up to a bound); 401, 403, 404 and the rest end at once;
// - every failure is one line: `HTTP 404 Not Found`, `no answer within 30 s`…
// - a body is read up to a bound given by the caller, then the request is abandoned.
// In a web page (`browser: true`, the page's `?model=URL`) the browser follows redirects itself (a
// page sees a manual redirect only as an opaque answer) and sets User-Agent and Accept-Encoding
// itself (a page may not; Fetch sends `identity` with a Range header): the hops of a redirect are
// then not counted as requests, and the server must allow the page to read it (CORS).
import { UnreadableError } from '../../errors.js';

/** The bounds and read-ahead of remote reads (README.md, Remote files). */
export interface RemoteLimits {
  /** A server that ignores Range sends the whole file: kept up to this size, refused past it. */
  wholeFileCap: number;
  /** Bytes one file may transfer in all (metadata only: a few hundred kB for the largest models). */
  transferCap: number;
  /** Bytes read after each range asked (and at least this much from the start, first). */
  readAhead: number;
  /** Bytes read from each end of the file by the first request. */
  firstRead: number;
  /** Ranges closer than this are merged into one (what a merged range wastes is cheaper than another range). */
  mergeGap: number;
}

export const REMOTE_LIMITS: RemoteLimits = {
  wholeFileCap: 16 * 1024 * 1024,
  transferCap: 64 * 1024 * 1024,
  readAhead: 4 * 1024,
  firstRead: 64 * 1024,
  mergeGap: 16 * 1024,
};

export interface HttpOptions {
  /** Bearer token (HF_TOKEN); null: none. */
  token: string | null;
  /** Origins (`https://huggingface.co`) the token may be sent to. */
  tokenOrigins: readonly string[];
  /** Milliseconds one attempt may take, answer and body together. */
  timeoutMs: number;
  /** Attempts after the first, for what may pass (network errors, timeouts, 429, 5xx). */
  retries: number;
  /** The first wait before trying again, doubled each time. */
  backoffMs: number;
  /** The longest wait a Retry-After may ask for. */
  maxWaitMs: number;
  /** The bounds and read-ahead of each file read through this client. */
  limits: RemoteLimits;
  /** Running in a web page: redirects followed by the browser, no header a page may not set. */
  browser: boolean;
}

/** Defaults, documented in README.md (Remote files). */
export const HTTP_DEFAULTS: Omit<HttpOptions, 'token' | 'tokenOrigins'> = { timeoutMs: 30_000, retries: 3, backoffMs: 500, maxWaitMs: 10_000, limits: REMOTE_LIMITS, browser: false };

export const MAX_REDIRECTS = 5;

/** An answer: its status and headers, the URL that gave it (after redirects), and its body as far as it was read. */
export interface HttpAnswer {
  status: number;
  headers: Headers;
  url: string;
  body: Buffer;
  /** The body was longer than the caller's bound: only `body` (the first bytes) was read. */
  cut: boolean;
}

export interface Request {
  url: string;
  /** What the user named (a hub URL, not the CDN's signed one): errors name it. */
  label: string;
  method?: 'GET' | 'HEAD';
  headers?: Record<string, string>;
  /** Body bytes to read at most; past them the request is abandoned and the answer marked `cut`. */
  maxBody: number;
}

const STATUS_TEXT: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  410: 'Gone',
  416: 'Range Not Satisfiable',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

/** A failure worth another try (the server or the network may do better in a moment). */
class Transient extends Error {
  constructor(
    message: string,
    readonly waitMs: number | null = null,
  ) {
    super(message);
  }
}

/** Errors that mean no connection was made (else one was, and broke: the server closed it early). */
const CONNECT_FAILURES = /^(ECONNREFUSED|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH|ECONNABORTED|UND_ERR_CONNECT_TIMEOUT)$/;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class HttpClient {
  /** Requests sent, redirects and retries included. */
  requests = 0;
  /** Body bytes received. */
  bytes = 0;
  readonly options: HttpOptions;

  constructor(options: Partial<HttpOptions> = {}) {
    this.options = { token: null, tokenOrigins: [], ...HTTP_DEFAULTS, ...options };
  }

  /** The answer to `req`, redirects followed; a status the caller must handle (206, 200, 404…) is returned, never thrown, except after retries. */
  async send(req: Request): Promise<HttpAnswer> {
    const { retries, backoffMs, maxWaitMs } = this.options;
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.follow(req);
      } catch (e) {
        if (!(e instanceof Transient)) throw e;
        if (attempt >= retries) throw new UnreadableError(req.label, `${e.message}${retries ? ` (after ${retries + 1} tries)` : ''}`);
        await sleep(Math.min(e.waitMs ?? backoffMs * 2 ** attempt, maxWaitMs));
      }
    }
  }

  /** One attempt: the request and its redirects. */
  private async follow(req: Request): Promise<HttpAnswer> {
    let url = req.url;
    for (let hop = 0; ; hop++) {
      const a = await this.once(url, req);
      if (![301, 302, 303, 307, 308].includes(a.status)) return a;
      const location = a.headers.get('location');
      if (!location) throw new UnreadableError(req.label, `HTTP ${a.status} redirect without a Location`);
      if (hop >= MAX_REDIRECTS) throw new UnreadableError(req.label, `more than ${MAX_REDIRECTS} redirects`);
      url = new URL(location, url).href;
      if (!/^https?:$/.test(new URL(url).protocol)) throw new UnreadableError(req.label, 'redirected to a URL that is not http(s)');
    }
  }

  /** The headers for `url`: the caller's, and the token only when `url` is one of the token's origins. */
  private headersFor(url: string, req: Request): Record<string, string> {
    const own: Record<string, string> = this.options.browser ? {} : { 'user-agent': 'kerascope', 'accept-encoding': 'identity' };
    const h: Record<string, string> = { ...own, ...req.headers };
    const { token, tokenOrigins } = this.options;
    if (token && tokenOrigins.includes(new URL(url).origin)) h['authorization'] = `Bearer ${token}`;
    return h;
  }

  private async once(url: string, req: Request): Promise<HttpAnswer> {
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), this.options.timeoutMs);
    this.requests++;
    try {
      let res: Response;
      try {
        res = await fetch(url, { method: req.method ?? 'GET', headers: this.headersFor(url, req), redirect: this.options.browser ? 'follow' : 'manual', signal: abort.signal });
      } catch (e) {
        if (abort.signal.aborted) throw this.timedOut();
        const reason = networkReason(e);
        // A page is told no more than "Failed to fetch": no connection, or a server that does not let pages read it.
        if (this.options.browser) throw new Transient(`cannot fetch it from this page: ${reason} (no connection, or the server does not allow pages of other sites to read it: CORS)`);
        throw new Transient(`${CONNECT_FAILURES.test(reason) ? 'cannot connect' : 'connection lost'}: ${reason}`);
      }
      // Where the browser's redirects led: asked directly next time.
      if (this.options.browser && res.url) url = res.url;
      if (res.status === 429 || res.status >= 500) {
        await res.body?.cancel().catch(() => {});
        throw new Transient(statusLine(res.status), retryAfter(res.headers.get('retry-after')));
      }
      if (res.status >= 400 && res.status !== 416) {
        await res.body?.cancel().catch(() => {});
        return { status: res.status, headers: res.headers, url, body: Buffer.alloc(0), cut: false };
      }
      if (res.status >= 300 && res.status < 400) {
        await res.body?.cancel().catch(() => {});
        return { status: res.status, headers: res.headers, url, body: Buffer.alloc(0), cut: false };
      }
      const { body, cut } = await this.readBody(res, req.maxBody, abort);
      return { status: res.status, headers: res.headers, url, body, cut };
    } catch (e) {
      if (abort.signal.aborted && !(e instanceof UnreadableError) && !(e instanceof Transient)) throw this.timedOut();
      throw e;
    } finally {
      clearTimeout(timer);
    }
  }

  private timedOut(): Transient {
    return new Transient(`no answer within ${this.options.timeoutMs / 1000} s`);
  }

  /** The body, at most `max` bytes of it (counted as they come); past that the request is abandoned. */
  private async readBody(res: Response, max: number, abort: AbortController): Promise<{ body: Buffer; cut: boolean }> {
    if (!res.body) return { body: Buffer.alloc(0), cut: false };
    if (Number(res.headers.get('content-length') ?? 0) > max) {
      // Longer than could be kept, said up front: nothing of it is read.
      abort.abort();
      return { body: Buffer.alloc(0), cut: true };
    }
    const chunks: Buffer[] = [];
    let got = 0;
    const reader = res.body.getReader();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return { body: Buffer.concat(chunks, got), cut: false };
        this.bytes += value.length;
        const keep = Math.min(value.length, max - got);
        if (keep > 0) chunks.push(Buffer.from(value.buffer, value.byteOffset, keep));
        got += keep;
        if (keep < value.length) {
          abort.abort();
          return { body: Buffer.concat(chunks, got), cut: true };
        }
      }
    } catch (e) {
      if (abort.signal.aborted) throw this.timedOut();
      throw new Transient(`connection lost: ${networkReason(e)}`);
    } finally {
      reader.releaseLock();
    }
  }
}

/** `HTTP 404 Not Found`. */
export function statusLine(status: number): string {
  const text = STATUS_TEXT[status];
  return `HTTP ${status}${text ? ` ${text}` : ''}`;
}

/** Retry-After in milliseconds (seconds or an HTTP date), or null. */
function retryAfter(v: string | null): number | null {
  if (v === null) return null;
  if (/^\s*\d+\s*$/.test(v)) return Number(v) * 1000;
  const at = Date.parse(v);
  return Number.isNaN(at) ? null : Math.max(0, at - Date.now());
}

/** What undici says went wrong, in a word (`ECONNREFUSED`), never a stack. */
function networkReason(e: unknown): string {
  const cause = (e as { cause?: { code?: string; message?: string } } | null)?.cause;
  return cause?.code ?? cause?.message?.split('\n')[0] ?? (e instanceof Error ? e.message.split('\n')[0]! : String(e));
}
