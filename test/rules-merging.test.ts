// Merging rules against Keras's own numbers: keras-formats.md §4 (checked with Keras 3.15.1), the Keras 3
// docstrings of merging/concatenate.py and dot.py (backend batch_dot), the Keras 1.2 corpus summary
// (k1-2-0-functional-merge-weights-json) and every merging layer of ../shared/keras3-zoo.
import { describe, expect, it } from 'vitest';
import { RuleError } from '../src/layers/types.js';
import { hasZoo } from './helpers/zoo.js';
import { K1, expectZooCase, run, zooCasesOf } from './helpers/rules.js';

describe('element-wise merges', () => {
  it('Add of two (2, 3, 4) gives (2, 3, 4) and owns nothing', () => {
    const out = run('Add', {}, [
      [null, 3, 4],
      [null, 3, 4],
    ]);
    expect(out.outputShapes).toEqual([[null, 3, 4]]);
    expect(out.weights).toEqual([]);
  });
  it('broadcasts 1s and None, aligned at the end', () => {
    expect(
      run('Multiply', {}, [
        [null, 5, 1],
        [null, 1, 7],
      ]).outputShapes,
    ).toEqual([[null, 5, 7]]);
    expect(
      run('Maximum', {}, [
        [null, null, 4],
        [null, 6, 4],
        [null, 6, 4],
      ]).outputShapes,
    ).toEqual([[null, null, 4]]);
    expect(
      run('Average', {}, [
        [null, 3, 4],
        [null, 4],
      ]).outputShapes,
    ).toEqual([[null, 3, 4]]);
  });
  it('a known batch size survives when all inputs agree', () => {
    expect(
      run('Minimum', {}, [
        [8, 2],
        [null, 2],
      ]).outputShapes,
    ).toEqual([[8, 2]]);
  });
  it('refuses shapes that do not broadcast and a Subtract of three', () => {
    expect(() =>
      run('Add', {}, [
        [null, 3],
        [null, 4],
      ]),
    ).toThrow(RuleError);
    expect(() =>
      run('Subtract', {}, [
        [null, 3],
        [null, 3],
        [null, 3],
      ]),
    ).toThrow(RuleError);
  });
});

describe('Concatenate', () => {
  it('concatenate.py docstring: (2, 2, 5) and (2, 1, 5) on axis 1 give (2, 3, 5)', () => {
    expect(
      run('Concatenate', { axis: 1 }, [
        [2, 2, 5],
        [2, 1, 5],
      ]).outputShapes,
    ).toEqual([[2, 3, 5]]);
  });
  it('negative axes count from the end; None on the axis makes it None', () => {
    expect(
      run('Concatenate', { axis: -2 }, [
        [null, 2, 4],
        [null, 5, 4],
      ]).outputShapes,
    ).toEqual([[null, 7, 4]]);
    expect(
      run('Concatenate', {}, [
        [null, 3, null],
        [null, 3, 4],
      ]).outputShapes,
    ).toEqual([[null, 3, null]]);
  });
  it('refuses other dims that differ', () => {
    expect(() =>
      run('Concatenate', { axis: -1 }, [
        [null, 3, 4],
        [null, 2, 4],
      ]),
    ).toThrow(RuleError);
  });
});

describe('Dot', () => {
  it('keras-formats §4: (4, 3)·(4, 5) with axes 1 gives (None, 3, 5)', () => {
    expect(
      run('Dot', { axes: 1, normalize: false }, [
        [null, 4, 3],
        [null, 4, 5],
      ]).outputShapes,
    ).toEqual([[null, 3, 5]]);
  });
  it('batch_dot docstring: (32, 20, 1)·(32, 30, 20) with axes (1, 2) gives (32, 1, 30)', () => {
    expect(
      run('Dot', { axes: [1, 2] }, [
        [32, 20, 1],
        [32, 30, 20],
      ]).outputShapes,
    ).toEqual([[32, 1, 30]]);
  });
  it('dot.py docstring: two (5, 8) with axes 1 give (5, 1); normalize changes nothing', () => {
    expect(
      run('Dot', { axes: 1, normalize: true }, [
        [5, 8],
        [5, 8],
      ]).outputShapes,
    ).toEqual([[5, 1]]);
  });
  it('refuses contracted axes of different sizes', () => {
    expect(() =>
      run('Dot', { axes: -1 }, [
        [null, 3],
        [null, 4],
      ]),
    ).toThrow(RuleError);
  });
});

describe('Keras 1 Merge', () => {
  const merge = (mode: unknown, extra: Record<string, unknown> = {}) => ({ mode, mode_type: 'raw', concat_axis: -1, dot_axes: -1, output_shape: null, output_shape_type: 'raw', ...extra });
  it('corpus k1-2-0: mode sum of two (23, 80, 32) is (None, 23, 80, 32), 0 params', () => {
    const out = run(
      'Merge',
      merge('sum'),
      [
        [null, 23, 80, 32],
        [null, 23, 80, 32],
      ],
      K1,
    );
    expect(out.outputShapes).toEqual([[null, 23, 80, 32]]);
    expect(out.weights).toEqual([]);
  });
  it('concat on concat_axis, dot and cos on dot_axes', () => {
    const two = [
      [null, 4, 3],
      [null, 4, 5],
    ];
    expect(run('Merge', merge('concat'), two, K1).outputShapes).toEqual([[null, 4, 8]]);
    expect(run('Merge', merge('dot', { dot_axes: [1, 1] }), two, K1).outputShapes).toEqual([[null, 3, 5]]);
    expect(run('Merge', merge('dot', { dot_axes: [[1], [1]] }), two, K1).outputShapes).toEqual([[null, 3, 5]]);
    expect(
      run(
        'Merge',
        merge('cos', { dot_axes: 1 }),
        [
          [null, 6],
          [null, 6],
        ],
        K1,
      ).outputShapes,
    ).toEqual([[null, 1]]);
  });
  it("no mode key is Keras 1's default mode='sum'", () => {
    expect(
      run(
        'Merge',
        {},
        [
          [null, 4],
          [null, 4],
        ],
        K1,
      ).outputShapes,
    ).toEqual([[null, 4]]);
  });
  it('mul/ave/max need equal shapes', () => {
    expect(() =>
      run(
        'Merge',
        merge('mul'),
        [
          [null, 4],
          [null, 5],
        ],
        K1,
      ),
    ).toThrow(RuleError);
  });
  it('a lambda mode: the stored output_shape tuple, or an unknown shape with a note', () => {
    const two = [
      [null, 4],
      [null, 4],
    ];
    const fn = ['c2VyaWFsaXplZA==', null, null];
    const known = run('Merge', merge(fn, { mode_type: 'lambda', output_shape: [2, 4] }), two, K1);
    expect(known.outputShapes).toEqual([[null, 2, 4]]);
    const unknown = run('Merge', merge(fn, { mode_type: 'lambda', output_shape: ['c2hhcGU=', null, null], output_shape_type: 'lambda' }), two, K1);
    expect(unknown.shapeUnknown).toBe(true);
    expect(unknown.outputShapes).toEqual([]);
    expect(unknown.notes?.[0]).toMatch(/lambda mode/);
  });
});

describe.runIf(hasZoo)('keras3-zoo: every merging layer equals truth.json (Keras 3.15.1)', () => {
  const cases = zooCasesOf('merging');
  it('has merging cases', () => expect(cases.length).toBeGreaterThan(10));
  it.each(cases.map((c) => [`${c.slug}/${c.name} (${c.className})`, c] as const))('%s', (_label, c) => expectZooCase(c));
});
