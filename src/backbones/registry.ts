// The one registry of KerasHub backbone rules, parallel to src/layers/registry.ts. Each family file
// exports a `rules` array; a new backbone is one entry there plus its test. Lookup is by the class
// name config.json stores (`class_name`, or the part after `>` of `registered_name`).
import type { BackboneRule } from './types.js';
import { rules as bert } from './bert.js';
import { rules as gpt2 } from './gpt2.js';
import { rules as gemma } from './gemma.js';
import { rules as gemma3 } from './gemma3.js';
import { rules as llama } from './llama.js';
import { rules as mistral } from './mistral.js';
import { rules as qwen } from './qwen.js';
import { rules as qwen3 } from './qwen3.js';
import { rules as phi3 } from './phi3.js';
import { rules as falcon } from './falcon.js';
import { rules as t5 } from './t5.js';
import { rules as vit } from './vit.js';

const families: BackboneRule[][] = [bert, gpt2, gemma, gemma3, llama, mistral, qwen, qwen3, phi3, falcon, t5, vit];

const byClass = new Map<string, BackboneRule>();
for (const family of families) {
  for (const rule of family) {
    for (const cls of rule.classes) {
      if (byClass.has(cls)) throw new Error(`two backbone rules claim ${cls}`);
      byClass.set(cls, rule);
    }
  }
}

export function backboneRuleFor(className: string): BackboneRule | undefined {
  return byClass.get(className);
}

export function allBackboneRules(): BackboneRule[] {
  return families.flat();
}
