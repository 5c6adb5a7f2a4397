// The bench's inputs, generated with the project's fixture builder into a folder (nothing large
// is committed). `FULL` is what `npm run bench` times; test/bench-inputs.test.ts builds `TINY`.
import { copyFileSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { buildBigKerasZip } from '../fixtures/builder/bigZip.js';
import { sparseWrites } from '../fixtures/builder/sparse.js';
import { writeKeras3WeightsH5, writeLegacyH5 } from '../fixtures/builder/h5.js';
import { buildKerasZip } from '../fixtures/builder/zip.js';
import { denseNames, keras3Config, legacyConfig, type Chain } from './configs.js';

export interface BenchSizes {
  /** The small model (a legacy .h5). */
  small: Chain;
  /** The weights inside each of the two big `.keras` archives (STORED and DEFLATED). */
  keras: Chain;
  /** The big legacy .h5 (64 × Dense(4096) = 4.3 GB, past 4 GiB). */
  bigH5: Chain;
  /** The many-layer legacy .h5. */
  manyLayers: Chain;
  /** Files in the folder of small models. */
  folderFiles: number;
  /** Files in the big folder of small models (issue 15: `check` over 10,000 files). */
  manyFiles: number;
}

export const FULL: BenchSizes = {
  small: { units: 16, layers: 3 },
  keras: { units: 4096, layers: 16 }, // 16 × 64 MiB ≈ 1.07 GB
  bigH5: { units: 4096, layers: 64 }, // 64 × 64 MiB ≈ 4.30 GB
  manyLayers: { units: 8, layers: 2000 },
  folderFiles: 1000,
  manyFiles: 10000,
};

export const TINY: BenchSizes = {
  small: { units: 4, layers: 2 },
  keras: { units: 64, layers: 4 },
  bigH5: { units: 64, layers: 8 },
  manyLayers: { units: 2, layers: 50 },
  folderFiles: 12,
  manyFiles: 120,
};

export interface BenchInputs {
  small: string;
  kerasStored: string;
  kerasDeflated: string;
  bigH5: string;
  manyLayers: string;
  folder: string;
  manyFiles: string;
}

export type InputName = keyof BenchInputs;

/** Where makeInputs writes each input inside `dir`. */
export function inputPaths(dir: string): BenchInputs {
  const at = (name: string) => join(dir, name);
  return {
    small: at('small.h5'),
    kerasStored: at('big-stored.keras'),
    kerasDeflated: at('big-deflated.keras'),
    bigH5: at('big.h5'),
    manyLayers: at('many-layers.h5'),
    folder: at('folder'),
    manyFiles: at('many-files'),
  };
}

/** Writes every input into `dir` (created if needed); `log` hears what is being written. */
export async function makeInputs(dir: string, sizes: BenchSizes, log: (m: string) => void = () => {}): Promise<BenchInputs> {
  mkdirSync(dir, { recursive: true });
  const inputs = inputPaths(dir);
  return sparseWrites(() => writeAll(inputs, dir, sizes, log));
}

async function writeAll(inputs: BenchInputs, dir: string, sizes: BenchSizes, log: (m: string) => void): Promise<BenchInputs> {
  log('small model');
  await writeLegacy(inputs.small, sizes.small, 'small');
  log('1 GB .keras, STORED and DEFLATED');
  await writeBigKeras(dir, inputs, sizes.keras);
  log('4 GB .h5');
  await writeLegacy(inputs.bigH5, sizes.bigH5, 'big');
  log(`${sizes.manyLayers.layers}-layer .h5`);
  await writeLegacy(inputs.manyLayers, sizes.manyLayers, 'many_layers');
  log(`folder of ${sizes.folderFiles} small files`);
  await writeFolder(inputs.folder, sizes.folderFiles);
  log(`folder of ${sizes.manyFiles} small files`);
  await writeFolder(inputs.manyFiles, sizes.manyFiles);
  return inputs;
}

/** The big inputs' controls: each big file's own layers at the small model's units. */
export interface Controls {
  /** Beside the 4 GB `.h5`: its 64 layers, ≈ 180 kB. */
  h5: string;
  /** Beside the 1 GB `.keras` (STORED): its 16 layers, ≈ 50 kB. */
  keras: string;
}

/**
 * The goals compare each big file with the 3-layer small model, so they measure 64 (or 16) layers
 * against 3 as well as gigabytes against 12 kB; a pair against its control measures the size alone.
 * Written beside the inputs when missing.
 */
export async function controlsOf(inputs: BenchInputs, sizes: BenchSizes): Promise<Controls> {
  const dir = dirname(inputs.bigH5);
  const units = sizes.small.units;
  const out = { h5: join(dir, 'big-same-layers.h5'), keras: join(dir, 'big-same-layers.keras') };
  if (!existsSync(out.h5)) await writeLegacy(out.h5, { units, layers: sizes.bigH5.layers }, 'big');
  if (!existsSync(out.keras)) {
    const chain = { units, layers: sizes.keras.layers };
    const weights = join(dir, 'big-same-layers.weights.h5');
    await writeKeras3Weights(weights, chain);
    await buildBigKerasZip(out.keras, { config: keras3Config(chain, 'big_keras'), weightsH5: weights });
    rmSync(weights);
  }
  return out;
}

/** A legacy tf.keras 2 .h5: model_config plus model_weights/<layer>/<layer>/{kernel,bias}:0. */
export async function writeLegacy(path: string, chain: Chain, name: string): Promise<void> {
  const u = chain.units;
  await writeLegacyH5(path, {
    modelConfig: legacyConfig(chain, name),
    kerasVersion: '2.15.0',
    backend: 'tensorflow',
    layers: denseNames(chain).map((n) => ({
      name: n,
      weights: [
        { name: `${n}/kernel:0`, shape: [u, u] },
        { name: `${n}/bias:0`, shape: [u] },
      ],
    })),
  });
}

/** Keras 3's model.weights.h5 for the chain: layers/dense_N/vars/{0: kernel, 1: bias}. */
async function writeKeras3Weights(path: string, chain: Chain): Promise<void> {
  const u = chain.units;
  await writeKeras3WeightsH5(path, {
    groups: denseNames(chain).map((n) => ({ path: `layers/${n}`, name: n, tensors: [[u, u], [u]] })),
  });
}

async function writeBigKeras(dir: string, inputs: BenchInputs, chain: Chain): Promise<void> {
  const weights = join(dir, 'big.weights.h5');
  await writeKeras3Weights(weights, chain);
  const config = keras3Config(chain, 'big_keras');
  await buildBigKerasZip(inputs.kerasStored, { config, weightsH5: weights });
  await buildBigKerasZip(inputs.kerasDeflated, { config, weightsH5: weights, compress: true });
  rmSync(weights);
}

// A few distinct small models (legacy .h5 and .keras, units 3…), copied under 1,000 names:
// batch speed depends on the count of files, not on how many distinct ones there are.
async function writeFolder(folder: string, count: number): Promise<void> {
  mkdirSync(folder, { recursive: true });
  const originals: string[] = [];
  for (let k = 0; k < Math.min(count, 10); k++) {
    const chain = { units: 3 + k, layers: 2 + (k % 3) };
    const base = join(folder, `model-${k}`);
    if (k % 2 === 0) {
      await writeLegacy(`${base}.h5`, chain, `m${k}`);
      originals.push(`${base}.h5`);
    } else {
      await writeKeras3Weights(`${base}.weights.h5`, chain);
      await buildKerasZip(`${base}.keras`, { config: keras3Config(chain, `m${k}`), weightsH5: `${base}.weights.h5` });
      rmSync(`${base}.weights.h5`);
      originals.push(`${base}.keras`);
    }
  }
  for (let i = originals.length; i < count; i++) {
    const from = originals[i % originals.length];
    copyFileSync(from, from.replace(/model-(\d+)\./, `copy-${i}-$1.`));
  }
}
