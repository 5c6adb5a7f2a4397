// The one registry of layer rules. Each family file exports a `rules` array; a new class is one
// entry there (plus its test). Lookup is by the class name as stored, aliases included.
import type { LayerRule } from './types.js';
import { rules as core } from './core.js';
import { rules as conv } from './conv.js';
import { rules as pooling } from './pooling.js';
import { rules as reshaping } from './reshaping.js';
import { rules as merging } from './merging.js';
import { rules as recurrent } from './recurrent.js';
import { rules as wrappers } from './wrappers.js';
import { rules as attention } from './attention.js';
import { rules as normalization } from './normalization.js';
import { rules as activations } from './activations.js';
import { rules as preprocessing } from './preprocessing.js';
import { rules as legacy } from './legacy.js';
import { rules as applications } from './applications.js';

const families: LayerRule[][] = [
  core,
  conv,
  pooling,
  reshaping,
  merging,
  recurrent,
  wrappers,
  attention,
  normalization,
  activations,
  preprocessing,
  legacy,
  applications,
];

const byClass = new Map<string, LayerRule>();
for (const family of families) {
  for (const rule of family) {
    for (const cls of rule.classes) {
      if (byClass.has(cls)) throw new Error(`two rules claim ${cls}`);
      byClass.set(cls, rule);
    }
  }
}

export function ruleFor(className: string): LayerRule | undefined {
  return byClass.get(className);
}

export function allRules(): LayerRule[] {
  return families.flat();
}
