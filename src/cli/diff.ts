// `kerascope diff A B`: two models of any formats compared (src/diff). Exit 0 when the
// architectures agree (or differ only in kinds given to --allow), 1 on drift, 3 if a file is unreadable.
import type { Command } from 'commander';
import { EXIT, UsageError } from '../errors.js';
import { diffReports, parseAllow } from '../diff/index.js';
import { renderDiff } from '../report/diff-table.js';
import { color, json, width, type Ctx } from './context.js';
import { allowOption } from './expectations.js';
import { deliver, formatOf, withOutput, type OutputOptions } from './output.js';
import { fail } from './outcome.js';
import { STDIN_ARG } from './stdin.js';

export interface DiffOptions extends OutputOptions {
  allow?: string[];
  debug?: boolean;
  values?: boolean;
}

export async function runDiff(ctx: Ctx, a: string, b: string, o: DiffOptions): Promise<number> {
  formatOf(o);
  let allow;
  try {
    allow = parseAllow(o.allow ?? []);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  // The values are read again from the files after the analysis: standard input is gone by then.
  if (o.values && (a === STDIN_ARG || b === STDIN_ARG)) throw new UsageError('--values reads the weight values from the files again: it needs files, not - (standard input)');
  const reports = [];
  for (const file of [a, b]) {
    try {
      reports.push(await ctx.engine.analyze(file, {}));
    } catch (err) {
      return fail(ctx.io, err, file, o.debug ?? false);
    }
  }
  const diff = diffReports(reports[0]!, reports[1]!, allow);
  if (o.values) {
    try {
      if (!ctx.engine.compareValues) throw new UsageError('--values: this engine cannot read weight values');
      diff.values = await ctx.engine.compareValues(reports[0]!, reports[1]!, ctx.io.stderr.isTTY === true ? ctx.io.stderr : null);
    } catch (err) {
      return fail(ctx.io, err, null, o.debug ?? false);
    }
    if (diff.values.different > 0) {
      diff.changes.push({ kind: 'values', layer: null, message: `weight values: ${diff.values.different} of ${diff.values.compared} compared tensors differ`, allowed: allow.has('values') });
    }
    // A tensor whose bytes fail the checksum its file stores: TensorFlow refuses to restore it.
    for (const f of diff.values.checksums?.failed ?? []) diff.changes.push({ kind: 'checksum', layer: null, message: `${f.file}: ${f.tensor}: ${f.message}`, allowed: allow.has('checksum') });
    diff.agree = diff.changes.every((c) => c.allowed);
  }
  const code = diff.agree ? EXIT.ok : EXIT.findings;
  deliver(ctx, o, { command: 'diff', diff }, { table: () => renderDiff(diff, { color: color(ctx), width: width(ctx) }), json: () => json(diff) }, code);
  return code;
}

export function registerDiff(program: Command, ctx: Ctx, setCode: (c: number) => void): void {
  const cmd = program
    .command('diff')
    .argument('<a>', 'the model before (any format)')
    .argument('<b>', 'the model after (any format)')
    .description('compare two models of any formats: layers added, removed, renamed; config, shapes, tensors, totals, optimizer state. Exit 0 agree, 1 drift')
    .option('--json', 'print the machine-readable diff (docs/report.schema.json, kerascope-diff)')
    .option('--values', 'also compare weight values by streaming SHA-256 hashes of both files\' tensors (reads all weight data: see README)')
    .option('--debug', 'print stack traces of errors');
  withOutput(allowOption(cmd)).action(async (a: string, b: string, o: DiffOptions) => setCode(await runDiff(ctx, a, b, o)));
}
