// TensorFlow.js (pure JS, CPU backend) as an independent second opinion: it builds models, exports
// real model.json + weights through tf.io.withSaveHandler, and gives outputShape / countParams().
// Models are only built and saved, never run, so channels_first and big kernels cost nothing.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type * as TF from '@tensorflow/tfjs';

export type Tf = typeof TF;
export type Layer = TF.layers.Layer;
export type Sym = TF.SymbolicTensor;

let tfPromise: Promise<Tf> | null = null;

/** Imports tfjs once, on the CPU backend, without its "install tfjs-node" banner. */
export function loadTf(): Promise<Tf> {
  tfPromise ??= (async () => {
    const log = console.log;
    console.log = () => {};
    try {
      const tf = await import('@tensorflow/tfjs');
      await tf.setBackend('cpu');
      tf.enableProdMode(); // silences the CPU backend's one-time "install tfjs-node" warning
      return tf;
    } finally {
      console.log = log;
    }
  })();
  return tfPromise;
}

export interface SaveOptions {
  weightsName?: string;
  includeOptimizer?: boolean;
}

/** Saves `model` as tfjs does (model.json + one weights file) into `dir`; returns the model.json path. */
export async function saveTfjs(model: TF.LayersModel, dir: string, opts: SaveOptions = {}): Promise<string> {
  const tf = await loadTf();
  const weightsName = opts.weightsName ?? 'weights.bin';
  mkdirSync(dir, { recursive: true });
  await model.save(
    tf.io.withSaveHandler(async (a) => {
      const data = a.weightData;
      const buffers = data === undefined ? [] : Array.isArray(data) ? data : [data];
      writeFileSync(join(dir, weightsName), Buffer.concat(buffers.map((b) => Buffer.from(b))));
      const json: Record<string, unknown> = {
        modelTopology: a.modelTopology,
        format: a.format,
        generatedBy: a.generatedBy,
        convertedBy: a.convertedBy,
        weightsManifest: [{ paths: [weightsName], weights: a.weightSpecs }],
      };
      if (a.trainingConfig) json['trainingConfig'] = a.trainingConfig;
      writeFileSync(join(dir, 'model.json'), JSON.stringify(json));
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
    { includeOptimizer: opts.includeOptimizer ?? false },
  );
  return join(dir, 'model.json');
}

// ---------------------------------------------------------------- seeded randomness

export interface Rng {
  next(): number;
  int(lo: number, hi: number): number;
  pick<T>(xs: readonly T[]): T;
  chance(p: number): boolean;
}

/** mulberry32: small, fast, and the same sequence on every machine for a given seed. */
export function rng(seed: number): Rng {
  let a = seed >>> 0;
  const next = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (lo: number, hi: number): number => lo + Math.floor(next() * (hi - lo + 1));
  return { next, int, pick: (xs) => xs[int(0, xs.length - 1)]!, chance: (p) => next() < p };
}
