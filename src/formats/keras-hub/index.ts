// The keras-hub family's reader: KerasHub presets (keras_hub/src/utils/preset_utils.py). A preset
// is a folder; the reader claims its config.json — a Keras 3 serialized backbone whose
// `registered_name` is `keras_hub>…` (or `keras_nlp>…`, the package's name before 0.15) — and
// reads the folder around it. The preset's other configs (task.json, preprocessor.json,
// tokenizer.json, the converters') are claimed too: beside a preset's config.json they are part of
// it, not models of their own (NotAModelError: `check` skips them in a folder walk).
import { NotAModelError } from '../../errors.js';
import { beside } from '../folder.js';
import type { FormatReader, Head } from '../reader.js';
import { isObject } from '../text.js';

const PACKAGES = /^(keras_hub|keras_nlp)([.>]|$)/;

/** A serialized KerasHub object: `registered_name` `keras_hub>X`, or a `module` of the package. */
function kerasHubObject(head: Head): Record<string, unknown> | null {
  const v = head.json?.value;
  if (!isObject(v) || typeof v['class_name'] !== 'string' || !isObject(v['config'])) return null;
  const reg = v['registered_name'];
  const mod = v['module'];
  return (typeof reg === 'string' && PACKAGES.test(reg)) || (typeof mod === 'string' && PACKAGES.test(mod)) ? v : null;
}

export const kerasHubReader: FormatReader = {
  id: 'keras-hub',
  claims: (head) => kerasHubObject(head) !== null,
  readModel: async (src, ctx) => {
    const top = kerasHubObject(ctx.head)!;
    const { classOf, isPresetMember, readPreset } = await import('./read.js');
    const cls = classOf(top);
    if (/Backbone$/.test(cls)) return readPreset(src, ctx, top);
    if (await isPresetMember(ctx)) throw new NotAModelError(src.name, `a KerasHub ${cls} config, part of the preset in this folder: \`kerascope ${ctx.folder!.nameOf(beside(ctx.entry, ''))}\` checks the preset`);
    // A KerasHub task or layer saved by Keras itself (an unzipped .keras): the JSON reader's.
    const { kerasJsonReader } = await import('../keras-json/index.js');
    return kerasJsonReader.readModel(src, ctx);
  },
};
