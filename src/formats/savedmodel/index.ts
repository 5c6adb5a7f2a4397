// TensorFlow SavedModels (a folder holding saved_model.pb, or that file itself) are not read yet:
// refused with one line that says what they are and how to get a file kerascope reads.
import { existsSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { UnreadableError } from '../../errors.js';
import type { FormatReader } from '../reader.js';

/** A file named saved_model.pb that no other reader claims (a protocol buffer has no signature). */
export const savedModelReader: FormatReader = {
  id: 'savedmodel',
  claims: (_head, name) => basename(name) === 'saved_model.pb',
  readModel: async (src, ctx) => {
    const path = ctx.path ?? src.name;
    throw savedModelError(path) ?? new UnreadableError(src.name, 'not a Keras layers model: a TensorFlow SavedModel (protocol buffer graph)');
  },
};

/**
 * A SavedModel (a folder holding saved_model.pb, or that file itself) is not a Keras layers file:
 * the one line that says so, or null. Meant for the format sniffer before it opens `path`.
 */
export function savedModelError(path: string): UnreadableError | null {
  let dir: string | null = null;
  let pb: string | null = null;
  try {
    if (statSync(path).isDirectory()) {
      dir = path;
      pb = ['saved_model.pb', 'saved_model.pbtxt'].map((n) => join(path, n)).find((p) => existsSync(p)) ?? null;
    } else if (/^saved_model\.pb(txt)?$/.test(basename(path))) {
      pb = path;
      dir = join(path, '..');
    }
  } catch {
    return null;
  }
  if (!pb || !dir) return null;
  // tf.keras 2.x wrote keras_metadata.pb beside the graph when it saved a Keras model in this format.
  const byKeras = existsSync(join(dir, 'keras_metadata.pb')) ? ' written by tf.keras (keras_metadata.pb)' : '';
  return new UnreadableError(
    path,
    `not a Keras layers model: a TensorFlow SavedModel${byKeras} (${basename(pb)}, ${statSync(pb).size} bytes); load it in TensorFlow and save it as .keras or .h5`,
  );
}
