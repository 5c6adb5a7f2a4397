// `kerascope diff --values` (issue 13): the one place kerascope reads weight data. The tensors of
// the two models are paired as `diff` pairs them (layers by name, else by position and class;
// weights by name within a layer), and each pair's bytes are streamed through SHA-256 in 1 MiB
// slices: memory stays at one slice per side whatever the model's size; the cost is reading every
// weight byte of both files once (README, "Weight values"). Values are compared as stored bytes
// (little-endian; a big-endian HDF5 dataset is byte-swapped first), so a float32 tensor equals its
// float32 twin in any format, and a dtype change is a difference (`diff` also names it).
import { createHash } from 'node:crypto';
import { align } from '../diff/align.js';
import type { ValuesSummary } from '../diff/index.js';
import type { LayerReport, Report, WeightReport } from '../types.js';
import { ValueReadError } from './chunked.js';
import { crc32c } from './crc32c.js';
import { openValues, type Run, type TensorBytes, type ValueFile } from './tensors.js';

/** What is drawn on: a terminal stream (the CLI passes stderr only when it is one). */
export interface Progress {
  write(s: string): unknown;
}

const SLICE = 1 << 20;

interface Pair {
  name: string;
  a: WeightReport;
  b: WeightReport;
}

function flatten(layers: readonly LayerReport[], prefix = ''): { name: string; className: string; layer: LayerReport }[] {
  return layers.flatMap((l) => [{ name: prefix + l.name, className: l.className, layer: l }, ...flatten(l.layers ?? [], `${prefix}${l.name}/`)]);
}

/** The tensors both models store, paired as `diff` pairs their layers; and those only one side has. */
export function pairTensors(a: Report, b: Report): { pairs: Pair[]; unpaired: string[] } {
  const la = flatten(a.layers);
  const lb = flatten(b.layers);
  const pairs: Pair[] = [];
  const unpaired: string[] = [];
  for (const [i, j] of align(la, lb)) {
    if (i === null || j === null) continue; // an added or removed layer: `diff` reports it
    const x = la[i]!;
    const y = lb[j]!;
    for (const w of x.layer.weights) {
      const twin = y.layer.weights.find((v) => v.name === w.name);
      if (w.storedPath && twin?.storedPath) pairs.push({ name: `${x.name}/${w.name}`, a: w, b: twin });
      else if (w.storedPath || twin?.storedPath) unpaired.push(`${x.name}/${w.name}`);
    }
  }
  return { pairs, unpaired };
}

export async function compareValues(a: Report, b: Report, progress: Progress | null): Promise<ValuesSummary> {
  const summary: ValuesSummary = { compared: 0, equal: 0, different: 0, notCompared: [], bytesHashed: 0 };
  const { pairs, unpaired } = pairTensors(a, b);
  for (const t of unpaired) summary.notCompared.push({ tensor: t, reason: 'stored in one file only' });
  const fa = await openValues(a);
  const fb = 'why' in fa ? null : await openValues(b).catch((e: unknown) => (fa.close(), Promise.reject(e)));
  try {
    if ('why' in fa || !fb || 'why' in fb) {
      const why = 'why' in fa ? `${a.file}: ${fa.why}` : `${b.file}: ${(fb as { why: string }).why}`;
      for (const p of pairs) summary.notCompared.push({ tensor: p.name, reason: why });
      return summary;
    }
    const bar = progress ? progressBar(progress, pairs.length) : null;
    for (const [k, p] of pairs.entries()) {
      await comparePair(p, [fa, fb], [a.weightsFile ?? a.file, b.weightsFile ?? b.file], summary);
      bar?.(k + 1, summary.bytesHashed);
    }
    if (progress) progress.write('\r\x1b[K');
    return summary;
  } finally {
    if (!('why' in fa)) fa.close();
    if (fb && !('why' in fb)) fb.close();
  }
}

async function comparePair(p: Pair, [fa, fb]: [ValueFile, ValueFile], files: [string, string], summary: ValuesSummary): Promise<void> {
  const x = fa.locate(p.a.storedPath!);
  const y = fb.locate(p.b.storedPath!);
  if ('why' in x || 'why' in y) {
    summary.notCompared.push({ tensor: p.name, reason: 'why' in x ? `A: ${x.why}` : `B: ${(y as { why: string }).why}` });
    return;
  }
  if (x.bytes !== y.bytes) {
    summary.compared++;
    summary.different++; // another size (a dtype change): no need to read
    return;
  }
  let hx: Digest, hy: Digest;
  try {
    hx = await digest(x);
    hy = await digest(y);
  } catch (e) {
    // A chunk found broken while it was read (chunked.ts): this tensor is not compared.
    if (!(e instanceof ValueReadError)) throw e;
    summary.notCompared.push({ tensor: p.name, reason: e.message });
    return;
  }
  summary.compared++;
  summary.bytesHashed += x.bytes + y.bytes;
  // A quantized tfjs tensor's value is its bytes and its scale and min: both must agree.
  const q = (t: TensorBytes) => ('quantization' in t ? t.quantization : undefined);
  if (hx.sha256 === hy.sha256 && q(x) === q(y)) summary.equal++;
  else summary.different++;
  for (const [d, file] of [[hx, files[0]], [hy, files[1]]] as const) {
    if (!d.crc) continue;
    const c = (summary.checksums ??= { verified: 0, failed: [] });
    if (d.crc.stored === d.crc.computed) c.verified++;
    else c.failed.push({ tensor: p.name, file, message: `stored crc32c ${d.crc.stored}, computed ${d.crc.computed} on its bytes (${d.crc.where}): TensorFlow refuses to restore it` });
  }
}

export interface Digest {
  sha256: string;
  /** The checksum the file stores for these bytes, and the one computed on them, when it stores one. */
  crc: { stored: number; computed: number; where: string } | null;
}

/** SHA-256 of a tensor's bytes; a stored crc32c is checked on the same bytes as they stream. */
export async function digest(t: Exclude<TensorBytes, { why: string }>): Promise<Digest> {
  const h = createHash('sha256');
  const stored = 'runs' in t ? t.crc32c : undefined;
  let crc = 0;
  let total = 0;
  // A slice, and a piece (a band of whole rows), is a whole number of elements: a byte swap never splits one.
  for await (const chunk of 'pieces' in t ? t.pieces() : slices(t.runs)) {
    if (stored) crc = crc32c(chunk, crc);
    h.update(t.swap ? swapped(chunk, t.swap) : chunk);
    total += chunk.length;
  }
  if (total !== t.bytes) throw new ValueReadError(`${total} bytes read where ${t.bytes} were expected`);
  return { sha256: h.digest('hex'), crc: stored ? { stored: stored.stored, computed: crc, where: stored.where } : null };
}

/** SHA-256 of a tensor's bytes, read one slice (or one produced piece) at a time. */
export async function hash(t: Exclude<TensorBytes, { why: string }>): Promise<string> {
  return (await digest(t)).sha256;
}

async function* slices(runs: Run[]): AsyncGenerator<Uint8Array> {
  for (const run of runs) for (let at = 0; at < run.length; at += SLICE) yield await run.source.read(run.offset + at, Math.min(SLICE, run.length - at));
}

function swapped(b: Uint8Array, size: number): Uint8Array {
  const out = new Uint8Array(b.length);
  for (let i = 0; i + size <= b.length; i += size) for (let k = 0; k < size; k++) out[i + k] = b[i + size - 1 - k]!;
  return out;
}

/** A one-line bar on a terminal: tensors done, bytes read. */
function progressBar(out: Progress, total: number): (done: number, bytes: number) => void {
  return (done, bytes) => {
    const width = 24;
    const full = Math.round((done / Math.max(total, 1)) * width);
    out.write(`\r\x1b[K[${'#'.repeat(full)}${'.'.repeat(width - full)}] ${done}/${total} tensors, ${(bytes / 1048576).toFixed(1)} MiB read`);
  };
}
