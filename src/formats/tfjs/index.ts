// TensorFlow.js layers models: model.json (`modelTopology` + `weightsManifest`) and its shard files.
// Graph models are refused with one line saying what they are.
// Key names: tfjs-core/src/io/types.ts (ModelJSON) and tfjs-converter/python/tensorflowjs/converters/common.py.
import { UnreadableError } from '../../errors.js';
import type { Finding, ModelSource } from '../../types.js';
import type { Place } from '../folder.js';
import type { FormatReader } from '../reader.js';
import { jsonTextTooBig } from '../text.js';
import { readManifest } from './manifest.js';

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
  return !!v && typeof v === 'object' && !Array.isArray(v);
}

function text(v: unknown): string | null {
  return typeof v === 'string' && v.length > 0 ? v : null;
}

/** The converter writes `model_config` as an object; accept the JSON string older tools wrote too. */
function parsed(file: string, v: unknown, what: string): unknown {
  if (typeof v !== 'string') return v ?? null;
  const big = jsonTextTooBig(v);
  if (big) throw new UnreadableError(file, `TensorFlow.js model.json: ${what}: ${big}`);
  try {
    return JSON.parse(v);
  } catch {
    throw new UnreadableError(file, `TensorFlow.js model.json: ${what} is a string that is not JSON`);
  }
}

// ---------------------------------------------------------------- graph models

function graphModelError(file: string, json: Json, topology: unknown): UnreadableError {
  const nodes = isObject(topology) && Array.isArray(topology['node']) ? topology['node'].length : 0;
  // A graph model's generatedBy is the TensorFlow version it was exported from ("2.3.1").
  const from = text(json['generatedBy']);
  const by = text(json['convertedBy']);
  const origin = `${from ? `converted from TensorFlow ${from}` : 'converted from a TensorFlow graph'}${by ? ` by ${by}` : ''}`;
  return new UnreadableError(file, `not a Keras layers model: a TensorFlow.js graph model (${nodes} nodes), ${origin}`);
}

// ---------------------------------------------------------------- topology

interface Topology {
  config: unknown | null;
  trainingConfig: unknown | null;
  kerasVersion: string | null;
  backend: string | null;
}

/** The three shapes of modelTopology (keras-formats.md §3c): converter from h5 or .keras, or tfjs-layers' own save. */
function readTopology(file: string, json: Json): Topology {
  const topo = parsed(file, json['modelTopology'], 'modelTopology');
  const trainingConfig = json['trainingConfig'] ?? null;
  if (topo === null) return { config: null, trainingConfig, kerasVersion: null, backend: null };
  if (!isObject(topo)) throw new UnreadableError(file, 'TensorFlow.js model.json: modelTopology is not an object');
  const kerasVersion = text(topo['keras_version']) ?? (/^keras v(.+)$/.exec(text(json['generatedBy']) ?? '')?.[1] ?? null);
  const backend = text(topo['backend']);
  if ('model_config' in topo) {
    // Python converter: {keras_version, backend, model_config: {class_name, config}, training_config?}
    const tc = parsed(file, topo['training_config'], 'training_config');
    return { config: parsed(file, topo['model_config'], 'model_config'), trainingConfig: tc ?? trainingConfig, kerasVersion, backend };
  }
  if (typeof topo['class_name'] === 'string') {
    // tfjs-layers LayersModel.save(): the model config itself, with keras_version "tfjs-layers x.y.z".
    const { keras_version: _v, backend: _b, ...config } = topo;
    return { config, trainingConfig, kerasVersion, backend };
  }
  throw new UnreadableError(file, 'TensorFlow.js model.json: modelTopology has neither model_config nor class_name');
}

function formatLabel(json: Json, topo: Topology, quantized: Map<string, number>, storeNames: boolean): string {
  const by = text(json['convertedBy']);
  const gen = text(json['generatedBy']);
  let origin: string;
  if (by) origin = `converted from Keras ${topo.kerasVersion ?? '(version unknown)'} by ${by}`;
  else if (gen) origin = `saved by ${gen}`;
  else origin = topo.kerasVersion ? `Keras ${topo.kerasVersion}` : 'writer unknown';
  if (topo.config === null) origin += ', weights only: no modelTopology';
  const q = [...quantized.keys()];
  const notes = [origin];
  if (storeNames) notes.push('weights named by their Keras 3 store paths');
  if (q.length) notes.push(`weights quantized to ${q.join('/')}`);
  return `TensorFlow.js layers model (${notes.join(', ')})`;
}

function quantizedFinding(quantized: Map<string, number>): Finding[] {
  if (quantized.size === 0) return [];
  const parts = [...quantized].map(([dtype, n]) => `${n} as ${dtype}`).join(', ');
  return [
    {
      severity: 'info',
      code: 'tfjs-quantized',
      category: 'format',
      layer: null,
      message: `weights stored quantized (${parts}); tfjs restores them to float32, so values are approximate but shapes and counts are unchanged`,
    },
  ];
}

/**
 * The model's name when it can prefix its layers' weight names (a Keras 3 Sequential's name scope,
 * see layerOf) and is not itself the name of one of its layers.
 */
function modelScope(config: unknown): string | null {
  if (!isObject(config) || !isObject(config['config'])) return null;
  const inner = config['config'];
  const name = inner['name'];
  if (typeof name !== 'string' || !Array.isArray(inner['layers'])) return null;
  const layerNames = inner['layers'].map((l) => (isObject(l) ? ((isObject(l['config']) ? l['config']['name'] : undefined) ?? l['name']) : undefined));
  return layerNames.includes(name) ? null : name;
}

// ---------------------------------------------------------------- entry

/**
 * A bare weights manifest (weights_manifest.json, written by tensorflowjs write_weights with
 * write_manifest=True): a list of `{paths, weights}` groups and no architecture.
 */
export function isWeightsManifest(json: unknown): boolean {
  return Array.isArray(json) && json.length > 0 && json.every((g) => isObject(g) && Array.isArray(g['paths']) && Array.isArray(g['weights']));
}

/** A model.json (a layers model, or a graph model refused in one line) or a bare weights manifest. */
export function isTfjsJson(value: unknown): boolean {
  if (isWeightsManifest(value)) return true;
  return isObject(value) && ('modelTopology' in value || 'weightsManifest' in value || value['format'] === 'graph-model' || value['format'] === 'layers-model');
}

export const tfjsReader: FormatReader = {
  id: 'tfjs',
  claims: (head) => head.json !== null && isTfjsJson(head.json.value),
  readModel: (src, ctx) => readTfjs(src.name, ctx.head.json?.value, ctx.folder && { folder: ctx.folder, entry: ctx.entry }, src.size),
};

/**
 * Reads a TensorFlow.js model.json already parsed as `json` (or a bare weights manifest, listed
 * without architecture), named `file`, `size` bytes. Shard files, beside it at `place`, are
 * checked by size only; with no place (bytes in no folder) they are not checked.
 */
export async function readTfjs(file: string, json: unknown, place: Place | null, size: number): Promise<ModelSource> {
  if (isWeightsManifest(json)) json = { format: 'layers-model', modelTopology: null, weightsManifest: json };
  if (!isObject(json)) throw new UnreadableError(file, 'TensorFlow.js model.json: not a JSON object');
  const format = json['format'];
  const topology = json['modelTopology'];
  if (format === 'graph-model' || (isObject(topology) && Array.isArray(topology['node']))) throw graphModelError(file, json, topology);
  if (format !== undefined && format !== null && format !== 'layers-model') {
    // Only a string is quoted: a hostile "format" can be an array nested 100,000 deep.
    const what = typeof format === 'string' ? `"${format.slice(0, 80)}"` : `given as ${Array.isArray(format) ? 'an array' : `a ${typeof format}`}`;
    throw new UnreadableError(file, `not a Keras layers model: a TensorFlow.js model of format ${what}`);
  }
  const topo = readTopology(file, json);
  const raw = json['weightsManifest'];
  const manifest = raw === undefined || raw === null ? null : await readManifest(file, raw, place, modelScope(topo.config));
  const quantized = manifest?.quantized ?? new Map<string, number>();
  return {
    file,
    format: 'tfjs-layers',
    formatLabel: formatLabel(json, topo, quantized, manifest?.weights.layout === 'keras3'),
    kerasVersion: topo.kerasVersion,
    backend: topo.backend,
    config: topo.config,
    trainingConfig: topo.trainingConfig,
    weights: manifest?.weights ?? null,
    weightsFile: manifest?.shardFiles[0] ?? null,
    findings: [...(manifest?.findings ?? []), ...quantizedFinding(quantized)],
    container: { size, tfjsPaths: manifest?.paths ?? [], tfjsLinksOutside: manifest?.linksOutside ?? [] },
  };
}
