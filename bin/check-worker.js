'use strict';
// A worker thread of `kerascope check` over many files (src/cli/check-threads.ts starts it): the
// CLI's code loaded as bin/kerascope.js loads it (the bundle with its V8 code cache, else dist/),
// then the worker's loop (src/cli/check-worker.ts).
const { loadCli } = require('./kerascope.js');

loadCli().then((cli) => cli.runCheckWorker());
