// `index.html?model=URL`: the model a shared link names, read with HTTP range requests through the
// library's remote byte source (src/formats/remote/) — the only requests the page makes beyond its
// own, and only to that address (and the files beside it the model names: tfjs shards, same-stem
// weights). The server must let pages of other sites read it (CORS: Access-Control-Allow-Origin,
// Content-Range exposed, Range allowed in a preflight); hf:// addresses go to huggingface.co.
import { UnreadableError } from '../src/errors.js';
import { readRemote } from '../src/formats/dispatch.js';
import { isRemote } from '../src/formats/remote/address.js';
import type { ModelSource } from '../src/types.js';

/** The model at `url` (http, https or hf://). */
export async function openAddress(url: string): Promise<ModelSource> {
  if (!isRemote(url)) throw new UnreadableError(url, 'the page opens a model named by an http(s):// or hf:// address only');
  return readRemote(url, { browser: true });
}
