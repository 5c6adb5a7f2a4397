// The HDF5 engine's thread. HDF5 can loop forever on a corrupt file (a global heap object whose
// size runs past its collection, for one); in a worker the main thread can give up and end it.
import { parentPort } from 'node:worker_threads';
import { UnreadableError } from '../../errors.js';
import { getH5Engine } from './engine.js';
import { runJob, type H5Job } from './jobs.js';

// emscripten prints to the console on corrupt input ("Aborted(…)", invalid UTF-8 warnings): this
// thread's output never reaches the user. (Piping it to the main thread instead would keep the
// process alive after the work is done.)
const silent = (() => true) as typeof process.stdout.write;
process.stdout.write = silent;
process.stderr.write = silent;

// Ready once the engine is loaded: a job's deadline counts HDF5 work, not start-up.
void getH5Engine().then(
  () => parentPort?.postMessage({ ready: true }),
  (e: unknown) => parentPort?.postMessage({ ready: false, message: e instanceof Error ? e.message : String(e) }),
);

parentPort?.on('message', (msg: { id: number; job: H5Job }) => {
  runJob(msg.job)
    .then(
      (done) => parentPort!.postMessage({ id: msg.id, ok: true, done }),
      (e: unknown) =>
        parentPort!.postMessage({
          id: msg.id,
          ok: false,
          unreadable: e instanceof UnreadableError,
          message: e instanceof Error ? e.message : String(e),
        }),
    )
    // After an abort the wasm instance is not trusted again: this thread ends, the next job
    // starts a fresh one (client.ts).
    .then(() => getH5Engine())
    .then((engine) => {
      if (engine.broken) process.exit(0);
    });
});
