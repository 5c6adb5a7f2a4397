// The test suite's settings. No test's outcome may depend on how fast the machine is (issue 10):
// CI has 2 cores, and the engineers' own runs share them. So:
//  - one timeout for every test and hook, a safety net against a real hang only, never a speed
//    check. The slowest honest test (a fuzz run with HDF5 engine restarts, every truncation of an
//    HDF5 file) takes ≈ 20 s on a quiet machine and ≈ 90 s with two `yes` processes and another
//    engineer's suite beside it; five minutes leaves room for a busier machine still. Tests do not
//    set their own timeouts: the product's own deadlines (the HDF5 engine's, the native reader's)
//    are what tests assert, never the harness's clock;
//  - every test file gets its own temporary folder (TMPDIR), removed after the file, and the run's
//    root folder is removed at the end (test/setup/tmp.ts, test/setup/global.ts).
import { defineConfig } from 'vitest/config';

const SAFETY_NET_MS = 300_000;

export default defineConfig({
  test: {
    testTimeout: SAFETY_NET_MS,
    hookTimeout: SAFETY_NET_MS,
    teardownTimeout: 60_000,
    globalSetup: ['test/setup/global.ts'],
    setupFiles: ['test/setup/tmp.ts'],
  },
});
