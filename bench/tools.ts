// The commands the bench times on each input: kerascope (the built CLI) and the baselines,
// h5ls -r (hdf5-tools), an h5py walk and Keras's load_model().summary() (Python, when installed).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { InputName } from './inputs.js';
import type { Command } from './measure.js';

const here = dirname(fileURLToPath(import.meta.url));
export const ROOT = resolve(here, '..');

/** A command to time, or a note saying why this tool is not run on this input. */
export type Plan = { command: Command; runs: number } | { skip: string };

export interface Tool {
  name: string;
  plan(input: InputName, path: string, runs: number): Plan;
}

const isFolder = (input: InputName) => input === 'folder' || input === 'manyFiles';

const isZipInput = (input: InputName) => input === 'kerasStored' || input === 'kerasDeflated';

/** kerascope's built CLI: this checkout's bin/kerascope.js, or another build's (`--bin`). */
export const kerascope = (bin = join(ROOT, 'bin/kerascope.js')): Tool => ({
  name: 'kerascope',
  plan: (input, path, runs) => ({
    command: {
      cmd: process.execPath,
      args: [bin, ...(isFolder(input) ? ['check', path] : [path])],
      okCodes: [0, 1],
      // A hang (say, a worker thread left running) must fail the cell, not stall the bench.
      timeoutMs: isFolder(input) ? 600_000 : 120_000,
    },
    runs: input === 'manyFiles' ? Math.min(runs, 3) : runs,
  }),
});

export function h5ls(available: boolean): Tool {
  return {
    name: 'h5ls -r',
    plan: (input, path, runs) => {
      if (!available) return { skip: 'h5ls not installed (Debian: apt-get install hdf5-tools)' };
      if (isZipInput(input)) return { skip: 'not an HDF5 file (a zip)' };
      if (isFolder(input)) return { skip: 'one file per call' };
      return { command: { cmd: 'h5ls', args: ['-r', path] }, runs };
    },
  };
}

export function h5pyWalk(python: string | null): Tool {
  return {
    name: 'h5py walk',
    plan: (input, path, runs) => {
      if (!python) return { skip: 'no Python with h5py' };
      // Python's zipfile serves a member by reading again from its start on every backwards seek
      // (h5py seeks back all the time): 20 s to 80 s a walk on the 1 GB archives, so one run.
      const n = isZipInput(input) || input === 'manyFiles' ? 1 : runs;
      return { command: { cmd: python, args: [join(here, 'h5py_walk.py'), path] }, runs: n };
    },
  };
}

export function kerasSummary(python: string | null, runs: number): Tool {
  return {
    name: 'Keras load_model().summary()',
    plan: (input, path) => {
      if (!python) return { skip: 'no Python with keras' };
      if (input === 'bigH5') return { skip: 'skipped: would hold 4.3 GB of weights in memory' };
      if (input === 'kerasDeflated') return { skip: 'skipped: as STORED, plus inflating 1 GB' };
      if (isFolder(input)) return { skip: 'skipped: a load per file' };
      return { command: { cmd: python, args: [join(here, 'keras_summary.py'), path], timeoutMs: 600_000 }, runs };
    },
  };
}

/** KERASCOPE_BENCH_PYTHON, else /work/venv/bin/python when present, else none. */
export function findPython(): string | null {
  const env = process.env.KERASCOPE_BENCH_PYTHON;
  if (env) return env;
  return existsSync('/work/venv/bin/python') ? '/work/venv/bin/python' : null;
}

/** True when `python -c "import <mod>"` works. */
export function pythonHas(python: string | null, mod: string): boolean {
  if (!python) return false;
  return spawnSync(python, ['-c', `import ${mod}`], { stdio: 'ignore', env: { ...process.env, TF_CPP_MIN_LOG_LEVEL: '3' } }).status === 0;
}

export function hasCommand(cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}
