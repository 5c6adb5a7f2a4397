// tf.keras 2.12–2.15 `.keras` weights stores (issue 9, defect 2): the committed fixtures of
// fixtures/tf-keras/ (laid out from tf.keras's own saving code, see its README) are read as those
// versions' loaders read them: every layer paired with the group its own walk wrote.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyze } from '../src/index.js';
import type { LayerReport, Report } from '../src/types.js';

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
