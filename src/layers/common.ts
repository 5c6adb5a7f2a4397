// Small pieces shared by the rule families of this folder (core, activations, normalization,
// preprocessing, legacy): the weightless pass-through rule and the total at the end of a formula.
import type { ExpectedWeight, KerasVersion, LayerRule, RuleOutput } from './types.js';
import { one, fmtCount, weightCount } from './util.js';

/** A layer that returns its input unchanged and owns nothing. */
export function passThrough(classes: string[], family: string, source: string): LayerRule {
  return {
    classes,
    family,
    summary: 'no weights; output shape = input shape',
    source,
    apply: ({ inputShapes }): RuleOutput => ({ outputShapes: [one(inputShapes)], weights: [], formula: 'no weights: 0' }),
  };
}

/**
 * The count at the end of a formula, with Keras's thousands separators, `?` where a dimension is
 * unknown. A variable stored twice (duplicateOf) counts once, as in count_params().
 */
export function total(ws: readonly ExpectedWeight[]): string {
  const own = ws.filter((w) => !w.duplicateOf);
  return own.some((w) => w.shape === null) ? '?' : fmtCount(weightCount(own));
}


/**
 * Keras's major version for the rules of this folder. A file with no keras_version at all is a
 * Keras 3 `to_json()` / `config.json` (or a Keras 3 weights store): every Keras 1/2 writer and
 * tf.keras put the version in the file. parseKerasVersion reads "unknown" as 2, so it is undone here.
 */
export function kerasMajor(v: KerasVersion): number {
  return v.raw === null ? 3 : v.major;
}
