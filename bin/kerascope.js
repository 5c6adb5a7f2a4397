#!/usr/bin/env node
// The kerascope command. The CLI lives in dist/cli/main.js, built from src/ by `npm run build`
// (run by `prepare` on install). The exit code is set, never forced, so output is flushed.
let main, cleanUpOnSignals;
try {
  ({ main, cleanUpOnSignals } = await import('../dist/cli/main.js'));
} catch (err) {
  if (err && err.code === 'ERR_MODULE_NOT_FOUND' && String(err.message).includes('dist/cli/main.js')) {
    process.stderr.write('kerascope: not built yet: run `npm run build` in the kerascope folder\n');
    process.exit(4);
  }
  throw err;
}
// `kerascope check models/ | head`: a closed pipe ends the run quietly, not with a stack trace.
process.stdout.on('error', (err) => {
  if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw err;
});
// Ctrl-C or a CI timeout: temporary files removed, exit 130 / 143 (src/cli/signals.ts).
cleanUpOnSignals();
process.exitCode = await main(process.argv.slice(2));
