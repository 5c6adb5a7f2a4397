// Shared by the fuzzer's runner and its worker (kept apart so neither imports the other).
/**
 * The product's own deadline for a file HDF5 loops on (src/formats/h5client.ts, `defaultLimit`):
 * bounded, but a hang all the same. The 3 s short try for a file the native reader already found
 * broken says "HDF5 file is corrupt: …" instead, and is the intended answer.
 */
export const ENGINE_DEADLINE = /^HDF5 engine gave no answer within [\d.]+ s\b/;
