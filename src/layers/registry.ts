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
import { isKerasOperation, kerasOperation } from './keras-ops.js';

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

/** The rule for a class as stored; `module` (Keras 3) tells a Keras operation from the layer of the same name. */
export function ruleFor(className: string, module?: string | null): LayerRule | undefined {
  if (isKerasOperation(className, module)) return kerasOperation;
  return byClass.get(className);
}

/** The class starts a model's graph (InputLayer). */
export function isInputClass(className: string): boolean {
  return byClass.get(className)?.input === true;
}

export function allRules(): LayerRule[] {
  return families.flat();
}
