// What every command shares: its context (where it writes, what analyses), options, and how it
// prints (colour and width from the terminal, JSON safe on a terminal) and judges (exit codes).
import { terminalSafeJson } from '../report/display.js';
import { exitFor, type FailOn } from '../report/findings.js';
import { useColor } from '../report/format.js';
import type { Engine } from './engine.js';
import type { Io } from './io.js';

export interface Ctx {
  io: Io;
  engine: Engine;
}

export interface CommonOptions {
  json?: boolean;
  debug?: boolean;
  failOn: FailOn;
}

export const color = (ctx: Ctx) => useColor(ctx.io.isTTY, ctx.io.env);
/**
 * Tables are fitted to a terminal; piped output keeps whole lines (for grep and diff) unless
 * COLUMNS says how wide (`COLUMNS=80 kerascope m.h5 | less`), as Python's shutil.get_terminal_size
 * (which rich, and so Keras's summary, follow) lets COLUMNS win.
 */
export const width = (ctx: Ctx): number | undefined => {
  const env = Number(ctx.io.env['COLUMNS']);
  if (Number.isInteger(env) && env > 0) return env;
  return ctx.io.isTTY ? ctx.io.columns : undefined;
};
export const json = (v: unknown) => terminalSafeJson(JSON.stringify(v, null, 2)) + '\n';

export { exitFor };
