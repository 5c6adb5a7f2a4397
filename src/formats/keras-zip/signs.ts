// How a file of the keras-zip family is recognised, without loading its readers.
import { isObject } from '../text.js';

const LOCAL_HEADER = 0x04034b50;

/** True when `bytes` start with a zip record signature (local header, empty archive, spanned). */
export function isZip(bytes: Uint8Array): boolean {
  if (bytes.length < 4 || bytes[0] !== 0x50 || bytes[1] !== 0x4b) return false;
  const sig = (bytes[0]! | (bytes[1]! << 8) | (bytes[2]! << 16) | (bytes[3]! << 24)) >>> 0;
  return sig === LOCAL_HEADER || sig === 0x06054b50 || sig === 0x08074b50;
}

/** True for a parsed `*.weights.json` manifest: `{"metadata": …, "weight_map": {…}}`. */
export function isShardManifest(v: unknown): v is { weight_map: Record<string, unknown> } {
  return isObject(v) && isObject(v['weight_map']);
}
