// The table's options for `kerascope FILE`: columns like torchinfo's, Keras summary()'s own
// (show_trainable, layer_range, expand_nested with a depth), the batch size of the compute
// numbers, ASCII lines. Kept here so the option plumbing of other commands stays apart.
import { type Command, InvalidArgumentError } from 'commander';
import { COLUMN_NAMES, parseColumns, type ColumnName } from '../report/columns.js';
import type { TableOptions } from '../report/table.js';

export interface TableCliOptions {
  columns?: ColumnName[];
  showTrainable?: boolean;
  layerRange?: string[];
  depth?: number;
  batch?: number;
  ascii?: boolean;
}

/** A whole number ≥ min for an option, or commander's one-line usage error. */
export function wholeNumber(min: number): (v: string) => number {
  return (v) => {
    const n = Number(v);
    if (!/^\d+$/.test(v) || !Number.isSafeInteger(n) || n < min) throw new InvalidArgumentError(`a whole number of at least ${min}`);
    return n;
  };
}

function columns(v: string): ColumnName[] {
  const parsed = parseColumns(v);
  if (typeof parsed === 'string') throw new InvalidArgumentError(parsed);
  return parsed;
}

export function addTableOptions(cmd: Command): Command {
  return cmd
    .option('--columns <list>', `the table's columns, comma-separated: ${COLUMN_NAMES.join(', ')}`, columns)
    .option('--show-trainable', "add Keras's Trainable column (Y, N, - for a layer without weights)")
    .option('--layer-range <patterns...>', 'START END: only the rows from the first layer matching START to the last matching END (regexes, as Keras)')
    .option('--depth <n>', 'show nested models down to this many levels (--expand: every level)', wholeNumber(0))
    .option('--batch <n>', 'batch size of the MACs, FLOPs and activation bytes (default 1: per sample)', wholeNumber(1))
    .option('--ascii', 'draw the table with plain ASCII characters');
}

/** The options for renderTable; an error text for a bad --layer-range. */
export function tableOptionsOf(o: TableCliOptions): Pick<TableOptions, 'columns' | 'showTrainable' | 'layerRange' | 'depth' | 'ascii'> | string {
  if (o.layerRange && o.layerRange.length !== 2) return `--layer-range takes two patterns, START and END (got ${o.layerRange.length}; put FILE before the option)`;
  return {
    columns: o.columns,
    showTrainable: o.showTrainable,
    layerRange: o.layerRange as [string, string] | undefined,
    depth: o.depth,
    ascii: o.ascii,
  };
}
