// A tf.keras SavedModel folder (`model.save('dir')`, TensorFlow 2.0–2.15) as the neutral description:
//   keras_metadata.pb        tf.keras's SavedMetadata: one node per Keras object, with its config JSON
//                            (TF ≥ 2.5; before, the same JSON sat in saved_model.pb's SavedUserObject.metadata)
//   saved_model.pb           the TensorFlow graph: only its meta_info_def and object graph are read
//   variables/variables.index the TensorBundle index: every stored tensor's dtype, shape, shard, offset, size
//   variables/variables.data-NNNNN-of-NNNNN  the values: only their sizes are looked at, and the one
//                            small value that holds the checkpoint's object graph
// The root node's metadata carries `model_config` and `training_config` exactly as a legacy .h5 does
// (tf_keras/saving/legacy/saving_utils.py model_metadata), so the same rules follow.
import { UnreadableError } from '../../errors.js';
import { findingOf } from '../../findings.js';
import type { Finding, ModelSource, StoredWeights } from '../../types.js';
import { beside, type Folder } from '../folder.js';
import type { ReadContext } from '../reader.js';
import type { ByteSource } from '../source.js';
import { isObject, MAX_JSON_DEPTH } from '../text.js';
import { damageOf } from './damage.js';
import { BundleError, readBundle, shardName, shardProblems, stringScalar, type Bundle } from './bundle.js';
import { readGraphFile, type GraphFile } from './graph-file.js';
import { assignTensors, isModelIdentifier, type KerasObject, type Ownership } from './objects.js';
import { firstPaths, trackableFromSaved } from './paths.js';
import { decodeSavedMetadata, decodeTrackableGraph, ProtoError, type SavedObjectNode, type TrackableNode } from './proto.js';

export const KERAS_METADATA = 'keras_metadata.pb';
export const SAVED_MODEL = 'saved_model.pb';
/** Where TensorFlow looks for the checkpoint (saved_model/constants.py VARIABLES_DIRECTORY, VARIABLES_FILENAME). */
const PREFIX = 'variables/variables';
/** Where a folder uploaded flattened keeps it (realfiles: the variables beside saved_model.pb). */
const FLAT_PREFIX = 'variables';
const GRAPH_KEY = '_CHECKPOINTABLE_OBJECT_GRAPH';

/** Largest keras_metadata.pb read (a few MB for the largest Keras applications). */
export const MAX_METADATA_BYTES = 64 * 1024 * 1024;
/** Largest variables.index read, and what its Snappy blocks may inflate to. */
export const MAX_INDEX_BYTES = 64 * 1024 * 1024;
/** Largest checkpoint object graph read from the data shard. */
export const MAX_CHECKPOINT_GRAPH_BYTES = 64 * 1024 * 1024;
/** Shards an index may name (TensorFlow writes one per device; thousands would be a lie). */
export const MAX_SHARDS = 10_000;

type Json = Record<string, unknown>;

/** A Keras object with its metadata parsed. */
interface Described extends KerasObject {
  meta: Json;
}


const mib = (n: number): string => `${Math.round(n / 1024 / 1024)} MiB`;
const count = (n: number, what: string): string => `${n.toLocaleString('en-US')} ${what}${n === 1 ? '' : 's'}`;

/** Reads a whole sibling, refusing one larger than `cap`. */
async function readWhole(src: ByteSource, cap: number, what: string): Promise<Uint8Array> {
  if (src.size > cap) throw new UnreadableError(src.name, `${what} is ${src.size.toLocaleString('en-US')} bytes, above the ${mib(cap)} kerascope reads`);
  return src.read(0, src.size);
}

// ---------------------------------------------------------------- the Keras objects

/**
 * tf.keras wrote SavedModel metadata with its own JSON encoder, which keeps tuples and shapes as
 * `{"class_name": "__tuple__", "items": […]}` and `{"class_name": "TensorShape", "items": […]}`
 * (tf_keras/saving/legacy/saved_model/json_utils.py Encoder, _decode_helper): back to lists, as
 * tf.keras's decoder gives them to from_config and as every other format stores them. It recurses:
 * nesting is bounded as every JSON text's is (MAX_JSON_DEPTH, text.ts).
 */
function untuple(v: unknown, depth = 0): unknown {
  if (depth > MAX_JSON_DEPTH) throw new RangeError('nested too deep');
  if (Array.isArray(v)) return v.map((x) => untuple(x, depth + 1));
  if (!isObject(v)) return v;
  if ((v['class_name'] === '__tuple__' || v['class_name'] === 'TensorShape') && (Array.isArray(v['items']) || v['items'] === null)) return untuple(v['items'], depth + 1);
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, untuple(x, depth + 1)]));
}

function parseMetadata(file: string, where: string, text: string): Json {
  if (!text) return {};
  let v: unknown;
  try {
    v = untuple(JSON.parse(text));
  } catch (e) {
    const why = e instanceof RangeError ? `nests deeper than ${MAX_JSON_DEPTH} levels` : 'is not JSON';
    throw new UnreadableError(file, `the Keras metadata of ${where} ${why}`);
  }
  if (!isObject(v)) throw new UnreadableError(file, `the Keras metadata of ${where} is not a JSON object`);
  return v;
}

function described(path: string[], nodeId: number, identifier: string, meta: Json): Described {
  const config = isObject(meta['config']) ? meta['config'] : {};
  const name = typeof meta['name'] === 'string' ? meta['name'] : (path.at(-1) ?? 'root');
  return { path, nodeId, identifier, name, container: isModelIdentifier(identifier) && Array.isArray(config['layers']), meta };
}

/** keras_metadata.pb (TF ≥ 2.5): node paths are recorded, `root.layer_with_weights-0.cell`. */
async function objectsFromMetadata(src: ByteSource): Promise<Described[]> {
  const bytes = await readWhole(src, MAX_METADATA_BYTES, KERAS_METADATA);
  let nodes;
  try {
    nodes = decodeSavedMetadata(bytes);
  } catch (e) {
    if (e instanceof ProtoError) throw new UnreadableError(src.name, `not a readable ${KERAS_METADATA}: ${damageOf(bytes) ?? e.message}`);
    throw e;
  }
  return nodes.map((n) => described(n.nodePath.split('.').slice(1), n.nodeId, n.identifier, parseMetadata(src.name, n.nodePath || `node ${n.nodeId}`, n.metadata)));
}

/** saved_model.pb's SavedUserObject.metadata (TF 2.0–2.4): paths found by walking the object graph. */
function objectsFromGraph(file: string, nodes: readonly SavedObjectNode[]): Described[] {
  const paths = firstPaths(nodes.map((n) => n.children));
  const out: Described[] = [];
  nodes.forEach((n, id) => {
    if (n.kind !== 'user_object' || !n.identifier.startsWith('_tf_keras') || !n.metadata || !paths[id]) return;
    out.push(described(paths[id]!, id, n.identifier, parseMetadata(file, ['root', ...paths[id]!].join('.'), n.metadata)));
  });
  return out;
}

/** What a SavedModel without Keras objects is, in one line. */
function notKeras(file: string, graph: GraphFile): UnreadableError {
  if (!graph.objects) return new UnreadableError(file, 'not a Keras model: a TensorFlow 1 SavedModel (no object graph, no Keras metadata)');
  return new UnreadableError(
    file,
    `not a Keras model: a TensorFlow SavedModel without Keras metadata, an inference export (Keras 3 model.export() or tf.saved_model.save: ${count(graph.objects.length, 'object')}, a graph and its variables, no Keras config); load it with keras.layers.TFSMLayer or tf.saved_model.load`,
  );
}

// ---------------------------------------------------------------- the stored tensors

interface Shards {
  sizes: (number | null)[];
  findings: Finding[];
}

async function statShards(here: Siblings, bundle: Bundle, prefix: string): Promise<Shards> {
  const n = bundle.header.numShards;
  const sizes: (number | null)[] = [];
  const findings: Finding[] = [];
  for (let i = 0; i < n; i++) {
    const name = shardName(prefix, i, n);
    const e = await here.stat(name);
    sizes.push(e && !e.notFile ? e.size : null);
    if (!e) findings.push(findingOf('savedmodel-shard-missing', null, `${name} is not in the folder: the values of the variables it holds are missing`));
    else if (e.notFile) findings.push(findingOf('savedmodel-shard-not-file', null, `${name} ${e.notFile}: never opened`));
  }
  const problems = shardProblems(bundle, sizes);
  if (problems.length) {
    const more = problems.length > 5 ? `; and ${problems.length - 5} more` : '';
    findings.push(findingOf('savedmodel-shard-size', null, `variables.index and its data shards disagree: ${problems.slice(0, 5).join('; ')}${more}`));
  }
  return { sizes, findings };
}

/** The checkpoint's own object graph, read from its shard; a string saying why not otherwise. */
async function checkpointGraph(here: Siblings, bundle: Bundle, shards: Shards, prefix: string): Promise<TrackableNode[] | string> {
  const t = bundle.tensors.get(GRAPH_KEY);
  if (!t) return `variables.index has no ${GRAPH_KEY} entry`;
  const size = shards.sizes[t.shardId];
  if (size === null || size === undefined) return `its shard ${t.shardId} is missing`;
  if (t.offset + t.size > size) return 'its bytes run past its shard';
  if (t.size > MAX_CHECKPOINT_GRAPH_BYTES) return `it is ${t.size.toLocaleString('en-US')} bytes, above the ${mib(MAX_CHECKPOINT_GRAPH_BYTES)} read`;
  const src = await here.open(shardName(prefix, t.shardId, bundle.header.numShards));
  try {
    // A scalar string (TensorFlow's writer), or its bytes as a 1-D uint8 tensor (seen in real folders
    // written by TF 2.10 and 2.16: realfiles s-wasd52030-fscnn-cnn, s-chengen-tsai-…).
    const stored = await src.read(t.offset, t.size);
    return decodeTrackableGraph(t.dtype === 'uint8' && t.shape?.length === 1 ? stored : stringScalar(stored));
  } catch (e) {
    if (e instanceof BundleError || e instanceof ProtoError) return `it does not decode (${e.message})`;
    throw e;
  } finally {
    src.close();
  }
}

function ownershipFindings(own: Ownership): Finding[] {
  const out: Finding[] = [];
  const list = (xs: string[]): string => (xs.length > 5 ? `${xs.slice(0, 5).join(', ')} and ${xs.length - 5} more` : xs.join(', '));
  if (own.absent.length) out.push(findingOf('savedmodel-key-missing', null, `the checkpoint's object graph names ${count(own.absent.length, 'variable')} that variables.index does not hold: ${list(own.absent)}`));
  if (own.unplaced.length) out.push(findingOf('savedmodel-layer-unplaced', null, `${count(own.unplaced.length, 'layer')} of the Keras metadata not found in the checkpoint's object graph: ${list(own.unplaced)}`));
  if (own.notVariables.length) out.push(findingOf('savedmodel-not-variables', null, `${count(own.notVariables.length, 'saved value')} that are not variables (lookup tables, configs) not counted: ${list(own.notVariables)}`));
  return out;
}

interface Variables {
  weights: StoredWeights | null;
  findings: Finding[];
  bytes: number;
}

/** The checkpoint's prefix: TensorFlow's place, else beside saved_model.pb (said, since TensorFlow will not look there). */
async function findIndex(here: Siblings): Promise<{ prefix: string; findings: Finding[] } | null> {
  if (await here.stat(`${PREFIX}.index`)) return { prefix: PREFIX, findings: [] };
  if (!(await here.stat(`${FLAT_PREFIX}.index`))) return null;
  const why = `variables.index and its data shards lie beside ${SAVED_MODEL}, not in variables/: read from there, but TensorFlow looks only in variables/ and will not find them`;
  return { prefix: FLAT_PREFIX, findings: [findingOf('savedmodel-variables-misplaced', null, why)] };
}

async function readVariables(here: Siblings, objects: Described[], savedGraph: () => Promise<SavedObjectNode[] | null>, kerasVersion: string | null): Promise<Variables> {
  const found = await findIndex(here);
  if (!found) return { weights: null, findings: [findingOf('savedmodel-no-variables', null, 'no variables/variables.index in the folder: no stored tensors to compare with the architecture (TensorFlow needs them to load the weights)')], bytes: 0 };
  const { prefix } = found;
  const index = `${prefix}.index`;
  const entry = (await here.stat(index))!;
  if (entry.notFile) return { weights: null, findings: [findingOf('savedmodel-variables-unread', null, `${index} ${entry.notFile}: no stored tensors read`)], bytes: 0 };
  let bundle: Bundle;
  const src = await here.open(index);
  try {
    const bytes = await readWhole(src, MAX_INDEX_BYTES, 'variables.index');
    try {
      bundle = await readBundle(bytes, MAX_INDEX_BYTES);
      if (bundle.header.numShards > MAX_SHARDS) throw new BundleError(`its header names ${bundle.header.numShards} data shards`);
    } catch (e) {
      if (!(e instanceof BundleError)) throw e;
      return { weights: null, findings: [findingOf('savedmodel-variables-unread', null, `${index} is not a readable TensorBundle index: ${damageOf(bytes) ?? e.message}`)], bytes: entry.size };
    }
  } finally {
    src.close();
  }
  const shards = await statShards(here, bundle, prefix);
  const findings = [...found.findings, ...shards.findings];
  let nodes = await checkpointGraph(here, bundle, shards, prefix);
  if (typeof nodes === 'string') {
    const saved = await savedGraph();
    if (!saved) {
      findings.push(findingOf('savedmodel-unmapped', null, `the stored tensors cannot be matched to layers: the checkpoint's object graph cannot be read (${nodes}) and there is no saved_model.pb object graph to stand in`));
      return { weights: null, findings, bytes: entry.size };
    }
    findings.push(findingOf('savedmodel-graph-from-pb', null, `tensors matched to layers through saved_model.pb's object graph: the checkpoint's own cannot be read (${nodes})`));
    nodes = trackableFromSaved(saved);
  }
  const own = assignTensors(objects, nodes, bundle.tensors);
  findings.push(...ownershipFindings(own));
  const groups = [...own.groups];
  if (own.unowned.length) groups.push({ path: '', label: 'the model itself', tensors: own.unowned });
  const weights: StoredWeights = { layout: 'savedmodel', file: here.nameOf(index), groups, optimizer: own.optimizer, metrics: own.metrics, kerasVersion, backend: null };
  const bytes = entry.size + shards.sizes.reduce<number>((a, s) => a + (s ?? 0), 0);
  return { weights, findings, bytes };
}

// ---------------------------------------------------------------- entry

/** The SavedModel's files, named relative to the folder its entry file sits in (the folder contract, folder.ts). */
interface Siblings {
  nameOf(path: string): string;
  stat(path: string): Promise<{ size: number; notFile: string | null } | null>;
  open(path: string): Promise<ByteSource>;
}

function siblingsOf(folder: Folder, entry: string): Siblings {
  const at = (path: string): string => beside(entry, path);
  return { nameOf: (p) => folder.nameOf(at(p)), stat: (p) => folder.stat(at(p)), open: (p) => folder.open(at(p)) };
}

function text(v: unknown): string | null {
  return typeof v === 'string' && v.length > 0 ? v : null;
}

/** The folder's files, opened as needed and closed after. */
class Opened {
  private readonly mine: ByteSource[] = [];

  constructor(
    private readonly here: Siblings | null,
    private readonly given: ByteSource,
    private readonly givenName: string,
  ) {}

  async get(name: string): Promise<ByteSource | null> {
    if (this.givenName === name) return this.given;
    const e = this.here && (await this.here.stat(name));
    if (!e || e.notFile) return null;
    const src = await this.here!.open(name);
    this.mine.push(src);
    return src;
  }

  close(): void {
    for (const s of this.mine) s.close();
  }
}

/** Reads the SavedModel folder that `src` (its saved_model.pb or keras_metadata.pb) belongs to. */
export async function readSavedModel(src: ByteSource, ctx: ReadContext): Promise<ModelSource> {
  const here = ctx.folder ? siblingsOf(ctx.folder, ctx.entry) : null;
  const file = here ? here.nameOf(ctx.entry.slice(ctx.entry.lastIndexOf('/') + 1)) : src.name;
  const given = ctx.entry.slice(ctx.entry.lastIndexOf('/') + 1);
  const opened = new Opened(here, src, given);
  try {
    const metaSrc = await opened.get(KERAS_METADATA);
    const graphSrc = await opened.get(SAVED_MODEL);
    const fromMetadata = metaSrc ? await objectsFromMetadata(metaSrc) : null;
    const graph = graphSrc ? await readGraph(graphSrc, !fromMetadata) : null;
    const objects = fromMetadata ?? (graph?.objects ? objectsFromGraph(graphSrc!.name, graph.objects) : []);
    if (!objects.length) throw notKeras(file, graph ?? { metaInfo: null, objects: null, objectGraphBytes: 0 });
    const root = objects.find((o) => o.path.length === 0);
    if (!root) throw new UnreadableError(metaSrc?.name ?? file, 'the Keras metadata has no root node');
    const savedGraph = async (): Promise<SavedObjectNode[] | null> => (graph?.objects ?? (graphSrc ? (await readGraph(graphSrc, true)).objects : null));
    const kerasVersion = text(root.meta['keras_version']);
    const findings: Finding[] = [];
    if (!graphSrc) findings.push(findingOf('savedmodel-graph-missing', null, `no ${SAVED_MODEL} beside ${KERAS_METADATA}: TensorFlow cannot load this folder as it is; the Keras config is read from ${KERAS_METADATA}`));
    const vars = here ? await readVariables(here, objects, savedGraph, kerasVersion) : { weights: null, findings: [], bytes: 0 };
    findings.push(...vars.findings);
    const tf = graph?.metaInfo?.tensorflowVersion || null;
    const layout = fromMetadata ? '' : ', Keras metadata in saved_model.pb (TF 2.0–2.4 layout)';
    const modelConfig = root.meta['model_config'];
    return {
      file,
      format: 'savedmodel',
      formatLabel: `tf.keras SavedModel folder (Keras ${kerasVersion ?? 'version unknown'}${tf ? `, TensorFlow ${tf}` : ''}${layout})`,
      kerasVersion,
      backend: text(root.meta['backend']),
      config: isObject(modelConfig) ? modelConfig : { class_name: root.meta['class_name'] ?? null, config: root.meta['config'] ?? null },
      trainingConfig: root.meta['training_config'] ?? null,
      weights: vars.weights,
      weightsFile: vars.weights ? vars.weights.file : null,
      findings,
      container: { size: (metaSrc?.size ?? 0) + (graphSrc?.size ?? 0) + vars.bytes },
    };
  } finally {
    opened.close();
  }
}

async function readGraph(src: ByteSource, wantObjects: boolean): Promise<GraphFile> {
  try {
    return await readGraphFile(src, wantObjects);
  } catch (e) {
    if (!(e instanceof ProtoError)) throw e;
    // The two accidents show in the first kilobytes; the whole file is never read to find them.
    const damage = damageOf(await src.read(0, Math.min(src.size, 4096)));
    throw new UnreadableError(src.name, `not a readable ${SAVED_MODEL}: ${damage ?? e.message}`);
  }
}
