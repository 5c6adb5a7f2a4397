// Terminal injection (issue 10, item 6): strings from a file never reach stdout or stderr raw in any
// text output — table, findings, explain, check, audit, error lines — and JSON keeps them exact.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { display, displayAll } from '../src/report/display.js';
import { run } from './cli-harness.js';
import { HOSTILE_FILE, HOSTILE_NAME, HOSTILE_VERSION, hostileFileName, hostileKerasZip, hostileLegacyH5, unsafeIn } from './helpers/hostile.js';

describe('display()', () => {
  it('writes out C0 controls, DEL, C1 controls and bidi controls, and nothing else', () => {
    expect(display('a\u001b[2Jb')).toBe('a\\x1b[2Jb');
    expect(display('x\r\ny\tz')).toBe('x\\r\\ny\\tz');
    expect(display('\u0000\u0007\u007f\u009b\u0085')).toBe('\\x00\\x07\\x7f\\x9b\\x85');
    expect(display('abc\u202edef\u2066\u2069\u200f\u061c\u2028')).toBe('abc\\u202edef\\u2066\\u2069\\u200f\\u061c\\u2028');
    // Printable text, other scripts, emoji and backslashes are left as they are.
    for (const s of ['dense_1', 'конв_2 (Conv2D)', 'layer ✓ 😀', 'layers\\conv1d\\vars\\0', 'é']) expect(display(s)).toBe(s);
  });

  it('is idempotent, and displayAll escapes every string of nested data without touching the original', () => {
    const s = `a\u001b]0;t\u0007\n\u202e`;
    expect(display(display(s))).toBe(display(s));
    const data = { name: s, n: 3, list: [s, null, { deep: s }] };
    const out = displayAll(data);
    expect(out).toEqual({ name: display(s), n: 3, list: [display(s), null, { deep: display(s) }] });
    expect(data.name).toBe(s);
  });

  it('displayAll shares what needs no escaping and copies only the way to what does', () => {
    const s = 'evil\u001b[2J';
    const clean = { name: 'dense_1', shape: [null, 8], weights: [{ name: 'kernel' }] };
    expect(displayAll(clean)).toBe(clean);
    const data = { a: clean, b: [clean, { name: s }], n: 1 };
    const out = displayAll(data);
    expect(out).not.toBe(data);
    expect(out.a).toBe(clean);
    expect(out.b).not.toBe(data.b);
    expect(out.b[0]).toBe(clean);
    expect(out.b[1]).toEqual({ name: display(s) });
    expect(data.b[1]!.name).toBe(s);
    // Keys in their order, an own "__proto__" key kept as the deep copy kept it (as the prototype).
    expect(Object.keys(displayAll({ x: 1, y: s, z: 2 }))).toEqual(['x', 'y', 'z']);
    const proto = JSON.parse('{"__proto__": {"polluted": "x"}, "k": 1}');
    expect(Object.hasOwn(displayAll(proto), '__proto__')).toBe(false);
  });
});

describe('hostile files on every text output', () => {
  let dir: string;
  let legacy: string;
  let archive: string;
  let badName: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'kerascope-hostile-'));
    legacy = await hostileLegacyH5(dir);
    archive = await hostileKerasZip(dir);
    badName = hostileFileName(dir);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const clean = (r: { stdout: string; stderr: string }, colour = false) => {
    expect(unsafeIn(r.stdout, colour), 'stdout').toEqual([]);
    expect(unsafeIn(r.stderr, colour), 'stderr').toEqual([]);
  };

  it('the table, totals and findings: escaped, one real verdict line, the names still readable', async () => {
    const r = await run([legacy]);
    expect(r.code).toBe(1);
    clean(r);
    expect(r.stdout.split('\n').filter((l) => l.startsWith('Verdict:'))).toEqual(['Verdict: inconsistent']);
    expect(r.stdout).toContain('dense\\x1b[2J\\x1b[H\\x1b]0;pwned\\x07');
    expect(r.stdout).toContain('2.2.4\\r\\nVerdict: consistent\\n\\x1b[8m\\x9b2J');
    expect(r.stdout).toContain('Evil\\u202eesneD');
  });

  it('with colour on a terminal: only kerascope\'s own colour codes', async () => {
    for (const file of [legacy, archive]) {
      const r = await run([file], undefined, { isTTY: true, columns: 100 });
      clean(r, true);
      expect(r.stdout).toContain('\u001b[1m'); // colour really is on
    }
  });

  it('a .keras archive: config names, metadata keras_version, member names in audit findings', async () => {
    const r = await run([archive]);
    clean(r);
    expect(r.stdout).toContain(display(HOSTILE_VERSION));
    expect(r.stdout).toContain('zip-control-chars');
  });

  it('explain: every layer, one layer by its exact name, and an unknown name (whose hint lists names from the file)', async () => {
    clean(await run(['explain', legacy]));
    const one = await run(['explain', legacy, HOSTILE_NAME]);
    expect(one.code).toBe(0);
    clean(one);
    expect(one.stdout).toContain(display(HOSTILE_NAME));
    const unknown = await run(['explain', legacy, 'dens']);
    expect(unknown.code).toBe(2);
    clean(unknown);
    expect(unknown.stderr).toContain('did you mean');
  });

  it('check: file names found in a folder, error lines, reports', async () => {
    const r = await run(['check', dir]);
    clean(r);
    expect(r.stdout).toContain(display(HOSTILE_FILE));
    expect(r.stdout).toMatch(/^4 files: /m); // the archive, its weights store, the .h5, the bad name
  });

  it('audit', async () => {
    const r = await run(['audit', legacy, archive, badName]);
    expect(r.code).toBe(3);
    clean(r);
    expect(r.stdout).toContain('custom-class');
  });

  it('the one error line of an unreadable file, and its --debug stack', async () => {
    const r = await run([badName, '--debug']);
    expect(r.code).toBe(3);
    clean(r);
    expect(r.stderr.split('\n')[0]).toBe(`kerascope: ${display(badName)}: not a Keras model file: neither HDF5, a zip archive nor JSON`);
  });

  it('--json keeps the exact strings, every control written as a JSON escape (safe on a terminal too)', async () => {
    const r = await run([legacy, '--json']);
    clean(r);
    expect(r.stdout).toContain('\\u202e'); // JSON.stringify leaves bidi and C1 controls raw: escaped here
    const report = JSON.parse(r.stdout);
    expect(report.layers[0].name).toBe(HOSTILE_NAME);
    expect(report.kerasVersion).toBe(HOSTILE_VERSION);
    const checked = await run(['check', dir, '--json']);
    clean(checked);
    const batch = JSON.parse(checked.stdout) as { file: string }[];
    expect(batch.map((e) => e.file)).toContain(badName);
    const audited = await run(['audit', archive, '--json']);
    clean(audited);
    expect(JSON.parse(audited.stdout)[0].findings.map((f: { message: string }) => f.message).join('\n')).toContain('\u202e');
  });
});
