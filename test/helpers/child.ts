// A child process a test starts (the CLI from the sources, a script) must end by itself: the test
// asserts that. The time it is given is a safety net against a real hang, never a speed check: a
// `node --import tsx` child compiles the sources and may start the HDF5 engine, which on a loaded
// 2-core machine takes tens of seconds. It stays under vitest's own timeout (vitest.config.ts), so
// a hang is reported as this child's, with its output.
export const CHILD_SAFETY_NET_MS = 240_000;
