// The page's HDF5 engine: h5wasm's browser build in a module Worker (dist-web/engine-worker.js,
// started by client.browser.ts for a file kerascope's own reader hands over). It mirrors the
// command line's worker (src/formats/hdf5/worker.ts): ready once the engine is loaded, then one job
// at a time, run by the same run-job.ts. The page's Blobs come with each job and are mounted with
// emscripten's WORKERFS, which reads them lazily (FileReaderSync on Blob slices) — nothing is
// copied into wasm memory, nothing leaves the machine — and unmounted when the job ends.
// HDF5 can loop forever on a hostile file: the page then ends this worker (its deadline).
import h5wasm from 'h5wasm';
import { UnreadableError } from '../src/errors.js';
import { H5Engine, type H5wasmApi } from '../src/formats/hdf5/h5wasm.js';
import type { Reply } from '../src/formats/hdf5/driver.js';
import { runJobOn, type H5Job } from '../src/formats/hdf5/run-job.js';
import { BaseSource, type LocalBytes, type ReadNow } from '../src/formats/source.js';

/** What a dedicated worker has that the page's DOM types do not name. */
interface WorkerScope {
  postMessage(msg: unknown): void;
  addEventListener(type: 'message', fn: (e: MessageEvent<EngineRequest>) => void): void;
}
declare const FileReaderSync: new () => { readAsArrayBuffer(blob: Blob): ArrayBuffer };

/** One job, with the Blobs its paths name (src/formats/browser.ts gives each Blob its path). */
export interface EngineRequest {
  id: number;
  job: H5Job;
  blobs: [path: string, blob: Blob][];
}

const scope = self as unknown as WorkerScope;
const api = h5wasm as unknown as H5wasmApi;

// Ready once the engine is loaded: a job's deadline counts HDF5 work, not start-up.
const engine = api.ready.then((module) => new H5Engine(api, module));
engine.then(
  () => scope.postMessage({ ready: true }),
  (e: unknown) => scope.postMessage({ ready: false, message: e instanceof Error ? e.message : String(e) }),
);

scope.addEventListener('message', (e) => {
  void engine.then((eng) => {
    const { id, job, blobs } = e.data;
    const reply = run(eng, job, new Map(blobs));
    // After an abort the wasm instance is not trusted again: the page ends this worker and the
    // next job starts a fresh one (`retire`).
    scope.postMessage({ id, ...reply, retire: eng.broken } satisfies Reply);
  });
});

function run(eng: H5Engine, job: H5Job, blobs: Map<string, Blob>): Omit<Reply, 'id'> {
  const unmount = mount(eng.module.FS, blobs);
  try {
    const done = runJobOn(eng, job, (path, label) => BlobNow.open(blobs, path, label));
    return { ok: true, done };
  } catch (e) {
    return { ok: false, unreadable: e instanceof UnreadableError, message: e instanceof Error ? e.message : String(e) };
  } finally {
    unmount();
  }
}

/* eslint-disable @typescript-eslint/no-explicit-any */
/**
 * Mounts each Blob at its path (`/kerascope/N/name`: WORKERFS at `/kerascope/N`), read-only;
 * returns what unmounts them again.
 */
function mount(FS: Record<string, any>, blobs: Map<string, Blob>): () => void {
  const dirs: string[] = [];
  try {
    for (const [path, blob] of blobs) {
      const at = path.lastIndexOf('/');
      const dir = path.slice(0, at);
      if (FS.analyzePath(dir).exists) throw new Error(`${dir} is mounted already`);
      FS.mkdirTree(dir);
      FS.mount(FS.filesystems.WORKERFS, { blobs: [{ name: path.slice(at + 1), data: blob }] }, dir);
      dirs.push(dir);
    }
  } catch (e) {
    unmountAll(FS, dirs);
    throw e;
  }
  return () => unmountAll(FS, dirs);
}

function unmountAll(FS: Record<string, any>, dirs: string[]): void {
  for (const dir of dirs) {
    FS.unmount(dir);
    FS.rmdir(dir);
  }
}

/**
 * A mounted Blob as a byte source that answers at once (FileReaderSync, a worker's own), for what
 * run-job.ts reads itself (external raw data files).
 */
class BlobNow extends BaseSource {
  private readonly reader = new FileReaderSync();

  private constructor(
    private readonly blob: Blob,
    name: string,
  ) {
    super(name, blob.size);
  }

  static open(blobs: Map<string, Blob>, path: string, label: string): BlobNow {
    const blob = blobs.get(path);
    if (!blob) throw new UnreadableError(label, `the page did not give the HDF5 engine ${path}`);
    return new BlobNow(blob, label);
  }

  override get readNow(): ReadNow {
    return super.readNow!;
  }

  protected fetchNow(): ReadNow {
    return (offset, length, into) => {
      const b = new Uint8Array(this.reader.readAsArrayBuffer(this.blob.slice(offset, offset + length)));
      if (!into) return b;
      into.set(b);
      return into.subarray(0, length);
    };
  }

  get local(): LocalBytes | undefined {
    return undefined;
  }

  close(): void {}
}
