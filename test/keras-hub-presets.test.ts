// KerasHub preset folders end to end: every preset keras-hub wrote (fixtures/keras-hub) is read,
// verified block by block and counted as truth.json says (count_params of backbone and task,
// metadata.json's parameter_count, the task's optimizer state kept out); then copies of them are
// changed the ways a preset goes wrong — a constructor argument edited, weights never downloaded, a
// shard lost or misplaced, metadata disagreeing, a hostile config beside them — and each change is
// located on the right tensor or file.
import { cpSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, test } from 'vitest';
import { analyze, analyzeSource } from '../src/analyze.js';
import { MemoryFolder } from '../src/formats/folder.js';
import { readPlace } from '../src/formats/index.js';
import type { Report } from '../src/types.js';
import { run } from './cli-harness.js';

const HUB = resolve(dirname(fileURLToPath(import.meta.url)), '../fixtures/keras-hub');
const truth = JSON.parse(readFileSync(join(HUB, 'truth.json'), 'utf8'));
const presetDir = (name: string): string => join(HUB, 'presets', name);

const scratch = mkdtempSync(join(tmpdir(), 'kerascope-hub-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
let copies = 0;

/** A copy of a fixture preset, changed by `edit` (which gets the copy's folder). */
function changed(name: string, edit: (dir: string) => void): string {
  const dir = join(scratch, `${name}-${++copies}`);
  cpSync(presetDir(name), dir, { recursive: true });
  edit(dir);
  return dir;
}

function editJson(dir: string, file: string, edit: (v: any) => void): void {
  const v = JSON.parse(readFileSync(join(dir, file), 'utf8'));
  edit(v);
  writeFileSync(join(dir, file), JSON.stringify(v));
}

const codes = (r: Report): string[] => r.findings.map((f) => f.code);
const errors = (r: Report) => r.findings.filter((f) => f.severity === 'error');

describe('every preset keras-hub wrote, verified and counted', () => {
  for (const [name, p] of Object.entries<any>(truth.presets)) {
    test(`${name}: consistent, every block ok, counts as keras-hub says`, async () => {
      const r = await analyze(presetDir(name));
      expect(r.format).toBe('keras-hub-preset');
      expect(r.verdict).toBe('consistent');
      expect(errors(r)).toEqual([]);
      expect(r.model).toEqual({ name: expect.any(String), className: p.backbone_class });
      expect(r.preset!.expectedParams).toBe(p.backbone_params);
      expect(r.preset!.storedParams).toBe(p.metadata_parameter_count);
      expect(r.preset!.parameterCount).toBe(p.metadata_parameter_count);
      expect(r.preset!.files.map((f) => f.path).sort()).toEqual([...p.files].sort());
      const head = p.task_only_params ?? 0;
      // The table's parameters: the backbone's and the task's own head (task.count_params()).
      expect(r.totals.trainableParams + r.totals.nonTrainableParams).toBe(p.backbone_params + head);
      if (p.task_params !== null) expect(r.totals.trainableParams + r.totals.nonTrainableParams).toBe(p.task_params);
      const optimizer = (p.weights['task.weights.h5'] ?? []).filter((d: any[]) => d[0].startsWith('optimizer/'));
      expect(r.totals.optimizerParams).toBe(optimizer.length); // scalars: iterations, learning rate
      for (const l of r.layers) expect([l.name, l.status]).toEqual([l.name, 'ok']);
      expect(r.preset!.task?.className ?? null).toBe(p.task_class);
      expect(r.preset!.task?.params ?? 0).toBe(head);
    });
  }

  test('the sharded preset is read across its three shards, as one store', async () => {
    const r = await analyze(presetDir('mistral_sharded'));
    expect(r.preset!.weightsFiles).toEqual(['model.weights.json', ...truth.presets.mistral_sharded.shard_files]);
    const paths = new Set(r.layers.flatMap((l) => l.weights.map((w) => w.storedPath)));
    for (const [file, ds] of Object.entries<any[]>(truth.presets.mistral_sharded.weights)) for (const d of ds) expect(paths.has(d[0]), `${file} ${d[0]}`).toBe(true);
  });

  test('bfloat16 tensors count 2 bytes each', async () => {
    const r = await analyze(presetDir('gemma_tiny'));
    expect(r.totals.paramBytes).toBe(3536 * 2);
  });
});

describe('a changed constructor argument is located on the tensor it changes', () => {
  // One per family: the config edited, the weights as keras-hub wrote them.
  const cases: [preset: string, key: string, value: unknown, where: RegExp][] = [
    ['bert_tiny', 'num_heads', 4, /^transformer_layer_0\/self_attention_layer\/query\/kernel: expected \(8, 4, 2\) .*stored \(8, 2, 4\)/],
    ['distil_bert_tiny', 'intermediate_dim', 16, /^transformer_layer_1\/feedforward_intermediate_dense\/kernel: expected \(8, 16\)/],
    ['roberta_tiny', 'max_sequence_length', 20, /^embeddings\/position_embedding\/embeddings: expected \(20, 8\) from max_sequence_length=20 × hidden_dim=8, stored \(16, 8\)/],
    ['gpt2_tiny', 'vocabulary_size', 301, /^token_embedding\/embeddings: expected \(301, 8\) from vocabulary_size=301/],
    ['gemma_tiny', 'num_key_value_heads', 2, /^decoder_block_0\/attention\/key\/kernel: expected \(2, 16, 6\) from num_key_value_heads=2 × hidden_dim=16 × head_dim=6, stored \(1, 16, 6\)/],
    ['gemma3_tiny', 'head_dim', 4, /^decoder_block_0\/attention\/query\/kernel: expected \(4, 16, 4\)/],
    ['llama_tiny', 'num_key_value_heads', 4, /^transformer_layer_0\/self_attention\/key\/kernel: expected \(16, 4, 4\) from hidden_dim=16 × num_key_value_heads=4/],
    ['mistral_tiny', 'head_dim', 8, /^transformer_layer_0\/self_attention\/query\/kernel: expected \(16, 4, 8\) from hidden_dim=16 × num_query_heads=4 × head_dim=8, stored \(16, 4, 4\)/],
    ['qwen_tiny', 'num_query_heads', 2, /^transformer_layer_0\/self_attention\/query\/kernel: expected \(16, 2, 8\)/],
    ['qwen3_tiny', 'head_dim', 8, /^transformer_layer_0\/self_attention\/query_dense_layernorm\/scale: expected \(8,\)|query\/kernel: expected \(16, 4, 8\)/],
    ['phi3_tiny', 'intermediate_dim', 32, /^transformer_layer_0\/feedforward_intermediate_dense\/kernel: expected \(16, 32\)/],
    ['falcon_tiny', 'num_attention_heads', 2, /^transformer_layer_0\/attention\/query_dense\/kernel: expected \(16, 2, 8\)/],
    ['t5_tiny', 'key_value_dim', 4, /^transformer_encoder_layer_0\/self_attention\/query_projector\/kernel: expected \(8, 8\) from hidden_dim=8 × \(num_heads × key_value_dim\)=8, stored \(8, 12\)/],
    ['vit_tiny', 'patch_size', [8, 8], /^vit_patching_and_embedding\/patch_embedding\/kernel: expected \(8, 8, 3, 8\)/],
  ];
  for (const [preset, key, value, where] of cases) {
    test(`${preset}: ${key} = ${JSON.stringify(value)}`, async () => {
      const dir = changed(preset, (d) => editJson(d, 'config.json', (v) => (v.config[key] = value)));
      const r = await analyze(dir);
      expect(r.verdict).toBe('inconsistent');
      const mismatches = r.findings.filter((f) => f.code === 'weight-shape-mismatch' || f.code === 'weight-missing');
      expect(mismatches.some((f) => where.test(f.message)), mismatches.map((f) => f.message).join('\n')).toBe(true);
      const row = r.layers.find((l) => l.name === mismatches[0]!.layer)!;
      expect(row.status).toBe('mismatch');
    });
  }

  test('one layer more than stored: the extra layer\'s tensors are missing, in their own row', async () => {
    const dir = changed('mistral_sharded', (d) => editJson(d, 'config.json', (v) => (v.config.num_layers = 3)));
    const r = await analyze(dir);
    const row = r.layers.find((l) => l.name === 'transformer_layer_2')!;
    expect(row.status).toBe('mismatch');
    expect(row.weights.every((w) => w.status === 'missing')).toBe(true);
    expect(r.layers.filter((l) => l.status === 'mismatch').map((l) => l.name)).toEqual(['transformer_layer_2']);
  });
});

describe("the task's head", () => {
  test('num_classes edited in task.json: located on the logits kernel and bias', async () => {
    const dir = changed('bert_tiny', (d) => editJson(d, 'task.json', (v) => (v.config.num_classes = 4)));
    const r = await analyze(dir);
    expect(r.verdict).toBe('inconsistent');
    const msgs = r.findings.filter((f) => f.code === 'weight-shape-mismatch').map((f) => [f.layer, f.message]);
    expect(msgs).toEqual([
      ['task/logits', 'task.weights.h5: logits/kernel: expected (8, 4) from hidden_dim=8 × num_classes=4, stored (8, 3)'],
      ['task/logits', 'task.weights.h5: logits/bias: expected (4,) from num_classes=4, stored (3,)'],
    ]);
  });

  test("task.json's own backbone arguments differing from config.json's: said, since the task is built from them", async () => {
    const dir = changed('gemma_tiny', (d) => editJson(d, 'task.json', (v) => (v.config.backbone.config.num_layers = 3)));
    const r = await analyze(dir);
    const f = r.findings.find((x) => x.code === 'preset-task' && x.severity === 'warning')!;
    expect(f.message).toMatch(/^task\.json builds GemmaCausalLM's backbone with other arguments than config\.json \(num_layers: 3 in task\.json, 2 in config\.json\)/);
  });

  test('a task with a head of its own and no task.weights.h5: keras-hub builds the head fresh', async () => {
    const dir = changed('vit_tiny', (d) => unlinkSync(join(d, 'task.weights.h5')));
    const r = await analyze(dir);
    expect(r.findings.find((x) => x.code === 'preset-task' && x.severity === 'warning')!.message).toMatch(/owns a head of its own \(predictions\), but the preset has no task\.weights\.h5/);
    expect(r.layers.find((l) => l.name === 'task/predictions')!.status).toBe('unverified');
  });
});

describe('what a preset folder gets wrong', () => {
  test('weights never downloaded: said in one finding, the config still checked against metadata.json', async () => {
    const dir = changed('gemma_tiny', (d) => unlinkSync(join(d, 'model.weights.h5')));
    const r = await analyze(dir);
    expect(r.verdict).toBe('unverified');
    expect(r.findings.find((f) => f.code === 'preset-weights-missing')!.message).toMatch(/^model\.weights\.h5 is not in the folder/);
    expect(r.preset!.expectedParams).toBe(3536);
    expect(codes(r)).not.toContain('preset-parameter-count');
    expect(r.layers.every((l) => l.status === 'unverified')).toBe(true);
  });

  test('config-only: a constructor argument that disagrees with parameter_count is an error', async () => {
    const dir = changed('llama_tiny', (d) => {
      unlinkSync(join(d, 'model.weights.h5'));
      editJson(d, 'config.json', (v) => (v.config.num_layers = 3));
    });
    const r = await analyze(dir);
    expect(r.verdict).toBe('inconsistent');
    // 24×16 + 16×24 embeddings + 3 layers × 1,952 (truth: (4,688 − 768 − 16) / 2) + 16 = 6,640
    expect(r.findings.find((f) => f.code === 'preset-parameter-count')!.message).toBe('the constructor arguments in config.json give 6,640 parameters; metadata.json says parameter_count 4,688');
  });

  test('a Git LFS pointer in place of the weights is named as such', async () => {
    const dir = changed('qwen3_tiny', (d) => writeFileSync(join(d, 'model.weights.h5'), 'version https://git-lfs.github.com/spec/v1\noid sha256:0123\nsize 10724\n'));
    const r = await analyze(dir);
    expect(r.findings.find((f) => f.code === 'preset-weights-missing')!.message).toMatch(/^model\.weights\.h5 is a Git LFS pointer \(\d+ bytes\), not the weights/);
    expect(r.verdict).toBe('unverified');
  });

  test('metadata.json disagreeing with the stored weights is an error naming both counts', async () => {
    const dir = changed('phi3_tiny', (d) => editJson(d, 'metadata.json', (v) => (v.parameter_count = 4700)));
    const r = await analyze(dir);
    expect(r.findings.find((f) => f.code === 'preset-parameter-count')!.message).toBe('metadata.json says parameter_count 4,700; model.weights.h5 holds 4,688 (-12)');
  });

  test('a lost shard: named, and the tensors it held are missing', async () => {
    const dir = changed('mistral_sharded', (d) => unlinkSync(join(d, 'model_00001.weights.h5')));
    const r = await analyze(dir);
    expect(r.findings.find((f) => f.code === 'weights-shard-missing')!.message).toMatch(/^model\.weights\.json names shard model_00001\.weights\.h5, which is not in the folder/);
    const missing = r.findings.filter((f) => f.code === 'weight-missing').map((f) => f.message);
    expect(missing.some((m) => m.startsWith('transformer_layer_0/self_attention/query/kernel'))).toBe(true);
    expect(missing).toHaveLength(9); // the groups of model_00001 (truth.json)
  });

  test('a group the weight_map places in another shard: Keras would look there', async () => {
    const dir = changed('mistral_sharded', (d) => editJson(d, 'model.weights.json', (v) => (v.weight_map['/layers/mistral_layer_normalization/vars'] = 'model_00000.weights.h5')));
    const r = await analyze(dir);
    expect(r.findings.find((f) => f.code === 'weights-shard-map')!.message).toBe(
      'model_00002.weights.h5 holds /layers/mistral_layer_normalization/vars, which model.weights.json places in model_00000.weights.h5: Keras reads the group from the shard the index names',
    );
  });

  test('a shard named outside the folder is never opened', async () => {
    const dir = changed('mistral_sharded', (d) => editJson(d, 'model.weights.json', (v) => (v.weight_map['/layers/reversible_embedding/vars'] = '../../etc/passwd')));
    const r = await analyze(dir);
    expect(r.findings.find((f) => f.code === 'weights-shard-missing')!.message).toMatch(/names shard "\.\.\/\.\.\/etc\/passwd", which is not a file name beside it/);
  });

  test('a backbone class without a rule: listed, counted, compared with parameter_count, never inconsistent', async () => {
    const dir = changed('gemma_tiny', (d) => editJson(d, 'config.json', (v) => (v.registered_name = 'keras_hub>NewBackbone')));
    const r = await analyze(dir);
    expect(r.verdict).toBe('unverified');
    expect(errors(r)).toEqual([]);
    expect(r.findings.find((f) => f.code === 'backbone-unknown')!.severity).toBe('info');
    expect(r.totals.storedParams).toBe(3536);
    expect(r.layers.flatMap((l) => l.weights)).toHaveLength(20);
  });

  test('a quantized policy is not laid out float by float: listed and counted', async () => {
    const dir = changed('gemma_tiny', (d) => editJson(d, 'config.json', (v) => (v.config.dtype = { module: 'keras', class_name: 'QuantizedDTypePolicy', config: { name: 'int8_from_bfloat16', source_name: 'bfloat16' }, registered_name: null })));
    const r = await analyze(dir);
    expect(r.findings.find((f) => f.code === 'backbone-unknown')!.message).toMatch(/quantized \(dtype policy int8_from_bfloat16\)/);
    expect(errors(r)).toEqual([]);
  });

  test('hostile sizes: a million layers or a string head count end in one finding, at once', async () => {
    const huge = await analyze(changed('gemma_tiny', (d) => editJson(d, 'config.json', (v) => (v.config.num_layers = 1e9))));
    expect(huge.findings.find((f) => f.code === 'backbone-too-large')).toBeDefined();
    expect(huge.verdict).toBe('unverified');
    const bad = await analyze(changed('gemma_tiny', (d) => editJson(d, 'config.json', (v) => (v.config.num_query_heads = '4'))));
    expect(bad.findings.find((f) => f.code === 'backbone-config-invalid')!.message).toBe('GemmaBackbone: config num_query_heads: "4" is not a whole number');
    expect(bad.verdict).toBe('inconsistent');
  });
});

describe('the audit reads every config of the preset', () => {
  test("keras-hub's own classes are the library's code, not custom objects", async () => {
    const r = await analyze(presetDir('bert_tiny'));
    expect(codes(r)).not.toContain('custom-object');
  });

  test('a tokenizer.json that names a module outside Keras is found, with the file named', async () => {
    const dir = changed('gemma_tiny', (d) => editJson(d, 'tokenizer.json', (v) => (v.config.proto = { module: 'os', class_name: 'system', config: 'echo owned' })));
    const r = await analyze(dir);
    const f = r.findings.find((x) => x.code === 'module-denied')!;
    expect(f.severity).toBe('critical');
    expect(f.message).toMatch(/^tokenizer\.json: /);
  });

  test('a string from the file reaches the terminal escaped', async () => {
    const dir = changed('gemma_tiny', (d) => editJson(d, 'task.json', (v) => (v.registered_name = 'keras_hub>Evil\u001b[2JCausalLM')));
    const out = await run([dir]);
    expect(out.stdout).not.toContain('\u001b[2J');
    expect(out.stdout).toContain('Evil\\x1b[2JCausalLM');
  });
});

describe('any folder: the preset read through the folder contract', () => {
  test('a preset held in memory, one folder down (as a hub repository or a dropped folder holds it), reads as on disk', async () => {
    const files = truth.presets.mistral_sharded.files as string[];
    const folder = new MemoryFolder('hf://someone/models', files.map((f) => [`mistral/${f}`, readFileSync(join(presetDir('mistral_sharded'), f))] as [string, Uint8Array]));
    const remote = analyzeSource(await readPlace({ folder, entry: 'mistral/config.json' }, {}));
    const local = await analyze(presetDir('mistral_sharded'));
    expect(remote.verdict).toBe('consistent');
    expect(remote.preset).toEqual(local.preset);
    expect(remote.layers).toEqual(local.layers);
    expect(remote.file).toBe('hf://someone/models/mistral/config.json');
  });
});

describe('the command line', () => {
  test('kerascope PRESET_DIR and kerascope PRESET_DIR/config.json read the same preset', async () => {
    const a = await run([presetDir('llama_tiny'), '--json']);
    const b = await run([join(presetDir('llama_tiny'), 'config.json'), '--json']);
    expect(a.code).toBe(0);
    expect(JSON.parse(a.stdout).preset).toEqual(JSON.parse(b.stdout).preset);
  });

  test("a preset's tokenizer.json named alone points at the preset, exit 3", async () => {
    const r = await run([join(presetDir('bert_tiny'), 'tokenizer.json')]);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/a KerasHub BertTokenizer config, part of the preset in this folder/);
  });

  test('check over the presets: one row per preset, its members and shards folded in or skipped', async () => {
    const r = await run(['check', join(HUB, 'presets'), '--json']);
    expect(r.code).toBe(0);
    const entries = JSON.parse(r.stdout) as any[];
    const rows = entries.filter((e) => !e.skipped);
    expect(rows.map((e) => e.file.replace(/^.*presets\//, '')).sort()).toEqual(Object.keys(truth.presets).map((n) => `${n}/config.json`).sort());
    expect(rows.every((e) => e.verdict === 'consistent')).toBe(true);
    const skipped = entries.filter((e) => e.skipped).map((e) => e.file.replace(/^.*presets\//, ''));
    expect(skipped).toContain('bert_tiny/tokenizer.json');
    expect(skipped).toContain('bert_tiny/task.json');
    expect(skipped).toContain('bert_tiny/preprocessor.json');
  });

  test('explain a decoder block: the formula with its heads, then every tensor', async () => {
    const r = await run(['explain', presetDir('gemma_tiny'), 'decoder_block_1']);
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')[0]).toBe(
      'decoder_block_1 (GemmaDecoderBlock): pre_attention_norm 16 + query 4×16×6 + key 1×16×6 + value 1×16×6 + attention_output 4×6×16 + pre_ffw_norm 16 + ffw_gating 16×12 + ffw_gating_2 16×12 + ffw_linear 12×16 = 1,568',
    );
    expect(r.stdout).toContain('  attention/key/kernel               (1, 16, 6): num_key_value_heads=1 × hidden_dim=16 × head_dim=6 — stored ok');
  });
});
