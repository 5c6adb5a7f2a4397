// snappyjs 0.7 (zhipeng-jia/snappyjs) ships no types: the two functions kerascope uses.
declare module 'snappyjs' {
  /** Throws when the stream is invalid or declares more than `maxLength` bytes. */
  export function uncompress(compressed: Uint8Array, maxLength?: number): Uint8Array;
  export function compress(uncompressed: Uint8Array): Uint8Array;
}
