// The supported-layers table is generated from the registry; docs/layers.md must be its exact output.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { layersTable } from '../src/layers/table.js';
import { allRules } from '../src/layers/registry.js';

describe('supported-layers table', () => {
  const table = layersTable();

  it('docs/layers.md equals layersTable() (regenerate: npx tsx scripts/layers-table.ts > docs/layers.md)', () => {
    expect(readFileSync(new URL('../docs/layers.md', import.meta.url), 'utf8')).toBe(table);
  });

  it('names every class the registry answers to, aliases in their class row', () => {
    for (const cls of allRules().flatMap((r) => r.classes)) expect(table, cls).toMatch(new RegExp(`[| ,]${cls}[ ,|]`));
    expect(table).toMatch(/^\| Conv2D \| Convolution2D \| conv \|/m);
    expect(table).toMatch(/^\| MaxPooling2D \| MaxPool2D \| pooling \|/m);
    expect(table).toMatch(/^\| BatchNormalization \| BatchNormalizationV1, BatchNormalizationV2 \| normalization \|/m);
  });

  it('gives each row the rule summary, or the reason an opaque class is not analysed', () => {
    expect(table).toMatch(/^\| Embedding \| {2}\| core \| embeddings \(input_dim, output_dim\)/m);
    expect(table).toMatch(/^\| JaxLayer \| {2}\| legacy \| not analysed: /m);
  });
});
