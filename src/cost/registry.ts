// One registry of cost rules, keyed by class name (aliases resolved as the layer rules do).
// A new layer's cost is one entry in one family file.
import { ALIAS_OF } from '../layers/aliases.js';
import type { CostRule } from './types.js';
import { rules as activations } from './activations.js';
import { rules as attention } from './attention.js';
import { rules as conv } from './conv.js';
import { rules as core } from './core.js';
import { rules as merging } from './merging.js';
import { rules as normalization } from './normalization.js';
import { rules as pooling } from './pooling.js';
import { rules as recurrent } from './recurrent.js';
import { rules as wrappers } from './wrappers.js';

export const families: CostRule[][] = [core, conv, recurrent, attention, normalization, pooling, merging, activations, wrappers];

const byClass = new Map<string, CostRule>();
for (const rule of families.flat()) {
  for (const cls of rule.classes) {
    if (byClass.has(cls)) throw new Error(`two cost rules for ${cls}`);
    byClass.set(cls, rule);
  }
}

export function costRuleFor(className: string): CostRule | undefined {
  return byClass.get(className) ?? byClass.get(ALIAS_OF[className] ?? '');
}
