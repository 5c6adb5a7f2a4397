// JSON that is a serialized Keras object but not a model is refused by its content, exit 3, with the
// reason (issue 9, defect 8): a Tokenizer.to_json() written by Keras's own Tokenizer
// (fixtures/not-a-model/generate.py), a KerasHub tokenizer.json written by keras-hub's save_to_preset
// (fixtures/keras-hub). A Keras 3 subclassed model's config.json (no layers either) stays a model.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { analyze, UnreadableError } from '../src/index.js';
import { NotAModelError } from '../src/errors.js';
import { run } from './cli-harness.js';

const fixtures = join(import.meta.dirname, '..', 'fixtures');
const dir = mkdtempSync(join(tmpdir(), 'kerascope-not-a-model-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function refusal(file: string): Promise<string> {
  const err = await analyze(file).then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(UnreadableError);
  return (err as Error).message;
}

describe('serialized Keras objects that are not models', () => {
  it("Keras's Tokenizer.to_json(): refused, exit 3, one line naming the file and why", async () => {
    const file = join(fixtures, 'not-a-model', 'tokenizer.json');
    expect(await refusal(file)).toMatch(/JSON but not a Keras model: a serialized Tokenizer \(a tokenizer's vocabulary and settings, no layers\)$/);
    const r = await run([file]);
    expect(r.code).toBe(3);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain('tokenizer.json: JSON but not a Keras model');
  });

  it("a KerasHub tokenizer.json (keras-hub save_to_preset): refused as not a model, so `check` skips it", async () => {
    // In its preset, beside config.json: part of the preset (src/formats/keras-hub).
    const inPreset = join(fixtures, 'keras-hub', 'presets', 'bert_tiny', 'tokenizer.json');
    expect(await refusal(inPreset)).toContain('a KerasHub BertTokenizer config, part of the preset in this folder');
    await expect(analyze(inPreset)).rejects.toBeInstanceOf(NotAModelError);
    // Alone: the JSON reader's reason.
    const alone = join(dir, 'tokenizer.json');
    writeFileSync(alone, readFileSync(inPreset));
    expect(await refusal(alone)).toContain('not a Keras model: a serialized BertTokenizer');
    await expect(analyze(alone)).rejects.toBeInstanceOf(NotAModelError);
  });

  it('a Keras 2 object without layers, and a Keras 3 layer config: refused', async () => {
    const k2 = join(dir, 'k2.json');
    writeFileSync(k2, JSON.stringify({ class_name: 'Dense', config: { units: 3 }, keras_version: '2.2.4' }));
    expect(await refusal(k2)).toContain('a serialized Dense with no layers');
    const k3 = join(dir, 'k3.json');
    writeFileSync(k3, JSON.stringify({ module: 'keras.layers', class_name: 'Dense', config: { units: 3 }, registered_name: null }));
    expect(await refusal(k3)).toContain('a serialized Dense layer, not a model');
  });

  it('a Keras 3 subclassed model config.json stays a model (a warning says it stores no layers)', async () => {
    const file = join(dir, 'vae.json');
    writeFileSync(file, JSON.stringify({ module: null, class_name: 'VAE', config: {}, registered_name: 'VAE' }));
    const r = await analyze(file);
    expect(r.findings.map((f) => f.code)).toContain('subclassed-model');
  });
});
