// Weight bytes by stored dtype, against the datasets h5py lists in the Keras 3 fixtures
// (fixtures/keras/truth.json stored_datasets): quantized int8, int4 (packed two to an int8 byte by
// Keras 3's quantizers.pack_int4), float8 training (float32 kernels with scales and histories).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { analyze } from '../src/index.js';

type Dataset = [string, number[], string];
const truth = JSON.parse(readFileSync('fixtures/keras/truth.json', 'utf8')) as { slug: string; stored_datasets: { keras: { datasets: Dataset[] } } }[];
const ITEMSIZE: Record<string, number> = { float32: 4, int8: 1 };
const prod = (s: number[]) => s.reduce((a, b) => a * b, 1);

describe('weight bytes by dtype', () => {
  for (const slug of ['quantized_int8', 'quantized_int4', 'quantized_float8', 'mixed_precision']) {
    it(`${slug}: bytes per dtype as stored in model.weights.h5`, async () => {
      const datasets = truth.find((t) => t.slug === slug)!.stored_datasets.keras.datasets;
      const report = await analyze(`fixtures/keras/models/${slug}.keras`);
      const got = report.compute!.weightBytes;
      const total = (ds: Dataset[]) => ds.reduce((t, [, s, d]) => t + prod(s) * ITEMSIZE[d]!, 0);
      expect(got.reduce((t, d) => t + d.bytes!, 0)).toBe(total(datasets));
      if (slug === 'quantized_int4') {
        // vars/0 of each quantized layer is its int4 kernel (or embeddings), packed in int8.
        const packed = datasets.filter(([p, , d]) => d === 'int8' && p.endsWith('/vars/0'));
        expect(got.find((d) => d.dtype === 'int4')).toEqual({ dtype: 'int4', elements: packed.reduce((t, [, s]) => t + prod(s), 0), bytes: total(packed) });
        expect(got.find((d) => d.dtype === 'int8')!.bytes).toBe(total(datasets.filter(([p, , d]) => d === 'int8' && !p.endsWith('/vars/0'))));
      } else {
        for (const dtype of ['float32', 'int8']) {
          const of = datasets.filter(([, , d]) => d === dtype);
          expect(got.find((d) => d.dtype === dtype)?.bytes ?? 0).toBe(total(of));
        }
      }
    });
  }
});
