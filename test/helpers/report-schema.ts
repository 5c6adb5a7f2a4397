// docs/report.schema.json compiled once with ajv (JSON Schema 2020-12): `valid(def, value)` checks a
// value against one of its $defs and returns ajv's errors as text ('' when valid).
import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';

const schema = JSON.parse(readFileSync(new URL('../../docs/report.schema.json', import.meta.url), 'utf8')) as Record<string, unknown>;
const ajv = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true });
ajv.addSchema(schema, 'report.schema.json');

export type SchemaDef = 'report' | 'errorEntry' | 'check' | 'checkEntry' | 'audit' | 'snapshot' | 'diff';

export function schemaErrors(def: SchemaDef | null, value: unknown): string {
  const validate = ajv.getSchema(def ? `report.schema.json#/$defs/${def}` : 'report.schema.json')!;
  return validate(value) ? '' : ajv.errorsText(validate.errors, { separator: '\n' });
}
