// Once per `vitest run`: one root folder for every temporary file the tests make (each test file
// gets a folder inside it, test/setup/tmp.ts), removed when the run ends, whatever the tests did.
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The run's temporary root (under the system's temporary folder). */
    tmpRoot: string;
    /** The system's temporary folder, before the tests redirect TMPDIR. */
    systemTmp: string;
  }
}

let root: string | null = null;

export function setup(project: TestProject): void {
  const systemTmp = tmpdir();
  root = mkdtempSync(join(systemTmp, 'kerascope-test-'));
  chmodSync(root, 0o755); // a child run as another user reaches its file's folder
  project.provide('tmpRoot', root);
  project.provide('systemTmp', systemTmp);
}

export function teardown(): void {
  if (root) rmSync(root, { recursive: true, force: true });
}
