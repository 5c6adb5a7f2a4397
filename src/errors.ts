// Errors that end the analysis of one file with one clear line and a documented exit code.

/** Exit codes, documented in README.md (and as EXIT_CODES, with their meanings). */
export const EXIT = {
  ok: 0, //          consistent
  findings: 1, //    the file disagrees with itself (an error finding, or a security finding at --fail-on), or drift
  usage: 2, //       bad command line
  unreadable: 3, //  unreadable or unsupported file
  internal: 4, //    a bug in kerascope
} as const;

/** The exit-code table, code → meaning, as the README and `kerascope --help` state it. */
export const EXIT_CODES: Readonly<Record<number, string>> = {
  [EXIT.ok]: 'consistent: the file agrees with itself (diff: the architectures agree), and no security finding at or above --fail-on',
  [EXIT.findings]: 'a finding of severity error, a security finding at or above --fail-on, a failed --expect or baseline, or (diff) drift',
  [EXIT.usage]: 'usage error: a bad command line, a missing --weights file, an unknown layer name',
  [EXIT.unreadable]: 'unreadable or unsupported file',
  [EXIT.internal]: 'internal error: a bug in kerascope (rerun with --debug and report it)',
};

/**
 * The file cannot be analysed: unreadable, truncated, not a Keras file, unsupported family.
 * `message` is one line naming what is wrong (the file is added by the CLI: `file: message`).
 */
export class UnreadableError extends Error {
  /** The exit code the CLI gives this error (3), for library callers that map errors to exits. */
  readonly exitCode: number = EXIT.unreadable;
  constructor(
    readonly file: string,
    message: string,
  ) {
    super(message);
    this.name = 'UnreadableError';
  }
}

/**
 * The file is readable and is not a model at all (a tokenizer's JSON, a data file). Named on its own
 * it is the one-line error (exit 3) of any unreadable file; found by a folder walk or a glob, `check`
 * skips it with a count instead. Readers throw it where they know the file is not a model.
 */
export class NotAModelError extends UnreadableError {
  constructor(file: string, message: string) {
    super(file, message);
    this.name = 'NotAModelError';
  }
}

/**
 * A file system error on `file` (from stat, open or read) as one line: "permission denied",
 * "no such file", or "cannot read: CODE". Never the raw message, which repeats the path.
 */
export function fileSystemError(file: string, e: unknown): UnreadableError {
  const code = (e as NodeJS.ErrnoException | null)?.code;
  const what =
    code === 'ENOENT' ? 'no such file'
    : code === 'EACCES' || code === 'EPERM' ? 'permission denied'
    : code === 'EISDIR' ? 'is a directory'
    : `cannot read: ${code ?? String(e instanceof Error ? e.message : e).split('\n')[0]}`;
  return new UnreadableError(file, what);
}

/** The command line itself is wrong (missing --weights file, unknown layer name for explain…). */
export class UsageError extends Error {
  /** The exit code the CLI gives this error (2). */
  readonly exitCode: number = EXIT.usage;
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/**
 * A layer's rule threw something other than a RuleError (a TypeError, a RangeError): a bug in
 * kerascope's rule for that class, not a finding about the file. It ends the analysis as an internal
 * error (exit 4) whose one line names the layer and the class, so a report can say where; the
 * original error is the cause (its stack under --debug).
 */
export class RuleBugError extends Error {
  constructor(
    readonly layer: string,
    readonly className: string,
    cause: unknown,
  ) {
    const why = cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause);
    super(`the ${className} rule failed on layer ${layer}: ${why.split('\n')[0]}`, { cause });
    this.name = 'RuleBugError';
  }
}
