// The supported-layers table, generated from the rule registry so it cannot drift from the code.
// docs/layers.md is its output (scripts/layers-table.ts writes it; a test compares them), and
// `kerascope layers` prints it.
import { allRules } from './registry.js';
import type { LayerRule } from './types.js';
import { ALIAS_OF } from './aliases.js';

interface Row {
  cls: string;
  aliases: string[];
  rule: LayerRule;
}

/** One row per class of each rule; a known alias joins its class's row when the same rule answers to both. */
function rowsOf(rule: LayerRule): Row[] {
  const isAlias = (c: string): boolean => ALIAS_OF[c] !== undefined && rule.classes.includes(ALIAS_OF[c]!);
  return rule.classes
    .filter((c) => !isAlias(c))
    .map((cls) => ({ cls, aliases: rule.classes.filter((a) => isAlias(a) && ALIAS_OF[a] === cls), rule }));
}

function cell(s: string): string {
  return s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

function line(r: Row): string {
  const params = r.rule.opaque ? `not analysed: ${r.rule.opaque}` : r.rule.summary;
  return `| ${r.cls} | ${r.aliases.join(', ')} | ${r.rule.family} | ${cell(params)} | ${cell(r.rule.source)} |`;
}

/** The table as markdown: every class the registry answers to, grouped by family. */
export function layersTable(): string {
  const rules = allRules();
  const families = [...new Set(rules.map((r) => r.family))];
  const rows = families.flatMap((f) =>
    rules
      .filter((r) => r.family === f)
      .flatMap(rowsOf)
      .sort((a, b) => a.cls.localeCompare(b.cls)),
  );
  const classes = rows.length + rows.reduce((n, r) => n + r.aliases.length, 0);
  return [
    '# Supported layers',
    '',
    `Generated from kerascope's rule registry (src/layers/table.ts): ${rows.length} classes, ${classes} names with aliases.`,
    'Do not edit by hand: `npx tsx scripts/layers-table.ts > docs/layers.md`. `kerascope layers` prints the same table.',
    'A class not listed is reported as unknown: its stored tensors are listed and counted, and the rest of the model is analysed.',
    '"Source" is the Keras file each rule follows: `keras/src/…` is Keras 3, `tf_keras/…` Keras 2 / tf.keras, "Keras 1.2.2 …" Keras 1.',
    '',
    '| Class | Aliases | Family | Parameters | Source |',
    '|---|---|---|---|---|',
    ...rows.map(line),
    '',
  ].join('\n');
}
