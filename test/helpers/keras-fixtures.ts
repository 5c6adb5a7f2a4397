// Reads the project's own Keras fixtures (fixtures/keras, written by Keras 3.15.1 with truth.json in
// the keras3-zoo format): every top-level layer of every built model, with its first call's inputs.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Shape } from '../../src/types.js';
import type { TruthModel, ZooLayerCase } from './zoo.js';

type Json = Record<string, unknown>;
export const FIXTURES = resolve(dirname(fileURLToPath(import.meta.url)), '../../fixtures/keras');
export const hasFixtures = existsSync(join(FIXTURES, 'truth.json'));

const isTensor = (v: unknown): boolean => !!v && typeof v === 'object' && (v as Json)['class_name'] === '__keras_tensor__';

function tensorShapes(v: unknown, out: Shape[] = []): Shape[] {
  if (Array.isArray(v)) v.forEach((x) => tensorShapes(x, out));
  else if (isTensor(v)) out.push(((v as Json)['config'] as Json)['shape'] as Shape);
  else if (v && typeof v === 'object') Object.values(v as Json).forEach((x) => tensorShapes(x, out));
  return out;
}

/** One layer's first call, with the call's constant keyword arguments (`reverse`, `training`…). */
export interface FixtureCase extends ZooLayerCase {
  callArgs: Json;
}

/**
 * A layer's first call. Functional: the node's `__keras_tensor__` shapes. Sequential: the stored
 * `build_config.input_shape`, or (weightless layers store none) the output shape Keras recorded for
 * the layer before it.
 */
function firstCall(layer: Json, previous: Shape | null): Pick<FixtureCase, 'inputShapes' | 'kwargShapes' | 'callArgs'> {
  const node = ((layer['inbound_nodes'] as Json[] | undefined) ?? [])[0];
  if (!node) {
    const s = ((layer['build_config'] as Json | undefined)?.['input_shape'] ?? previous ?? []) as Shape | Shape[];
    return { inputShapes: s.length === 0 ? [] : Array.isArray(s[0]) ? (s as Shape[]) : [s as Shape], kwargShapes: {}, callArgs: {} };
  }
  const kwargShapes: Record<string, Shape[]> = {};
  const callArgs: Json = {};
  for (const [k, v] of Object.entries((node['kwargs'] as Json) ?? {})) {
    const shapes = tensorShapes(v);
    if (shapes.length) kwargShapes[k] = shapes;
    else callArgs[k] = v;
  }
  return { inputShapes: tensorShapes(node['args']), kwargShapes, callArgs };
}

export function fixtureCases(): FixtureCase[] {
  if (!hasFixtures) return [];
  const cases: FixtureCase[] = [];
  for (const model of JSON.parse(readFileSync(join(FIXTURES, 'truth.json'), 'utf8')) as TruthModel[]) {
    if (!model.files.json || !model.built) continue;
    const cfg = JSON.parse(readFileSync(join(FIXTURES, model.files.json), 'utf8')) as Json;
    let previous: Shape | null = null;
    for (const layer of ((cfg['config'] as Json)['layers'] as Json[]) ?? []) {
      const config = layer['config'] as Json;
      const truth = model.layers.find((t) => t.name === config['name']);
      if (layer['class_name'] === 'InputLayer') previous = (config['batch_shape'] as Shape | undefined) ?? null;
      if (!truth) continue;
      cases.push({ slug: model.slug, name: truth.name, className: layer['class_name'] as string, config, truth, ...firstCall(layer, previous) });
      const out = truth.output_shape;
      previous = Array.isArray(out) && !Array.isArray(out[0]) ? (out as Shape) : null;
    }
  }
  return cases;
}
