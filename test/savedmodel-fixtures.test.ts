// fixtures/savedmodel stays true to itself (issue 12 part 1's ground truth): the folders TF 2.21's
// legacy tf.keras writer made (generate.py) hold exactly the files listed; the model's own
// checkpoint keys (paired with its weights through the checkpoint's object graph) sum to
// count_params(), and Keras 3 counts the same from the stored config; everything else in the
// checkpoint is optimizer or metric state; the block trailers of variables.index say what
// truth.json says. Only bytes are read here, never kerascope.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';

const DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../fixtures/savedmodel');

interface Weight { name: string; shape: number[]; trainable: boolean; checkpoint_key: string }
interface Node { node_id: number; node_path: string; identifier: string; class_name: string; name: string }
interface Folder {
  model_class: string;
  count_params: number;
  trainable_params?: number;
  non_trainable_params?: number;
  optimizer?: string | null;
  keras3?: { total: number; layers: Record<string, number>; error: string | null; adaptations: string[] };
  weights?: Weight[];
  keras_metadata?: Node[] | null;
  object_graph_metadata?: Node[];
  variables: [string, number[], string][];
  files: [string, number][];
  index_blocks: [number, number, number][];
}
interface Truth { tensorflow_version: string; legacy_keras_version: string; folders: Record<string, Folder> }

const truth = JSON.parse(readFileSync(join(DIR, 'truth.json'), 'utf8')) as Truth;
const elements = (shape: number[]): number => shape.reduce((a, b) => a * b, 1);
const GRAPH = '_CHECKPOINTABLE_OBJECT_GRAPH';
const SLOT = /^(.*)\/\.OPTIMIZER_SLOT\/optimizer\/(\w+)\/\.ATTRIBUTES\/VARIABLE_VALUE$/;

test('the truth covers the folders issue 12 asks for', () => {
  const f = truth.folders;
  expect(f['keras3_export']!.keras_metadata).toBeNull();
  expect(f['tfk24_style_mlp']!.object_graph_metadata!.length).toBeGreaterThan(0);
  const classes = Object.values(f).flatMap((x) => (x.keras_metadata ?? []).map((n) => n.class_name));
  for (const c of ['Sequential', 'Functional', 'BatchNormalization', 'LSTM']) expect(classes).toContain(c);
  expect(Object.values(f).some((x) => x.variables.some(([k]) => SLOT.test(k)))).toBe(true);
});

describe.each(Object.entries(truth.folders))('%s', (name, f) => {
  const dir = join(DIR, 'folders', name);
  const stored = new Map(f.variables.map(([k, shape]) => [k, shape]));

  test('the folder holds the files listed, at their sizes', () => {
    for (const [path, size] of f.files) expect(statSync(join(dir, path)).size, path).toBe(size);
    expect(existsSync(join(dir, 'keras_metadata.pb'))).toBe(Boolean(f.keras_metadata));
  });

  test('variables.index: a LevelDB table whose block trailers hold the recorded compression', () => {
    const index = readFileSync(join(dir, 'variables/variables.index'));
    expect(index.readBigUInt64LE(index.length - 8)).toBe(0xdb4775248b80fb57n);
    for (const [offset, size, compression] of f.index_blocks) {
      expect(index[offset + size]).toBe(compression);
      expect(compression).toBe(0); // every TensorBundle written here is uncompressed (README)
    }
    expect(stored.has(GRAPH)).toBe(true);
  });

  test('the model weights, found by checkpoint key, sum to count_params; the rest is optimizer or metrics', () => {
    if (!f.weights) {
      // an inference export: no Keras model, its variables twice (variables/N and _all_variables/N)
      const own = f.variables.filter(([k]) => k.startsWith('variables/'));
      return expect(own.reduce((a, [, s]) => a + elements(s), 0)).toBe(f.count_params);
    }
    for (const w of f.weights) expect(stored.get(w.checkpoint_key), w.name).toEqual(w.shape);
    const sum = (ws: Weight[]): number => ws.reduce((a, w) => a + elements(stored.get(w.checkpoint_key)!), 0);
    expect(sum(f.weights)).toBe(f.count_params);
    expect(sum(f.weights.filter((w) => w.trainable))).toBe(f.trainable_params);
    expect(sum(f.weights.filter((w) => !w.trainable))).toBe(f.non_trainable_params);
    const own = new Set(f.weights.map((w) => w.checkpoint_key));
    for (const [key, shape] of f.variables) {
      if (own.has(key) || key === GRAPH) continue;
      const slot = SLOT.exec(key);
      if (slot) {
        expect(own.has(`${slot[1]}/.ATTRIBUTES/VARIABLE_VALUE`), key).toBe(true);
        expect(shape).toEqual(stored.get(`${slot[1]}/.ATTRIBUTES/VARIABLE_VALUE`));
      } else expect(key, 'optimizer or metric state').toMatch(/^(optimizer|keras_api\/metrics)\//);
    }
    expect(f.variables.some(([k]) => k.startsWith('optimizer/'))).toBe(Boolean(f.optimizer));
  });

  test('Keras 3 counts the same from the stored config', () => {
    if (!f.keras3) return;
    expect(f.keras3.total).toBe(f.count_params);
    expect(Object.values(f.keras3.layers).reduce((a, b) => a + b, 0)).toBe(f.count_params);
  });

  test('the Keras metadata sits where the layout says, naming each node', () => {
    const nodes = f.keras_metadata ?? f.object_graph_metadata ?? [];
    const file = readFileSync(join(dir, f.keras_metadata ? 'keras_metadata.pb' : 'saved_model.pb')).toString('latin1');
    for (const n of nodes) {
      expect(file, n.identifier).toContain(n.identifier);
      expect(file, n.name).toContain(`"name": "${n.name}"`);
      if (f.keras_metadata) expect(file).toContain(n.node_path); // saved_model.pb has child names only
    }
    if (nodes.length) expect(nodes[0]!.node_id).toBe(0);
  });
});
