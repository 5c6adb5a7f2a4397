// Reads ../shared/keras3-zoo (files written by Keras 3.15.1, with truth.json) for tests that run
// whenever the folder exists. Nothing from it is ever copied into the project.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Shape } from '../../src/types.js';

const here = dirname(fileURLToPath(import.meta.url));
export const ZOO = resolve(here, '../../../shared/keras3-zoo');
export const CORPUS = resolve(here, '../../../shared/corpus');
export const hasZoo = existsSync(join(ZOO, 'truth.json'));
export const hasCorpus = existsSync(join(CORPUS, 'INDEX.md'));

export interface TruthWeight { path: string; shape: number[]; dtype: string; trainable: boolean }
export interface TruthLayer {
  name: string;
  class_name: string;
  output_shape: Shape | Shape[] | null;
  output_shapes?: (Shape | Shape[] | null)[];
  params: number;
  trainable_params: number;
  non_trainable_params: number;
  trainable: boolean;
  dtype_policy: string;
  weights: TruthWeight[];
  layers?: TruthLayer[];
}
export interface TruthModel {
  slug: string;
  files: { keras: string | null; h5: string | null; weights_h5: string | null; json: string | null };
  keras_version: string;
  model_class: string;
  model_name: string;
  built: boolean;
  total_params: number;
  trainable_params: number;
  non_trainable_params: number;
  optimizer_params: number;
  layers: TruthLayer[];
  summary: string;
  kind: string;
  covers: string[];
  [k: string]: unknown;
}

let cache: TruthModel[] | null = null;
export function zooTruth(): TruthModel[] {
  if (!cache) cache = hasZoo ? (JSON.parse(readFileSync(join(ZOO, 'truth.json'), 'utf8')) as TruthModel[]) : [];
  return cache;
}

export function zooPath(file: string): string {
  return join(ZOO, file);
}

type Json = Record<string, unknown>;

function tensorsIn(v: unknown, out: Shape[]): void {
  if (Array.isArray(v)) for (const x of v) tensorsIn(x, out);
  else if (v && typeof v === 'object') {
    const o = v as Json;
    if (o['class_name'] === '__keras_tensor__') out.push(((o['config'] as Json)['shape'] as Shape) ?? []);
    else for (const x of Object.values(o)) tensorsIn(x, out);
  }
}

/** One layer of one zoo model, with the input shapes Keras called it on (first call). */
export interface ZooLayerCase {
  slug: string;
  name: string;
  className: string;
  config: Json;
  inputShapes: Shape[];
  kwargShapes: Record<string, Shape[]>;
  truth: TruthLayer;
}

/**
 * Every top-level layer of every zoo model, with input shapes taken from the stored graph:
 * the first inbound node's `__keras_tensor__` shapes (Functional) or `build_config.input_shape`
 * (Sequential). Layers whose input shape the file does not give are left out.
 */
export function zooLayerCases(): ZooLayerCase[] {
  const cases: ZooLayerCase[] = [];
  for (const model of zooTruth()) {
    if (!model.files.json || !model.built) continue;
    const cfg = JSON.parse(readFileSync(join(ZOO, model.files.json), 'utf8')) as Json;
    const layers = ((cfg['config'] as Json)['layers'] as Json[]) ?? [];
    for (const layer of layers) {
      const lc = layer['config'] as Json;
      const name = (layer['name'] as string) ?? (lc['name'] as string);
      const truth = model.layers.find((t) => t.name === name);
      if (!truth) continue;
      const nodes = (layer['inbound_nodes'] as Json[] | undefined) ?? [];
      let inputShapes: Shape[] = [];
      const kwargShapes: Record<string, Shape[]> = {};
      if (nodes.length > 0) {
        tensorsIn(nodes[0]!['args'], inputShapes);
        for (const [k, v] of Object.entries((nodes[0]!['kwargs'] as Json) ?? {})) {
          const found: Shape[] = [];
          tensorsIn(v, found);
          if (found.length) kwargShapes[k] = found;
        }
      } else {
        const bc = layer['build_config'] as Json | undefined;
        const s = bc?.['input_shape'];
        if (Array.isArray(s)) inputShapes = Array.isArray(s[0]) ? (s as Shape[]) : [s as Shape];
        else if (layer['class_name'] === 'InputLayer') inputShapes = [];
        else continue;
      }
      cases.push({ slug: model.slug, name, className: layer['class_name'] as string, config: lc, inputShapes, kwargShapes, truth });
    }
  }
  return cases;
}
