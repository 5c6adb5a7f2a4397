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
  /** The terminal's width, when stdout is one: tables are fitted to it. */
  columns?: number;
  env: Record<string, string | undefined>;
}

export function processIo(): Io {
  const isTTY = process.stdout.isTTY === true;
  return { stdout: process.stdout, stderr: process.stderr, isTTY, columns: isTTY ? process.stdout.columns : undefined, env: process.env };
}
