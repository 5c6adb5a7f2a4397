// kerascope diff, snapshot, check --baseline and --expect (issue 13) on files written by real Keras:
// fixtures/diff (one MLP varied one way per file, figures in its truth.json) and fixtures/keras
// (every model as .h5, .keras and to_json() twins by Keras 3.15.1).
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { analyze } from '../src/analyze.js';
import { diffReports, parseExpectation, snapshotOf } from '../src/diff/index.js';
import { align } from '../src/diff/align.js';
import { parseCount, parseShapes } from '../src/diff/expect.js';
import { run } from './cli-harness.js';

const D = 'fixtures/diff/';
const truth = JSON.parse(readFileSync(`${D}truth.json`, 'utf8')) as { models: Record<string, { params: number; input?: (number | null)[]; output?: (number | null)[] }> };
const tmp = mkdtempSync(join(tmpdir(), 'kerascope-diff-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('kerascope diff', () => {
  it('an .h5 and its .keras twin (one Keras model saved both ways) agree: exit 0', async () => {
    const r = await run(['diff', `${D}base.h5`, `${D}base.keras`]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('The architectures agree.');
    expect(r.stdout).toContain(`Total params: ${truth.models['base']!.params.toLocaleString('en-US')}`);
  });

  it('every .h5 / to_json() twin of a .keras in fixtures/keras agrees', { timeout: 120_000 }, async () => {
    const dir = 'fixtures/keras/models/';
    const stems = readdirSync(dir).filter((f) => f.endsWith('.keras')).map((f) => f.slice(0, -6));
    let pairs = 0;
    for (const s of stems) {
      const k = await analyze(`${dir}${s}.keras`);
      for (const other of [`${s}.h5`, `${s}.json`]) {
        const o = await analyze(`${dir}${other}`).catch(() => null);
        if (!o) continue;
        pairs++;
        expect(diffReports(o, k).changes.map((c) => c.message), `${other} vs ${s}.keras`).toEqual([]);
      }
    }
    expect(pairs).toBeGreaterThan(100);
  });

  it('a changed units is located: the layer, its config, its output shape, its tensors and the totals', async () => {
    const r = await run(['diff', `${D}base.keras`, `${D}units.keras`, '--json']);
    expect(r.code).toBe(1);
    const d = JSON.parse(r.stdout) as ReturnType<typeof diffReports>;
    expect(d.agree).toBe(false);
    expect(d.changes.map((c) => [c.kind, c.layer, c.message])).toEqual([
      ['config', 'hidden', 'hidden: units 64 → 32'],
      ['shapes', 'hidden', 'hidden: output shape (None, 64) → (None, 32)'],
      ['tensors', 'hidden', 'hidden/kernel: shape (20, 64) → (20, 32)'],
      ['tensors', 'hidden', 'hidden/bias: shape (64,) → (32,)'],
      ['tensors', 'logits', 'logits/kernel: shape (64, 23) → (32, 23)'],
      ['params', null, `params: 2,839 → ${truth.models['units']!.params.toLocaleString('en-US')}`],
    ]);
  });

  it('renamed layers pair by position and class; --allow names accepts them', async () => {
    const drift = await run(['diff', `${D}base.keras`, `${D}renamed.keras`]);
    expect(drift.code).toBe(1);
    expect(drift.stdout).toContain('layer renamed: hidden → dense_7 (Dense)');
    const ok = await run(['diff', `${D}base.keras`, `${D}renamed.keras`, '--allow', 'names']);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain('The architectures agree (2 allowed changes: names).');
  });

  it('an added layer is named with its position; nothing else is reported', async () => {
    const r = await run(['diff', `${D}base.keras`, `${D}dropout.keras`, '--json']);
    const d = JSON.parse(r.stdout) as ReturnType<typeof diffReports>;
    expect(d.changes.map((c) => c.message)).toEqual(['layer added: dropout (Dropout), position 2 of 3 in B']);
  });

  it('a dtype policy change is dtype drift, on the layer and its tensors; --allow dtype accepts it', async () => {
    const r = await run(['diff', `${D}base.keras`, `${D}float16.keras`, '--json']);
    const d = JSON.parse(r.stdout) as ReturnType<typeof diffReports>;
    expect(d.changes.map((c) => `${c.kind} ${c.message}`)).toEqual([
      'dtype hidden: dtype float32 → float16',
      'dtype hidden/kernel: dtype float32 → float16',
      'dtype hidden/bias: dtype float32 → float16',
    ]);
    expect((await run(['diff', `${D}base.keras`, `${D}float16.keras`, '--allow', 'dtype'])).code).toBe(0);
  });

  it('optimizer state stored on one side only is drift', async () => {
    const r = await run(['diff', `${D}base.keras`, `${D}trained.keras`, '--json']);
    expect((JSON.parse(r.stdout) as ReturnType<typeof diffReports>).changes.map((c) => c.message)).toEqual(['optimizer state: not stored → stored']);
  });

  it('a Keras 3 model against its TensorFlow.js conversion: names and the recurrent activation differ', async () => {
    const a = await analyze('fixtures/keras/models/seed_embedding_lstm.keras');
    const b = await analyze('fixtures/tfjs/seed-lstm/model.json');
    const d = diffReports(a, b, new Set(['names']));
    expect(d.changes.filter((c) => !c.allowed).map((c) => c.message)).toEqual(['lstm_5: recurrent_activation sigmoid → hard_sigmoid']);
  });

  it('an unreadable side is exit 3 with the one error line; a bad --allow is a usage error', async () => {
    const r = await run(['diff', `${D}base.keras`, 'README.md']);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/^kerascope: README\.md: /);
    const u = await run(['diff', `${D}base.keras`, `${D}base.h5`, '--allow', 'vibes']);
    expect(u.code).toBe(2);
    expect(u.stderr).toContain('--allow vibes: not a kind of drift');
  });
});

describe('layer alignment', () => {
  const L = (name: string, className = 'Dense') => ({ name, className });
  it('keeps exact names, pairs renames by class, and does not shift later layers after a removal', () => {
    expect(align([L('a'), L('b'), L('c')], [L('a'), L('c')])).toEqual([[0, 0], [1, null], [2, 1]]);
    expect(align([L('dense_3'), L('drop', 'Dropout'), L('dense_4')], [L('dense_7'), L('drop', 'Dropout'), L('dense_8')])).toEqual([[0, 0], [1, 1], [2, 2]]);
    expect(align([L('x', 'Conv2D')], [L('x', 'Dense')])).toEqual([[0, 0]]);
    expect(align([L('x', 'Conv2D')], [L('y', 'Dense')])).toEqual([[0, null], [null, 0]]);
  });
});

describe('kerascope snapshot and check --baseline', () => {
  const baseline = join(tmp, 'base.kerascope.json');

  it('a snapshot has no values, no file name and no time, and is the same for the .h5 and .keras twins except its source', async () => {
    const k = await run(['snapshot', `${D}base.keras`]);
    const h = await run(['snapshot', `${D}base.h5`]);
    expect(k.code).toBe(0);
    writeFileSync(baseline, k.stdout);
    expect(k.stdout).not.toContain('base.keras');
    const strip = (s: string) => ({ ...JSON.parse(s), source: null });
    expect(strip(h.stdout)).toEqual(strip(k.stdout));
    expect((await run(['snapshot', `${D}base.keras`])).stdout).toBe(k.stdout);
  });

  it('check --baseline passes the twins and fails the drifted files with the messages of diff', async () => {
    const ok = await run(['check', `${D}base.h5`, `${D}base.keras`, `${D}retrained.keras`, '--baseline', baseline]);
    expect(ok.code).toBe(0);
    const bad = await run(['check', `${D}units.keras`, '--baseline', baseline, '--json']);
    expect(bad.code).toBe(1);
    const report = (JSON.parse(bad.stdout) as { findings: { code: string; category: string; severity: string; message: string }[]; verdict: string }[])[0]!;
    expect(report.verdict).toBe('consistent');
    const drift = report.findings.filter((f) => f.code === 'baseline-drift');
    expect(drift.map((f) => f.message)).toContain('hidden: units 64 → 32');
    expect(drift.every((f) => f.category === 'expectation' && f.severity === 'error')).toBe(true);
    const table = await run(['check', `${D}units.keras`, '--baseline', baseline]);
    expect(table.stdout).toContain('not as expected');
  });

  it('--allow on check turns the allowed drift into info findings, exit 0', async () => {
    const r = await run(['check', `${D}renamed.keras`, '--baseline', baseline, '--allow', 'names', '--json']);
    expect(r.code).toBe(0);
    const f = (JSON.parse(r.stdout) as { findings: { code: string; severity: string }[] }[])[0]!.findings;
    expect(f.filter((x) => x.code === 'baseline-drift').map((x) => x.severity)).toEqual(['info', 'info']);
  });

  it('a baseline that is not a snapshot is a usage error', async () => {
    const r = await run(['check', `${D}base.keras`, '--baseline', `${D}truth.json`]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('not a kerascope snapshot');
  });
});

describe('--expect', () => {
  // The seed notebook's softmax MLP: 20 features → 23 classes, 573 parameters (Keras 2.0 to_json()).
  const seed = 'fixtures/seed/mlp-softmax.json';

  it('the issue\'s own example passes on the seed MLP', async () => {
    const r = await run(['check', seed, '--expect', 'params=573', '--expect', 'trainable=573', '--expect', 'input=(None, 20)', '--expect', 'output=(None, 23)', '--expect', 'max-params=10M']);
    expect(r.code).toBe(0);
  });

  it('each unmet expectation is one error finding, exit 1', async () => {
    const r = await run([seed, '--expect', 'params=574', '--expect', 'output=(None, 22)', '--expect', 'max-params=500', '--expect', 'layers=5']);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('params: expected 574, found 573');
    expect(r.stdout).toContain('output: expected (None, 22), found (None, 23)');
    expect(r.stdout).toContain('params: 573, more than max-params=500');
    expect(r.stdout).not.toContain('layers: expected');
  });

  it('parses counts and shapes as people write them, and refuses the rest as usage errors', async () => {
    expect(parseCount('10M')).toBe(10_000_000);
    expect(parseCount('1,024')).toBe(1024);
    expect(parseCount('2.5k')).toBe(2500);
    expect(parseCount('ten')).toBeNull();
    expect(parseShapes('(None, 20,)')).toEqual([[null, 20]]);
    expect(parseShapes('[(None, 20), (None, 3)]')).toEqual([[null, 20], [null, 3]]);
    expect(() => parseExpectation('flops=3')).toThrow(/unknown key/);
    const r = await run([seed, '--expect', 'input=twenty']);
    expect(r.code).toBe(2);
  });
});

describe('snapshotOf', () => {
  it('lists nested layers under their model, in model order', async () => {
    const s = snapshotOf(await analyze('fixtures/keras/models/nested_three_deep.keras'));
    const containers = s.layers.filter((l) => l.container).map((l) => l.path);
    expect(containers.length).toBeGreaterThan(0);
    for (const c of containers) expect(s.layers.some((l) => l.path.startsWith(`${c}/`))).toBe(true);
  });
});
