// Temporary folders kerascope makes (a DEFLATED weights member inflated to a file), each removed
// when its reader is done — and all of them at once when the process is told to stop: the CLI calls
// removeTempDirs() on SIGINT, SIGTERM and SIGHUP (src/cli/signals.ts) and on exit, so Ctrl-C or a
// CI timeout in the middle of an inflation leaves nothing in /tmp.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const live = new Set<string>();

/** A new folder `kerascope-XXXXXX` in the system's temporary folder, registered for removal. */
export function makeTempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'kerascope-'));
  live.add(dir);
  return dir;
}

/** Removes one folder made by makeTempDir (with what it holds). */
export function removeTempDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
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
