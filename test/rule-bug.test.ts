// A bug in a layer rule (it throws something other than a RuleError) is an internal error (issue 11):
// exit 4 with one line naming the layer and the class, never a `layer-rule-error` finding, never a
// verdict, never a stack without --debug. The bug is planted by wrapping the registry: Dense's rule
// throws a TypeError, as a rule reading a missing config object would.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test, vi } from 'vitest';
import type { LayerRule } from '../src/layers/types.js';

vi.mock('../src/layers/registry.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('../src/layers/registry.js')>();
  const buggy = (rule: LayerRule): LayerRule => ({
    ...rule,
    apply: () => {
      throw new TypeError("Cannot read properties of undefined (reading 'units')");
    },
  });
  return { ...real, ruleFor: (c: string, m?: string | null) => (c === 'Dense' ? buggy(real.ruleFor(c, m)!) : real.ruleFor(c, m)) };
});

const { analyze } = await import('../src/index.js');
const { RuleBugError } = await import('../src/errors.js');
const { run } = await import('./cli-harness.js');

const dir = mkdtempSync(join(tmpdir(), 'kerascope-rule-bug-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = join(dir, 'model.json');
writeFileSync(
  file,
  JSON.stringify({
    class_name: 'Sequential',
    keras_version: '2.2.4',
    config: [{ class_name: 'Flatten', config: { name: 'flat', batch_input_shape: [null, 2, 3] } }, { class_name: 'Dense', config: { name: 'head', units: 4 } }],
  }),
);

describe('a rule that throws a TypeError', () => {
  test('ends the analysis as a RuleBugError naming the layer and the class, with the rule error as its cause', async () => {
    const e = await analyze(file).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(RuleBugError);
    expect((e as InstanceType<typeof RuleBugError>).layer).toBe('head');
    expect((e as Error).message).toBe("the Dense rule failed on layer head: TypeError: Cannot read properties of undefined (reading 'units')");
    expect((e as Error).cause).toBeInstanceOf(TypeError);
  });

  test('the CLI: exit 4, one line, no stack; --debug shows the rule error where it was thrown', async () => {
    const r = await run([file]);
    expect(r.code).toBe(4);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(
      `kerascope: ${file}: internal error: the Dense rule failed on layer head: TypeError: Cannot read properties of undefined (reading 'units') (a bug in kerascope: please report it; --debug shows where)\n`,
    );
    const debug = await run([file, '--debug']);
    expect(debug.code).toBe(4);
    expect(debug.stderr).toMatch(/TypeError: Cannot read properties of undefined[^\n]*\n\s+at Object.apply .*rule-bug\.test\.ts/);
  });

  test('check: the file is a failed row, exit 4', async () => {
    const r = await run(['check', '--jobs', '1', dir]);
    expect(r.code).toBe(4);
    expect(r.stdout).toMatch(/model\.json .*│ failed +│ internal error: the Dense rule failed on layer head/);
  });
});
