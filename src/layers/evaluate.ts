// Runs a layer's rule, giving wrappers a way to run the rule of the layer they wrap.
import type { Shape } from '../types.js';
import { ruleFor } from './registry.js';
import { RuleError, type Cfg, type InnerLayerConfig, type KerasVersion, type RuleOutput } from './types.js';

/** No rule knows this class: the analysis reports it as unknown and goes on. */
export class UnknownClassError extends Error {
  constructor(readonly className: string) {
    super(`no rule for layer class ${className}`);
    this.name = 'UnknownClassError';
  }
}

export interface LayerCallInput {
  className: string;
  name: string;
  config: Cfg;
  inputShapes: Shape[];
  kwargShapes?: Record<string, Shape[]>;
  /** Constant keyword arguments of the call (see RuleInput.callArgs). */
  callArgs?: Cfg;
  kerasVersion: KerasVersion;
}

export function evaluateLayer(call: LayerCallInput, depth = 0): RuleOutput {
  if (depth > 64) throw new RuleError('layers wrapped more than 64 deep');
  const rule = ruleFor(call.className);
  if (!rule) throw new UnknownClassError(call.className);
  return rule.apply({
    name: call.name,
    className: call.className,
    config: call.config,
    inputShapes: call.inputShapes,
    kwargShapes: call.kwargShapes ?? {},
    ...(call.callArgs ? { callArgs: call.callArgs } : {}),
    kerasVersion: call.kerasVersion,
    sub: (inner: InnerLayerConfig, inputShapes: Shape[]) => {
      if (!inner || typeof inner !== 'object' || typeof inner.class_name !== 'string') throw new RuleError('wrapped layer has no class_name');
      const cfg = (inner.config && typeof inner.config === 'object' ? inner.config : {}) as Cfg;
      return evaluateLayer(
        { className: inner.class_name, name: typeof cfg['name'] === 'string' ? cfg['name'] : inner.class_name.toLowerCase(), config: cfg, inputShapes, kerasVersion: call.kerasVersion },
        depth + 1,
      );
    },
  });
}

export function parseKerasVersion(raw: string | null | undefined): KerasVersion {
  const m = /^(\d+)\.(\d+)/.exec(raw ?? '');
  if (!m) return { raw: raw ?? null, major: 2, minor: 0, tfKeras: false };
  const major = Number(m[1]);
  const minor = Number(m[2]);
  // tf.keras wrote "2.2.4-tf" and, from TF 2.4 on, plain "2.4.0"…; standalone multi-backend Keras ended at 2.3.1.
  const tfKeras = (raw ?? '').includes('-tf') || (major === 2 && minor >= 4);
  return { raw: raw ?? null, major, minor, tfKeras };
}
