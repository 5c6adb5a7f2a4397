// The security audit: what in a Keras file could run code, read other files or fetch, named without
// executing, unpickling or fetching anything. See docs/security.md.
import { sortFindings } from '../findings.js';
import type { Finding, ModelSource } from '../types.js';
import { auditConfig } from './config.js';
import { auditContainer } from './container.js';
import { finding } from './finding.js';
import { isObj } from './walk.js';
import { jsonTextTooBig } from '../formats/text.js';
import { append } from '../append.js';

/** The last part of a path, either separator (a weights file named in a message). */
const baseName = (p: string): string => p.slice(Math.max(p.lastIndexOf('/'), p.lastIndexOf('\\')) + 1);

/** Findings of one code beyond this are summarised in one line (a million Lambdas stay readable). */
const MAX_PER_CODE = 200;

/**
 * A config stored as a JSON string inside JSON (some Keras 1 to_json files) is read once more,
 * within the JSON limits (formats/text.ts; the reader already refused a file past them).
 */
function parsed(v: unknown): unknown {
  if (typeof v !== 'string') return v;
  if (jsonTextTooBig(v) !== null) return null;
  try {
    return JSON.parse(v) as unknown;
  } catch {
    return null;
  }
}

function capped(all: Finding[]): Finding[] {
  const seen = new Set<string>();
  const perCode = new Map<string, number>();
  const out: Finding[] = [];
  for (const f of all) {
    const key = `${f.code}\u0000${f.layer}\u0000${f.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const n = (perCode.get(f.code) ?? 0) + 1;
    perCode.set(f.code, n);
    if (n <= MAX_PER_CODE) out.push(f);
  }
  for (const [code, n] of perCode) {
    if (n > MAX_PER_CODE) out.push(finding('info', 'findings-truncated', null, `${n - MAX_PER_CODE} more \`${code}\` findings are not listed (${n} in all).`));
  }
  return sortFindings(out);
}

/** Security findings for one file. Never throws on any config shape. */
export function audit(source: ModelSource): Finding[] {
  const all: Finding[] = [];
  const config = parsed(source.config);
  // A Keras 3 config carries its compile_config, which readers also give as trainingConfig:
  // walked once, as the compile config.
  const compile = isObj(config) ? config.compile_config : undefined;
  const model = isObj(config) && compile !== undefined ? { ...config, compile_config: null } : config;
  if (model !== null && model !== undefined) append(all, auditConfig(model, false));
  const training = parsed(source.trainingConfig) ?? compile;
  if (training !== null && training !== undefined) append(all, auditConfig(training, true));
  // A KerasHub preset's other configs (task.json, tokenizer.json, preprocessor.json…): keras-hub
  // deserializes each of them the way Keras deserializes a model config.
  for (const c of source.preset?.configs ?? []) append(all, auditConfig(c.value, false).map((f) => ({ ...f, message: `${c.file}: ${f.message}` })));
  append(all, auditContainer(source.container ?? { size: 0 }));
  // A weights file read beside the architecture (`--weights`, a same-stem .h5) is loaded by Keras
  // too (load_weights): its container is audited like the model's own, and named.
  const paired = source.weights?.container;
  if (paired && source.weightsFile) append(all, auditContainer(paired).map((f) => ({ ...f, message: `${baseName(source.weightsFile!)}: ${f.message}` })));
  return capped(all);
}
