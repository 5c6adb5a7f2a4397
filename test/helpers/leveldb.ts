// Builds LevelDB-format tables by hand (LevelDB doc/table_format.md, TensorFlow's copy in
// xla/tsl/lib/io/table_builder.cc, block_builder.cc): the layout TensorFlow's variables.index
// uses. TensorFlow's writer never compresses a TensorBundle, so a Snappy block only exists when
// built here (with snappyjs, the decoder kerascope uses — its compressor writes standard Snappy).
import { compress } from 'snappyjs';

export interface Entry {
  key: Uint8Array | string;
  value: Uint8Array;
}

const bytes = (k: Uint8Array | string): Uint8Array => (typeof k === 'string' ? new TextEncoder().encode(k) : k);

export function varint(n: number): number[] {
  const out: number[] = [];
  while (n >= 0x80) {
    out.push((n % 0x80) | 0x80);
    n = Math.floor(n / 0x80);
  }
  out.push(n);
  return out;
}

function u32(n: number): number[] {
  return [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, (n >>> 24) & 0xff];
}

/** One block: entries with keys sharing prefixes with the previous key, a restart every `interval` entries. */
export function block(entries: readonly Entry[], interval = 16): Uint8Array {
  const out: number[] = [];
  const restarts: number[] = [];
  let prev: Uint8Array = new Uint8Array(0);
  entries.forEach((e, i) => {
    const key = bytes(e.key);
    let shared = 0;
    if (i % interval === 0) restarts.push(out.length);
    else while (shared < prev.length && shared < key.length && prev[shared] === key[shared]) shared++;
    out.push(...varint(shared), ...varint(key.length - shared), ...varint(e.value.length), ...key.subarray(shared), ...e.value);
    prev = key;
  });
  if (restarts.length === 0) restarts.push(0);
  for (const r of restarts) out.push(...u32(r));
  out.push(...u32(restarts.length));
  return Uint8Array.from(out);
}

export interface TableOptions {
  /** Entries per data block. */
  perBlock?: number;
  /** Snappy-compress the data blocks. */
  snappy?: boolean;
  restartInterval?: number;
}

/** A whole table: data blocks, an empty metaindex block, the index block, the footer. */
export function table(entries: readonly Entry[], opts: TableOptions = {}): Uint8Array {
  const out: number[] = [];
  const handles: Entry[] = [];
  const put = (contents: Uint8Array, snappy: boolean): number[] => {
    const stored = snappy ? compress(contents) : contents;
    const handle = [...varint(out.length), ...varint(stored.length)];
    // Trailer: compression type, then a masked crc32c the reader does not check (zeros here).
    out.push(...stored, snappy ? 1 : 0, 0, 0, 0, 0);
    return handle;
  };
  const per = opts.perBlock ?? 1000;
  for (let i = 0; i < entries.length; i += per) {
    const chunk = entries.slice(i, i + per);
    const handle = put(block(chunk, opts.restartInterval), opts.snappy ?? false);
    handles.push({ key: chunk.at(-1)!.key, value: Uint8Array.from(handle) });
  }
  const meta = put(block([]), false);
  const index = put(block(handles, 1), false);
  const footer = [...meta, ...index];
  while (footer.length < 40) footer.push(0);
  footer.push(0x57, 0xfb, 0x80, 0x8b, 0x24, 0x75, 0x47, 0xdb);
  out.push(...footer);
  return Uint8Array.from(out);
}
