// Which HDF5 reader a block of tests runs: kerascope's own (the default) or the HDF5 engine
// (h5wasm in its worker), which still reads every file the native reader hands over, so its file
// system hooks keep their tests.
import { afterAll, beforeAll } from 'vitest';

export type H5ReaderMode = 'native' | 'engine';
const VAR = 'KERASCOPE_H5_READER';

/** Runs `fn` with the reader set, restoring the previous setting after (even on a throw). */
export async function withReader<T>(mode: H5ReaderMode, fn: () => Promise<T>): Promise<T> {
  const saved = process.env[VAR];
  set(mode);
  try {
    return await fn();
  } finally {
    if (saved === undefined) delete process.env[VAR];
    else process.env[VAR] = saved;
  }
}

/** Sets the reader for every test of the enclosing describe block. */
export function useReader(mode: H5ReaderMode): void {
  let saved: string | undefined;
  beforeAll(() => {
    saved = process.env[VAR];
    set(mode);
  });
  afterAll(() => {
    if (saved === undefined) delete process.env[VAR];
    else process.env[VAR] = saved;
  });
}

function set(mode: H5ReaderMode): void {
  if (mode === 'engine') process.env[VAR] = 'engine';
  else delete process.env[VAR];
}
