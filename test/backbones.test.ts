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
