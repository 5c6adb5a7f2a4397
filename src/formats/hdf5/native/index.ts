// kerascope's own reader of HDF5 metadata, tried before the HDF5 engine for every payload.
//
// Why: h5wasm costs every process ≈ 0.15 s and 40 MB to load (its 4.2 MB module parsed, the wasm
// decoded and initialised), plus a worker thread, and one wasm round trip per object (≈ 80 µs:
// 0.7 s for a 2,000-layer file); issue 3's goals leave no room for that (docs/bench.md). The
// metadata of a Keras file is a small part of the HDF5 format: this reader handles that part
// (superblocks 0–3, object headers 1–2, symbol-table, compact and dense groups and attributes,
// the datatypes and layouts Keras writes, external raw data lists) and gives up on anything else —
// user blocks with an odd base, shared messages, virtual datasets, filters on heaps — so the
// engine answers for those files, as before. A file broken where this reader looked (a checksum,
// an address past the end, a structure that does not add up) is handed over as corrupt: the
// engine gets a short try to word its own error (../payload.ts). Every read is positional and
// bounded; nothing here can loop (each block is read once) or run long (a time budget), and no
// weight value is read.
//
// A leaf library: it imports nothing from the rest of kerascope. It reads through a BlockCache
// over anything with the byte-source contract's shape, and answers the H5Reader questions
// (types.ts) that the Keras layout walkers ask.
export { BlockCache, NeedBytes, type PositionalBytes, type Range } from './blocks.js';
export { chunkCount, type Chunk } from './chunks.js';
export { NativeCorrupt, NativeGiveUp } from './cursor.js';
export type { ChunkedLayout, DataLocation } from './data.js';
export type { Filter } from './messages.js';
export { externalFilesAt } from './external.js';
export { NativeH5File } from './file.js';
export { HDF5_SIGNATURE, isSignature, signatureOffsets, superblockSizes } from './superblock.js';
export { attrValue, H5Error, type AttrValue, type ExternalFile, type H5Meta, type H5Reader } from './types.js';
