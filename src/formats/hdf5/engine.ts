// The HDF5 engine on Node: h5wasm's Node build, loaded on first use and shared by every file of
// its thread. It reads the files kerascope's own reader (native/) hands over, and writes the
// fixtures. Readers use it inside the HDF5 worker (worker.ts, driven by client.ts), which a
// hostile file cannot hang; the fixture builder writes with it directly. The engine object and
// its file-system hooks are h5wasm.ts, shared with the page's engine.
//
// Why the Node build: `h5wasm/node` reads the host file system lazily through emscripten's
// NODERAWFS (measured: ≈ 0.1 MB read from a 4.3 GB file), while the default `h5wasm` import
// copies the whole file into wasm memory and fails past 2 GiB (docs/measurements.md).
import { resolve } from 'node:path';
import { H5Engine, type H5wasmApi } from './h5wasm.js';

export { H5Engine, H5File } from './h5wasm.js';

let enginePromise: Promise<H5Engine> | null = null;

/**
 * The engine of this thread, loaded on first use. Readers reach it through the HDF5 worker
 * (client.ts); the fixture builder writes with it directly.
 */
export function getH5Engine(): Promise<H5Engine> {
  if (!enginePromise) enginePromise = loadEngine();
  return enginePromise;
}

async function loadEngine(): Promise<H5Engine> {
  const mod = (await import('h5wasm/node')) as unknown as { default: H5wasmApi };
  const api = mod.default;
  const module = await api.ready;
  return new H5Engine(api, module, resolve);
}
