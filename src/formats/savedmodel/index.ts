// tf.keras SavedModel folders (`model.save('dir')` in TensorFlow 2.0–2.15): a folder holding
// saved_model.pb, keras_metadata.pb (TF ≥ 2.5) and variables/. The reader is handed the folder's
// saved_model.pb (or its keras_metadata.pb) and reads the rest of the folder beside it (read.ts,
// imported only when such a folder comes). A protocol buffer has no signature: the file is
// claimed by its name, after every reader that looks at content has declined it.
import { UnreadableError } from '../../errors.js';
import type { FormatReader } from '../reader.js';

const NAMES = /^(saved_model\.pb|saved_model\.pbtxt|keras_metadata\.pb)$/;

const baseName = (name: string): string => name.slice(Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\')) + 1);

/** The files of a SavedModel folder the reader starts from, in this order. */
export const SAVEDMODEL_ENTRIES = ['saved_model.pb', 'keras_metadata.pb', 'saved_model.pbtxt'];

export const savedModelReader: FormatReader = {
  id: 'savedmodel',
  claims: (_head, name) => NAMES.test(baseName(name)),
  readModel: async (src, ctx) => {
    if (baseName(src.name).endsWith('.pbtxt'))
      throw new UnreadableError(src.name, 'a TensorFlow SavedModel in protobuf text format (saved_model.pbtxt): not read; save the model with model.save() to get a saved_model.pb, or as .keras or .h5');
    return (await import('./read.js')).readSavedModel(src, ctx);
  },
};
