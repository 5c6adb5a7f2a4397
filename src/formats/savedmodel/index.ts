// TensorFlow SavedModels (a folder holding saved_model.pb, or that file itself) are not read yet:
// refused with one line that says what they are and how to get a file kerascope reads. The
// folder's other files are looked at only through the folder (ReadContext.folder).
import { UnreadableError } from '../../errors.js';
import { beside, type Folder } from '../folder.js';
import type { FormatReader } from '../reader.js';

const GRAPH = /^saved_model\.pb(txt)?$/;

/** A file named saved_model.pb(txt) that no other reader claims (a protocol buffer has no signature). */
export const savedModelReader: FormatReader = {
  id: 'savedmodel',
  claims: (_head, name) => GRAPH.test(name.slice(Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\')) + 1)),
  readModel: async (src, ctx) => {
    throw ctx.folder
      ? await savedModelError(ctx.folder, ctx.entry, src.name, src.size)
      : new UnreadableError(src.name, 'not a Keras layers model: a TensorFlow SavedModel (protocol buffer graph)');
  },
};

/**
 * The one line refusing a SavedModel whose graph `pb` (`saved_model.pb`, `size` bytes) sits in
 * `folder`; `file` names what is refused.
 */
export async function savedModelError(folder: Folder, pb: string, file: string, size: number): Promise<UnreadableError> {
  // tf.keras 2.x wrote keras_metadata.pb beside the graph when it saved a Keras model in this format.
  const byKeras = (await folder.stat(beside(pb, 'keras_metadata.pb'))) ? ' written by tf.keras (keras_metadata.pb)' : '';
  const name = pb.slice(pb.lastIndexOf('/') + 1);
  return new UnreadableError(
    file,
    `not a Keras layers model: a TensorFlow SavedModel${byKeras} (${name}, ${size} bytes); load it in TensorFlow and save it as .keras or .h5`,
  );
}
