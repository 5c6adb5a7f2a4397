// `index.html?model=URL`: the model a shared link names, read with HTTP range requests through the
// library's remote byte source — the only requests the page ever makes, and only to that address.
import { UnreadableError } from '../src/errors.js';
import type { ModelSource } from '../src/types.js';

/** The model at `url`. */
export async function openAddress(url: string): Promise<ModelSource> {
  throw new UnreadableError(url, 'opening a model by its address needs the remote byte source, which this build does not have yet: download the file and pick it');
}
