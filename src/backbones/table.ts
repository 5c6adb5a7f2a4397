// The supported-backbones table, generated from the backbone registry so it cannot drift from the
// code: docs/backbones.md is its output (scripts/backbones-table.ts writes it; a test compares).
import { allBackboneRules } from './registry.js';
import { taskRules } from './tasks.js';
import { KERAS_HUB_COMMIT } from './types.js';

const cell = (s: string): string => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

export function backbonesTable(): string {
  const rows = allBackboneRules().flatMap((r) => r.classes.map((cls) => `| ${cls} | ${r.family} | ${cell(r.summary)} | ${cell(r.source)} |`));
  return [
    '# Supported KerasHub backbones',
    '',
    `Generated from kerascope's backbone registry (src/backbones/table.ts): ${rows.length} classes.`,
    'Do not edit by hand: `npx tsx scripts/backbones-table.ts > docs/backbones.md`.',
    "Each is verified tensor by tensor from config.json's constructor arguments, at the store paths keras-hub writes.",
    "A backbone class not listed (or a quantized one) is listed and counted from its stored tensors and compared with metadata.json's parameter_count.",
    `"Source" is the keras-hub file each rule follows, read at keras-team/keras-hub ${KERAS_HUB_COMMIT.slice(0, 8)} (0.32.0.dev0).`,
    '',
    '| Class | Family | Parameters | Source |',
    '|---|---|---|---|',
    ...rows,
    '',
    '## Task heads',
    '',
    "What a task owns beyond its backbone, verified against task.weights.h5 (src/backbones/tasks.ts). Other tasks' stored head is listed and counted.",
    '',
    '| Task | Source |',
    '|---|---|',
    ...taskRules.flatMap((r) => r.classes.map((cls) => `| ${cls} | ${cell(r.source)} |`)),
    '',
  ].join('\n');
}
