// Runs a layer's rule, giving wrappers a way to run the rule of the layer they wrap.
import type { Shape } from '../types.js';
import { ruleFor } from './registry.js';
import { ConfigValueError, FractionalSizeError, RuleError, type Cfg, type InnerLayerConfig, type KerasVersion, type Loader, type RuleInput, type RuleOutput, type RuleVariant } from './types.js';
import { variantsFor } from './loader-variants.js';
import { fmtShape } from './util.js';
import { fractionalSize } from './fractional.js';

/** No rule knows this class: the analysis reports it as unknown and goes on. */
export class UnknownClassError extends Error {
  constructor(readonly className: string) {
    super(`no rule for layer class ${className}`);
    this.name = 'UnknownClassError';
  }
}

export interface LayerCallInput {
  className: string;
  /** Keras 3 `module`: tells a Keras operation (keras.src.ops.*) from the layer of the same name. */
  module?: string | null;
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
  const rule = ruleFor(call.className, call.module);
  if (!rule) throw new UnknownClassError(call.className);
  const input: RuleInput = {
    name: call.name,
    className: call.className,
    module: call.module ?? null,
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
  };
  const keras = (i: RuleInput): RuleOutput => rule.apply(i);
  return withTruncatedSizes(input, (i) => {
    const v = variantsFor(call.className).find((x) => x.loader === i.kerasVersion.loader && (x.versions?.(i.kerasVersion) ?? true) && x.applies(i));
    return v ? withVariant(v, v.apply(i, keras), i, keras) : keras(i);
  });
}

/**
 * Runs the rule; a fractional size the file's loader truncated (layers/fractional.ts) is truncated
 * and the rule run again, with a warning; one it refused is a ConfigValueError naming the key.
 */
function withTruncatedSizes(input: RuleInput, run: (i: RuleInput) => RuleOutput): RuleOutput {
  const truncated: string[] = [];
  let current = input;
  for (;;) {
    try {
      const out = run(current);
      return truncated.length ? { ...out, truncated: [...truncated, ...(out.truncated ?? [])] } : out;
    } catch (e) {
      if (!(e instanceof FractionalSizeError)) throw e;
      const verdict = fractionalSize(input.kerasVersion, input.className, e.key, e.value);
      // Only a key of this layer's own config can be truncated here (a wrapped layer's is, by its own call).
      if (!verdict.accepted || current.config[e.key] !== e.value) throw new ConfigValueError(e.key, `${e.value} is not a whole number: ${verdict.why}`);
      truncated.push(`config ${e.key}: ${e.value} is not a whole number; ${verdict.why}`);
      current = { ...current, config: { ...current.config, [e.key]: Math.trunc(e.value) } };
    }
  }
}

/** The loader's output, with what Keras computes beside it when the two differ. */
function withVariant(v: RuleVariant, out: RuleOutput, input: RuleInput, keras: (i: RuleInput) => RuleOutput): RuleOutput {
  let kerasShapes: Shape[];
  try {
    kerasShapes = keras(input).outputShapes;
  } catch {
    return out; // Keras would refuse the layer: nothing to compare with
  }
  if (JSON.stringify(kerasShapes) === JSON.stringify(out.outputShapes)) return out;
  const fmt = (ss: Shape[]): string => ss.map(fmtShape).join(', ');
  const note = `output shape follows ${LOADER_WORDS[v.loader]}: ${v.reason}: ${fmt(out.outputShapes)}, where Keras computes ${fmt(kerasShapes)}`;
  return { ...out, notes: [...(out.notes ?? []), note], variant: { loader: v.loader, reason: v.reason, kerasShapes } };
}

export const LOADER_WORDS: Record<Loader, string> = { keras: 'Keras', 'tf.keras': 'tf.keras', tfjs: 'TensorFlow.js (the loader of this file)' };

/**
 * The rule context from the version a file stores. `loader`: the program that reads the file when it
 * is not the Keras that wrote it (a TensorFlow.js folder is read by tfjs-layers whatever Keras wrote
 * its config); otherwise Keras, or tf.keras for a tf.keras version.
 */
export function parseKerasVersion(raw: string | null | undefined, loader?: Loader): KerasVersion {
  const m = /^(\d+)\.(\d+)/.exec(raw ?? '');
  if (!m) return { raw: raw ?? null, major: 2, minor: 0, tfKeras: false, loader: loader ?? 'keras' };
  const major = Number(m[1]);
  const minor = Number(m[2]);
  // tf.keras wrote "2.2.4-tf" and, from TF 2.4 on, plain "2.4.0"…; standalone multi-backend Keras ended at 2.3.1.
  const tfKeras = (raw ?? '').includes('-tf') || (major === 2 && minor >= 4);
  return { raw: raw ?? null, major, minor, tfKeras, loader: loader ?? (tfKeras ? 'tf.keras' : 'keras') };
}
