#!/usr/bin/env node
'use strict';
// The kerascope command. CommonJS (bin/package.json says so): Node starts a CommonJS file without
// its ES module loader, which alone costs a cold start more than reading one model does.
//
// It runs dist/bin/kerascope.cjs, the whole CLI in one file, with the V8 code cache made beside it
// at build time (scripts/build.mjs: `npm run build`, run by `npm ci` in a clone): compiled code
// is deserialised instead of compiled. V8 checks the cache against the file, its own version and
// its flags, and compiles as usual when it does not fit. Without the bundle (a build by `tsc`
// alone) it runs dist/cli/main.js, the same CLI as separate ES modules.
// The exit code is set; the process is ended early only when nothing is left to flush (see run).
const { readFileSync } = require('node:fs');
const { join } = require('node:path');
const vm = require('node:vm');

const BUNDLE = join(__dirname, '..', 'dist', 'bin', 'kerascope.cjs');
const CACHE = join(__dirname, '..', 'dist', 'bin', 'kerascope.cache');

/** The bundle compiled (with `cachedData` when given) and run: its exports and its script. */
function compileBundle(cachedData) {
  // esbuild writes it in ASCII only: latin1 is the cheapest exact decoding. The file is already
  // the function expression CommonJS wraps a module in (scripts/build.mjs): wrapping it here would
  // make V8 flatten a second copy of its 860 kB before compiling.
  const source = readFileSync(BUNDLE, 'latin1');
  const script = new vm.Script(source, { filename: BUNDLE, cachedData: cachedData ?? undefined });
  const module = { exports: {} };
  script.runInThisContext()(module.exports, require, module, BUNDLE, join(BUNDLE, '..'));
  return { script, cli: module.exports };
}

function readCache() {
  try {
    return readFileSync(CACHE);
  } catch {
    return null;
  }
}

async function loadCli() {
  try {
    return compileBundle(readCache()).cli;
  } catch (err) {
    if (err?.code !== 'ENOENT' || err.path !== BUNDLE) throw err;
  }
  try {
    return await import('../dist/cli/main.js');
  } catch (err) {
    if (err?.code === 'ERR_MODULE_NOT_FOUND' && String(err.message).includes('dist/cli/main.js')) {
      process.stderr.write('kerascope: not built yet: run `npm run build` in the kerascope folder\n');
      process.exit(4);
    }
    throw err;
  }
}

async function run() {
  const { main, cleanUpOnSignals } = await loadCli();
  // A closed pipe (`kerascope check models/ | head`) is handled where the CLI writes (src/cli/io.ts).
  // Ctrl-C or a CI timeout: temporary files removed, exit 130 / 143 (src/cli/signals.ts).
  cleanUpOnSignals();
  const code = await main(process.argv.slice(2));
  process.exitCode = code;
  // Once the event loop has nothing left (no write still going out, no file being closed, no
  // worker), Node would only tear down its heap and environment before exiting: ≈ 5 % of a cold
  // start's CPU on a small model (docs/bench.md). process.exit skips that teardown ('exit'
  // listeners still run: temporary files are still removed). One turn of the loop first lets what
  // the run left queued (a stream's setImmediate) finish; anything still active keeps the normal
  // exit, which waits for it.
  setImmediate(() => {
    if (process.getActiveResourcesInfo().length === 0) process.exit(code);
  });
}

if (require.main === module) {
  run().catch((err) => {
    process.stderr.write(`kerascope: internal error: ${err?.stack ?? err}\n`);
    process.exitCode = 4;
  });
}

// For scripts/build.mjs, which makes the cache from this very compilation, and bin/check-worker.js.
module.exports = { BUNDLE, CACHE, compileBundle, loadCli };
