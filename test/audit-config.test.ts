// Config findings on hand-built configs that carry exactly one hazard each, in every era's encoding.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { audit } from '../src/audit/index.js';
import type { Finding, ModelSource } from '../src/types.js';

const FIX = join(import.meta.dirname, '../fixtures/audit');
const B64_OS = readFileSync(join(FIX, 'marshal-py311-os-system.b64'), 'utf8');
const B64_NORM = readFileSync(join(FIX, 'marshal-py311-normalise.b64'), 'utf8');
/** Keras 1 / 2.0 stored the marshal bytes as code points (`raw_unicode_escape`). */
const RAW_NORM = String.fromCharCode(...Buffer.from(B64_NORM, 'base64'));

function source(config: unknown, trainingConfig: unknown = null): ModelSource {
  return {
    file: 'x', format: 'keras-json', formatLabel: 'test', kerasVersion: null, backend: null,
    config, trainingConfig, weights: null, weightsFile: null, findings: [], container: { size: 100 },
  };
}
const codes = (fs: Finding[]): string[] => fs.map((f) => f.code);
const dense = (name: string, extra: Record<string, unknown> = {}) => ({ class_name: 'Dense', config: { name, units: 2, ...extra } });

describe('Lambdas in every encoding and at any depth', () => {
  it('Keras 1 raw_unicode_escape string in a list-config Sequential', () => {
    const cfg = { class_name: 'Sequential', config: [{ class_name: 'Lambda', config: { name: 'lambda_1', function: [RAW_NORM, null, null], function_type: 'lambda', output_shape_type: 'raw' } }] };
    const [f] = audit(source(cfg));
    expect(f).toMatchObject({ code: 'lambda-layer', severity: 'high', layer: 'lambda_1', category: 'security' });
    expect(f!.message).toContain('"/home/alice/project/model.py" line 1');
    expect(f!.message).toContain('Python 3.11+');
  });

  it('tf.keras base64 list with a dangerous body is critical and names what it uses', () => {
    const cfg = { class_name: 'Functional', config: { name: 'm', layers: [{ class_name: 'Lambda', name: 'evil', config: { name: 'evil', function: [B64_OS, null, null], function_type: 'lambda', module: '__main__' } }] } };
    const fs = audit(source(cfg));
    expect(codes(fs)).toEqual(['lambda-layer']);
    expect(fs[0]!.severity).toBe('critical');
    expect(fs[0]!.message).toMatch(/__import__/);
    expect(fs[0]!.message).toContain('/home/mallory/train.py');
  });

  it('danger hidden in nested code (an inner function calling subprocess) is critical', () => {
    const nested = readFileSync(join(FIX, 'marshal-py311-nested.b64'), 'utf8');
    const cfg = { class_name: 'Sequential', config: { name: 's', layers: [{ class_name: 'Lambda', config: { name: 'l', function: { class_name: '__lambda__', config: { code: nested, defaults: null, closure: null } } } }] } };
    const [f] = audit(source(cfg));
    expect(f).toMatchObject({ code: 'lambda-layer', severity: 'critical' });
    expect(f!.message).toMatch(/references .*subprocess/);
    expect(f!.message).toContain('"C:/Users/bob/nb.py"');
  });

  it('a Keras 3 __lambda__ three models deep, inside a wrapper, gets the full layer path', () => {
    const lam = { module: 'keras.layers', class_name: 'Lambda', config: { name: 'deep', function: { class_name: '__lambda__', config: { code: B64_NORM, defaults: null, closure: null } } }, registered_name: null };
    const td = { module: 'keras.layers', class_name: 'TimeDistributed', config: { name: 'td', layer: lam }, registered_name: null };
    const inner = { module: 'keras', class_name: 'Sequential', config: { name: 'inner', layers: [td] }, registered_name: null };
    const mid = { module: 'keras', class_name: 'Functional', config: { name: 'mid', layers: [inner] }, registered_name: 'Functional' };
    const top = { module: 'keras', class_name: 'Functional', config: { name: 'top', layers: [dense('d'), mid] }, registered_name: 'Functional' };
    const fs = audit(source(top));
    expect(fs).toHaveLength(1);
    expect(fs[0]).toMatchObject({ code: 'lambda-layer', layer: 'mid/inner/td/deep' });
  });

  it('a lambda inside an RNN cell and a lambda activation are lambda-function findings', () => {
    const cell = { class_name: 'SimpleRNNCell', config: { name: 'c', units: 2, activation: { class_name: '__lambda__', config: { value: [B64_NORM, null, null] } } } };
    const cfg = { class_name: 'Sequential', config: { name: 's', layers: [{ class_name: 'RNN', config: { name: 'rnn', cell } }] } };
    const fs = audit(source(cfg));
    expect(fs).toHaveLength(1);
    expect(fs[0]).toMatchObject({ code: 'lambda-function', layer: 'rnn/c' });
    expect(fs[0]!.message).toContain('`activation`');
  });

  it('output_shape lambdas and Keras 1 Merge modes are found through their *_type key', () => {
    const merge = { class_name: 'Merge', config: { name: 'merge_1', mode: [RAW_NORM, null, null], mode_type: 'lambda', output_shape: [B64_NORM, null, null], output_shape_type: 'lambda' } };
    const fs = audit(source({ class_name: 'Sequential', config: [merge] }));
    expect(codes(fs)).toEqual(['lambda-function', 'lambda-function']);
    expect(fs.map((f) => f.message.match(/`(\w+)`/)![1])).toEqual(['mode', 'output_shape']);
  });

  it('undecodable bytecode is reported as such, still high', () => {
    const cfg = { class_name: 'Sequential', config: { name: 's', layers: [{ class_name: 'Lambda', config: { name: 'l', function: ['4wEAAAAA', null, null], function_type: 'lambda' } }] } };
    const [f] = audit(source(cfg));
    expect(f).toMatchObject({ code: 'lambda-layer', severity: 'high' });
    expect(f!.message).toMatch(/could not be decoded as data/);
  });

  it('a named function from module os is critical', () => {
    const cfg = { class_name: 'Sequential', config: { name: 's', layers: [{ class_name: 'Lambda', config: { name: 'l', function: 'system', function_type: 'function', module: 'os' } }] } };
    const fs = audit(source(cfg));
    expect(fs.map((f) => [f.code, f.severity])).toContainEqual(['lambda-named-function', 'critical']);
    expect(fs.map((f) => [f.code, f.severity])).toContainEqual(['module-denied', 'critical']);
  });
});

describe('module references, Keras APIs and custom objects', () => {
  it('an initializer with module "os" is critical (CVE-2025-1550 class)', () => {
    const init = { module: 'os', class_name: 'function', config: 'system', registered_name: null };
    const fs = audit(source({ class_name: 'Sequential', config: { name: 's', layers: [dense('d', { kernel_initializer: init })] } }));
    expect(fs).toHaveLength(1);
    expect(fs[0]).toMatchObject({ code: 'module-denied', severity: 'critical', layer: 'd' });
    expect(fs[0]!.message).toContain('"os.system"');
    expect(fs[0]!.message).toContain('`kernel_initializer`');
  });

  it('a dotted class_name is a module reference too', () => {
    const fs = audit(source({ class_name: 'Sequential', config: { name: 's', layers: [dense('a', { kernel_regularizer: { class_name: 'subprocess.Popen', config: {} } }), { class_name: 'my_pkg.layers.Fancy', config: { name: 'f' } }] } }));
    expect(fs.map((f) => [f.code, f.severity, f.layer])).toEqual([
      ['module-denied', 'critical', 'a'],
      ['module-unknown', 'medium', 'f'],
    ]);
  });

  it('builtins.exec is critical; a script function Keras wrote under builtins is medium', () => {
    const exec = { module: 'builtins', class_name: 'function', config: 'exec', registered_name: null };
    const local = { module: 'builtins', class_name: 'function', config: 'call_fn', registered_name: 'function' };
    const fs = audit(source({ class_name: 'Sequential', config: { name: 's', layers: [dense('a', { activation: exec }), dense('b', { activation: local })] } }));
    expect(fs.map((f) => [f.code, f.severity, f.layer])).toEqual([
      ['module-denied', 'critical', 'a'],
      ['custom-function', 'medium', 'b'],
    ]);
  });

  it("Keras 3's own losses written under builtins are silent, and a compile config is walked once", () => {
    const loss = { module: 'builtins', class_name: 'function', config: 'sparse_categorical_crossentropy', registered_name: 'sparse_categorical_crossentropy' };
    const bad = { module: 'builtins', class_name: 'function', config: 'my_loss', registered_name: 'function' };
    const cfg = (l: unknown) => ({ module: 'keras', class_name: 'Sequential', config: { name: 's', layers: [] }, compile_config: { loss: l } });
    expect(audit(source(cfg(loss), cfg(loss).compile_config))).toEqual([]);
    const fs = audit(source(cfg(bad), cfg(bad).compile_config));
    expect(fs.map((f) => [f.code, f.layer])).toEqual([['custom-function', null]]);
    expect(fs[0]!.message).toContain('compile config');
  });

  it('an unknown module is medium; Keras modules are silent', () => {
    const mine = { module: 'my_pkg.inits', class_name: 'Funky', config: {}, registered_name: null };
    const ok = { module: 'keras.initializers', class_name: 'GlorotUniform', config: { seed: null }, registered_name: null };
    const fs = audit(source({ module: 'keras', class_name: 'Sequential', config: { name: 's', layers: [dense('a', { kernel_initializer: mine, bias_initializer: ok })] } }));
    expect(fs.map((f) => [f.code, f.severity])).toEqual([['module-unknown', 'medium']]);
  });

  it('Keras APIs that are not modelling objects are critical, TFSMLayer is high', () => {
    const getFile = { module: 'keras.utils', class_name: 'function', config: 'get_file', registered_name: null };
    const unsafe = { module: 'keras.config', class_name: 'function', config: 'enable_unsafe_deserialization', registered_name: null };
    const tfsm = { module: 'keras.layers', class_name: 'TFSMLayer', config: { name: 't', filepath: '/tmp/sm' }, registered_name: null };
    const fs = audit(source({ class_name: 'Sequential', config: { name: 's', layers: [dense('a', { activation: getFile, bias_initializer: unsafe }), tfsm] } }));
    expect(fs.map((f) => [f.code, f.severity, f.layer])).toEqual([
      ['keras-non-modeling-api', 'critical', 'a'],
      ['keras-non-modeling-api', 'critical', 'a'],
      ['keras-tfsm-layer', 'high', 't'],
    ]);
  });

  it('custom objects are listed with their package, unknown legacy classes too', () => {
    const custom = { module: null, class_name: 'AffineChannel', config: { name: 'affine' }, registered_name: 'devzoo>AffineChannel' };
    const legacy = { class_name: 'ResNet', config: {}, name: 'res_net', inbound_nodes: [] };
    const fs = audit(source({ class_name: 'Functional', config: { name: 'f', layers: [custom, legacy] } }));
    expect(fs.map((f) => [f.code, f.severity, f.layer])).toEqual([
      ['custom-object', 'low', 'affine'],
      ['custom-class', 'low', 'res_net'],
    ]);
    expect(fs[0]!.message).toContain('package "devzoo"');
  });

  it("tf.keras 2.11–2.15's own \"Custom>Adam\" optimizer is not a custom object; another Custom> class is", () => {
    const tc = (name: string) => ({ loss: 'mse', optimizer_config: { class_name: name, config: { name: 'x', is_legacy_optimizer: false } } });
    expect(audit(source({ class_name: 'Sequential', config: { name: 's', layers: [] } }, tc('Custom>Adam')))).toEqual([]);
    expect(audit(source({ class_name: 'Sequential', config: { name: 's', layers: [] } }, tc('Custom>MyOpt'))).map((f) => f.code)).toEqual(['custom-object']);
  });

  it('a subclassed model at the root is a custom class (tf.keras 2.14 VAE in .keras)', () => {
    const fs = audit(source({ module: null, class_name: 'VAE', config: {}, registered_name: 'VAE' }));
    expect(fs.map((f) => [f.code, f.severity, f.layer])).toEqual([['custom-class', 'low', null]]);
  });

  it('the compile config is audited too (a loss from subprocess)', () => {
    const loss = { module: 'subprocess', class_name: 'function', config: 'call', registered_name: null };
    const fs = audit(source({ class_name: 'Sequential', config: { name: 's', layers: [] } }, { loss }));
    expect(fs).toHaveLength(1);
    expect(fs[0]).toMatchObject({ code: 'module-denied', layer: null });
    expect(fs[0]!.message).toContain('compile config');
  });

  it('a double-encoded config string is read once more', () => {
    const inner = JSON.stringify({ class_name: 'Sequential', config: [{ class_name: 'Lambda', config: { name: 'lambda_1', function: [RAW_NORM, null, null], function_type: 'lambda' } }] });
    expect(codes(audit(source(inner)))).toEqual(['lambda-layer']);
  });
});

describe('hostile shapes of the config itself', () => {
  it('a config nested 100,000 deep is walked without overflowing the stack', () => {
    let deep: unknown = { module: 'os', class_name: 'function', config: 'system' };
    for (let i = 0; i < 100_000; i++) deep = { config: deep };
    const fs = audit(source({ class_name: 'Sequential', config: deep }));
    expect(codes(fs)).toEqual(['module-denied']);
  });

  it('wrong types anywhere never throw', () => {
    const weird = [null, 1, 'x', [], [null], { class_name: 5, config: 'x' }, { class_name: 'Lambda', config: { name: 7, function: 12, function_type: 'lambda' } }, { module: 3 }, { registered_name: '>' }];
    for (const w of weird) {
      expect(() => audit(source(w))).not.toThrow();
      expect(() => audit(source({ class_name: 'Sequential', config: { layers: [w, w] } }, w))).not.toThrow();
    }
  });

  it('a thousand Lambda layers give a bounded list with a count', () => {
    const lam = { class_name: 'Lambda', config: { name: 'l', function: ['4w==', null, null], function_type: 'lambda' } };
    const layers = Array.from({ length: 1000 }, (_, i) => ({ ...lam, config: { ...lam.config, name: `l${i}` } }));
    const fs = audit(source({ class_name: 'Sequential', config: { name: 's', layers } }));
    expect(fs.filter((f) => f.code === 'lambda-layer')).toHaveLength(200);
    expect(fs.find((f) => f.code === 'findings-truncated')!.message).toContain('800 more');
  });
});
