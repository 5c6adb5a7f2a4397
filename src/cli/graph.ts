// `kerascope graph FILE --format mermaid|dot|svg [--output F] [--expand]`: the model as a picture.
// The renderers are loaded only here, so `kerascope FILE` never pays for the SVG layout library.
import { writeFile } from 'node:fs/promises';
import { EXIT, UsageError } from '../errors.js';
import type { Report } from '../types.js';
import { display } from '../report/display.js';
import type { PictureOptions } from '../report/picture.js';
import type { Ctx } from './context.js';
import { fail } from './outcome.js';

export const GRAPH_FORMATS = ['mermaid', 'dot', 'svg'] as const;
export type GraphFormat = (typeof GRAPH_FORMATS)[number];

export interface GraphCliOptions {
  weights?: string;
  config?: string;
  format: GraphFormat;
  output?: string;
  expand?: boolean;
  maxNodes?: number;
  debug?: boolean;
}

/** The picture in the asked format. */
export async function renderGraph(report: Report, format: GraphFormat, opts: PictureOptions): Promise<string> {
  if (format === 'mermaid') return (await import('../report/mermaid.js')).renderMermaid(report, opts);
  if (format === 'dot') return (await import('../report/dot.js')).renderDot(report, opts);
  return (await import('../report/svg.js')).renderSvg(report, opts);
}

export async function runGraph(ctx: Ctx, file: string, o: GraphCliOptions): Promise<number> {
  try {
    const report = await ctx.engine.analyze(file, { weights: o.weights, config: o.config, expand: o.expand });
    const text = await renderGraph(report, o.format, { expand: o.expand, maxNodes: o.maxNodes });
    if (!o.output) {
      ctx.io.stdout.write(text);
      return EXIT.ok;
    }
    try {
      await writeFile(o.output, text);
    } catch (err) {
      throw new UsageError(`cannot write ${display(o.output)}: ${(err as NodeJS.ErrnoException).code ?? 'failed'}`);
    }
    return EXIT.ok;
  } catch (err) {
    return fail(ctx.io, err, file, o.debug ?? false);
  }
}

