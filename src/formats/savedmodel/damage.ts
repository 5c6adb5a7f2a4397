// What happened to a file of a SavedModel folder that does not decode, when its bytes say it: three
// accidents seen in real repositories (fixtures report, issue 12's real folders, the issue 9 sweep).
//   - A Git LFS pointer committed in place of the file (`version https://git-lfs.github.com/spec/v1`):
//     the repository holds the file on an LFS server, the clone only a 130-byte text.
//   - Line ends converted to CR LF (git's core.autocrlf on Windows treating the binary as text):
//     every 0x0a byte became 0x0d 0x0a. A protocol buffer is full of 0x0a bytes (the tag of field
//     1, length-delimited), so a converted one has no 0x0a left that is not after a 0x0d.
//   - The opposite: CR LF turned into LF after the file was written. TensorFlow.NET's Keras (SciSharp,
//     both real cases: a C# and an F# project) writes keras_metadata.pb with indented JSON in the
//     platform's line ends, CR LF on Windows; git's text normalisation (core.autocrlf, text=auto)
//     then drops every CR, so each metadata string (SavedObject.metadata, field 5) is shorter than its
//     length prefix by exactly its number of line breaks. tf.keras refuses such a file too
//     (tf_keras/saving/legacy/saved_model/load.py: ParseFromString → "Cannot parse keras metadata").

const LFS = 'version https://git-lfs.github.com/spec/';
/** Tag of SavedMetadata.SavedObject.metadata: field 5, length-delimited. */
const METADATA_TAG = 0x2a;
/** Candidates looked at: a few suffice to show the pattern, and the work stays linear in the file. */
const MAX_CANDIDATES = 8;

/** Why these bytes are not what they should be, in words; null when they show nothing. */
export function damageOf(bytes: Uint8Array): string | null {
  const head = new TextDecoder('latin1').decode(bytes.subarray(0, LFS.length));
  if (head === LFS) return 'it is a Git LFS pointer, not the file: fetch the file itself (git lfs pull)';
  if (toCrLf(bytes)) return "its line ends were converted to CR LF (git's core.autocrlf on Windows): every 0x0a byte became 0x0d 0x0a";
  if (crStripped(bytes)) {
    return "its CR LF line ends were turned into LF after it was written (git's text normalisation, core.autocrlf or text=auto, " +
      'on a binary file): each metadata string is now shorter than its recorded length by one byte per line break ' +
      "(TensorFlow.NET writes this JSON with CR LF on Windows); tf.keras cannot parse it either";
  }
  return null;
}

/** Every 0x0a follows a 0x0d (and there is one). */
function toCrLf(bytes: Uint8Array): boolean {
  let crlf = 0;
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i] !== 0x0a) continue;
    if (i === 0 || bytes[i - 1] !== 0x0d) return false;
    crlf++;
  }
  return crlf > 0;
}

/** A metadata string `0x2a <length> {…}` whose JSON object is shorter than <length> by exactly its LF count (> 0). */
function crStripped(bytes: Uint8Array): boolean {
  let candidates = 0;
  for (let i = 0; i < bytes.length - 2 && candidates < MAX_CANDIDATES; i++) {
    if (bytes[i] !== METADATA_TAG) continue;
    const { value: declared, next: start } = readVarint(bytes, i + 1);
    if (bytes[start] !== 0x7b) continue;
    candidates++;
    const end = objectEnd(bytes, start, Math.min(bytes.length, start + declared));
    if (end < 0) continue;
    let lf = 0;
    for (let k = start; k < end; k++) if (bytes[k] === 0x0a) lf++;
    if (lf > 0 && declared === end - start + lf) return true;
  }
  return false;
}

function readVarint(bytes: Uint8Array, pos: number): { value: number; next: number } {
  let value = 0;
  for (let shift = 0; pos < bytes.length && shift < 35; shift += 7) {
    const b = bytes[pos++]!;
    value += (b & 0x7f) * 2 ** shift;
    if (b < 0x80) break;
  }
  return { value, next: pos };
}

/** Index just past the JSON object starting at `start` (braces outside strings), or -1 before `limit`. */
function objectEnd(bytes: Uint8Array, start: number, limit: number): number {
  let depth = 0;
  let inString = false;
  for (let i = start; i < limit; i++) {
    const b = bytes[i];
    if (inString) {
      if (b === 0x5c) i++;
      else if (b === 0x22) inString = false;
    } else if (b === 0x22) inString = true;
    else if (b === 0x7b) depth++;
    else if (b === 0x7d && --depth === 0) return i + 1;
  }
  return -1;
}
