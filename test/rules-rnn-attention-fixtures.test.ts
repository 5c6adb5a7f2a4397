// The project's own Keras fixtures (fixtures/keras, written by Keras 3.15.1 with its truth.json): every
// layer of the recurrent, wrapper and attention classes, evaluated by its rule on the input shapes the
// stored graph gives, must equal Keras's shapes, weight paths and counts. No known deviation.
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { Shape } from '../src/types.js';
import { expectZooCase } from './helpers/rules.js';
import { RNN_ATTENTION_CLASSES } from './helpers/run-rule.js';
import type { TruthModel, ZooLayerCase } from './helpers/zoo.js';

type Json = Record<string, unknown>;
const DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../fixtures/keras');

/** The `__keras_tensor__` shapes of one call's arguments, in order. */
function keraTensorShapes(v: unknown, out: Shape[] = []): Shape[] {
  if (Array.isArray(v)) v.forEach((x) => keraTensorShapes(x, out));
  else if (v && typeof v === 'object') {
    const o = v as Json;
    if (o['class_name'] === '__keras_tensor__') out.push((o['config'] as Json)['shape'] as Shape);
    else Object.values(o).forEach((x) => keraTensorShapes(x, out));
  }
  return out;
}

/** A layer's first call: positional shapes and keyword tensors (fixtures are Functional or built Sequential). */
function firstCall(layer: Json): { inputShapes: Shape[]; kwargShapes: Record<string, Shape[]> } {
  const node = ((layer['inbound_nodes'] as Json[] | undefined) ?? [])[0];
  if (!node) {
    const s = (layer['build_config'] as Json)['input_shape'] as Shape | Shape[];
    return { inputShapes: Array.isArray(s[0]) ? (s as Shape[]) : [s as Shape], kwargShapes: {} };
  }
  const kw = Object.entries((node['kwargs'] as Json) ?? {}).map(([k, v]) => [k, keraTensorShapes(v)] as const);
  return { inputShapes: keraTensorShapes(node['args']), kwargShapes: Object.fromEntries(kw.filter(([, s]) => s.length > 0)) };
}

function fixtureCases(): ZooLayerCase[] {
  const cases: ZooLayerCase[] = [];
  for (const model of JSON.parse(readFileSync(join(DIR, 'truth.json'), 'utf8')) as TruthModel[]) {
    if (!model.files.json || !model.built) continue;
    const cfg = JSON.parse(readFileSync(join(DIR, model.files.json), 'utf8')) as Json;
    for (const layer of ((cfg['config'] as Json)['layers'] as Json[]) ?? []) {
      const config = layer['config'] as Json;
      const truth = model.layers.find((t) => t.name === config['name']);
      if (!truth || !RNN_ATTENTION_CLASSES.includes(layer['class_name'] as string)) continue;
      cases.push({ slug: model.slug, name: truth.name, className: layer['class_name'] as string, config, truth, ...firstCall(layer) });
    }
  }
  return cases;
}

const cases = fixtureCases();

describe('fixtures/keras (Keras 3.15.1): recurrent, wrapper and attention layers', () => {
  it('holds every class of this family (ConvLSTM3D only in later generations)', () => {
    const seen = new Set(cases.map((c) => c.className));
    for (const cls of RNN_ATTENTION_CLASSES.filter((c) => c !== 'ConvLSTM3D')) expect(seen, cls).toContain(cls);
  });

  for (const c of cases) it(`${c.slug} ${c.name} (${c.className})`, () => expectZooCase(c));
});
