// Writes the TensorFlow.js layers-model folder that the Python converter (tensorflowjs
// keras_h5_conversion.py) makes from a Keras file, from metadata only: every tensor's bytes are zeros.
// - from `.keras` (h5_v3_merged_saved_model_to_tfjs_format): `model_config` = config.json without
//   `module`, `registered_name`, `date_saved`; every dataset of model.weights.h5 named by its HDF5 path
//   (`layers/dense/vars/0`, `optimizer/vars/3`), in h5py's sorted key order;
// - from a legacy `.h5` (h5_merged_saved_model_to_tfjs_format): `model_config`, `keras_version`,
//   `backend`, `training_config` from the root attributes; the groups of `model_weights` in sorted
//   order, each by its `weight_names` with `:0` dropped (_convert_h5_group, normalize_weight_name).
// write_weights keeps float32/int32/bool and downcasts float64 and int64; it has no int8.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Entry {
  name: string;
  shape: number[];
  dtype: string | null;
}

type H5 = typeof import('h5wasm/node').default;
type H5File = InstanceType<H5['File']>;

let h5: H5 | null = null;
async function open(file: string): Promise<{ h5: H5; f: H5File }> {
  if (!h5) {
    h5 = (await import('h5wasm/node')).default;
    await h5.ready;
  }
  return { h5, f: new h5.File(file, 'r') };
}

function tfjsDtype(h5dtype: unknown): string | null {
  const d = String(h5dtype);
  if (/^[<>]f/.test(d)) return 'float32';
  if (/^[<>]i/.test(d)) return 'int32';
  if (/b1|bool/.test(d)) return 'bool';
  return null;
}

function entry(f: H5File, path: string, name: string): Entry {
  const d = f.get(path) as { shape: number[] | null; dtype: unknown };
  return { name, shape: d.shape ?? [], dtype: tfjsDtype(d.dtype) };
}

function keys(f: H5File, path: string): string[] {
  const g = (path ? f.get(path) : f) as { keys(): string[] };
  return [...g.keys()].sort();
}

/** Every dataset under `path`, named by its path (the .keras conversion). */
function storeEntries(h5: H5, f: H5File, path: string, out: Entry[]): void {
  for (const k of keys(f, path)) {
    const p = path ? `${path}/${k}` : k;
    const o = f.get(p);
    if (o instanceof h5.Group) storeEntries(h5, f, p, out);
    else if (o instanceof h5.Dataset) out.push(entry(f, p, p));
  }
}

/** A legacy weights group: its `weight_names` if it has them, else its subgroups in order. */
function legacyEntries(h5: H5, f: H5File, path: string, out: Entry[]): void {
  const attrs = (f.get(path) as { attrs: Record<string, { value: unknown }> }).attrs;
  if ('weight_names' in attrs) {
    const names = attrs['weight_names']!.value;
    const list = Array.isArray(names) ? names : typeof names === 'string' ? [names] : []; // empty: a float64 array
    for (const n of list) out.push(entry(f, `${path}/${n}`, String(n).replace(/:0$/, '')));
    return;
  }
  for (const k of keys(f, path)) if (f.get(`${path}/${k}`) instanceof h5.Group) legacyEntries(h5, f, `${path}/${k}`, out);
}

function stripV3Keys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(stripV3Keys);
  if (!v || typeof v !== 'object') return v;
  const drop = ['module', 'registered_name', 'date_saved'];
  return Object.fromEntries(Object.entries(v).filter(([k]) => !drop.includes(k)).map(([k, x]) => [k, stripV3Keys(x)]));
}

const SIZE: Record<string, number> = { float32: 4, int32: 4, bool: 1 };

/** model.json + one zero-filled shard of exactly the manifest's size; null when a dtype cannot be written. */
function writeFolder(tag: string, topology: Record<string, unknown>, version: string, weights: Entry[]): string | null {
  if (weights.some((w) => w.dtype === null)) return null;
  const dir = mkdtempSync(join(tmpdir(), `kerascope-conv-${tag}-`));
  const bytes = weights.reduce((a, w) => a + w.shape.reduce((p, d) => p * d, 1) * SIZE[w.dtype!]!, 0);
  writeFileSync(join(dir, 'group1-shard1of1.bin'), Buffer.alloc(bytes));
  const json = {
    format: 'layers-model',
    generatedBy: `keras v${version}`,
    convertedBy: 'TensorFlow.js Converter v4.22.0',
    modelTopology: topology,
    weightsManifest: [{ paths: ['group1-shard1of1.bin'], weights }],
  };
  writeFileSync(join(dir, 'model.json'), JSON.stringify(json));
  return join(dir, 'model.json');
}

/** As converted from a `.keras`: its to_json architecture and its weights store (a .weights.h5). */
export async function convertKeras3(tag: string, configJson: string, weightsH5: string, version: string): Promise<string | null> {
  const { h5, f } = await open(weightsH5);
  const weights: Entry[] = [];
  try {
    storeEntries(h5, f, '', weights);
  } finally {
    f.close();
  }
  const config = stripV3Keys(JSON.parse(readFileSync(configJson, 'utf8')));
  return writeFolder(tag, { keras_version: version, model_config: config }, version, weights);
}

/** As converted from a legacy full-model `.h5`. */
export async function convertLegacyH5(tag: string, file: string): Promise<string | null> {
  const { h5, f } = await open(file);
  const weights: Entry[] = [];
  let topology: Record<string, unknown>;
  try {
    const attr = (k: string) => f.attrs[k]?.value;
    topology = { keras_version: attr('keras_version'), backend: attr('backend'), model_config: JSON.parse(String(attr('model_config'))) };
    if (attr('training_config') !== undefined) topology['training_config'] = JSON.parse(String(attr('training_config')));
    for (const k of keys(f, 'model_weights')) legacyEntries(h5, f, `model_weights/${k}`, weights);
  } finally {
    f.close();
  }
  return writeFolder(tag, topology, String(topology['keras_version']), weights);
}
