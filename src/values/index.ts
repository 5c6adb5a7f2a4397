// `kerascope diff --values` (issue 13): the one place kerascope reads weight data. Filled in below.
import type { ValuesSummary } from '../diff/index.js';
import type { Out } from '../cli/io.js';
import { UsageError } from '../errors.js';

export async function compareValues(_a: string, _b: string, _progress: Out | null): Promise<ValuesSummary> {
  throw new UsageError('--values is not supported yet');
}
