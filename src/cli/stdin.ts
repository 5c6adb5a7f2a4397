// FILE `-` is standard input, as in cat and tar: `curl -sL URL | kerascope -`, `kerascope audit -`,
// `kerascope check - models/`, explain, graph, snapshot. One place, the engine every command
// analyses through: `analyze('-')` reads the stream (the library keeps it in a temporary file as
// it comes, at most 1 GiB, removed after: src/formats/stream-file.ts). A terminal on standard
// input is refused rather than waited on; a stream is read once (check and audit name it once
// however often it is given).
import { UsageError } from '../errors.js';
import type { Engine } from './engine.js';
import type { Io } from './io.js';

/** The argument that names standard input. */
export const STDIN_ARG = '-';
/** How standard input is named in reports and error lines. */
export const STDIN_NAME = '(stdin)';

/** How a PATH is shown in a row of check or audit: `-` as standard input's name. */
export const shownAs = (path: string): string => (path === STDIN_ARG ? STDIN_NAME : path);

/** `engine`, with FILE `-` read from `io.stdin`. */
export function withStdin(engine: Engine, io: Io): Engine {
  let taken = false;
  return {
    ...engine,
    async analyze(file, opts) {
      if (opts.weights === STDIN_ARG || opts.config === STDIN_ARG) throw new UsageError('--weights and --config take a file: standard input (-) can only be FILE');
      if (file !== STDIN_ARG) return engine.analyze(file, opts);
      if (opts.weights || opts.config) throw new UsageError('--weights and --config need FILE to be a file: a model on standard input (-) is read alone');
      const stdin = io.stdin?.();
      if (!stdin || !engine.analyzeStream) throw new UsageError('standard input (-) cannot be read here');
      if (stdin.isTTY) throw new UsageError('standard input is a terminal: pipe a model into it (kerascope - < model.h5)');
      if (taken) throw new UsageError('standard input (-) is read once: name it once');
      taken = true;
      return engine.analyzeStream(stdin, STDIN_NAME, opts.batch ? { batch: opts.batch } : {});
    },
  };
}
