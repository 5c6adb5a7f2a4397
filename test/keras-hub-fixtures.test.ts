// fixtures/keras-hub stays true to itself: the presets keras-hub wrote (generate.py) and the
// truth.json written beside them must agree, so that the preset reader tested against them later
// cannot be tested against a fixture that rotted. Every stored dataset is listed again here by
// h5wasm (not by kerascope) and compared with what h5py saw; the backbone's tensors must sum to
// metadata.json's parameter_count, across shards too.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, test } from 'vitest';

const HUB = resolve(dirname(fileURLToPath(import.meta.url)), '../fixtures/keras-hub');

/** [HDF5 path, shape, h5py dtype, the `dtype` attribute Keras writes for bfloat16 or null] */
type Dataset = [string, number[], string, string | null];
interface Preset {
  backbone_class: string;
  task_class: string | null;
  tokenizer_class: string | null;
  constructor: Record<string, unknown>;
  dtype_policy: string;
  files: string[];
  backbone_params: number;
  metadata_parameter_count: number;
  task_params: number | null;
  task_only_params: number | null;
  backbone_variables: [string, number[], string][];
  weights: Record<string, Dataset[]>;
  shard_files?: string[];
}
interface Truth { keras_version: string; keras_hub_version: string; keras_hub_commit: string; presets: Record<string, Preset> }

const truth = JSON.parse(readFileSync(join(HUB, 'truth.json'), 'utf8')) as Truth;
const json = (name: string, file: string): Record<string, unknown> =>
  JSON.parse(readFileSync(join(HUB, 'presets', name, file), 'utf8')) as Record<string, unknown>;
const elements = (shape: number[]): number => shape.reduce((a, b) => a * b, 1);
const sum = (ds: { 1: number[] }[]): number => ds.reduce((a, d) => a + elements(d[1]), 0);
const isOptimizer = (d: Dataset): boolean => d[0].startsWith('optimizer/');

function walk(dir: string, root = dir): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? walk(p, root) : [relative(root, p)];
  });
}

type H5 = typeof import('h5wasm/node').default;
let h5: H5;
beforeAll(async () => {
  h5 = (await import('h5wasm/node')).default;
  await h5.ready;
});

/** Every dataset of an HDF5 file as [path, shape, bfloat16 attribute], read by h5wasm. */
function datasets(file: string): [string, number[], string | null][] {
  const f = new h5.File(file, 'r');
  const out: [string, number[], string | null][] = [];
  const visit = (path: string): void => {
    const g = (path ? f.get(path) : f) as { keys(): string[] };
    for (const k of [...g.keys()].sort()) {
      const p = path ? `${path}/${k}` : k;
      const o = f.get(p);
      if (o instanceof h5.Group) visit(p);
      else if (o instanceof h5.Dataset) {
        const attr = (o.attrs as Record<string, { value: unknown }>)['dtype'];
        out.push([p, o.shape ?? [], attr ? String(attr.value) : null]);
      }
    }
  };
  try {
    visit('');
  } finally {
    f.close();
  }
  return out;
}

test('the truth names the versions that wrote it, and the families the issue asks for', () => {
  expect(truth.keras_version).toMatch(/^3\./);
  expect(truth.keras_hub_commit).toMatch(/^[0-9a-f]{40}$/);
  const classes = Object.values(truth.presets).map((p) => p.backbone_class);
  for (const c of ['BertBackbone', 'DistilBertBackbone', 'RobertaBackbone', 'GPT2Backbone', 'GemmaBackbone',
    'LlamaBackbone', 'MistralBackbone']) expect(classes).toContain(c);
  expect(Object.values(truth.presets).some((p) => p.shard_files && p.shard_files.length > 1)).toBe(true);
});

describe.each(Object.entries(truth.presets))('%s', (name, p) => {
  const dir = join(HUB, 'presets', name);

  test('the folder holds exactly the files listed', () => {
    expect(walk(dir).sort()).toEqual([...p.files].sort());
  });

  test('config.json names the backbone with its constructor arguments; metadata.json its count', () => {
    const config = json(name, 'config.json');
    expect(config['registered_name']).toBe(`keras_hub>${p.backbone_class}`);
    const args = config['config'] as Record<string, unknown>;
    for (const [k, v] of Object.entries(p.constructor)) if (k !== 'dtype') expect(args[k], k).toEqual(v);
    const meta = json(name, 'metadata.json');
    expect(meta['parameter_count']).toBe(p.metadata_parameter_count);
    expect(meta['keras_hub_version']).toBe(truth.keras_hub_version);
    expect(p.metadata_parameter_count).toBe(p.backbone_params);
    expect(sum(p.backbone_variables)).toBe(p.backbone_params);
  });

  test('the backbone tensors stored sum to parameter_count, across shards', () => {
    const files = p.shard_files ?? ['model.weights.h5'];
    expect(sum(files.flatMap((f) => p.weights[f] ?? []))).toBe(p.metadata_parameter_count);
    if (p.shard_files) {
      const map = json(name, 'model.weights.json')['weight_map'] as Record<string, string | string[]>;
      expect([...new Set(Object.values(map).flat())].sort()).toEqual(p.shard_files);
      expect(p.files.filter((f) => /^model_\d{5}\.weights\.h5$/.test(f))).toEqual(p.shard_files);
    }
  });

  test('task.weights.h5 holds the head (plus the compiled optimizer), when the task owns one', () => {
    const task = p.weights['task.weights.h5'];
    if (p.task_class === null) return expect(task).toBeUndefined();
    expect(json(name, 'task.json')['registered_name']).toBe(`keras_hub>${p.task_class}`);
    expect(p.task_params).toBe(p.backbone_params + (p.task_only_params ?? 0));
    if (!p.task_only_params) return expect(task).toBeUndefined();
    expect(sum(task!.filter((d) => !isOptimizer(d)))).toBe(p.task_only_params);
  });

  test('every HDF5 dataset h5py listed is there, as h5wasm reads it', () => {
    for (const [file, listed] of Object.entries(p.weights)) {
      expect(datasets(join(dir, file)), file).toEqual(listed.map(([path, shape, , attr]) => [path, shape, attr]));
      const bf16 = listed.filter((d) => d[3] === 'bfloat16');
      if (p.dtype_policy === 'bfloat16' && file !== 'task.weights.h5') {
        expect(bf16.length).toBe(listed.length);
        for (const d of bf16) expect(d[2], d[0]).toBe('|V2');
      }
    }
  });
});
