// Where the CLI writes, and what it knows about the terminal: injectable for in-process tests.

export interface Out {
  write(s: string): unknown;
  /** Set on a terminal stream: the progress bar is drawn only then. */
  isTTY?: boolean;
}

export interface Io {
  stdout: Out;
  stderr: Out;
  /** Is stdout a terminal? Colour is used only then (and never with NO_COLOR). */
  isTTY: boolean;
  env: Record<string, string | undefined>;
}

export function processIo(): Io {
  return { stdout: process.stdout, stderr: process.stderr, isTTY: process.stdout.isTTY === true, env: process.env };
}
