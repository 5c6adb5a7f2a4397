// The SARIF 2.1.0 JSON Schema as Microsoft's SARIF SDK ships it (@microsoft/jest-sarif, a devDependency:
// the schema is read from the package, never copied into this repository). It is the 2.1.0-rtm.5
// text; errata 01 (what GitHub's code scanning cites) changes descriptions and fixes one `language` pattern,
// no property kerascope writes.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import AjvDraft04 from 'ajv-draft-04';
import addFormats from 'ajv-formats';

const require = createRequire(import.meta.url);
const sarifSchema = JSON.parse(readFileSync(require.resolve('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json'), 'utf8')) as object;
// unicodeRegExp off: rtm.5's `language` pattern has a stray `]` that only a non-unicode RegExp accepts (errata 01 fixed it).
const ajv = new AjvDraft04.default({ allErrors: true, strict: false, unicodeRegExp: false });
addFormats.default(ajv);
const validateSarif = ajv.compile(sarifSchema);

/** What makes `log` invalid SARIF 2.1.0, one error a line; '' when it is valid. */
export const sarifErrors = (log: unknown): string => (validateSarif(log) ? '' : ajv.errorsText(validateSarif.errors, { separator: '\n' }));
