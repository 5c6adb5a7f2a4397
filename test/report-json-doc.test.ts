// docs/json.md documents the --json object field by field: every field a real report has must be
// documented there, and every documented field of the report object must be present.
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { run } from './cli-harness.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const doc = readFileSync(join(root, 'docs', 'json.md'), 'utf8');

/** Field names of the table under a heading: "| `name` | type | meaning |" rows. */
function documented(heading: string): { all: string[]; optional: string[] } {
  const start = doc.indexOf(`\n## ${heading}\n`) >= 0 ? doc.indexOf(`\n## ${heading}\n`) : doc.indexOf(`\n### ${heading}\n`);
  expect(start, heading).toBeGreaterThan(0);
  const section = doc.slice(start + 1).split(/\n##/)[0]!;
  // The type cell may hold escaped bars: `string \| null`.
  const rows = [...section.matchAll(/^\| `(\w+)` \| ((?:\\\||[^|])+) \|/gm)];
  return { all: rows.map((m) => m[1]!), optional: rows.filter((m) => m[2]!.includes('optional')).map((m) => m[1]!) };
}

function checkKeys(obj: object, heading: string): void {
  const { all, optional } = documented(heading);
  expect(Object.keys(obj).filter((k) => !all.includes(k)), `undocumented in "${heading}"`).toEqual([]);
  expect(all.filter((k) => !optional.includes(k) && !(k in obj)), `missing from the report ("${heading}")`).toEqual([]);
}

describe('docs/json.md', () => {
  it('documents every field of a real report, and the report has every documented field', async () => {
    const r = await run([join(root, 'fixtures', 'seed', 'lstm.json'), '--json']);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    checkKeys(report, 'The report');
    checkKeys(report.totals, '`totals`');
    checkKeys(report.compute, '`compute`');
    for (const layer of report.layers) {
      checkKeys(layer, '`layers[]`');
      checkKeys(layer.compute, '`layers[].compute`');
      for (const w of layer.weights) checkKeys(w, '`layers[].weights[]`');
    }
  });

  it('documents the finding fields', () => {
    expect(documented('`findings[]`').all).toEqual(['severity', 'code', 'category', 'layer', 'message']);
  });
});
