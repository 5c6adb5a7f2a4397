// Where the CLI writes, and what it knows about the terminal: injectable for in-process tests.
import { fstatSync, statSync, writeSync } from 'node:fs';

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
  /** Standard input, read when FILE is `-` (a function: process.stdin is made only then, as stdout is only when written). */
  stdin?: () => Stdin;
}

/** What `-` reads: a stream of bytes, and whether it is a terminal (then it is refused, not waited on). */
export type Stdin = AsyncIterable<Uint8Array> & { isTTY?: boolean };

/**
 * Standard output that is a pipe or a file, written with write(2) on descriptor 1. Touching
 * process.stdout first loads Node's stream and socket modules, which on a pipe costs a cold start
 * as much as analysing a small model (docs/bench.md). A descriptor that cannot take a blocking
 * write (EAGAIN: a non-blocking pipe shared by a parent) hands the rest to process.stdout. A
 * closed pipe (`kerascope check models/ | head`) drops what is left, quietly: the run still ends
 * with its own exit code.
 */
export class DescriptorOut implements Out {
  private stream: NodeJS.WriteStream | null = null;
  private closed = false;

  constructor(private readonly fd: number) {}

  write(s: string): boolean {
    if (this.closed) return true;
    if (this.stream) return this.stream.write(s);
    const bytes = Buffer.from(s, 'utf8');
    let done = 0;
    try {
      while (done < bytes.length) done += writeSync(this.fd, bytes, done);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EPIPE') this.closed = true;
      else if (code === 'EAGAIN') {
        this.stream = process.stdout;
        this.stream.on('error', (e: NodeJS.ErrnoException) => {
          if (e.code !== 'EPIPE') throw e;
          this.closed = true;
        });
        return this.stream.write(bytes.subarray(done));
      } else throw err;
    }
    return true;
  }
}

/** Could `fd` be a terminal? A character device other than /dev/null (`> /dev/null`, a benchmark). */
function maybeTerminal(fd: number): boolean {
  try {
    const st = fstatSync(fd);
    return st.isCharacterDevice() && st.rdev !== statSync('/dev/null').rdev;
  } catch {
    return true;
  }
}

/** Standard error that is no terminal: process.stderr made only when an error line is written. */
const lazyStderr: Out = { write: (s: string) => process.stderr.write(s), isTTY: false };

const stdin = (): Stdin => process.stdin;

export function processIo(): Io {
  // On a terminal, process.stderr itself: the progress bar of `check` draws on it.
  const stderr = maybeTerminal(2) && process.stderr.isTTY === true ? process.stderr : lazyStderr;
  // A terminal keeps process.stdout (its width, its colours); anything else gets plain writes.
  if (maybeTerminal(1) && process.stdout.isTTY === true) {
    return { stdout: process.stdout, stderr, isTTY: true, columns: process.stdout.columns, env: process.env, stdin };
  }
  return { stdout: new DescriptorOut(1), stderr, isTTY: false, env: process.env, stdin };
}
