// kerascope as a library: `import { analyze } from 'kerascope'` returns the same object as `--json`.
export { analyze, analyzeSource, analyzeStream, type AnalyzeOptions } from './analyze.js';
export { readSource, type ReadOptions } from './formats/index.js';
export { UnreadableError, NotAModelError, UsageError, EXIT, EXIT_CODES } from './errors.js';
export type * from './types.js';
export { CATALOGUE, FINDING_CODES, SEVERITY_ORDER, type CatalogueEntry } from './findings.js';
export { diffReports, snapshotOf, compareSnapshots, DRIFT_KINDS, type DiffResult, type Snapshot, type Change, type DriftKind } from './diff/index.js';
