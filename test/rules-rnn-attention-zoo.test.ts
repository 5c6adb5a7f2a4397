// Every keras3-zoo layer of the recurrent, wrapper and attention classes, evaluated by its rule and
// compared with what Keras 3.15.1 itself recorded in truth.json: output shape(s), every weight's path,
// shape and trainable flag in Keras's order, the count, and a formula ending with that count.
// Runs only when ../shared/keras3-zoo exists. No known deviation: every case must match.
import { describe, expect, it } from 'vitest';
import { expectZooCase } from './helpers/rules.js';
import { hasZoo, zooLayerCases } from './helpers/zoo.js';
import { RNN_ATTENTION_CLASSES } from './helpers/run-rule.js';

const cases = hasZoo ? zooLayerCases().filter((c) => RNN_ATTENTION_CLASSES.includes(c.className)) : [];

describe.runIf(hasZoo)('keras3-zoo: recurrent, wrapper and attention layers equal Keras 3.15.1', () => {
  it('covers every class of this family that the zoo holds', () => {
    expect([...new Set(cases.map((c) => c.className))].sort()).toEqual([...RNN_ATTENTION_CLASSES].sort());
  });

  for (const c of cases) it(`${c.slug} ${c.name} (${c.className})`, () => expectZooCase(c));
});
