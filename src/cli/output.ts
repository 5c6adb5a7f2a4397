// `--format table|json|markdown|junit|sarif` and `--output FILE` (issue 13), the same on analyze,
// check, audit and diff. A command builds its ReportDoc; this picks the renderer and the place.
// With --output, the chosen format goes to the file and the terminal still gets the table (a CI
// log shows what failed); `--format table --output FILE` writes the table to the file only.
import { writeFileSync } from 'node:fs';
import { type Command, Option } from 'commander';
import { UsageError } from '../errors.js';
import { OUTPUT_FORMATS, type OutputFormat, type ReportDoc } from '../report/document.js';
import { renderJunit } from '../report/junit.js';
import { renderMarkdown } from '../report/markdown.js';
import { renderSarif } from '../report/sarif.js';
import type { Ctx } from './context.js';
import { version } from './version.js';

export interface OutputOptions {
  json?: boolean;
  format?: OutputFormat;
  output?: string;
}

export function withOutput(cmd: Command): Command {
  return cmd
    .addOption(new Option('--format <format>', 'report format').choices(OUTPUT_FORMATS))
    .option('-o, --output <file>', 'write the report to FILE (the terminal still gets the table)');
}

/** The format asked for: --format, else json for --json, else the table. */
export function formatOf(o: OutputOptions): OutputFormat {
  if (o.json && o.format && o.format !== 'json') throw new UsageError(`--json and --format ${o.format} ask for two formats: give one`);
  return o.format ?? (o.json ? 'json' : 'table');
}

export interface Rendered {
  /** The table, as the terminal shows it. */
  table: () => string;
  /** The command's own JSON text (the --json object). */
  json: () => string;
}

function render(format: OutputFormat, doc: ReportDoc, own: Rendered, exitCode: number): string {
  switch (format) {
    case 'table':
      return own.table();
    case 'json':
      return own.json();
    case 'markdown':
      return renderMarkdown(doc);
    case 'junit':
      return renderJunit(doc, { version: version() });
    case 'sarif':
      return renderSarif(doc, { version: version() }, exitCode);
  }
}

/** Write the report where it was asked for. A file that cannot be written is a usage error (exit 2). */
export function deliver(ctx: Ctx, o: OutputOptions, doc: ReportDoc, own: Rendered, exitCode: number): void {
  const format = formatOf(o);
  const text = render(format, doc, own, exitCode);
  if (!o.output) {
    ctx.io.stdout.write(text);
    return;
  }
  try {
    writeFileSync(o.output, text);
  } catch (e) {
    throw new UsageError(`--output ${o.output}: cannot write it (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  if (format !== 'table') ctx.io.stdout.write(own.table());
}
