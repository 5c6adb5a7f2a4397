// Turning an error into ONE line and an exit code: `kerascope: FILE: message`, no stack unless --debug.
import { EXIT, UnreadableError, UsageError } from '../errors.js';
import { display } from '../report/display.js';
import type { Io } from './io.js';

/** Exit code for a bug in kerascope itself (not 0–3, so fuzzing and scripts can tell it apart). */
export const EXIT_INTERNAL = EXIT.internal;

export function exitCodeOf(err: unknown): number {
  if (err instanceof UnreadableError) return EXIT.unreadable;
  if (err instanceof UsageError) return EXIT.usage;
  return EXIT_INTERNAL;
}

/** The error's message on one line; a bug says it is one. */
export function oneLine(err: unknown): string {
  const raw = err instanceof Error ? err.message : String(err);
  const message = raw.split('\n')[0]!.trim() || 'failed';
  return exitCodeOf(err) === EXIT_INTERNAL ? `internal error: ${message}` : message;
}

/** The one line: the file the error names (a weights file, say), else the file being analysed. */
export function errorLine(err: unknown, file: string | null): string {
  const where = err instanceof UnreadableError ? err.file : file;
  const hint = exitCodeOf(err) === EXIT_INTERNAL ? ' (a bug in kerascope: please report it; --debug shows where)' : '';
  const text = oneLine(err) + hint;
  // The path and the message may quote a file's own strings: escaped, so the line stays one line.
  return display(where ? `kerascope: ${where}: ${text}` : `kerascope: ${text}`);
}

export function writeStack(io: Io, err: unknown, debug: boolean): void {
  if (debug) io.stderr.write(stackText(err));
}

/** What --debug prints of an error: its stack, escaped, then its cause's; '' for a non-Error. */
export function stackText(err: unknown): string {
  if (!(err instanceof Error)) return '';
  const own = err.stack ? err.stack.split('\n').map(display).join('\n') + '\n' : '';
  // A rule's bug (errors.ts RuleBugError) carries the rule's own error: where the bug is.
  return own + (err.cause instanceof Error ? stackText(err.cause) : '');
}

/** Report the error on stderr and return its exit code. */
export function fail(io: Io, err: unknown, file: string | null, debug: boolean): number {
  io.stderr.write(errorLine(err, file) + '\n');
  writeStack(io, err, debug);
  return exitCodeOf(err);
}
