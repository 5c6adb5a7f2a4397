// `kerascope snapshot MODEL > model.kerascope.json`: the architecture fingerprint (src/diff/snapshot.ts)
// that `check --baseline` compares against. No values, no file names, no times; stable order.
import type { Command } from 'commander';
import { EXIT } from '../errors.js';
import { snapshotOf } from '../diff/index.js';
import { json, type Ctx } from './context.js';
import { fail } from './outcome.js';

export async function runSnapshot(ctx: Ctx, file: string, o: { weights?: string; config?: string; debug?: boolean }): Promise<number> {
  try {
    const report = await ctx.engine.analyze(file, { weights: o.weights, config: o.config });
    ctx.io.stdout.write(json(snapshotOf(report)));
    return EXIT.ok;
  } catch (err) {
    return fail(ctx.io, err, file, o.debug ?? false);
  }
}

export function registerSnapshot(program: Command, ctx: Ctx, setCode: (c: number) => void): void {
  program
    .command('snapshot')
    .argument('<file>')
    .description('print the architecture fingerprint of a model (layers, shapes, tensors, totals; no values) for check --baseline')
    .option('--weights <file>', 'weights file for an architecture-only FILE')
    .option('--config <file>', 'architecture (JSON) for a weights-only FILE')
    .option('--debug', 'print stack traces of errors')
    .action(async (file: string, o) => setCode(await runSnapshot(ctx, file, o)));
}
