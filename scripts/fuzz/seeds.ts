// The inputs the fuzzer mutates: the project's fixtures of every family, plus small built-in seeds
// (written here) so that every family is present even on a checkout without generated fixtures.
import { existsSync, mkdirSync, openSync, readdirSync, readSync, closeSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { writeZip } from '../../fixtures/audit/zip-writer.js';
import { writeLegacyH5 } from '../../fixtures/builder/h5.js';

export type Family = 'h5' | 'keras-zip' | 'json' | 'tfjs';
export const FAMILIES: Family[] = ['h5', 'keras-zip', 'json', 'tfjs'];

export interface Seed {
  family: Family;
  /** The file to analyse (for tfjs: model.json inside its folder). */
  path: string;
}

const MAX_SEED_BYTES = 4 * 1024 * 1024;

function head(file: string, n = 4096): string {
  const fd = openSync(file, 'r');
  try {
    const b = Buffer.alloc(n);
    return b.subarray(0, readSync(fd, b, 0, n, 0)).toString('utf8');
  } finally {
    closeSync(fd);
  }
}

function filesUnder(dir: string, out: string[] = []): string[] {
  if (!existsSync(dir)) return out;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) filesUnder(p, out);
    else if (e.isFile()) out.push(p);
  }
  return out;
}

function familyOf(file: string): Family | null {
  if (statSync(file).size > MAX_SEED_BYTES || file.includes('/audit/')) return null;
  if (/^(truth|coverage|metadata|package)\.json$/.test(basename(file))) return null; // not models
  if (file.endsWith('.h5')) return 'h5';
  if (file.endsWith('.keras')) return 'keras-zip';
  if (!file.endsWith('.json')) return null;
  const text = head(file);
  if (text.includes('modelTopology')) return 'tfjs';
  return /"(class_name|model_config)"/.test(text) ? 'json' : null;
}

/** Every usable fixture under `root`, sorted so that a seed number means the same everywhere. */
export function fixtureSeeds(root: string): Seed[] {
  return filesUnder(root)
    .sort()
    .flatMap((path) => {
      const family = familyOf(path);
      return family ? [{ family, path }] : [];
    });
}

const DENSE = (name: string, units: number) => ({
  module: 'keras.layers', class_name: 'Dense', registered_name: null,
  config: { name, trainable: true, dtype: 'float32', units, activation: 'relu', use_bias: true },
  build_config: { input_shape: [null, 4] },
});

/** A small Keras 3 style .keras archive (config + metadata, no weights). */
export function kerasZipSeed(dir: string): string {
  const config = {
    module: 'keras', class_name: 'Sequential', registered_name: null,
    config: {
      name: 'seq', trainable: true,
      layers: [
        { module: 'keras.layers', class_name: 'InputLayer', registered_name: null, config: { batch_shape: [null, 4], dtype: 'float32', name: 'input_layer' } },
        DENSE('dense', 3),
        DENSE('dense_1', 2),
      ],
    },
    build_config: { input_shape: [null, 4] },
  };
  const metadata = { keras_version: '3.15.1', date_saved: '2026-01-01@00:00:00' };
  const file = join(dir, 'builtin.keras');
  writeFileSync(file, writeZip([
    { name: 'metadata.json', data: Buffer.from(JSON.stringify(metadata)) },
    { name: 'config.json', data: Buffer.from(JSON.stringify(config)), deflate: true },
  ]));
  return file;
}

/** A small legacy full-model .h5 (fixtures/builder, zero-filled weights). */
export async function h5Seed(dir: string): Promise<string> {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'builtin.h5');
  const modelConfig = { class_name: 'Sequential', config: { name: 'seq', layers: [{ class_name: 'Dense', config: { name: 'dense', units: 2, batch_input_shape: [null, 3], use_bias: true } }] } };
  await writeLegacyH5(file, {
    modelConfig, kerasVersion: '2.15.0', backend: 'tensorflow',
    layers: [{ name: 'dense', weights: [{ name: 'dense/kernel:0', shape: [3, 2] }, { name: 'dense/bias:0', shape: [2] }] }],
  });
  return file;
}

/** Built-in seeds for families the fixtures lack. */
export async function builtinSeeds(dir: string, have: Set<Family>): Promise<Seed[]> {
  mkdirSync(dir, { recursive: true });
  const out: Seed[] = [];
  if (!have.has('keras-zip')) out.push({ family: 'keras-zip', path: kerasZipSeed(dir) });
  if (!have.has('h5')) out.push({ family: 'h5', path: await h5Seed(dir) });
  return out;
}

/** The folder a tfjs seed lives in, and the names of its files. */
export function tfjsFolder(seed: Seed): { dir: string; files: string[] } {
  const dir = dirname(seed.path);
  return { dir, files: readdirSync(dir).filter((f) => f === basename(seed.path) || !f.endsWith('.json')) };
}
