// How many threads `check` uses: `--threads N` worker threads that each analyse whole files
// (check-threads.ts); without it, this thread analyses while, for a batch of READ_AHEAD_MIN local
// files or more, one worker thread reads the files ahead of it (check-read-ahead.ts); `--threads 0`
// does everything in this thread. Measured on the shared 2-core machine (docs/bench.md, issue 15):
// two workers analysing whole files took 1.7× the CPU of one thread (V8 compiles the same code in
// each), while a reader beside the analysis splits the code between the threads and costs no more
// CPU than one thread. Its own small module: the help text quotes it at every start.

/** Worker threads analysing whole files when `--threads` is not given. */
export const DEFAULT_THREADS = 0;

/** Fewer local files than this are read in this thread: the reader thread's start (≈ 0.1 s of CPU) would not pay. */
export const READ_AHEAD_MIN = 200;

export function threadCount(asked: number | undefined): number {
  return asked ?? DEFAULT_THREADS;
}
