// Backbone rules against what real keras-hub wrote: for every preset of fixtures/keras-hub and every
// variant of fixtures/keras-hub-variants, the tensors a rule derives from the constructor arguments
// in config.json are exactly the datasets of the weights store (path and shape, across shards),
// their sum is count_params() and metadata.json's parameter_count, and their names are Keras's
// variable paths. Truth from keras-hub's own writers (generate.py beside each truth.json).
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { allBackboneRules, backboneRuleFor } from '../src/backbones/registry.js';
import type { BackboneLayout } from '../src/backbones/types.js';
import { BackboneArgsError, BackboneTooLargeError, KERAS_HUB_COMMIT } from '../src/backbones/types.js';
import { backbonesTable } from '../src/backbones/table.js';
import { matchBackbone } from '../src/check/backbone.js';
import { taskRuleFor } from '../src/backbones/tasks.js';
import type { StoredWeights } from '../src/types.js';

const FIXTURES = resolve(dirname(fileURLToPath(import.meta.url)), '../fixtures');
const read = (p: string): any => JSON.parse(readFileSync(join(FIXTURES, p), 'utf8'));
const presets = read('keras-hub/truth.json');
const variants = read('keras-hub-variants/truth.json');

const elements = (s: number[]): number => s.reduce((a, b) => a * b, 1);
const expectedStore = (l: BackboneLayout): Map<string, number[]> => new Map(l.blocks.flatMap((b) => b.tensors.map((t) => [`${t.store}/vars/${t.index}`, t.shape] as const)));
const total = (l: BackboneLayout): number => l.blocks.reduce((n, b) => n + b.tensors.reduce((m, t) => m + elements(t.shape), 0), 0);
const layoutOf = (cls: string, args: Record<string, unknown>): BackboneLayout => backboneRuleFor(cls)!.apply(args);

describe('backbone rules against the presets keras-hub wrote (fixtures/keras-hub)', () => {
  test('the fixtures and the rules were read at the same keras-hub commit', () => {
    expect(presets.keras_hub_commit).toBe(KERAS_HUB_COMMIT);
    expect(variants.keras_hub_commit).toBe(KERAS_HUB_COMMIT);
  });

  for (const [name, p] of Object.entries<any>(presets.presets)) {
    test(`${name} (${p.backbone_class}): every stored dataset, at its path, with its shape`, () => {
      const config = read(`keras-hub/presets/${name}/config.json`);
      expect(config.registered_name).toBe(`keras_hub>${p.backbone_class}`);
      const layout = layoutOf(p.backbone_class, config.config);
      const stored = Object.entries<any[]>(p.weights)
        .filter(([file]) => file.startsWith('model'))
        .flatMap(([, ds]) => ds.map((d) => [d[0], d[1]] as const));
      expect(expectedStore(layout)).toEqual(new Map(stored));
      expect(total(layout)).toBe(p.backbone_params);
      expect(total(layout)).toBe(p.metadata_parameter_count);
    });

    test(`${name}: tensors named by Keras's variable paths, in backbone.weights order`, () => {
      const layout = layoutOf(p.backbone_class, read(`keras-hub/presets/${name}/config.json`).config);
      const names = layout.blocks.flatMap((b) => b.tensors.map((t) => `${b.name}/${t.name}`));
      const truth = p.backbone_variables.map((v: any[]) => v[0]);
      if (p.backbone_class === 'T5Backbone') {
        // Known deviation: T5LayerNorm and the relative attention bias get Keras's automatic names
        // (t5_layer_norm_4, a bare self_attention/embeddings), which depend on what else the Python
        // process built. The rule names them by attribute; everything else is Keras's path.
        const auto = (n: string): boolean => /\/t5_layer_norm(_\d+)?\/weight$|^self_attention\/embeddings$/.test(n);
        const byAttribute = (n: string): boolean => /_layer_\d+\/((self|cross)_attention_layer_norm|layer_norm)\/weight$|_layer_0\/self_attention\/embeddings$/.test(n);
        expect(names.filter((n) => !byAttribute(n))).toEqual(truth.filter((n: string) => !auto(n)));
        expect(names.filter(byAttribute)).toHaveLength(truth.filter(auto).length);
      } else {
        expect(names).toEqual(truth);
      }
    });
  }
});

describe("task heads against the task.weights.h5 keras-hub wrote", () => {
  for (const [name, p] of Object.entries<any>(presets.presets)) {
    if (!p.task_class) continue;
    test(`${name} (${p.task_class})`, () => {
      const task = read(`keras-hub/presets/${name}/task.json`);
      const rule = taskRuleFor(p.task_class)!;
      expect(rule, p.task_class).toBeDefined();
      const blocks = rule.apply(task.config, read(`keras-hub/presets/${name}/config.json`).config);
      const stored = (p.weights['task.weights.h5'] ?? []).filter((d: any[]) => !d[0].startsWith('optimizer/'));
      expect(new Map(blocks.flatMap((b) => b.tensors.map((t) => [`${t.store}/vars/${t.index}`, t.shape] as const)))).toEqual(new Map(stored.map((d: any[]) => [d[0], d[1]])));
      expect(blocks.reduce((n, b) => n + b.tensors.reduce((m, t) => m + elements(t.shape), 0), 0)).toBe(p.task_only_params);
    });
  }
});

describe('backbone rules against variants keras-hub wrote (fixtures/keras-hub-variants)', () => {
  for (const [name, v] of Object.entries<any>(variants.variants)) {
    test(`${name} (${v.backbone_class})`, () => {
      const layout = layoutOf(v.backbone_class, v.config);
      const stored = new Map<string, number[]>(v.weights.map((d: any[]) => [d[0], d[1]]));
      if (name === 'llama_tied') {
        // keras-hub 0.32 LlamaBackbone.get_config() omits tie_word_embeddings: the config says
        // untied, the store is tied, and keras-hub's own from_preset refuses it ("Layer
        // 'token_embedding' expected 2 variables"). The rule follows the config, so exactly the
        // reverse embedding is expected and not stored — with the reason attached.
        const want = expectedStore(layout);
        const reverse = 'layers/reversible_embedding/vars/1';
        expect(want.get(reverse)).toEqual([16, 30]);
        want.delete(reverse);
        expect(want).toEqual(stored);
        expect(layout.blocks[0]!.tensors[1]!.note).toMatch(/does not save tie_word_embeddings/);
        expect(total(layout) - 16 * 30).toBe(v.params);
        return;
      }
      expect(expectedStore(layout)).toEqual(stored);
      expect(total(layout)).toBe(v.params);
    });
  }
});

describe('constructor arguments a backbone cannot be built from', () => {
  const gemma = read('keras-hub/presets/gemma_tiny/config.json').config;

  test('a size that is not a whole number is refused with its key', () => {
    expect(() => layoutOf('GemmaBackbone', { ...gemma, num_query_heads: '4' })).toThrow(BackboneArgsError);
    expect(() => layoutOf('GemmaBackbone', { ...gemma, hidden_dim: -16 })).toThrow(/hidden_dim: -16/);
    expect(() => layoutOf('GemmaBackbone', { ...gemma, head_dim: 2.5 })).toThrow(/head_dim: 2.5 is not a whole number/);
  });

  test('more heads than hidden features leave no per-head size, as KerasHub refuses', () => {
    const bert = read('keras-hub/presets/bert_tiny/config.json').config;
    expect(() => layoutOf('BertBackbone', { ...bert, num_heads: 9 })).toThrow(/hidden_dim=8 \/\/ num_heads=9 is 0/);
  });

  test('a million layers is not expanded one by one (bounded work for a lie in the file)', () => {
    expect(() => layoutOf('GemmaBackbone', { ...gemma, num_layers: 1_000_000 })).toThrow(BackboneTooLargeError);
  });
});

describe('the registry', () => {
  test('each rule cites the keras-hub files it follows, and each class has one rule', () => {
    const classes = allBackboneRules().flatMap((r) => r.classes);
    expect(new Set(classes).size).toBe(classes.length);
    for (const r of allBackboneRules()) expect(r.source).toMatch(/^keras_hub\/src\/models\//);
    for (const cls of ['BertBackbone', 'DistilBertBackbone', 'RobertaBackbone', 'GPT2Backbone', 'GemmaBackbone', 'LlamaBackbone', 'MistralBackbone']) expect(backboneRuleFor(cls)).toBeDefined();
  });
});

describe('a weights store laid out by another writer', () => {
  const p = presets.presets.gemma_tiny;
  const layout = layoutOf('GemmaBackbone', read('keras-hub/presets/gemma_tiny/config.json').config);
  const store = (rename: (path: string) => string, drop = 0): StoredWeights => ({
    layout: 'keras3',
    file: 'model.weights.h5',
    groups: p.weights['model.weights.h5'].slice(drop).map((d: any[]) => ({ path: rename(d[0]).replace(/\/vars\/\d+$/, ''), label: null, tensors: [{ path: rename(d[0]), name: d[0].replace(/^.*\//, ''), shape: d[1], dtype: 'bfloat16' }] })),
    optimizer: [],
    kerasVersion: null,
    backend: null,
  });

  test('most paths elsewhere: nothing called missing or extra; a warning says the shapes still agree', () => {
    const m = matchBackbone('GemmaBackbone', layout, store((x) => x.replace(/_dense\//, '/').replace(/^layers\//, 'layers/v0_')));
    expect(m.recognised).toBe(false);
    expect(m.findings.map((f) => [f.code, f.severity])).toEqual([['backbone-layout-unrecognised', 'warning']]);
    expect(m.findings[0]!.message).toMatch(/only 0 of 20 tensors GemmaBackbone builds are at the store paths keras-hub 0.32 writes: .*the stored shapes are exactly the 20 the constructor arguments give, under other paths/);
  });

  test('and when the shapes do not agree either, it says so with both counts', () => {
    const m = matchBackbone('GemmaBackbone', layout, store((x) => `layers/v0_${x}`, 1));
    expect(m.findings[0]!.message).toMatch(/the stored tensors \(19, 3,440 parameters\) are not the 20 the constructor arguments give \(3,536 parameters\)/);
  });

  test('a few paths missing in a store that is otherwise the rule\'s: those are missing, the strays extra', () => {
    const m = matchBackbone('GemmaBackbone', layout, store((x) => x.replace('gemma_decoder_block_1/ffw_linear', 'gemma_decoder_block_1/ffw_out')));
    expect(m.recognised).toBe(true);
    expect(m.findings.map((f) => f.code).sort()).toEqual(['weight-extra', 'weight-missing']);
    expect(m.findings.find((f) => f.code === 'weight-missing')!.layer).toBe('decoder_block_1');
  });
});

describe('supported-backbones table', () => {
  test('docs/backbones.md equals backbonesTable() (regenerate: npx tsx scripts/backbones-table.ts > docs/backbones.md)', () => {
    const table = backbonesTable();
    expect(readFileSync(new URL('../docs/backbones.md', import.meta.url), 'utf8')).toBe(table);
    for (const cls of allBackboneRules().flatMap((r) => r.classes)) expect(table).toMatch(new RegExp(`^\\| ${cls} \\|`, 'm'));
  });
});

describe('published presets: the sizes keras-hub records for them', () => {
  // `params` is what keras-hub's maintainers recorded (count_params) for each published preset:
  // keras_hub/src/models/*/…_presets.py at KERAS_HUB_COMMIT, and for the keras-nlp-era presets
  // keras_nlp/models/*/…_presets.py before they moved to Kaggle (keras-team/keras-hub 814959b15^),
  // whose constructor arguments were written there too. The Kaggle-era arguments are the published
  // architectures (the checkpoints' own config.json, as keras-hub's conversion scripts map them:
  // Gemma's intermediate_dim is twice Hugging Face's intermediate_size).
  const published: [string, string, Record<string, unknown>, number][] = [
    ['bert_tiny_en_uncased', 'BertBackbone', { vocabulary_size: 30522, num_layers: 2, num_heads: 2, hidden_dim: 128, intermediate_dim: 512, max_sequence_length: 512, num_segments: 2 }, 4385920],
    ['bert_base_en_uncased', 'BertBackbone', { vocabulary_size: 30522, num_layers: 12, num_heads: 12, hidden_dim: 768, intermediate_dim: 3072, max_sequence_length: 512, num_segments: 2 }, 109482240],
    ['bert_base_multi', 'BertBackbone', { vocabulary_size: 119547, num_layers: 12, num_heads: 12, hidden_dim: 768, intermediate_dim: 3072, max_sequence_length: 512, num_segments: 2 }, 177853440],
    ['bert_large_en', 'BertBackbone', { vocabulary_size: 28996, num_layers: 24, num_heads: 16, hidden_dim: 1024, intermediate_dim: 4096, max_sequence_length: 512, num_segments: 2 }, 333579264],
    ['distil_bert_base_en_uncased', 'DistilBertBackbone', { vocabulary_size: 30522, num_layers: 6, num_heads: 12, hidden_dim: 768, intermediate_dim: 3072, max_sequence_length: 512 }, 66362880],
    ['distil_bert_base_multi', 'DistilBertBackbone', { vocabulary_size: 119547, num_layers: 6, num_heads: 12, hidden_dim: 768, intermediate_dim: 3072, max_sequence_length: 512 }, 134734080],
    ['roberta_base_en', 'RobertaBackbone', { vocabulary_size: 50265, num_layers: 12, num_heads: 12, hidden_dim: 768, intermediate_dim: 3072, max_sequence_length: 512 }, 124052736],
    ['roberta_large_en', 'RobertaBackbone', { vocabulary_size: 50265, num_layers: 24, num_heads: 16, hidden_dim: 1024, intermediate_dim: 4096, max_sequence_length: 512 }, 354307072],
    ['xlm_roberta_base_multi', 'XLMRobertaBackbone', { vocabulary_size: 250002, num_layers: 12, num_heads: 12, hidden_dim: 768, intermediate_dim: 3072, max_sequence_length: 512 }, 277450752],
    ['gpt2_base_en', 'GPT2Backbone', { vocabulary_size: 50257, num_layers: 12, num_heads: 12, hidden_dim: 768, intermediate_dim: 3072, max_sequence_length: 1024 }, 124439808],
    ['gpt2_extra_large_en', 'GPT2Backbone', { vocabulary_size: 50257, num_layers: 48, num_heads: 25, hidden_dim: 1600, intermediate_dim: 6400, max_sequence_length: 1024 }, 1557611200],
    ['gemma_2b_en', 'GemmaBackbone', { vocabulary_size: 256000, num_layers: 18, num_query_heads: 8, num_key_value_heads: 1, hidden_dim: 2048, intermediate_dim: 32768, head_dim: 256 }, 2506172416],
    ['gemma_7b_en', 'GemmaBackbone', { vocabulary_size: 256000, num_layers: 28, num_query_heads: 16, num_key_value_heads: 16, hidden_dim: 3072, intermediate_dim: 49152, head_dim: 256 }, 8537680896],
    ['gemma2_9b_en', 'GemmaBackbone', { vocabulary_size: 256000, num_layers: 42, num_query_heads: 16, num_key_value_heads: 8, hidden_dim: 3584, intermediate_dim: 28672, head_dim: 256, use_post_ffw_norm: true, use_post_attention_norm: true }, 9241705984],
    ['gemma3_1b', 'Gemma3Backbone', { vocabulary_size: 262144, image_size: 896, num_layers: 26, num_query_heads: 4, num_key_value_heads: 1, hidden_dim: 1152, intermediate_dim: 6912, head_dim: 256, use_post_ffw_norm: true, use_post_attention_norm: true }, 999885952],
    ['llama2_7b_en', 'LlamaBackbone', { vocabulary_size: 32000, num_layers: 32, num_query_heads: 32, num_key_value_heads: 32, hidden_dim: 4096, intermediate_dim: 11008 }, 6738415616],
    ['llama3_8b_en', 'Llama3Backbone', { vocabulary_size: 128256, num_layers: 32, num_query_heads: 32, num_key_value_heads: 8, hidden_dim: 4096, intermediate_dim: 14336 }, 8030261248],
    ['mistral_7b_en', 'MistralBackbone', { vocabulary_size: 32000, num_layers: 32, num_query_heads: 32, num_key_value_heads: 8, hidden_dim: 4096, intermediate_dim: 14336 }, 7241732096],
    ['phi3_mini_4k_instruct_en', 'Phi3Backbone', { vocabulary_size: 32064, num_layers: 32, num_query_heads: 32, num_key_value_heads: 32, hidden_dim: 3072, intermediate_dim: 8192 }, 3821079552],
    ['falcon_refinedweb_1b_en', 'FalconBackbone', { vocabulary_size: 50304, num_layers: 24, num_attention_heads: 32, hidden_dim: 2048, intermediate_dim: 8192 }, 1311625216],
    ['qwen2.5_0.5b_en', 'QwenBackbone', { vocabulary_size: 151936, num_layers: 24, num_query_heads: 14, num_key_value_heads: 2, hidden_dim: 896, intermediate_dim: 4864 }, 494032768],
    ['qwen3_0.6b_en', 'Qwen3Backbone', { vocabulary_size: 151936, num_layers: 28, num_query_heads: 16, num_key_value_heads: 8, head_dim: 128, hidden_dim: 1024, intermediate_dim: 3072 }, 596049920],
    ['vit_base_patch16_224_imagenet', 'ViTBackbone', { image_shape: [224, 224, 3], patch_size: [16, 16], num_layers: 12, num_heads: 12, hidden_dim: 768, mlp_dim: 3072 }, 85798656],
  ];
  for (const [name, cls, args, params] of published) {
    test(`${name} (${cls}): ${params.toLocaleString('en-US')} parameters`, () => expect(total(layoutOf(cls, args))).toBe(params));
  }
});
