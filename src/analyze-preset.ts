// The pipeline for a KerasHub preset: the backbone's rule (src/backbones) turns config.json's
// constructor arguments into every tensor the backbone builds; the check (src/check/backbone.ts)
// looks each one up in the weights store; the report (src/report/preset.ts) lays out the blocks,
// the task and the count against metadata.json.
import type { Finding, ModelSource, Report } from './types.js';
import { backboneRuleFor } from './backbones/registry.js';
import { BackboneArgsError, BackboneTooLargeError, type BackboneLayout, type Block } from './backbones/types.js';
import { taskRuleFor } from './backbones/tasks.js';
import { matchBackbone } from './check/backbone.js';
import { findingOf } from './findings.js';
import { assemblePresetReport, type PresetPart } from './report/preset.js';
import { isObject } from './formats/text.js';
import { append } from './append.js';

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

/** The task's head (src/backbones/tasks.ts) against task.weights.h5; nothing when the task has no rule. */
function taskPart(source: ModelSource, findings: Finding[]): PresetPart {
  const t = source.preset!.task;
  const rule = t ? taskRuleFor(t.className) : undefined;
  if (!t || !rule) return { layout: null, match: null };
  let blocks: Block[];
  try {
    blocks = rule.apply(t.args, source.preset!.args);
  } catch (e) {
    if (!(e instanceof BackboneArgsError)) throw e;
    findings.push(findingOf('backbone-config-invalid', null, `${t.className} (task.json): ${e.message}`));
    return { layout: null, match: null };
  }
  const stored = t.weights?.groups.flatMap((g) => g.tensors) ?? [];
  if (blocks.length === 0) {
    if (stored.length) findings.push(findingOf('preset-task', null, `task ${t.className} owns no weights of its own, yet task.weights.h5 holds ${stored.length} tensors: keras-hub loads none of them into it`, 'warning'));
    return { layout: null, match: null };
  }
  const layout = { blocks, opaque: [] };
  if (!t.weights) {
    if (!t.weightsFile) findings.push(findingOf('preset-task', null, `task ${t.className} owns a head of its own (${blocks.map((b) => b.name).join(', ')}), but the preset has no task.weights.h5: keras-hub builds that head with fresh weights`, 'warning'));
    return { layout, match: null };
  }
  const match = matchBackbone(t.className, layout, t.weights);
  append(findings, match.findings.map((f) => ({ ...f, layer: f.layer === null ? null : `task/${f.layer}`, message: `task.weights.h5: ${f.message}` })));
  return { layout, match };
}

/**
 * keras-hub builds a task's backbone from the config nested in task.json (preset_utils.py
 * `load_task`), then loads model.weights.h5 into it: where that config and config.json's differ,
 * the task is not the backbone this report checked.
 */
function taskBackboneDiffers(source: ModelSource): Finding[] {
  const t = source.preset!.task;
  const nested = t && isObject(t.args['backbone']) ? t.args['backbone']['config'] : undefined;
  if (!t || !isObject(nested)) return [];
  const args = source.preset!.args;
  const keys = [...new Set([...Object.keys(nested), ...Object.keys(args)])].filter((k) => k !== 'name' && JSON.stringify(nested[k]) !== JSON.stringify(args[k]));
  if (keys.length === 0) return [];
  const shown = keys.slice(0, 4).map((k) => `${k}: ${JSON.stringify(nested[k]) ?? 'absent'} in task.json, ${JSON.stringify(args[k]) ?? 'absent'} in config.json`);
  return [findingOf('preset-task', null, `task.json builds ${t.className}'s backbone with other arguments than config.json (${shown.join('; ')}${keys.length > 4 ? ` and ${keys.length - 4} more` : ''}): ${t.className}.from_preset loads model.weights.h5 into that backbone, not the one checked here`, 'warning')];
}

export function analyzePreset(source: ModelSource, audited: Finding[]): Report {
  const findings: Finding[] = [...source.findings];
  const layout = layoutOf(source, findings);
  const match = layout && source.weights ? matchBackbone(source.preset!.backboneClass, layout, source.weights) : null;
  if (match) append(findings, match.findings);
  const task = taskPart(source, findings);
  findings.push(...taskBackboneDiffers(source));
  return assemblePresetReport(source, { backbone: { layout, match }, task, findings }, audited);
}
