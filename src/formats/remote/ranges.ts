// Byte ranges as HTTP speaks them (RFC 9110 §14): the `Range` header a request asks with, the
// `Content-Range` an answer names its bytes by, and the `multipart/byteranges` body that answers a
// request for several ranges at once. Pure functions: no network here.

/** `length` bytes at `offset`. */
export interface Span {
  offset: number;
  length: number;
}

/** `bytes=a-b,c-d` for the spans (inclusive ends, as HTTP counts). */
export function rangeHeader(spans: readonly Span[]): string {
  return `bytes=${spans.map((s) => `${s.offset}-${s.offset + s.length - 1}`).join(',')}`;
}

/** `Content-Range: bytes a-b/total` (total may be `*`). Null when the header says something else. */
export function parseContentRange(value: string | null): { offset: number; length: number; total: number | null } | null {
  const m = /^\s*bytes\s+(\d+)-(\d+)\/(\d+|\*)\s*$/i.exec(value ?? '');
  if (!m) return null;
  const first = Number(m[1]);
  const last = Number(m[2]);
  const total = m[3] === '*' ? null : Number(m[3]);
  if (!Number.isSafeInteger(first) || !Number.isSafeInteger(last) || last < first || (total !== null && (!Number.isSafeInteger(total) || last >= total))) return null;
  return { offset: first, length: last - first + 1, total };
}

/** `Content-Range: bytes * /total`, sent with 416 (the range starts past the end): the total, or null. */
export function unsatisfiedTotal(value: string | null): number | null {
  const m = /^\s*bytes\s+\*\/(\d+)\s*$/i.exec(value ?? '');
  return m ? Number(m[1]) : null;
}

/**
 * Spans sorted, and merged where they touch or lie less than `gap` bytes apart (one request may
 * then carry fewer, larger ranges: servers refuse or collapse many small ones).
 */
export function mergeSpans(spans: readonly Span[], gap = 0): Span[] {
  const sorted = spans.filter((s) => s.length > 0).sort((a, b) => a.offset - b.offset);
  const out: Span[] = [];
  for (const s of sorted) {
    const last = out[out.length - 1];
    if (last && s.offset <= last.offset + last.length + gap) last.length = Math.max(last.length, s.offset + s.length - last.offset);
    else out.push({ offset: s.offset, length: s.length });
  }
  return out;
}

/** The boundary of a `multipart/byteranges` content type, or null when the body is not one. */
export function multipartBoundary(contentType: string | null): string | null {
  if (!/^\s*multipart\/byteranges\b/i.test(contentType ?? '')) return null;
  const m = /;\s*boundary\s*=\s*(?:"([^"]+)"|([^;\s]+))/i.exec(contentType!);
  return m ? (m[1] ?? m[2]!) : null;
}

/** One part of a multipart/byteranges body: the bytes and where they sit in the file. */
export interface Part {
  offset: number;
  bytes: Uint8Array;
  total: number | null;
}

const CRLF = Buffer.from('\r\n');

/**
 * The parts of a `multipart/byteranges` body (RFC 9110 §14.6): `--boundary`, headers, a blank
 * line, exactly the bytes its Content-Range names, and so on until `--boundary--`. A part without
 * a Content-Range, or whose bytes run past the body, ends the parsing with an error message.
 */
export function parseMultipart(body: Buffer, boundary: string): Part[] | string {
  const dash = Buffer.from(`--${boundary}`);
  const parts: Part[] = [];
  let at = body.indexOf(dash);
  while (at >= 0) {
    at += dash.length;
    if (body[at] === 0x2d && body[at + 1] === 0x2d) return parts; // --boundary--: the end
    const headEnd = body.indexOf('\r\n\r\n', at);
    if (headEnd < 0) return 'a part without the blank line that ends its headers';
    const headers = body.subarray(at, headEnd).toString('latin1');
    const range = parseContentRange(/^content-range:\s*(.*)$/im.exec(headers)?.[1] ?? null);
    if (!range) return 'a part without a valid Content-Range';
    const start = headEnd + 4;
    if (start + range.length > body.length) return 'a part shorter than its Content-Range';
    parts.push({ offset: range.offset, bytes: body.subarray(start, start + range.length), total: range.total });
    // The delimiter follows the bytes at once: CRLF --boundary.
    const next = start + range.length;
    if (next + CRLF.length + dash.length > body.length) return 'a body that never closes its last part';
    if (!body.subarray(next, next + CRLF.length).equals(CRLF) || !body.subarray(next + CRLF.length, next + CRLF.length + dash.length).equals(dash))
      return 'a part longer than its Content-Range';
    at = next + CRLF.length;
  }
  return 'no part';
}
