// Hub scale (issue 13): `check --shard i/N` splits the files among N runs by a hash of each path,
// so every run of a Kubernetes Indexed Job or a CI matrix given the same PATHs takes its own share,
// without a coordinator; `--resume FILE` skips the paths a previous `--jsonl` run already wrote.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { UsageError } from '../errors.js';

/** Shard `index` of `count`, 1-based as Jest's and Playwright's `--shard 1/4`. */
export interface Shard {
  index: number;
  count: number;
}

export function parseShard(text: string): Shard {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  const index = m ? Number(m[1]) : NaN;
  const count = m ? Number(m[2]) : NaN;
  if (!m || count < 1 || index < 1 || index > count) throw new UsageError(`--shard ${text}: expected i/N with 1 ≤ i ≤ N (the 1st of 4 runs: --shard 1/4)`);
  return { index, count };
}

/** The shard a path belongs to (1-based): the first 32 bits of its SHA-1, modulo N. Stable across machines and runs. */
export function shardOf(path: string, count: number): number {
  return (createHash('sha1').update(path).digest().readUInt32BE(0) % count) + 1;
}

export const inShard = (path: string, s: Shard | null): boolean => !s || shardOf(path, s.count) === s.index;

/**
 * The `file` of every complete line of a JSONL file (a line cut short by a killed run is ignored,
 * so that file is checked again). A missing file is an empty set: the first run of a resumable job.
 */
export async function readDone(file: string): Promise<Set<string>> {
  const done = new Set<string>();
  const stream = createReadStream(file, { encoding: 'utf8' });
  const opened = new Promise<boolean>((resolve, reject) => {
    stream.once('open', () => resolve(true));
    stream.once('error', (e: NodeJS.ErrnoException) => (e.code === 'ENOENT' ? resolve(false) : reject(new UsageError(`--resume ${file}: cannot read it (${e.code ?? e.message})`))));
  });
  if (!(await opened)) return done;
  for await (const line of createInterface({ input: stream, crlfDelay: Infinity })) {
    if (!line.trim()) continue;
    try {
      const v = JSON.parse(line) as { file?: unknown };
      if (typeof v.file === 'string') done.add(v.file);
    } catch {
      // the last line of a run that was killed: that file is checked again
    }
  }
  return done;
}
