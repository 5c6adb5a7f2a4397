// The security walk (src/audit/walk.ts) counts what it puts on its stack, and never stores a scalar:
// a config with a 100-million-element array costs one stack frame (issue 10, item 3).
import { describe, expect, it } from 'vitest';
import { MAX_NODES, walk, type Visit } from '../src/audit/walk.js';

function visits(root: unknown, maxNodes?: number): { complete: boolean; seen: Visit[] } {
  const seen: Visit[] = [];
  const complete = walk(root, (v) => void seen.push(v), true, maxNodes);
  return { complete, seen };
}

describe('the security walk counts objects and arrays as it stacks them', () => {
  it('scalars are neither stored nor counted: 3,000,000 zeros walk to the end', () => {
    const { complete, seen } = visits({ class_name: 'Sequential', pad: new Array(3_000_000).fill(0), config: { name: 'm' } });
    expect(3_000_000).toBeGreaterThan(MAX_NODES);
    expect(complete).toBe(true);
    expect(seen.map((v) => v.key)).toEqual([null, 'config']); // the root and its config; no element of pad
  });

  it('stops before the limit+1-th object or array, whatever an array holds', () => {
    // the root (1), the pad array (2), then one counted element at a time
    const { complete, seen } = visits({ pad: Array.from({ length: 50 }, () => ({})) }, 10);
    expect(complete).toBe(false);
    expect(seen).toHaveLength(9); // the root and 8 elements: 10 counted
  });

  it('a wide object is counted child by child too', () => {
    const wide = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`k${i}`, {}]));
    expect(visits(wide, 10).complete).toBe(false);
    expect(visits(wide, 51).complete).toBe(true); // the root and 50 children
  });

  it('visits objects in document order, through arrays of arrays, with layer paths', () => {
    const root = {
      class_name: 'Sequential',
      config: { layers: [{ class_name: 'Dense', config: { name: 'd1', kernel_initializer: { class_name: 'Zeros', config: {} } } }, [{ class_name: 'X', config: { name: 'x' } }]] },
      after: [[1, { k: 2 }]],
    };
    const seen = visits(root).seen.map((v) => `${v.key}:${v.layer ?? '-'}${v.isLayer ? '!' : ''}`);
    expect(seen).toEqual(['null:-', 'config:-', 'layers:d1!', 'config:d1', 'kernel_initializer:d1', 'config:d1', 'layers:x!', 'config:x', 'after:-']);
  });

  it('a scalar or null root is walked at once', () => {
    expect(visits(7).complete).toBe(true);
    expect(visits(null).seen).toEqual([]);
  });
});
