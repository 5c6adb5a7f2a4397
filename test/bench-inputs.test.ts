// The bench's input generator (bench/inputs.ts) on tiny sizes, and the two builders it adds:
// the streaming .keras writer (fixtures/builder/bigZip.ts) and sparse HDF5 writes
// (fixtures/builder/sparse.ts). Nothing is timed here. Expected counts are Keras's rule for a
// Dense(units) on `units` features: units·units kernel + units bias (keras/src/layers/core/dense.py).
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import JSZip from 'jszip';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyze } from '../src/analyze.js';
import { h5BytesRead } from '../src/formats/hdf5/payload.js';
import { chainParams, keras3Config } from '../bench/configs.js';
import { inputPaths, makeInputs, TINY, writeLegacy, type BenchInputs } from '../bench/inputs.js';
import { buildBigKerasZip } from '../fixtures/builder/bigZip.js';
import { sparseWrites } from '../fixtures/builder/sparse.js';

const dir = mkdtempSync(join(tmpdir(), 'kerascope-bench-inputs-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const onDisk = (file: string) => statSync(file).blocks * 512;

describe('bench inputs at TINY sizes', () => {
  const inputs = inputPaths(join(dir, 'tiny'));
  let made: BenchInputs | null = null;
  beforeAll(async () => {
    made = await makeInputs(join(dir, 'tiny'), TINY);
  });

  it('writes every input where inputPaths says', () => {
    expect(made).toEqual(inputs);
  });

  it.each([
    ['small', TINY.small],
    ['kerasStored', TINY.keras],
    ['kerasDeflated', TINY.keras],
    ['bigH5', TINY.bigH5],
    ['manyLayers', TINY.manyLayers],
  ] as const)('%s: Keras’s count, every tensor stored, consistent', async (name, chain) => {
    const r = await analyze(inputs[name]);
    expect(r.verdict).toBe('consistent');
    expect(r.totals.params).toBe(chainParams(chain));
    expect(r.totals.storedParams).toBe(chainParams(chain));
    expect(r.layers.filter((l) => l.className === 'Dense')).toHaveLength(chain.layers);
  });

  it('the DEFLATED archive is read through inflation and says so; the STORED one in place', async () => {
    const codes = async (f: string) => (await analyze(f)).findings.map((x) => x.code);
    expect(await codes(inputs.kerasDeflated)).toContain('weights-inflated');
    expect(await codes(inputs.kerasStored)).not.toContain('weights-inflated');
  });

  it('fills the folder with the asked number of models, every one consistent', async () => {
    const files = readdirSync(inputs.folder);
    expect(files).toHaveLength(TINY.folderFiles);
    expect(files.filter((f) => f.endsWith('.keras')).length).toBeGreaterThan(0);
    expect(files.filter((f) => f.endsWith('.h5')).length).toBeGreaterThan(0);
    for (const f of files) expect((await analyze(join(inputs.folder, f))).verdict).toBe('consistent');
  });
});

describe('big-file builders on small stand-ins', () => {
  // Two Dense(1024): 4 MiB kernels, above sparseWrites' 1 MiB threshold.
  const chain = { units: 1024, layers: 2 };
  const weightBytes = chainParams(chain) * 4;

  it('sparseWrites leaves zero weights as holes: full size, almost no disk, still consistent', async () => {
    const file = join(dir, 'sparse.h5');
    await sparseWrites(() => writeLegacy(file, chain, 'sparse'));
    expect(statSync(file).size).toBeGreaterThan(weightBytes);
    expect(onDisk(file)).toBeLessThan(weightBytes / 4);
    const before = h5BytesRead();
    const r = await analyze(file);
    expect(r.verdict).toBe('consistent');
    expect(r.totals.storedParams).toBe(chainParams(chain));
    // Metadata only: HDF5 is served a few kB of the 8 MiB file, never the kernels.
    const served = h5BytesRead() - before;
    expect(served).toBeGreaterThan(0);
    expect(served).toBeLessThan(weightBytes / 64);
  });

  it.each([false, true])('buildBigKerasZip (compress %s) writes a zip whose CRCs and sizes check out', async (compress) => {
    const weights = join(dir, `w-${compress}.h5`);
    await sparseWrites(() => writeLegacy(weights, chain, 'w'));
    const file = join(dir, `big-${compress}.keras`);
    await buildBigKerasZip(file, { config: keras3Config(chain, 'big'), weightsH5: weights, compress });
    // jszip checks each member's CRC-32 and sizes against what it inflates.
    const zip = await JSZip.loadAsync(readFileSync(file), { checkCRC32: true });
    expect(Object.keys(zip.files)).toEqual(['metadata.json', 'config.json', 'model.weights.h5']);
    const member = await zip.file('model.weights.h5')!.async('nodebuffer');
    expect(member.equals(readFileSync(weights))).toBe(true);
    expect(JSON.parse(await zip.file('config.json')!.async('string')).class_name).toBe('Sequential');
    // The zeros stayed holes, but for the 1 MiB pieces that hold HDF5 metadata (2 of 8 here).
    if (!compress) expect(onDisk(file)).toBeLessThan(weightBytes / 2);
  });
});
