// tf.keras 2.12–2.15 `.keras` weights stores (issue 9, defects 2 and 3): the committed fixtures of
// fixtures/tf-keras/ (laid out from tf.keras's own saving code, see its README) are read as those
// versions' loaders read them: every layer paired with the group its own walk wrote.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { analyze } from '../src/index.js';
import type { LayerReport, Report } from '../src/types.js';
import { writeKeras3WeightsH5 } from '../fixtures/builder/h5.js';
import { WINDOWS_CONV1D, windowsGroups } from '../fixtures/tf-keras/cases.js';
import { CORPUS, hasCorpus } from './helpers/zoo.js';

const fixture = (name: string): string => join(import.meta.dirname, '..', 'fixtures', 'tf-keras', name);

/** layer name → the store paths its weight rows were paired with. */
function pairedPaths(r: Report): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  const walk = (ls: LayerReport[]): void => {
    for (const l of ls) {
      if (l.weights.length) out[l.name] = l.weights.map((w) => w.storedPath ?? '(none)');
      if (l.layers) walk(l.layers);
    }
  };
  walk(r.layers);
  return out;
}

const errors = (r: Report): string[] => r.findings.filter((f) => f.severity === 'error').map((f) => f.message);

describe('tf.keras 2.13: _layer_checkpoint_dependencies numbered per entry', () => {
  it('pairs the k-th Conv2D with conv2d_{2k}, the weightless layers in between numbered once', async () => {
    const r = await analyze(fixture('tfk-2.13-functional-decoder.keras'));
    expect(errors(r)).toEqual([]);
    expect(r.verdict).toBe('consistent');
    const at = (g: string, n: number): string[] => Array.from({ length: n }, (_, i) => `_layer_checkpoint_dependencies/${g}/vars/${i}`);
    expect(pairedPaths(r)).toEqual({
      conv2d: at('conv2d', 2),
      conv2d_1: at('conv2d_2', 2),
      batch_normalization: at('batch_normalization', 4),
      conv2d_2: at('conv2d_4', 2),
      conv2d_3: at('conv2d_6', 2),
    });
    expect(r.totals.storedParams).toBe(1598);
  });

  it('warns that only tf.keras 2.12–2.13 load it: Keras 3.15.1 load_weights refused conv2d_1, conv2d_2, conv2d_3', async () => {
    const r = await analyze(fixture('tfk-2.13-functional-decoder.keras'));
    const w = r.findings.filter((f) => f.code === 'store-numbered-twice');
    expect(w).toHaveLength(1);
    expect(w[0]!.severity).toBe('warning');
    expect(w[0]!.message).toMatch(/find no weights for conv2d_1, conv2d_2, conv2d_3$/);
  });
});

describe('tf.keras 2.14: _layer_checkpoint_dependencies, each layer numbered once', () => {
  it('pairs the k-th Conv2D with conv2d_k', async () => {
    const r = await analyze(fixture('tfk-2.14-functional-decoder.keras'));
    expect(errors(r)).toEqual([]);
    expect(r.verdict).toBe('consistent');
    const paths = pairedPaths(r);
    expect(paths['conv2d_1']).toEqual(['_layer_checkpoint_dependencies/conv2d_1/vars/0', '_layer_checkpoint_dependencies/conv2d_1/vars/1']);
    expect(paths['conv2d_3']).toEqual(['_layer_checkpoint_dependencies/conv2d_3/vars/0', '_layer_checkpoint_dependencies/conv2d_3/vars/1']);
    // Keras 3.15.1 load_weights reads this file into the same model without complaint.
    expect(r.findings.filter((f) => f.code === 'store-numbered-twice')).toEqual([]);
  });
});

describe('tf.keras 2.15 on Windows: group names joined with \\, compiled metrics saved', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kerascope-windows-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const codes = (r: Report) => r.findings.map((f) => f.code);

  it('pairs every layer through the \\ paths, keeps the metric state out of the count, says it was written on Windows', async () => {
    const r = await analyze(fixture('tfk-2.15-windows-conv1d.keras'));
    expect(errors(r)).toEqual([]);
    expect(r.verdict).toBe('consistent');
    expect(pairedPaths(r)).toEqual({ conv1d: ['layers\\conv1d/vars/0', 'layers\\conv1d/vars/1'], dense: ['layers\\dense/vars/0', 'layers\\dense/vars/1'] });
    expect(r.totals.storedParams).toBe(201);
    expect(r.totals.optimizerParams).toBe(403);
    expect(codes(r)).toEqual(expect.arrayContaining(['store-windows-paths', 'store-metrics']));
    expect(r.findings.find((f) => f.code === 'store-metrics')!.message).toContain('4 tensors, 4 values');
  });

  it('a standalone Windows .weights.h5 with its architecture', async () => {
    const h5 = join(dir, 'model.weights.h5');
    await writeKeras3WeightsH5(h5, { groups: windowsGroups() });
    const arch = join(dir, 'arch.json');
    writeFileSync(arch, JSON.stringify(WINDOWS_CONV1D.config));
    const r = await analyze(arch, { weights: h5 });
    expect(errors(r)).toEqual([]);
    expect(r.verdict).toBe('consistent');
    expect(codes(r)).toContain('store-windows-paths');
  });

  it.runIf(hasCorpus)('the real tf.keras 2.14 archive saved on Windows (corpus keras-zip-k2-14-vae-subclassed): read as / and said so', async () => {
    const r = await analyze(join(CORPUS, 'keras-zip-k2-14-vae-subclassed', 'model.keras'));
    expect(codes(r)).toContain('store-windows-paths');
    expect(r.totals.storedParams).toBe(93125);
    const groups = r.layers.map((l) => l.name);
    expect(groups).toContain('dec/_layer_checkpoint_dependencies/conv2d_transpose_2');
  });
});
