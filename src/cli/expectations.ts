// `--baseline FILE`, `--expect KEY=VALUE`, `--allow KIND` on analyze and check (issue 13): what the
// pipeline expects of a file, checked after its analysis as `baseline-drift` and
// `expectation-failed` findings (errors: exit 1), with the same messages as `kerascope diff`.
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { UsageError } from '../errors.js';
import type { Report } from '../types.js';
import { DRIFT_KINDS, isSnapshot, parseAllow, parseExpectation, withExpectations, type DriftKind, type Expectation, type Snapshot } from '../diff/index.js';

export interface ExpectOptions {
  baseline?: string;
  expect?: string[];
  allow?: string[];
}

export interface Expected {
  baseline?: Snapshot;
  allow: Set<DriftKind>;
  expect: Expectation[];
}

const collect = (v: string, prev: string[] = []) => [...prev, v];

export function allowOption(cmd: Command): Command {
  return cmd.option('--allow <kinds>', `drift that is expected, comma-separated or repeated: ${DRIFT_KINDS.join(', ')}`, collect);
}

export function withExpectOptions(cmd: Command): Command {
  return allowOption(
    cmd
      .option('--baseline <file>', 'a snapshot (kerascope snapshot): drift from it fails the file, with the messages of kerascope diff')
      .option('--expect <key=value>', 'a figure the file must have: params=573, trainable=, non-trainable=, max-params=10M, layers=, input="(None, 20)", output="(None, 23)"', collect),
  );
}

/** Parsed once per run; a bad argument or an unreadable baseline is a usage error (exit 2). */
export function loadExpectations(o: ExpectOptions): Expected {
  let allow: Set<DriftKind>;
  let expect: Expectation[];
  try {
    allow = parseAllow(o.allow ?? []);
    expect = (o.expect ?? []).map(parseExpectation);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  return { allow, expect, ...(o.baseline ? { baseline: readBaseline(o.baseline) } : {}) };
}

function readBaseline(file: string): Snapshot {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    const why = (e as NodeJS.ErrnoException).code ?? 'not JSON';
    throw new UsageError(`--baseline ${file}: cannot read it (${why})`);
  }
  if (!isSnapshot(parsed)) throw new UsageError(`--baseline ${file}: not a kerascope snapshot (write one with kerascope snapshot MODEL > ${file})`);
  return parsed;
}

export const applyExpectations = (r: Report, e: Expected): Report => withExpectations(r, e);
