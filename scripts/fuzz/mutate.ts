// One mutated input per case: byte flips, truncation, zip-member and JSON-field mutations, shape and
// graph mutations (through the JSON config wherever the family keeps one).
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import JSZip from 'jszip';
import { writeZip, type ZipEntry } from '../../fixtures/audit/zip-writer.js';
import { editH5 } from '../../fixtures/builder/h5.js';
import { mutateJsonText } from './json.js';
import type { Rng } from './rng.js';
import { tfjsFolder, type Seed } from './seeds.js';

export interface Case {
  family: Seed['family'];
  seed: string;
  mutation: string;
  /** The file to analyse. */
  path: string;
}

// ---------------------------------------------------------------- bytes

const MAGICS = [Buffer.from('\x89HDF\r\n\x1a\n', 'latin1'), Buffer.from('PK\x03\x04'), Buffer.from('{"a":1}'), Buffer.alloc(8)];

export function mutateBytes(b: Buffer, r: Rng): { bytes: Buffer; mutation: string } {
  const out = Buffer.from(b);
  const at = (): number => (r.chance(0.5) ? r.int(Math.min(out.length, 4096)) : r.int(Math.max(1, out.length)));
  switch (r.int(6)) {
    case 0: {
      const n = 1 + r.int(16);
      for (let i = 0; i < n && out.length; i++) out[at()] ^= 1 << r.int(8);
      return { bytes: out, mutation: `bit-flip×${n}` };
    }
    case 1: {
      const len = r.chance(0.3) ? r.int(64) : r.int(out.length);
      return { bytes: out.subarray(0, len), mutation: `truncate@${len}` };
    }
    case 2: {
      const start = at();
      out.fill(r.chance(0.5) ? 0 : 0xff, start, Math.min(out.length, start + 1 + r.int(512)));
      return { bytes: out, mutation: `fill@${start}` };
    }
    case 3: {
      const pos = at();
      const junk = Buffer.from(Array.from({ length: 1 + r.int(64) }, () => r.int(256)));
      return { bytes: Buffer.concat([out.subarray(0, pos), junk, out.subarray(pos)]), mutation: `insert@${pos}` };
    }
    case 4: {
      r.pick(MAGICS).copy(out, 0);
      return { bytes: out, mutation: 'wrong-magic' };
    }
    default: {
      // the tail: zip central directory, HDF5 end-of-file address
      const n = 1 + r.int(8);
      for (let i = 0; i < n && out.length; i++) out[out.length - 1 - r.int(Math.min(out.length, 256))] ^= 1 << r.int(8);
      return { bytes: out, mutation: `tail-flip×${n}` };
    }
  }
}

// ---------------------------------------------------------------- zip members

async function zipEntries(file: string): Promise<ZipEntry[]> {
  const zip = await JSZip.loadAsync(readFileSync(file));
  const out: ZipEntry[] = [];
  for (const name of Object.keys(zip.files).sort()) {
    const f = zip.files[name]!;
    if (!f.dir) out.push({ name, data: Buffer.from(await f.async('uint8array')) });
  }
  return out;
}

const EVIL_NAMES = ['../evil.py', '/etc/passwd', 'assets\\..\\x', 'model.weights.npz', 'config.json', 'payload.pkl', 'run.sh'];

function memberMutation(entries: ZipEntry[], r: Rng): string {
  const i = r.int(entries.length);
  const e = entries[i]!;
  switch (r.int(6)) {
    case 0:
      entries.push({ ...e, data: r.chance(0.5) ? e.data : Buffer.from('\x80\x04junk') });
      return `zip-duplicate:${e.name}`;
    case 1:
      entries.splice(i, 1);
      return `zip-remove:${e.name}`;
    case 2:
      e.name = r.pick(EVIL_NAMES);
      return `zip-rename:${e.name}`;
    case 3:
      e.lie = { uncompressedSize: r.pick([0, 2 ** 32 - 1, e.data.length * 5000]), compressedSize: r.pick([0, 2 ** 31, e.data.length + 1]) };
      return `zip-size-lie:${e.name}`;
    case 4:
      e.lie = { method: r.pick([1, 12, 14, 99, 0xffff]) };
      return `zip-method:${e.name}`;
    default:
      e.lie = { offset: r.pick([0, 2 ** 32 - 1, 7]) };
      return `zip-offset-lie:${e.name}`;
  }
}

async function mutateZip(seed: Seed, r: Rng, out: string): Promise<string> {
  if (r.chance(0.35)) {
    const m = mutateBytes(readFileSync(seed.path), r);
    writeFileSync(out, m.bytes);
    return m.mutation;
  }
  const entries = await zipEntries(seed.path);
  const config = entries.find((e) => e.name === 'config.json');
  let mutation: string;
  if (config && r.chance(0.6)) {
    const m = mutateJsonText(config.data.toString('utf8'), r);
    config.data = Buffer.from(m.text);
    mutation = `config.json:${m.mutation}`;
  } else {
    mutation = entries.length ? memberMutation(entries, r) : 'zip-empty';
  }
  writeFileSync(out, writeZip(entries.map((e) => ({ ...e, deflate: !e.lie && e.data.length > 64 }))));
  return mutation;
}

// ---------------------------------------------------------------- HDF5 attributes

async function mutateH5Config(seed: Seed, r: Rng, out: string): Promise<string | null> {
  copyFileSync(seed.path, out);
  let mutation: string | null = null;
  // editH5 (fixtures/builder) opens the file through kerascope's own engine, which only touches
  // the paths it is given
  await editH5(out, 'a', (f) => {
    if (!Object.keys(f.attrs).includes('model_config')) return;
    const m = mutateJsonText(String(f.attrs['model_config'].value), r);
    f.delete_attribute('model_config');
    f.create_attribute('model_config', Buffer.isBuffer(m.text) ? m.text.toString('latin1') : m.text);
    mutation = `model_config:${m.mutation}`;
  });
  return mutation;
}

async function mutateH5(seed: Seed, r: Rng, out: string): Promise<string> {
  if (r.chance(0.35)) {
    const m = await mutateH5Config(seed, r, out);
    if (m) return m;
  }
  const m = mutateBytes(readFileSync(seed.path), r);
  writeFileSync(out, m.bytes);
  return m.mutation;
}

// ---------------------------------------------------------------- tfjs folders

const EVIL_PATHS = ['../../outside.bin', '/etc/passwd', 'https://example.invalid/w.bin', 'C:\\w.bin'];

function mutateTfjs(seed: Seed, r: Rng, dir: string): { path: string; mutation: string } {
  const src = tfjsFolder(seed);
  for (const f of src.files) copyFileSync(join(src.dir, f), join(dir, f));
  const modelJson = join(dir, basename(seed.path));
  const shards = src.files.filter((f) => f !== basename(seed.path));
  const roll = r.int(10);
  if (roll < 6) {
    const m = mutateJsonText(readFileSync(modelJson, 'utf8'), r);
    writeFileSync(modelJson, m.text);
    return { path: modelJson, mutation: `model.json:${m.mutation}` };
  }
  if (roll < 8 && shards.length) {
    const shard = join(dir, r.pick(shards));
    const m = mutateBytes(readFileSync(shard), r);
    writeFileSync(shard, m.bytes);
    return { path: modelJson, mutation: `shard:${m.mutation}` };
  }
  const json = JSON.parse(readFileSync(modelJson, 'utf8')) as { weightsManifest?: { paths: string[] }[] };
  const group = json.weightsManifest?.[0];
  if (group?.paths?.length) group.paths[0] = r.pick(EVIL_PATHS);
  writeFileSync(modelJson, JSON.stringify(json));
  return { path: modelJson, mutation: 'manifest-path' };
}

/** Write case `caseDir`'s mutated input and say what was done. */
export async function makeCase(seed: Seed, r: Rng, caseDir: string): Promise<Case> {
  mkdirSync(caseDir, { recursive: true });
  const out = join(caseDir, basename(seed.path));
  const base = { family: seed.family, seed: seed.path };
  switch (seed.family) {
    case 'tfjs':
      return { ...base, ...mutateTfjs(seed, r, caseDir) };
    case 'keras-zip':
      return { ...base, path: out, mutation: await mutateZip(seed, r, out) };
    case 'h5':
      return { ...base, path: out, mutation: await mutateH5(seed, r, out) };
    default: {
      const byText = r.chance(0.6);
      const m = byText ? mutateJsonText(readFileSync(seed.path, 'utf8'), r) : null;
      const b = m ? null : mutateBytes(readFileSync(seed.path), r);
      writeFileSync(out, m ? m.text : b!.bytes);
      return { ...base, path: out, mutation: m ? m.mutation : b!.mutation };
    }
  }
}
