// The one registry of layer rules. Each family file exports a `rules` array; a new class is one
// entry there (plus its test). Lookup is by the class name as stored, aliases included.
import type { LayerRule } from './types.js';
import { rules as core } from './core.js';

const families: LayerRule[][] = [core];

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
