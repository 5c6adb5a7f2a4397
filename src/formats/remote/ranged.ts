// A file on an HTTP server as a byte source, read by range requests: the readers get the few kB
// of metadata they ask for, the weights are never downloaded.
//
// Fewer requests, by three means. Reads asked in the same turn (a reader's `readMany`, or reads
// started together) go out as one request. Each range asked is widened to READ_AHEAD bytes after it
// (HDF5 writers put a group's header, B-tree, heap and symbol nodes side by side; a zip's local
// headers sit before their members), and the first request takes the file's first bytes (and, for
// an archive, its last: the zip directory) whatever was asked. Several ranges go out in ONE request
// (`Range: bytes=a-b,c-d`, answered `multipart/byteranges`); a server that answers only one range,
// or the whole file, is noted, and the ranges then go out merged where they lie close, in as
// few requests as that allows.
//
// Bounds: a server that ignores Range sends the whole file, which is kept only up to
// WHOLE_FILE_CAP and refused past it; no file transfers more than TRANSFER_CAP in all (a DEFLATED
// weights member would have to be downloaded whole to be inflated: refused, never fetched).
import { UnreadableError } from '../../errors.js';
import { BaseSource, type LocalBytes, type ReadNow } from '../source.js';
import { statusLine, type HttpAnswer, type HttpClient, type RemoteLimits } from './http.js';
import { mergeSpans, multipartBoundary, parseContentRange, parseMultipart, rangeHeader, unsatisfiedTotal, type Span } from './ranges.js';

export { REMOTE_LIMITS, type RemoteLimits } from './http.js';

/** Without multi-range answers, ranges this close are fetched as one (one request for a few hundred kB more). */
const FALLBACK_GAP = 256 * 1024;
/**
 * A Range header longer than this is split over several requests: servers cap a request's headers
 * (nginx 8 kB, Node 16 kB in all), and a 2,000-layer file's frontier can hold thousands of ranges.
 */
const MAX_RANGE_HEADER = 4000;
const BLOCK = 4096;
/** A read this short is a probe (a signature looked for), not a structure being read: no read-ahead. */
const PROBE = 64;
/** Rounds of requests one batch of reads may take (a server answering less than it was asked). */
const MAX_ROUNDS = 4;

interface Pending {
  offset: number;
  length: number;
  resolve: (b: Uint8Array) => void;
  reject: (e: unknown) => void;
}

export class RangedSource extends BaseSource {
  /** Requests made for this file (redirects included) and body bytes received, for the report. */
  requests = 0;
  transferred = 0;
  /** The server answers several ranges in one multipart body: unknown until it is asked. */
  private multipart: boolean | null = null;
  private readonly blocks = new Map<number, Buffer>();
  private queue: Pending[] = [];
  private draining = false;
  private first = true;

  /**
   * `url`: where the bytes are (after the first redirect, where it led: a CDN's signed URL is asked
   * again without the hop); `name` names it in messages; `size` as the listing or the first answer said.
   */
  private constructor(
    private readonly client: HttpClient,
    private url: string,
    name: string,
    size: number,
    private readonly limits: RemoteLimits,
    /** The first request also reads the file's end (a zip archive's directory). */
    private readonly tail: boolean,
  ) {
    super(name, size);
  }

  /** A file whose size is known (a hub listing said it): nothing is requested before the first read. */
  static sized(client: HttpClient, url: string, name: string, size: number, opts: { tail?: boolean; limits?: RemoteLimits } = {}): RangedSource {
    return new RangedSource(client, url, name, size, opts.limits ?? client.options.limits, opts.tail ?? false);
  }

  /** A file of unknown size: the first request reads its first bytes and learns its size. */
  static async open(client: HttpClient, url: string, name: string, opts: { tail?: boolean; limits?: RemoteLimits } = {}): Promise<RangedSource> {
    const limits = opts.limits ?? client.options.limits;
    const src = new RangedSource(client, url, name, 0, limits, opts.tail ?? false);
    const a = await src.ask([{ offset: 0, length: limits.firstRead }]);
    let size: number;
    if (a.status === 206) {
      const range = parseContentRange(a.headers.get('content-range'));
      if (!range && !multipartBoundary(a.headers.get('content-type'))) throw new UnreadableError(name, `HTTP 206 without a valid Content-Range (${JSON.stringify((a.headers.get('content-range') ?? '').slice(0, 80))})`);
      size = range?.total ?? -1;
    }
    else if (a.status === 200) size = a.cut ? -1 : a.body.length;
    else if (a.status === 416) size = unsatisfiedTotal(a.headers.get('content-range')) ?? -1;
    else throw src.failed(a);
    if (a.status === 200 && a.cut) throw src.ignoresRange(a);
    if (size < 0) throw new UnreadableError(name, 'the server does not say how large the file is (no Content-Range total)');
    (src as { size: number }).size = size;
    src.store(a, [{ offset: 0, length: Math.min(limits.firstRead, size) }]);
    return src;
  }

  protected fetchNow(): ReadNow | null {
    return null;
  }

  get local(): LocalBytes | undefined {
    return undefined;
  }

  close(): void {
    this.blocks.clear();
  }

  override get transferLeft(): number {
    return Math.max(0, this.limits.transferCap - this.transferred);
  }

  /** What is already here is handed over at once (read-ahead filled it), counted as read. */
  override get readCached(): (offset: number, length: number) => Uint8Array | null {
    return (offset, length) => {
      const b = this.cached(offset, length);
      if (b) this.bytesRead += length;
      return b;
    };
  }

  protected override fetch(offset: number, length: number): Promise<Uint8Array> {
    const hit = this.cached(offset, length);
    if (hit) return Promise.resolve(hit);
    return new Promise((resolve, reject) => {
      this.queue.push({ offset, length, resolve, reject });
      if (!this.draining) {
        this.draining = true;
        // Reads started in this turn go out together.
        queueMicrotask(() => void this.drain());
      }
    });
  }

  private async drain(): Promise<void> {
    for (;;) {
      const batch = this.queue;
      this.queue = [];
      if (batch.length === 0) {
        this.draining = false;
        return;
      }
      try {
        await this.load(batch);
        for (const r of batch) r.resolve(this.cached(r.offset, r.length) ?? this.lost(r));
      } catch (e) {
        for (const r of batch) r.reject(e);
      }
    }
  }

  private lost(r: Span): never {
    throw new UnreadableError(this.name, `the server did not send bytes ${r.offset}-${r.offset + r.length - 1}`);
  }

  // ---------------------------------------------------------------- what to ask for

  /** Fetches what `spans` need that is not here: widened, merged, in as few requests as the server allows. */
  private async load(spans: readonly Span[]): Promise<void> {
    for (let round = 0; round < MAX_ROUNDS; round++) {
      const missing = spans.filter((s) => this.gaps(s).length);
      if (missing.length === 0) return;
      const want = mergeSpans(this.widen(missing), this.limits.mergeGap);
      this.first = false;
      if (want.length > 1 && this.multipart !== false) await Promise.all(fitHeaders(want).map((group) => this.askMany(group)));
      else await Promise.all(mergeSpans(want, this.multipart === false ? FALLBACK_GAP : 0).map((s) => this.askOne(s)));
    }
    if (spans.some((s) => this.gaps(s).length)) throw new UnreadableError(this.name, `the server keeps answering less than it is asked for (${MAX_ROUNDS} rounds)`);
  }

  /**
   * Reads widened to what to ask for: whole blocks, READ_AHEAD after each (not after a probe of a
   * few bytes: a signature looked for), both ends of the file on the first request; minus what is here.
   */
  private widen(missing: Span[]): Span[] {
    const out = missing.map((s) => this.blockSpan(s.offset, s.length + (s.length <= PROBE ? 0 : this.limits.readAhead)));
    if (this.first) {
      out.push(this.blockSpan(0, this.limits.firstRead));
      if (this.tail) out.push(this.blockSpan(Math.max(0, this.size - this.limits.firstRead), this.limits.firstRead));
    }
    return out.flatMap((s) => this.gaps(s));
  }

  /** `[offset, offset + length)` grown to whole blocks, inside the file. */
  private blockSpan(offset: number, length: number): Span {
    const start = Math.floor(offset / BLOCK) * BLOCK;
    const end = Math.min(this.size, Math.ceil((offset + length) / BLOCK) * BLOCK);
    return { offset: start, length: Math.max(0, end - start) };
  }

  /** The whole blocks of `s` not here yet, as spans. */
  private gaps(s: Span): Span[] {
    const out: Span[] = [];
    if (s.length <= 0) return out;
    for (let i = Math.floor(s.offset / BLOCK); i <= Math.floor((s.offset + s.length - 1) / BLOCK); i++) {
      if (this.blocks.has(i)) continue;
      const last = out[out.length - 1];
      if (last && last.offset + last.length === i * BLOCK) last.length += this.blockLength(i);
      else out.push({ offset: i * BLOCK, length: this.blockLength(i) });
    }
    return out;
  }

  private blockLength(i: number): number {
    return Math.min(BLOCK, this.size - i * BLOCK);
  }

  // ---------------------------------------------------------------- asking

  /** Several ranges in one request; what the server does with them decides how the next are asked. */
  private async askMany(want: Span[]): Promise<void> {
    const a = await this.ask(want, false);
    if (a.status === 206 && multipartBoundary(a.headers.get('content-type'))) this.multipart = true;
    else if (a.status === 206 || a.status === 200) this.multipart = false; // one range only, one range spanning all, or the whole file
    // Longer than asked (the whole file, or one range spanning all those asked): left unread, and
    // the ranges asked again without multi-range.
    if (a.cut && (a.status === 200 || a.status === 206)) return;
    this.accept(a, want);
  }

  private async askOne(s: Span): Promise<void> {
    const a = await this.ask([s]);
    if (a.status === 200 && a.cut) throw this.ignoresRange(a);
    this.accept(a, [s]);
  }

  /**
   * One request for `spans`. `whole`: a server ignoring Range may send the whole file, kept when
   * it is small enough; else an answer longer than asked (a multi-range request answered whole)
   * is abandoned at once.
   */
  private async ask(spans: Span[], whole = true): Promise<HttpAnswer> {
    const asked = spans.reduce((n, s) => n + s.length, 0);
    if (this.transferred + asked > this.limits.transferCap) throw this.overCap(asked);
    const before = { r: this.client.requests, b: this.client.bytes };
    // Multipart headers add a little to what was asked.
    const maxBody = whole ? Math.max(asked + 64 * 1024, this.limits.wholeFileCap) : asked + 64 * 1024;
    try {
      const a = await this.client.send({ url: this.url, label: this.name, headers: { range: rangeHeader(spans) }, maxBody });
      if (a.url !== this.url && a.status < 300) this.url = a.url; // the CDN a redirect led to, asked directly next time
      return a;
    } finally {
      this.requests += this.client.requests - before.r;
      this.transferred += this.client.bytes - before.b;
    }
  }

  /** Keeps what a 206 or 200 answer holds; anything else is the one line that ends the read. */
  private accept(a: HttpAnswer, asked: Span[]): void {
    if (a.status !== 200 && a.status !== 206) throw this.failed(a);
    this.store(a, asked);
  }

  private store(a: HttpAnswer, asked: Span[]): void {
    if (a.status === 200) return this.keep(0, a.body, this.size || a.body.length);
    if (a.status !== 206) return;
    const boundary = multipartBoundary(a.headers.get('content-type'));
    if (boundary) {
      const parts = parseMultipart(a.body, boundary);
      if (typeof parts === 'string') throw new UnreadableError(this.name, `the server's multipart/byteranges answer is broken: ${parts}`);
      for (const p of parts) this.keep(p.offset, p.bytes, p.total);
      return;
    }
    const range = parseContentRange(a.headers.get('content-range'));
    if (!range) throw new UnreadableError(this.name, `HTTP 206 without a valid Content-Range (asked ${rangeHeader(asked)})`);
    if (a.body.length < range.length) throw new UnreadableError(this.name, `HTTP 206 answer cut short (${a.body.length} of ${range.length} bytes)`);
    this.keep(range.offset, a.body.subarray(0, range.length), range.total);
  }

  /** Keeps the whole blocks of `bytes` (at `offset`), and the file's last block even when short. */
  private keep(offset: number, bytes: Uint8Array, total: number | null): void {
    if (total !== null && this.size && total !== this.size) throw new UnreadableError(this.name, `the file's size changed while it was read (${this.size} bytes, then ${total})`);
    const end = offset + bytes.length;
    for (let i = Math.ceil(offset / BLOCK); i * BLOCK < end; i++) {
      const len = this.blockLength(i);
      const at = i * BLOCK - offset;
      if (len <= 0 || at + len > bytes.length) break;
      if (!this.blocks.has(i)) this.blocks.set(i, Buffer.from(bytes.subarray(at, at + len)));
    }
  }

  /** The bytes at hand for `[offset, offset + length)`, or null. */
  private cached(offset: number, length: number): Uint8Array | null {
    if (length === 0) return new Uint8Array(0);
    const first = Math.floor(offset / BLOCK);
    const last = Math.floor((offset + length - 1) / BLOCK);
    for (let i = first; i <= last; i++) if (!this.blocks.has(i)) return null;
    if (first === last) return this.blocks.get(first)!.subarray(offset - first * BLOCK, offset - first * BLOCK + length);
    const out = Buffer.allocUnsafe(length);
    for (let i = first, done = 0; i <= last; i++) {
      const b = this.blocks.get(i)!;
      const from = i === first ? offset - first * BLOCK : 0;
      done += b.copy(out, done, from, Math.min(b.length, from + length - done));
    }
    return out;
  }

  // ---------------------------------------------------------------- the lines that end a read

  failed(a: HttpAnswer): UnreadableError {
    const hint =
      a.status === 401 ? (this.client.options.token ? ' (the token was refused)' : ' (a private or gated file: set HF_TOKEN)')
      : a.status === 403 ? ' (not allowed: a gated repository needs its terms accepted, and HF_TOKEN)'
      : a.status === 416 ? ` (the file is shorter than ${this.size} bytes)`
      : '';
    return new UnreadableError(this.name, `${statusLine(a.status)}${hint}`);
  }

  private ignoresRange(a: HttpAnswer): UnreadableError {
    const len = Number(a.headers.get('content-length') ?? NaN);
    const size = Number.isFinite(len) ? `${len} bytes` : 'larger than that';
    const ranges = a.headers.get('accept-ranges') ? '' : ', no Accept-Ranges';
    return new UnreadableError(
      this.name,
      `the server ignores Range requests (it sent the whole file${ranges}): the file is ${size}, and kerascope downloads at most ${this.limits.wholeFileCap} bytes of a file whole`,
    );
  }

  private overCap(asked: number): UnreadableError {
    return new UnreadableError(
      this.name,
      `reading this file would transfer more than ${this.limits.transferCap} bytes (${this.transferred} so far, ${asked} more asked): kerascope reads metadata only, and a DEFLATED weights member must be downloaded whole to be inflated`,
    );
  }
}

/** Ranges in groups whose Range header fits MAX_RANGE_HEADER, in file order. */
export function fitHeaders(spans: Span[]): Span[][] {
  const groups: Span[][] = [[]];
  let length = 'bytes='.length;
  for (const s of spans) {
    const add = `${s.offset}-${s.offset + s.length - 1},`.length;
    if (groups[groups.length - 1]!.length && length + add > MAX_RANGE_HEADER) {
      groups.push([]);
      length = 'bytes='.length;
    }
    groups[groups.length - 1]!.push(s);
    length += add;
  }
  return groups;
}
