// A KerasHub backbone's expected tensors against its weights store (`model.weights.h5`, or its
// shards merged). Keras loads a store by path (keras/src/saving/saving_lib.py `_load_state`: each
// layer reads `<its container path>/vars/<i>`), so each expected tensor is looked up at its own
// store path: found with its shape, found with another shape, or not there; a stored tensor
// nothing looks up is extra. When most expected paths are absent the store was laid out by
// another writer (an older keras-hub or Keras naming its sublayers differently): then nothing is
// called missing or extra — the tensors are listed and counted, and the report says why.
import type { Finding, StoredTensor, StoredWeights, WeightReport } from '../types.js';
import type { BackboneLayout, Block, ExpectedTensor, OpaquePart } from '../backbones/types.js';
import { findingOf } from '../findings.js';
import { fmtCount, fmtShape, prod } from '../layers/util.js';

export interface BackboneMatch {
  /** Weight rows of each block, in layout order. */
  rows: WeightReport[][];
  /** Stored tensors under each opaque part's store path, listed and counted. */
  opaque: StoredTensor[][];
  /** Stored tensors no block or opaque part claims, by top container (`layers/dense`). */
  unclaimed: Map<string, StoredTensor[]>;
  /** False when the store does not follow the rule's layout (see above): rows are then the stored tensors. */
  recognised: boolean;
  findings: Finding[];
}

/** At least this share of expected tensors must sit at their own store path for the layout to be the rule's. */
const RECOGNISED_SHARE = 0.5;

const storePath = (t: StoredTensor): string => t.path.replace(/^\/+/, '');
const pathOf = (t: ExpectedTensor): string => `${t.store}/vars/${t.index}`;
/** `layers/gemma_decoder_block_1`: the element of the backbone's `layers` list a path is under. */
const topOf = (path: string): string => path.split('/').slice(0, 2).join('/');

function sameDims(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

function row(t: ExpectedTensor, s: StoredTensor | null, status: WeightReport['status']): WeightReport {
  return { name: t.name, expectedShape: t.shape, storedShape: s?.shape ?? null, storedPath: s?.path ?? null, storedDtype: s?.dtype ?? null, trainable: true, status, why: t.why };
}

/**
 * A stored tensor listed as stored (unverified, or extra when the layout is the rule's). No rule
 * tells whether Keras trains an unverified one: its trainability is unknown, not guessed.
 */
export function storedRow(s: StoredTensor, status: 'unverified' | 'extra', why: string): WeightReport {
  const name = storePath(s).split('/').slice(2).join('/');
  return { name: name || s.name, expectedShape: null, storedShape: s.shape, storedPath: s.path, storedDtype: s.dtype, trainable: false, ...(status === 'unverified' ? { trainableUnknown: true as const } : {}), status, why };
}

export function matchBackbone(className: string, layout: BackboneLayout, weights: StoredWeights): BackboneMatch {
  const stored = new Map<string, StoredTensor>();
  for (const g of weights.groups) for (const t of g.tensors) stored.set(storePath(t), t);
  const expected = layout.blocks.flatMap((b) => b.tensors);
  const found = expected.filter((t) => stored.has(pathOf(t))).length;
  const recognised = expected.length === 0 || found / expected.length >= RECOGNISED_SHARE;
  const claimed = new Set<string>();
  const opaque = layout.opaque.map((part) => claimUnder(part, stored, claimed));
  const findings: Finding[] = [];
  const rows = layout.blocks.map((b) => (recognised ? matchBlock(b, stored, claimed, findings) : []));
  const unclaimed = new Map<string, StoredTensor[]>();
  for (const [path, t] of stored) {
    if (claimed.has(path)) continue;
    const top = topOf(path);
    unclaimed.set(top, [...(unclaimed.get(top) ?? []), t]);
  }
  if (recognised) {
    // Extras go into the row of the block whose container holds them, else stand on their own.
    const blockOf = new Map(layout.blocks.flatMap((b, i) => b.tensors.map((t) => [topOf(t.store), i] as const)));
    for (const [top, ts] of unclaimed) {
      const i = blockOf.get(top);
      for (const t of ts) findings.push(findingOf('weight-extra', i === undefined ? null : layout.blocks[i]!.name, `${storePath(t)}: stored tensor ${fmtShape(t.shape)} that no layer of ${className} owns`));
      if (i === undefined) continue;
      rows[i]!.push(...ts.map((t) => storedRow(t, 'extra', `not owned by ${layout.blocks[i]!.className}`)));
      unclaimed.delete(top);
    }
  } else {
    findings.push(unrecognised(className, layout, weights, found, expected.length));
  }
  return { rows, opaque, unclaimed, recognised, findings };
}

function claimUnder(part: OpaquePart, stored: Map<string, StoredTensor>, claimed: Set<string>): StoredTensor[] {
  const out: StoredTensor[] = [];
  for (const [path, t] of stored) {
    if (path === part.store || path.startsWith(`${part.store}/`)) {
      claimed.add(path);
      out.push(t);
    }
  }
  return out;
}

function matchBlock(b: Block, stored: Map<string, StoredTensor>, claimed: Set<string>, findings: Finding[]): WeightReport[] {
  return b.tensors.map((t) => {
    const s = stored.get(pathOf(t)) ?? null;
    const where = `${b.name}/${t.name}`;
    if (!s) {
      findings.push(findingOf('weight-missing', b.name, `${where}: expected ${fmtShape(t.shape)} from ${t.why} at ${pathOf(t)}, not stored${t.note ? ` (${t.note})` : ''}`));
      return row(t, null, 'missing');
    }
    claimed.add(pathOf(t));
    if (sameDims(s.shape, t.shape)) return row(t, s, 'ok');
    findings.push(findingOf('weight-shape-mismatch', b.name, `${where}: expected ${fmtShape(t.shape)} from ${t.why}, stored ${fmtShape(s.shape)}${t.note ? ` (${t.note})` : ''}`));
    return row(t, s, 'shape-mismatch');
  });
}

/** Why nothing was called missing: the store follows another layout. Says whether the shapes still agree. */
function unrecognised(className: string, layout: BackboneLayout, weights: StoredWeights, found: number, total: number): Finding {
  const key = (s: readonly number[]): string => s.join('×');
  const want = layout.blocks.flatMap((b) => b.tensors.map((t) => key(t.shape))).sort();
  const opaqueStores = layout.opaque.map((p) => p.store);
  const have = weights.groups
    .flatMap((g) => g.tensors)
    .filter((t) => !opaqueStores.some((p) => storePath(t).startsWith(`${p}/`)))
    .map((t) => key(t.shape))
    .sort();
  const same = want.length === have.length && want.every((s, i) => s === have[i]);
  const count = (list: string[]): number => list.reduce((n, s) => n + prod(s.split('×').filter(Boolean).map(Number)), 0);
  const shapes = same
    ? `the stored shapes are exactly the ${fmtCount(total)} the constructor arguments give, under other paths`
    : `the stored tensors (${fmtCount(have.length)}, ${fmtCount(count(have))} parameters) are not the ${fmtCount(total)} the constructor arguments give (${fmtCount(count(want))} parameters)`;
  return findingOf(
    'backbone-layout-unrecognised',
    null,
    `only ${fmtCount(found)} of ${fmtCount(total)} tensors ${className} builds are at the store paths keras-hub 0.32 writes: the weights store was laid out by another writer (an older keras-hub or Keras); ${shapes}. Tensors are listed and counted, not verified one by one`,
  );
}
