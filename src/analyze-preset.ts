// The pipeline for a KerasHub preset: the backbone's rule (src/backbones) turns config.json's
// constructor arguments into every tensor the backbone builds; the check (src/check/backbone.ts)
// looks each one up in the weights store; the report (src/report/preset.ts) lays out the blocks,
// the task and the count against metadata.json.
import type { Finding, ModelSource, Report } from './types.js';
import { backboneRuleFor } from './backbones/registry.js';
import { BackboneArgsError, BackboneTooLargeError, type BackboneLayout } from './backbones/types.js';
import { matchBackbone } from './check/backbone.js';
import { findingOf } from './findings.js';
import { assemblePresetReport } from './report/preset.js';
import { isObject } from './formats/text.js';

/**
 * A quantized dtype policy (Keras 3 `int8_from_bfloat16`, `int4_from_float32`, `float8…`, `gptq/…`,
 * a DTypePolicyMap): its layers store quantized kernels and scales in place of the float kernels
 * the rules describe. Its name, or null for a float policy.
 */
function quantized(dtype: unknown): string | null {
  if (!isObject(dtype)) return typeof dtype === 'string' && /^(int8|int4|float8|gptq|awq)/.test(dtype) ? dtype : null;
  const cls = String(dtype['class_name']);
  const cfg = isObject(dtype['config']) ? dtype['config'] : {};
  const name = typeof cfg['name'] === 'string' ? cfg['name'] : cls;
  return /Quantized|PolicyMap/.test(cls) || /^(int8|int4|float8|gptq|awq)/.test(name) ? name : null;
}

function layoutOf(source: ModelSource, findings: Finding[]): BackboneLayout | null {
  const p = source.preset!;
  const rule = backboneRuleFor(p.backboneClass);
  if (!rule) {
    findings.push(findingOf('backbone-unknown', null, `kerascope has no rule for ${p.backboneClass}: its stored tensors are listed and counted, and compared with metadata.json's parameter_count`));
    return null;
  }
  const q = quantized(p.args['dtype']);
  if (q) {
    findings.push(findingOf('backbone-unknown', null, `${p.backboneClass} is quantized (dtype policy ${q}): its layers store quantized kernels and scales, which the rule does not lay out; stored tensors are listed and counted`));
    return null;
  }
  try {
    return rule.apply(p.args);
  } catch (e) {
    if (e instanceof BackboneArgsError) findings.push(findingOf('backbone-config-invalid', null, `${p.backboneClass}: ${e.message}`));
    else if (e instanceof BackboneTooLargeError) findings.push(findingOf('backbone-too-large', null, `${p.backboneClass}: ${e.message}; its stored tensors are listed and counted`));
    else throw e;
    return null;
  }
}

export function analyzePreset(source: ModelSource, audited: Finding[]): Report {
  const findings: Finding[] = [...source.findings];
  const layout = layoutOf(source, findings);
  const match = layout && source.weights ? matchBackbone(source.preset!.backboneClass, layout, source.weights) : null;
  if (match) findings.push(...match.findings);
  return assemblePresetReport(source, { layout, match, findings }, audited);
}
