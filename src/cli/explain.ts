// `kerascope explain FILE [LAYER…]`: each layer's parameter count and shapes with the model's own numbers.
import { EXIT } from '../errors.js';
import { errorEntry } from '../report/batch.js';
import { explainJson, renderExplain } from '../report/explain.js';
import type { AnalyzeCliOptions } from './commands.js';
import { color, json, type Ctx } from './context.js';
import { fail, oneLine } from './outcome.js';

/** The one error line on stderr; with --json also the error object on stdout, as `check --json` gives it (a `| jq` sees JSON). */
function failJson(ctx: Ctx, err: unknown, file: string, o: { json?: boolean; debug?: boolean }): number {
  const code = fail(ctx.io, err, file, o.debug ?? false);
  if (o.json) ctx.io.stdout.write(json(errorEntry({ file, exitCode: code, error: oneLine(err) })));
  return code;
}


export async function runExplain(ctx: Ctx, file: string, layers: string[], o: Omit<AnalyzeCliOptions, 'failOn'>): Promise<number> {
  try {
    const report = await ctx.engine.analyze(file, { weights: o.weights, config: o.config, expand: true });
    ctx.io.stdout.write(o.json ? json(explainJson(report, layers)) : renderExplain(report, layers, { color: color(ctx) }));
    return EXIT.ok;
  } catch (err) {
    return failJson(ctx, err, file, o);
  }
}
