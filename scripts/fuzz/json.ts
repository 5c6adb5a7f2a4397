// Structure-aware mutations of a Keras JSON config: wrong types in any field, shape and graph
// mutations, absurd sizes, deep nesting, invalid UTF-8. Each returns the mutated JSON text.
import type { Rng } from './rng.js';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type Slot = { parent: Json[] | { [k: string]: Json }; key: string | number };

const HOSTILE: Json[] = [
  null, true, false, -1, 0, 0.5, -0.0, 1e308, 2 ** 53 + 2, 2 ** 31, -(2 ** 31), 'x', '', '../../etc/passwd',
  [], {}, [null], [-1, -1], [0, 0, 0], { class_name: 'Nope', config: {} }, { class_name: 'Dense' },
  'a'.repeat(10_000),
];
const DIMS: Json[] = [-1, -7, 0, 0.5, 3.25, 2 ** 31, 2 ** 53, 2 ** 62, 1e300, '7', null, true, [4]];
const SHAPE_KEYS = /^(batch_shape|batch_input_shape|input_shape|shape|units|filters|kernel_size|strides|pool_size|input_dim|output_dim|target_shape|size|cropping|padding|dims|n|axis|num_heads|key_dim)$/;

function slots(root: Json, max = 200_000): Slot[] {
  const out: Slot[] = [];
  const stack: Json[] = [root];
  while (stack.length && out.length < max) {
    const v = stack.pop()!;
    if (Array.isArray(v)) v.forEach((c, i) => (out.push({ parent: v, key: i }), stack.push(c)));
    else if (v && typeof v === 'object') for (const k of Object.keys(v)) (out.push({ parent: v, key: k }), stack.push(v[k]!));
  }
  return out;
}

const get = (s: Slot): Json => (s.parent as Record<string | number, Json>)[s.key]!;
const set = (s: Slot, v: Json): void => void ((s.parent as Record<string | number, Json>)[s.key] = v);

function wrongType(root: Json, r: Rng): string {
  const all = slots(root);
  if (all.length) set(r.pick(all), structuredClone(r.pick(HOSTILE)));
  return JSON.stringify(root);
}

function deleteKey(root: Json, r: Rng): string {
  const keyed = slots(root).filter((s) => !Array.isArray(s.parent));
  if (keyed.length) {
    const s = r.pick(keyed);
    delete (s.parent as Record<string, Json>)[s.key as string];
  }
  return JSON.stringify(root);
}

function shapeMutation(root: Json, r: Rng): string {
  const shapes = slots(root).filter((s) => typeof s.key === 'string' && SHAPE_KEYS.test(s.key));
  if (!shapes.length) return wrongType(root, r);
  const s = r.pick(shapes);
  const v = get(s);
  if (Array.isArray(v) && v.length) v[r.int(v.length)] = r.pick(DIMS);
  else set(s, r.pick(DIMS));
  return JSON.stringify(root);
}

/** Layers: objects inside any `layers` array (or a list `config`). */
function layerLists(root: Json): Json[][] {
  return slots(root)
    .filter((s) => (s.key === 'layers' || s.key === 'config') && Array.isArray(get(s)))
    .map((s) => get(s) as Json[]);
}

function nameOf(l: Json): string | null {
  if (!l || typeof l !== 'object' || Array.isArray(l)) return null;
  const c = l.config;
  if (c && typeof c === 'object' && !Array.isArray(c) && typeof c.name === 'string') return c.name;
  return typeof l.name === 'string' ? l.name : null;
}

/** Rewrite every inbound reference string equal to `from` (legacy lists and keras_history). */
function renameRefs(v: Json, from: string, to: string): void {
  for (const s of slots(v)) if (get(s) === from && s.key !== 'name') set(s, to);
}

function graphMutation(root: Json, r: Rng): string {
  const lists = layerLists(root).filter((l) => l.length > 0);
  if (!lists.length) return wrongType(root, r);
  const layers = r.pick(lists);
  const i = r.int(layers.length);
  const victim = layers[i]!;
  const name = nameOf(victim);
  switch (r.int(6)) {
    case 0: {
      // a self-loop on this layer, and a long cycle: the second layer fed by the last
      const prev = i > 0 ? nameOf(layers[i - 1]!) : null;
      if (name && prev) renameRefs(victim, prev, name);
      const first = nameOf(layers[0]!);
      const last = nameOf(layers[layers.length - 1]!);
      if (layers.length > 2 && first && last) renameRefs(layers[1]!, first, last);
      break;
    }
    case 1: // dangling inbound reference
      if (name) for (const l of layers) renameRefs(l, name, `${name}_missing`);
      break;
    case 2: // duplicate layer names
      if (layers.length > 1) layers[(i + 1) % layers.length] = structuredClone(victim);
      break;
    case 3: // reorder
      layers.reverse();
      break;
    case 4: // drop a layer, keep references to it
      layers.splice(i, 1);
      break;
    default: // many layers (a config of tens of thousands of layers must stay fast)
      for (let k = 0; k < 20_000; k++) layers.push(structuredClone(victim));
  }
  return JSON.stringify(root);
}

/** A value replaced by arrays nested `depth` deep (written as text: no recursion anywhere). */
function deepNesting(root: Json, r: Rng): string {
  const all = slots(root);
  const mark = '"__kerascope_fuzz_deep__"';
  if (all.length) set(r.pick(all), '__kerascope_fuzz_deep__');
  const depth = r.pick([1000, 100_000]);
  const text = JSON.stringify(root);
  return all.length ? text.replace(mark, '['.repeat(depth) + '0' + ']'.repeat(depth)) : '['.repeat(depth) + ']'.repeat(depth);
}

export const JSON_MUTATIONS: Record<string, (root: Json, r: Rng) => string> = {
  'json-wrong-type': wrongType,
  'json-delete-key': deleteKey,
  'json-shape': shapeMutation,
  'json-graph': graphMutation,
  'json-deep': deepNesting,
};

/** Mutate JSON text; invalid JSON text gets byte-level treatment by the caller. */
export function mutateJsonText(text: string, r: Rng): { text: string | Buffer; mutation: string } {
  if (r.chance(0.08)) {
    // non-UTF-8 bytes inside a string, and a cut in the middle of the text
    const b = Buffer.from(text, 'utf8');
    const at = text.indexOf('"') + 1;
    const bad = Buffer.concat([b.subarray(0, at), Buffer.from([0xff, 0xfe, 0xc3]), b.subarray(at)]);
    return { text: r.chance(0.5) ? bad : bad.subarray(0, r.int(bad.length)), mutation: 'json-bad-utf8' };
  }
  let root: Json;
  try {
    root = JSON.parse(text) as Json;
  } catch {
    return { text, mutation: 'json-unparsable-seed' };
  }
  const names = Object.keys(JSON_MUTATIONS);
  const mutation = r.pick(names);
  return { text: JSON_MUTATIONS[mutation]!(root, r), mutation };
}
