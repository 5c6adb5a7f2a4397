// How many worker threads `check` uses (check-threads.ts): `--threads N`, else none. Measured on
// the shared 2-core machine (docs/bench.md, issue 15), two workers over 10,000 small files took
// 1.7× the CPU of one thread and no less wall time under load, so they are not the default yet.
// Its own small module: the help text quotes it at every start.

/** Worker threads when `--threads` is not given. */
export const DEFAULT_THREADS = 0;

export function threadCount(asked: number | undefined): number {
  return asked ?? DEFAULT_THREADS;
}
