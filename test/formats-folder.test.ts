// The folder contract (src/formats/folder.ts): paths stay inside, the local folder stats without
// opening (a FIFO never blocks), tells links out of the folder, lists bounded; and the readers that
// span several files (tfjs shards, sharded Keras weights, a same-stem companion, the SavedModel
// refusal) read the same over a folder that is not on disk (MemoryFolder), so a hub repository or a
// browser's dropped folder needs no reader changed. No reader imports node:fs.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { insideFolder, MemoryFolder, type Folder } from '../src/formats/folder.js';
import { LocalFolder } from '../src/formats/local-folder.js';
import { readPlace, readSource } from '../src/formats/index.js';
import type { ModelSource } from '../src/types.js';

const ROOT = resolve(import.meta.dirname, '..');
const dir = mkdtempSync(join(tmpdir(), 'kerascope-folder-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Every file of a folder on disk, copied into memory under the same paths. */
function inMemory(path: string, name = 'dropped'): MemoryFolder {
  const files: [string, Uint8Array][] = [];
  const walk = (d: string): void => {
    for (const n of readdirSync(d)) {
      const p = join(d, n);
      if (statSync(p).isDirectory()) walk(p);
      else files.push([relative(path, p), readFileSync(p)]);
    }
  };
  walk(path);
  return new MemoryFolder(name, files);
}

/** What a report is built from, without the names of files (which differ between the two folders). */
function essence(s: ModelSource): unknown {
  return {
    format: s.format,
    config: s.config,
    groups: s.weights?.groups.map((g) => [g.path, g.tensors.map((t) => [t.name, t.shape, t.dtype])]),
    optimizer: s.weights?.optimizer.length,
    findings: s.findings.map((f) => f.code),
  };
}

describe('paths inside a folder', () => {
  it('normalises a relative path and refuses one that leaves by its letters', () => {
    expect(insideFolder('a/./b//c.bin')).toBe('a/b/c.bin');
    expect(insideFolder('a/../b.bin')).toBe('b.bin');
    expect(insideFolder('.')).toBe('');
    for (const out of ['../x', 'a/../../x', '/etc/passwd', '\\\\host\\share', 'C:x', 'https://evil/x', 'file:///etc/passwd', '//host/x'])
      expect(insideFolder(out), out).toBeNull();
  });

  it('stat and open refuse such a path before touching anything', async () => {
    const f = new LocalFolder(dir);
    await expect(f.stat('../x')).rejects.toThrow('"../x" is not a path inside this folder');
    await expect(f.open('/etc/passwd')).rejects.toThrow('is not a path inside this folder');
  });
});

describe('the local folder', () => {
  const d = join(dir, 'local');
  mkdirSync(join(d, 'sub'), { recursive: true });
  writeFileSync(join(d, 'a.bin'), Buffer.alloc(7));
  writeFileSync(join(d, 'sub', 'b.bin'), Buffer.alloc(3));
  writeFileSync(join(dir, 'outside.bin'), Buffer.alloc(5));
  symlinkSync(join(dir, 'outside.bin'), join(d, 'link.bin'));
  symlinkSync('a.bin', join(d, 'inner-link.bin'));
  execFileSync('mkfifo', [join(d, 'fifo')]);
  const f = new LocalFolder(d);

  it('stats files by size, folders and FIFOs as not files, links out of it by their target', async () => {
    expect(await f.stat('a.bin')).toEqual({ path: 'a.bin', size: 7, notFile: null, outside: null });
    expect(await f.stat('sub/b.bin')).toEqual({ path: 'sub/b.bin', size: 3, notFile: null, outside: null });
    expect(await f.stat('sub')).toMatchObject({ notFile: 'is a directory' });
    expect(await f.stat('fifo')).toMatchObject({ size: 0, notFile: 'not a regular file (a FIFO)' });
    expect(await f.stat('link.bin')).toMatchObject({ size: 5, notFile: null, outside: join(realDir(), 'outside.bin') });
    expect(await f.stat('inner-link.bin')).toMatchObject({ size: 7, outside: null });
    expect(await f.stat('absent.bin')).toBeNull();
    expect(f.nameOf('sub/b.bin')).toBe(join(d, 'sub/b.bin'));
  });

  it('lists every file below it, bounded', async () => {
    const all = await f.list();
    expect(all.truncated).toBe(false);
    expect(all.entries.map((e) => e.path)).toEqual(['a.bin', 'fifo', 'inner-link.bin', 'link.bin', 'sub/b.bin']);
    const two = await f.list(2);
    expect(two).toMatchObject({ truncated: true, entries: [{ path: 'a.bin' }, { path: 'fifo' }] });
  });

  it('opens a file as a byte source named inside the folder, and refuses a FIFO without blocking', async () => {
    const src = await f.open('sub/b.bin');
    expect([src.name, src.size]).toEqual([join(d, 'sub/b.bin'), 3]);
    src.close();
    await expect(f.open('fifo')).rejects.toThrow('not a regular file (a FIFO)');
    await expect(f.open('absent.bin')).rejects.toThrow('no such file');
  });
});

function realDir(): string {
  return execFileSync('realpath', [dir]).toString().trim();
}

describe('readers over a folder that is not on disk read what they read on disk', () => {
  const cases: [string, string, string][] = [
    ['a tfjs model.json and its shard', 'fixtures/tfjs/seed-lstm', 'model.json'],
    ['a tfjs model converted from .keras', 'fixtures/tfjs/keras3-converted', 'model.json'],
    ['sharded Keras 3 weights beside their manifest', 'fixtures/keras/models/sharded', 'seed_embedding_lstm.weights.json'],
    ['a JSON architecture and its same-stem .weights.h5', 'fixtures/keras/models', 'activations.json'],
  ];
  it.each(cases)('%s', async (_what, folder, entry) => {
    const local = await readSource(join(ROOT, folder, entry));
    const memory = await readPlace({ folder: inMemory(join(ROOT, folder)), entry }, {});
    expect(essence(memory)).toEqual(essence(local));
    expect(memory.weights?.groups.length).toBeGreaterThan(0);
    if (local.weightsFile) expect(memory.weightsFile).toBe(`dropped/${relative(join(ROOT, folder), local.weightsFile)}`);
  });

  it('tells a tfjs shard missing or short in the folder, as on disk', async () => {
    const seed = inMemory(join(ROOT, 'fixtures/tfjs/seed-lstm'));
    const json = readFileSync(join(ROOT, 'fixtures/tfjs/seed-lstm/model.json'));
    const shard = readFileSync(join(ROOT, 'fixtures/tfjs/seed-lstm/weights.bin'));
    const missing = new MemoryFolder('m', [['model.json', json]]);
    const short = new MemoryFolder('s', [['model.json', json], ['weights.bin', shard.subarray(4)]]);
    const codes = async (f: Folder) => (await readPlace({ folder: f, entry: 'model.json' }, {})).findings.map((x) => x.code);
    expect(await codes(seed)).not.toContain('tfjs-shard-missing');
    expect(await codes(missing)).toContain('tfjs-shard-missing');
    expect(await codes(short)).toContain('tfjs-shard-size');
  });

  it('reads a SavedModel in any folder: a folder in memory gives what the folder on disk gives', async () => {
    const dir = join(ROOT, 'fixtures/savedmodel/folders/tfk26_lstm');
    const names = ['saved_model.pb', 'keras_metadata.pb', 'variables/variables.index', 'variables/variables.data-00000-of-00001'];
    const f = new MemoryFolder('sm', names.map((n): [string, Uint8Array] => [n, readFileSync(join(dir, n))]));
    const inMemory = await readPlace({ folder: f, entry: 'saved_model.pb' }, {});
    const onDisk = await readSource(dir);
    expect(inMemory.weights!.groups).toEqual(onDisk.weights!.groups);
    expect(inMemory.config).toEqual(onDisk.config);
    expect(inMemory.weights!.file).toBe('sm/variables/variables.index');
  });
});

describe('readers reach other files only through their folder', () => {
  it('no file of a format family imports node:fs, except to write temporary files and find the HDF5 worker', () => {
    const formats = join(ROOT, 'src/formats');
    const allowed = ['hdf5/client.ts', 'keras-zip/inflate.ts'];
    const files = (d: string): string[] => readdirSync(d).flatMap((n) => (statSync(join(d, n)).isDirectory() ? files(join(d, n)) : [join(d, n)]));
    const offenders = files(formats)
      .filter((p) => dirname(p) !== formats && p.endsWith('.ts'))
      .map((p) => relative(formats, p))
      .filter((p) => !allowed.includes(p) && /from 'node:fs(\/promises)?'/.test(readFileSync(join(formats, p), 'utf8')));
    expect(offenders).toEqual([]);
  });
});
