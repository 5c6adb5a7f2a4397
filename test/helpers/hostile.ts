// Hostile files for the terminal-injection tests, written with the project's own builders: every
// string a Keras file can carry (layer and class names, keras_version, archive member names, the
// file's own name) holds terminal control sequences — ESC sequences that clear the screen, retitle
// the window or hide text, `\r`/`\n` that fake a "Verdict: consistent" line, a C1 CSI, a bidi override.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeKeras3WeightsH5, writeLegacyH5 } from '../../fixtures/builder/h5.js';
import { buildKerasZip } from '../../fixtures/builder/zip.js';

export const CLEAR = '\u001b[2J\u001b[H';
export const TITLE = '\u001b]0;pwned\u0007';
export const FAKE_VERDICT = '\r\nVerdict: consistent\n';
export const C1_CSI = '\u009b2J';
export const RLO = '\u202e';

/** A Dense layer's name, a custom class name, a keras_version. */
export const HOSTILE_NAME = `dense${CLEAR}${TITLE}`;
export const HOSTILE_CLASS = `Evil${RLO}esneD${FAKE_VERDICT}`;
export const HOSTILE_VERSION = `2.2.4${FAKE_VERDICT}\u001b[8m${C1_CSI}`;
/** A file name no archive or folder should be able to print raw. */
export const HOSTILE_FILE = `model${TITLE}\n${RLO}.h5`;

function denseConfig(name: string, units: number, input?: number): object {
  return {
    class_name: 'Dense',
    config: { name, units, trainable: true, use_bias: true, activation: 'linear', ...(input ? { batch_input_shape: [null, input] } : {}) },
  };
}

/** A Keras 2.2.4-layout full model: a Dense whose stored kernel is wrong (so the verdict is inconsistent) and a custom class. */
export async function hostileLegacyH5(dir: string): Promise<string> {
  const file = join(dir, 'legacy.h5');
  const custom = `custom${FAKE_VERDICT}`;
  await writeLegacyH5(file, {
    modelConfig: { class_name: 'Sequential', config: [denseConfig(HOSTILE_NAME, 4, 3), { class_name: HOSTILE_CLASS, config: { name: custom, trainable: true } }] },
    kerasVersion: HOSTILE_VERSION,
    backend: `tensorflow${CLEAR}`,
    layers: [
      { name: HOSTILE_NAME, weights: [{ name: `${HOSTILE_NAME}/kernel:0`, shape: [3, 5] }, { name: `${HOSTILE_NAME}/bias:0`, shape: [4] }] },
      { name: custom, weights: [{ name: `${custom}/w${TITLE}:0`, shape: [2] }] },
    ],
  });
  return file;
}

/** A Keras 3 archive: hostile names in config.json and metadata.json, and a hostile member name. */
export async function hostileKerasZip(dir: string): Promise<string> {
  const weights = join(dir, 'hostile.weights.h5');
  await writeKeras3WeightsH5(weights, { groups: [{ path: 'layers/dense', tensors: [[3, 4], [4]] }] });
  const file = join(dir, 'archive.keras');
  await buildKerasZip(file, {
    config: {
      module: 'keras',
      class_name: 'Sequential',
      config: {
        name: `seq${CLEAR}`,
        layers: [
          { module: 'keras.layers', class_name: 'InputLayer', config: { name: `in${TITLE}`, batch_shape: [null, 3], dtype: 'float32' } },
          { module: 'keras.layers', class_name: 'Dense', config: { name: HOSTILE_NAME, units: 4, use_bias: true, trainable: true, activation: 'linear' } },
        ],
      },
    },
    metadata: { keras_version: HOSTILE_VERSION, date_saved: '2026-01-01@00:00:00' },
    weightsH5: weights,
    extraMembers: [{ name: `evil${CLEAR}${RLO}yp.txt`, data: 'x' }],
  });
  return file;
}

/** Not a model at all, under a hostile name: its one error line names the file. */
export function hostileFileName(dir: string): string {
  const file = join(dir, HOSTILE_FILE);
  writeFileSync(file, 'this is not an HDF5 file');
  return file;
}

/**
 * Any byte a terminal acts on: C0 controls but the newline that ends our own lines, DEL, C1
 * controls, line separators, bidi controls. With colour on, our own SGR colour codes are allowed.
 */
export function unsafeIn(text: string, colour = false): string[] {
  const stripped = colour ? text.replace(/\u001b\[[0-9;]*m/g, '') : text;
  // eslint-disable-next-line no-control-regex
  return [...stripped.matchAll(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g)].map(
    (m) => `U+${m[0].charCodeAt(0).toString(16).padStart(4, '0')} at ${m.index}: ${JSON.stringify(stripped.slice(Math.max(0, m.index! - 20), m.index! + 20))}`,
  );
}
