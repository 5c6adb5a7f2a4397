// What happened to a file of a SavedModel folder that does not decode, when its bytes say it: two
// accidents seen in real repositories (fixtures report, issue 12's real folders).
//   - A Git LFS pointer committed in place of the file (`version https://git-lfs.github.com/spec/v1`):
//     the repository holds the file on an LFS server, the clone only a 130-byte text.
//   - Line ends converted to CR LF (git's core.autocrlf on Windows treating the binary as text):
//     every 0x0a byte became 0x0d 0x0a. A protocol buffer is full of 0x0a bytes (the tag of field
//     1, length-delimited), so a converted one has no 0x0a left that is not after a 0x0d.

const LFS = 'version https://git-lfs.github.com/spec/';

/** Why these bytes are not what they should be, in words; null when they show nothing. */
export function damageOf(bytes: Uint8Array): string | null {
  const head = new TextDecoder('latin1').decode(bytes.subarray(0, LFS.length));
  if (head === LFS) return 'it is a Git LFS pointer, not the file: fetch the file itself (git lfs pull)';
  let crlf = 0;
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i] !== 0x0a) continue;
    if (i === 0 || bytes[i - 1] !== 0x0d) return null;
    crlf++;
  }
  return crlf > 0 ? "its line ends were converted to CR LF (git's core.autocrlf on Windows): every 0x0a byte became 0x0d 0x0a" : null;
}
