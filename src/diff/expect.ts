// `--expect KEY=VALUE`: the figures the simplest pipelines pin on the command line (issue 13):
//   params=573  trainable=573  non-trainable=0  max-params=10M  layers=6
//   input="(None, 20)"  output="(None, 23)"  (several: "[(None, 20), (None, 3)]")
// Each one the file does not meet is an `expectation-failed` finding (an error: exit 1).
import type { Finding, Report, Shape } from '../types.js';
import { findingOf } from '../findings.js';
import { fmtCount, fmtOutput } from '../layers/util.js';

export const EXPECT_KEYS = ['params', 'trainable', 'non-trainable', 'max-params', 'layers', 'input', 'output'] as const;
export type ExpectKey = (typeof EXPECT_KEYS)[number];

export interface Expectation {
  key: ExpectKey;
  /** A count, or the shapes an input/output must have. */
  value: number | (Shape | null)[];
  /** As written, for messages. */
  text: string;
}

const SUFFIX: Record<string, number> = { k: 1e3, m: 1e6, b: 1e9, g: 1e9 };

/** `573`, `1,024`, `10M`, `2.5k` → a whole count; null when it is not one. */
export function parseCount(text: string): number | null {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([kmbg])?\s*$/i.exec(text.replace(/[,_]/g, ''));
  if (!m) return null;
  const n = Number(m[1]) * (m[2] ? SUFFIX[m[2].toLowerCase()]! : 1);
  return Number.isSafeInteger(n) ? n : null;
}

/** `(None, 20)`, `(None, 20,)`, `[null, 20]`, `[(None, 20), (None, 3)]` → shapes; null when not one. */
export function parseShapes(text: string): (Shape | null)[] | null {
  const t = text.trim().replace(/\bNone\b|\?/g, 'null').replace(/\(/g, '[').replace(/\)/g, ']').replace(/,\s*]/g, ']');
  let v: unknown;
  try {
    v = JSON.parse(t);
  } catch {
    return null;
  }
  const isShape = (x: unknown): x is Shape => Array.isArray(x) && x.every((d) => d === null || (typeof d === 'number' && Number.isInteger(d) && d >= 0));
  if (isShape(v)) return [v];
  if (Array.isArray(v) && v.length > 0 && v.every(isShape)) return v as Shape[];
  return null;
}

/** One `--expect` argument; throws an Error naming what is wrong (the CLI makes it a usage error). */
export function parseExpectation(arg: string): Expectation {
  const eq = arg.indexOf('=');
  const key = (eq < 0 ? arg : arg.slice(0, eq)).trim().toLowerCase();
  const text = eq < 0 ? '' : arg.slice(eq + 1).trim();
  if (!(EXPECT_KEYS as readonly string[]).includes(key)) throw new Error(`--expect ${arg}: unknown key "${key}" (one of ${EXPECT_KEYS.join(', ')})`);
  const k = key as ExpectKey;
  if (k === 'input' || k === 'output') {
    const shapes = parseShapes(text);
    if (!shapes) throw new Error(`--expect ${arg}: not a shape like "(None, 20)"`);
    return { key: k, value: shapes, text };
  }
  const n = parseCount(text);
  if (n === null) throw new Error(`--expect ${arg}: not a count like 573, 1,024 or 10M`);
  return { key: k, value: n, text };
}

function layerCount(r: Report): number {
  const count = (ls: Report['layers']): number => ls.reduce((n, l) => n + 1 + count(l.layers ?? []), 0);
  return count(r.layers);
}

function countOf(r: Report, key: ExpectKey): number {
  if (key === 'trainable') return r.totals.trainableParams;
  if (key === 'non-trainable') return r.totals.nonTrainableParams;
  if (key === 'layers') return layerCount(r);
  return r.totals.params;
}

const shapesText = (s: (Shape | null)[]): string => (s.length === 1 ? fmtOutput(s[0]) : `[${s.map((x) => fmtOutput(x)).join(', ')}]`);

function checkOne(r: Report, e: Expectation): string | null {
  if (e.key === 'input' || e.key === 'output') {
    const actual = (e.key === 'input' ? r.model?.inputs : r.model?.outputs) ?? null;
    if (!actual) return `${e.key}: expected ${shapesText(e.value as Shape[])}, but the file stores no architecture`;
    return JSON.stringify(actual) === JSON.stringify(e.value) ? null : `${e.key}: expected ${shapesText(e.value as Shape[])}, found ${shapesText(actual)}`;
  }
  const n = countOf(r, e.key);
  const want = e.value as number;
  if (e.key === 'max-params') return n <= want ? null : `params: ${fmtCount(n)}, more than max-params=${e.text}`;
  const what = e.key === 'params' ? 'params' : e.key === 'layers' ? 'layers' : `${e.key} params`;
  return n === want ? null : `${what}: expected ${fmtCount(want)}, found ${fmtCount(n)}`;
}

/** One finding per expectation the report does not meet. */
export function expectationFindings(r: Report, expectations: readonly Expectation[]): Finding[] {
  return expectations.flatMap((e) => {
    const why = checkOne(r, e);
    return why ? [findingOf('expectation-failed', null, why)] : [];
  });
}
