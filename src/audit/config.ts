// Security findings read from a config tree: Lambdas in every encoding, `module` references
// outside Keras, Keras APIs that are not modelling objects, custom objects.
import type { Finding } from '../types.js';
import { ruleFor } from '../layers/registry.js';
import { codeStringOf, dangerousNames, describeCode, readCodeString } from './lambda.js';
import { classifyModule, DANGEROUS_BUILTINS, KERAS_BUILTIN_FUNCTIONS, KERAS_PACKAGES, MODEL_CLASSES, NON_MODELING_APIS, rootOf, TF_KERAS_OPTIMIZERS } from './names.js';
import { isObj, walk, type Obj, type Visit } from './walk.js';
import { finding } from './finding.js';
import { TF_OP_CLASSES, tfOpFinding } from './tfop.js';

const LAMBDA_NOTE =
  'Keras 1/2 and tf.keras run it when the model is loaded; Keras 3 runs it when loaded with safe_mode=False';

interface Ctx {
  out: Finding[];
  /** `__lambda__` objects already reported through their owner's field. */
  handled: Set<Obj>;
  /** Layer dict's config object → the layer's class name. */
  classOf: Map<Obj, string>;
  where: string; // "" for the model config, " in the compile config" for training config
}

const q = (s: string): string => JSON.stringify(s);

function owner(v: Visit, ctx: Ctx): string {
  const cls = ctx.classOf.get(v.node);
  const who = v.layer ? `layer ${q(v.layer)}` : 'the model';
  return cls ? `${cls} ${who}` : `${who}${ctx.where}`;
}

/** Fields holding stored functions: `X` with `X_type: "lambda"`, and any `__lambda__` value. */
function lambdaFields(node: Obj, keys: readonly string[]): [string, unknown][] {
  const out: [string, unknown][] = [];
  for (const k of keys) {
    const v = node[k];
    if (k.endsWith('_type') && v === 'lambda' && k.length > 5) out.push([k.slice(0, -5), node[k.slice(0, -5)]]);
    else if (isObj(v) && v.class_name === '__lambda__' && !(`${k}_type` in node)) out.push([k, v]);
  }
  return out;
}

function lambdaFinding(v: Visit, ctx: Ctx, field: string, stored: unknown): void {
  if (isObj(stored)) ctx.handled.add(stored);
  const code = codeStringOf(stored);
  const isLayer = ctx.classOf.get(v.node) === 'Lambda';
  const head = `${owner(v, ctx)} stores a Python function in \`${field}\``;
  if (code === null) {
    ctx.out.push(finding('high', isLayer ? 'lambda-layer' : 'lambda-function', v.layer,
      `${head} in a form kerascope does not recognise; ${LAMBDA_NOTE}.`));
    return;
  }
  const info = readCodeString(code);
  const risky = 'error' in info.decoded ? [] : dangerousNames(info.decoded);
  const danger = risky.length ? `; it references ${risky.join(', ')}, which reach processes, files or the network` : '';
  ctx.out.push(finding(risky.length ? 'critical' : 'high', isLayer ? 'lambda-layer' : 'lambda-function', v.layer,
    `${head}: ${describeCode(info)}${danger}; ${LAMBDA_NOTE}.`));
}

/** The module a named function is looked up in: `output_shape_module`, or `module` for `function`. */
function functionModule(n: Obj, field: string): string | null {
  const own = n[`${field}_module`];
  if (typeof own === 'string') return own;
  return field === 'function' && typeof n.module === 'string' ? n.module : null;
}

/** Keras 2 / tf.keras `function_type: "function"`: a function looked up by name at load time. */
function namedFunction(v: Visit, ctx: Ctx): void {
  const n = v.node;
  for (const k of v.keys) {
    if (!k.endsWith('_type') || n[k] !== 'function') continue;
    const field = k.slice(0, -5);
    const fn = n[field];
    if (typeof fn !== 'string') continue;
    const mod = functionModule(n, field);
    const deny = mod !== null && classifyModule(mod) === 'deny';
    const from = mod ? ` from module ${q(mod)}` : '';
    ctx.out.push(finding(deny ? 'critical' : 'medium', 'lambda-named-function', v.layer,
      `${owner(v, ctx)} calls the Python function ${q(fn)}${from} by name in \`${field}\`; its code is not in the file and is whatever that name resolves to when the model is loaded.`));
  }
}

function refName(n: Obj): string {
  if (n.class_name === 'function' && typeof n.config === 'string') return n.config;
  return typeof n.class_name === 'string' ? n.class_name : '?';
}

/**
 * Each `[module, name]` an object refers to: `module`/`fn_module`, or a dotted `class_name`. Called
 * per pair, no list made: nearly every object of a Keras 3 config names a keras module, and a
 * reference to one is a finding only for the few APIs keraApi names.
 */
function moduleRefs(v: Visit, ctx: Ctx): void {
  const n = v.node;
  const mod = n.module;
  const fnMod = n.fn_module;
  if (typeof mod === 'string') moduleRef(v, ctx, mod, refName(n));
  if (typeof fnMod === 'string') moduleRef(v, ctx, fnMod, refName(n));
  const cls = n.class_name;
  if (typeof mod !== 'string' && typeof fnMod !== 'string' && typeof cls === 'string' && /^[\w.]+\.\w+$/.test(cls)) {
    const at = cls.lastIndexOf('.');
    moduleRef(v, ctx, cls.slice(0, at), cls.slice(at + 1));
  }
}

function moduleRef(v: Visit, ctx: Ctx, mod: string, name: string): void {
  const kind = classifyModule(mod);
  if (kind === 'keras') return keraApi(v, ctx, name, mod);
  const what = refText(v, ctx, mod, name);
  if (kind === 'deny') denied(v, ctx, mod, name, what);
  else if (!lambdaish(v) && !isCustom(v.node)) {
    ctx.out.push(finding('medium', 'module-unknown', v.layer,
      `${what}, a module outside Keras's packages: Keras before 3.9 imports it while loading, later versions refuse it.`));
  }
}

/** "Dense layer "d" (`kernel_initializer`) refers to "mod.name"": worded only for a finding. */
function refText(v: Visit, ctx: Ctx, mod: string, name: string): string {
  return `${owner(v, ctx)}${v.key && !v.isLayer ? ` (\`${v.key}\`)` : ''} refers to ${q(`${mod}.${name}`)}`;
}

/** An object that stores a function (`X_type: "lambda"` or `"function"`): its module is said there. */
function lambdaish(v: Visit): boolean {
  return v.keys.some((k) => k.endsWith('_type') && (v.node[k] === 'lambda' || v.node[k] === 'function'));
}

function keraApi(v: Visit, ctx: Ctx, name: string, mod: string): void {
  if (NON_MODELING_APIS.has(name)) {
    ctx.out.push(finding('critical', 'keras-non-modeling-api', v.layer,
      `${refText(v, ctx, mod, name)}, a Keras API that is not a modelling object (files, downloads or safe mode): a known way to attack load_model (CVE-2025-8747, CVE-2025-9906).`));
  } else if (name === 'TFSMLayer') {
    ctx.out.push(finding('high', 'keras-tfsm-layer', v.layer,
      `${refText(v, ctx, mod, name)}, which loads and runs the TensorFlow SavedModel at the path in its config when the model is loaded.`));
  }
}

function denied(v: Visit, ctx: Ctx, mod: string, name: string, what: string): void {
  const root = rootOf(mod);
  if ((root === 'builtins' || root === '__builtin__') && KERAS_BUILTIN_FUNCTIONS.has(name)) return;
  if ((root === 'builtins' || root === '__builtin__') && !DANGEROUS_BUILTINS.has(name)) {
    // Keras itself writes module "builtins" for functions it cannot name (local functions).
    ctx.out.push(finding('medium', 'custom-function', v.layer,
      `${what}: a function of the script that saved the model; its code is not in the file and must be supplied when loading.`));
    return;
  }
  ctx.out.push(finding('critical', 'module-denied', v.layer,
    `${what}: module ${q(root)} gives process, file, network or code-loading power, and Keras before 3.9 imports it while loading (the CVE-2025-1550 class).`));
}

/** `package>Name`: a registered custom object (Keras 3 `registered_name`; legacy .h5 `class_name`). */
function registeredName(n: Obj): string | null {
  // registered_name first, then class_name (tested in turn: no list per object of the config).
  const reg = registered(n.registered_name) ?? registered(n.class_name);
  if (reg === null) return null;
  const [pkg, name] = reg.split('>');
  return pkg === 'Custom' && TF_KERAS_OPTIMIZERS.has(name ?? '') ? null : reg;
}

function registered(x: unknown): string | null {
  return typeof x === 'string' && x.includes('>') ? x : null;
}

function libraryClass(pkg: string, module: unknown): boolean {
  return KERAS_PACKAGES.has(pkg) && (module === undefined || module === null || (typeof module === 'string' && KERAS_PACKAGES.has(rootOf(module))));
}

function isCustom(n: Obj): boolean {
  return registeredName(n) !== null;
}

function customObjects(v: Visit, ctx: Ctx): void {
  const n = v.node;
  const reg = registeredName(n);
  if (reg !== null) {
    const pkg = reg.split('>')[0];
    // A class of a Keras package itself (`keras_hub>GemmaBackbone` from module keras_hub.src…):
    // loading runs that library's code, installed by the user, not the author's.
    if (libraryClass(pkg ?? '', n.module)) return;
    const mod = typeof n.module === 'string' ? `, module ${q(n.module)}` : '';
    ctx.out.push(finding('low', 'custom-object', v.layer,
      `${owner(v, ctx)} uses custom object ${q(reg)} (class ${q(refName(n).split('>').pop() ?? '')}, package ${q(pkg ?? '')}${mod}): loading runs the author's code for it, which is not in the file.`));
    return;
  }
  if (!(v.isLayer || v.isRoot) || typeof n.class_name !== 'string') return;
  const cls = n.class_name;
  if (MODEL_CLASSES.has(cls) || TF_OP_CLASSES.has(cls) || ruleFor(cls) || typeof n.module === 'string' || cls.includes('.')) return;
  if (v.isRoot) {
    ctx.out.push(finding('low', 'custom-class', null,
      `the model has class ${q(cls)}, a subclassed model: loading needs the author's Python code for it, which is not in the file.`));
    return;
  }
  if (NON_MODELING_APIS.has(cls)) {
    ctx.out.push(finding('critical', 'keras-non-modeling-api', v.layer,
      `layer ${q(v.layer ?? '')} has class ${q(cls)}, a Keras API that is not a modelling object (files, downloads or safe mode).`));
    return;
  }
  ctx.out.push(finding('low', 'custom-class', v.layer,
    `layer ${q(v.layer ?? '')} has class ${q(cls)}, which is not a Keras class: loading needs the author's Python code for it, which is not in the file.`));
}

function visitNode(v: Visit, ctx: Ctx): void {
  const n = v.node;
  if (v.isLayer && isObj(n.config) && typeof n.class_name === 'string') ctx.classOf.set(n.config, n.class_name);
  if (n.class_name === '__lambda__') {
    if (!ctx.handled.has(n)) lambdaFinding(v, ctx, v.key ?? '?', n);
    return;
  }
  for (const [field, stored] of lambdaFields(n, v.keys)) lambdaFinding(v, ctx, field, stored);
  namedFunction(v, ctx);
  const op = v.isLayer ? tfOpFinding(v) : null;
  if (op) ctx.out.push(op);
  moduleRefs(v, ctx);
  customObjects(v, ctx);
}

/** Findings for one config tree; `training` marks a training/compile config (no layers). */
export function auditConfig(root: unknown, training: boolean): Finding[] {
  const ctx: Ctx = { out: [], handled: new Set(), classOf: new Map(), where: training ? ' in the compile config' : '' };
  const complete = walk(root, (v) => visitNode(v, ctx), !training);
  if (!complete) {
    ctx.out.push(finding('medium', 'config-too-large', null,
      'the config holds more objects than the audit walks (2,000,000); the rest was not checked.'));
  }
  return ctx.out;
}
