// Temporary folders kerascope makes (a DEFLATED weights member or a gzip stream inflated to a file,
// standard input kept as a file: stream-file.ts), each removed
// when its reader is done — and all of them at once when the process is told to stop: the CLI calls
// removeTempDirs() on SIGINT, SIGTERM and SIGHUP (src/cli/signals.ts) and on exit, so Ctrl-C or a
// CI timeout in the middle of an inflation leaves nothing in /tmp.
import { mkdtempSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const live = new Set<string>();
let root: string | null = null;

/**
 * Where this thread makes its folders from now on (a `check` worker thread: a folder its main
 * thread made and removes, on a signal too — a signal reaches the main thread only).
 */
export function setTempRoot(dir: string): void {
  root = dir;
}

/** A new folder `kerascope-XXXXXX` in the system's temporary folder, registered for removal. */
export function makeTempDir(): string {
  const dir = mkdtempSync(join(root ?? tmpdir(), 'kerascope-'));
  live.add(dir);
  return dir;
}

/** Removes one folder made by makeTempDir (with what it holds). */
export function removeTempDir(dir: string): void {
  // Retried: a worker thread may still be making something inside a root being removed.
  rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
  live.delete(dir);
}

/** Removes every folder still registered; safe to call from a signal handler or at exit. */
export function removeTempDirs(): void {
  for (const dir of [...live]) {
    try {
      removeTempDir(dir);
    } catch {
      // best effort: the process is ending
    }
  }
}

/** Folders made and not yet removed (tests check that nothing stays). */
export function liveTempDirs(): string[] {
  return [...live];
}

/** Runs of zeros this long (and aligned) become holes of a sparse temporary file. */
const HOLE = 64 * 1024;
const ZEROS = Buffer.alloc(HOLE);

/**
 * Writes `piece` at `at` in the file `fd`, 64 kB blocks of zeros left as holes (a sparse file:
 * zeros cost no disk and read back as zeros, once the file is truncated to its full size).
 * Returns the bytes actually written.
 */
export function writeSparse(fd: number, piece: Buffer, at: number): number {
  let written = 0;
  for (let i = 0; i < piece.length; i += HOLE) {
    const block = piece.subarray(i, i + HOLE);
    if (block.equals(ZEROS.subarray(0, block.length))) continue;
    for (let done = 0; done < block.length; ) done += writeSync(fd, block, done, block.length - done, at + i + done);
    written += block.length;
  }
  return written;
}
