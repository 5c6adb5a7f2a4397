// What makes TensorFlow.js's own loader (tf.loadLayersModel, tfjs-layers 4.x) refuse a layers model
// whose tensors otherwise agree with its architecture — mostly Keras 3 models converted by
// tensorflowjs_converter, which copies Keras 3's config as it is (issue 9, defect 5). Each refusal is
// located and quoted in tfjs's own words (checked with tfjs 4.22 on fixtures/tfjs/keras3-converted*
// and a converted functional model: test/tfjs-loader-semantics.test.ts, test/graph-input-shape.test.ts).
import { findingOf, type Finding } from '../findings.js';
import type { ModelSource } from '../types.js';

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** tfjs reads the config through convertPythonicToTs: these are the spellings it knows (tfjs-layers src/engine/input_layer.ts). */
const TFJS_INPUT_KEYS = ['batch_input_shape', 'batchInputShape', 'input_shape', 'inputShape'];

/** Every layer entry of a config, nested models included, with its path. */
function* layerEntries(model: unknown, prefix = ''): Generator<{ path: string; entry: Json }> {
  if (!isObject(model)) return;
  const cfg = model['config'];
  const layers = Array.isArray(cfg) ? cfg : isObject(cfg) && Array.isArray(cfg['layers']) ? cfg['layers'] : [];
  for (const e of layers) {
    if (!isObject(e)) continue;
    const c = isObject(e['config']) ? e['config'] : {};
    const name = typeof e['name'] === 'string' ? e['name'] : typeof c['name'] === 'string' ? c['name'] : e['class_name'];
    const path = `${prefix}${String(name)}`;
    yield { path, entry: e };
    yield* layerEntries(e, `${path}/`);
  }
}

const refuses = (layer: string | null, why: string, words: string): Finding =>
  findingOf('tfjs-refuses', layer, `TensorFlow.js (tf.loadLayersModel) refuses this file: ${why} ("${words}")`);

/** The refusals tfjs-layers' loader would make on this file; none for a file of another format. */
export function tfjsRefusals(source: ModelSource): Finding[] {
  if (source.format !== 'tfjs-layers' || !source.config) return [];
  const out: Finding[] = [];
  const nodes: string[] = [];
  for (const { path, entry } of layerEntries(source.config)) {
    const c = isObject(entry['config']) ? entry['config'] : {};
    if (entry['class_name'] === 'InputLayer' && !TFJS_INPUT_KEYS.some((k) => Array.isArray(c[k]))) {
      const has = ['batch_shape', 'shape'].find((k) => Array.isArray(c[k]));
      out.push(refuses(path, `the InputLayer's shape is ${has ? `stored as Keras 3's ${has}, which tfjs does not read` : 'not stored'}; tfjs reads batch_input_shape or input_shape`, 'An InputLayer should be passed either a `batchInputShape` or an `inputShape`.'));
    }
    const inbound = entry['inbound_nodes'];
    if (Array.isArray(inbound) && inbound.some((n) => isObject(n))) nodes.push(path);
  }
  if (nodes.length) {
    const more = nodes.length > 1 ? ` (and ${nodes.length - 1} more layers)` : '';
    out.push(refuses(nodes[0]!, `its inbound nodes are in Keras 3's form ({args, kwargs}), tfjs reads Keras 2's [[layer, node, tensor, kwargs]]${more}`, 'Corrupted configuration, expected array for nodeData'));
  }
  const storeNamed = (source.weights?.groups ?? []).flatMap((g) => g.tensors).find((t) => /(^|\/)vars\/\d+$/.test(t.path));
  if (storeNamed) {
    out.push(refuses(null, `its weights are named by their Keras 3 store paths (${storeNamed.path}…), and tfjs loads weights by the variables' own names`, `Provided weight data has no target variable: ${storeNamed.path}`));
  }
  return out;
}
