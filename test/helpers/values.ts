// Each stored tensor's SHA-256 as `diff --values` streams it, keyed by its stored path; a tensor
// it would not read fails the test with the reason (test/diff-values*.test.ts).
import { expect } from 'vitest';
import { analyze } from '../../src/analyze.js';
import { hash } from '../../src/values/index.js';
import { openValues, type ValueFile } from '../../src/values/tensors.js';

export async function hashesOf(file: string): Promise<Record<string, string>> {
  const report = await analyze(file);
  const f = (await openValues(report)) as ValueFile;
  expect('why' in f).toBe(false);
  const out: Record<string, string> = {};
  try {
    for (const l of report.layers) {
      for (const w of l.weights) {
        const t = f.locate(w.storedPath!);
        if ('why' in t) throw new Error(`${w.storedPath}: ${t.why}`);
        out[w.storedPath!] = await hash(t);
      }
    }
  } finally {
    f.close();
  }
  return out;
}
