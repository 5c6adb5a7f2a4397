// The few protocol-buffer messages a tf.keras SavedModel folder is read through, decoded with
// @bufbuild/protobuf's wire reader (conformance-tested varints, 64-bit fields, bounds: a length
// past the end of its message throws, and a length-delimited field is a view, never a copy).
// Only the fields kerascope uses are named; every other field is skipped.
//
// Field numbers are TensorFlow's own (checked against the descriptors of TF 2.21's *_pb2 modules):
//   tensorflow/core/protobuf/saved_model.proto        SavedModel
//   tensorflow/core/protobuf/meta_graph.proto         MetaGraphDef, MetaInfoDef
//   tensorflow/core/protobuf/saved_object_graph.proto SavedObjectGraph, SavedObject, SavedUserObject, SavedVariable
//   tensorflow/core/protobuf/trackable_object_graph.proto TrackableObjectGraph
//   tensorflow/core/protobuf/tensor_bundle.proto      BundleEntryProto, BundleHeaderProto
//   tensorflow/core/framework/tensor_shape.proto      TensorShapeProto
//   tf_keras/protobuf/saved_metadata.proto            SavedMetadata, SavedObject (keras-team/tf-keras)
import { BinaryReader, WireType } from '@bufbuild/protobuf/wire';

/** A message whose bytes do not decode (truncated, a length past its end, a wrong wire type). */
export class ProtoError extends Error {}

type OnField = (field: number, wire: WireType, r: BinaryReader) => boolean;

/** Calls `on` for each field of the message; a field it does not take (returns false) is skipped. */
function eachField(bytes: Uint8Array, what: string, on: OnField): void {
  const r = new BinaryReader(bytes);
  try {
    while (r.pos < r.len) {
      const [field, wire] = r.tag();
      if (!on(field, wire, r)) r.skip(wire, field);
    }
  } catch (e) {
    if (e instanceof ProtoError) throw e;
    throw new ProtoError(`${what} does not decode (${(e as Error).message})`);
  }
}

const LEN = WireType.LengthDelimited;
const VARINT = WireType.Varint;

/** A length-delimited field of the expected wire type, else a ProtoError naming it. */
function sub(r: BinaryReader, wire: WireType, what: string): Uint8Array {
  if (wire !== LEN) throw new ProtoError(`${what} has wire type ${wire}, not length-delimited`);
  const at = r.pos;
  const length = r.uint32();
  const left = r.len - r.pos;
  if (length > left) throw new ProtoError(`truncated: ${what} declares ${length.toLocaleString('en-US')} bytes, ${left.toLocaleString('en-US')} remain`);
  r.pos = at;
  return r.bytes();
}

function text(r: BinaryReader, wire: WireType, what: string): string {
  return new TextDecoder('utf-8').decode(sub(r, wire, what));
}

function varint(r: BinaryReader, wire: WireType, what: string): number {
  if (wire !== VARINT) throw new ProtoError(`${what} has wire type ${wire}, not a varint`);
  return r.int32();
}

/** An int64 that must be a safe integer (an offset, a size, a dimension). */
function int64(r: BinaryReader, wire: WireType, what: string): number {
  if (wire !== VARINT) throw new ProtoError(`${what} has wire type ${wire}, not a varint`);
  const v = Number(r.int64());
  if (!Number.isSafeInteger(v)) throw new ProtoError(`${what} is not a safe integer`);
  return v;
}

// ---------------------------------------------------------------- tensor_shape.proto

/** TensorShapeProto: dim = 2 (Dim: size = 1), unknown_rank = 3. Null: unknown rank. */
export function decodeShape(bytes: Uint8Array): number[] | null {
  const dims: number[] = [];
  let unknownRank = false;
  eachField(bytes, 'TensorShapeProto', (f, w, r) => {
    if (f === 2) {
      let size = 0;
      eachField(sub(r, w, 'TensorShapeProto.dim'), 'TensorShapeProto.Dim', (g, v, d) => (g === 1 ? ((size = int64(d, v, 'Dim.size')), true) : false));
      dims.push(size);
    } else if (f === 3) unknownRank = varint(r, w, 'unknown_rank') !== 0;
    else return false;
    return true;
  });
  return unknownRank ? null : dims;
}

// ---------------------------------------------------------------- tensor_bundle.proto

export interface BundleEntry {
  /** tensorflow.DataType enum value. */
  dtype: number;
  shape: number[] | null;
  shardId: number;
  offset: number;
  size: number;
  /** A partitioned variable's full-tensor entry: its slices are stored under other keys. */
  slices: number;
  /** The masked crc32c of the tensor's stored bytes (tensor_bundle.cc BundleWriter::Add), when written. */
  crc32c: number | null;
}

/** BundleEntryProto: dtype 1, shape 2, shard_id 3, offset 4, size 5, crc32c 6 (fixed32), slices 7. */
export function decodeBundleEntry(bytes: Uint8Array): BundleEntry {
  const e: BundleEntry = { dtype: 0, shape: [], shardId: 0, offset: 0, size: 0, slices: 0, crc32c: null };
  eachField(bytes, 'BundleEntryProto', (f, w, r) => {
    if (f === 1) e.dtype = varint(r, w, 'dtype');
    else if (f === 2) e.shape = decodeShape(sub(r, w, 'shape'));
    else if (f === 3) e.shardId = varint(r, w, 'shard_id');
    else if (f === 4) e.offset = int64(r, w, 'offset');
    else if (f === 5) e.size = int64(r, w, 'size');
    else if (f === 7) (sub(r, w, 'slices'), e.slices++);
    else if (f === 6) {
      if (w !== WireType.Bit32) throw new ProtoError(`crc32c has wire type ${w}, not fixed32`);
      e.crc32c = r.fixed32();
    } else return false;
    return true;
  });
  return e;
}

export interface BundleHeader {
  numShards: number;
  /** 0 little-endian, 1 big-endian (BundleHeaderProto.Endianness). */
  endianness: number;
}

/** BundleHeaderProto: num_shards 1, endianness 2, version 3. */
export function decodeBundleHeader(bytes: Uint8Array): BundleHeader {
  const h: BundleHeader = { numShards: 0, endianness: 0 };
  eachField(bytes, 'BundleHeaderProto', (f, w, r) => {
    if (f === 1) h.numShards = varint(r, w, 'num_shards');
    else if (f === 2) h.endianness = varint(r, w, 'endianness');
    else return false;
    return true;
  });
  return h;
}

// ---------------------------------------------------------------- trackable_object_graph.proto

export interface ObjectReference {
  nodeId: number;
  localName: string;
}

export interface SerializedTensor {
  /** `VARIABLE_VALUE` for a variable; other names for other saveables (lookup tables, configs). */
  name: string;
  /** The variable's TensorFlow name: `dense/kernel`. */
  fullName: string;
  /** Its key in variables.index: `layer_with_weights-0/kernel/.ATTRIBUTES/VARIABLE_VALUE`. */
  checkpointKey: string;
}

export interface SlotReference {
  originalNodeId: number;
  slotName: string;
  slotNodeId: number;
}

export interface TrackableNode {
  children: ObjectReference[];
  attributes: SerializedTensor[];
  slots: SlotReference[];
}

/** ObjectReference: node_id 1, local_name 2 (shared by TrackableObject and SavedObject). */
function decodeReference(bytes: Uint8Array): ObjectReference {
  const ref: ObjectReference = { nodeId: 0, localName: '' };
  eachField(bytes, 'ObjectReference', (f, w, r) => {
    if (f === 1) ref.nodeId = varint(r, w, 'node_id');
    else if (f === 2) ref.localName = text(r, w, 'local_name');
    else return false;
    return true;
  });
  return ref;
}

function decodeAttribute(bytes: Uint8Array): SerializedTensor {
  const a: SerializedTensor = { name: '', fullName: '', checkpointKey: '' };
  eachField(bytes, 'SerializedTensor', (f, w, r) => {
    if (f === 1) a.name = text(r, w, 'name');
    else if (f === 2) a.fullName = text(r, w, 'full_name');
    else if (f === 3) a.checkpointKey = text(r, w, 'checkpoint_key');
    else return false;
    return true;
  });
  return a;
}

function decodeSlot(bytes: Uint8Array): SlotReference {
  const s: SlotReference = { originalNodeId: 0, slotName: '', slotNodeId: 0 };
  eachField(bytes, 'SlotVariableReference', (f, w, r) => {
    if (f === 1) s.originalNodeId = varint(r, w, 'original_variable_node_id');
    else if (f === 2) s.slotName = text(r, w, 'slot_name');
    else if (f === 3) s.slotNodeId = varint(r, w, 'slot_variable_node_id');
    else return false;
    return true;
  });
  return s;
}

/** TrackableObjectGraph: nodes 1; TrackableObject: children 1, attributes 2, slot_variables 3. */
export function decodeTrackableGraph(bytes: Uint8Array): TrackableNode[] {
  const nodes: TrackableNode[] = [];
  eachField(bytes, 'TrackableObjectGraph', (f, w, r) => {
    if (f !== 1) return false;
    const node: TrackableNode = { children: [], attributes: [], slots: [] };
    eachField(sub(r, w, 'nodes'), 'TrackableObject', (g, v, o) => {
      if (g === 1) node.children.push(decodeReference(sub(o, v, 'children')));
      else if (g === 2) node.attributes.push(decodeAttribute(sub(o, v, 'attributes')));
      else if (g === 3) node.slots.push(decodeSlot(sub(o, v, 'slot_variables')));
      else return false;
      return true;
    });
    nodes.push(node);
    return true;
  });
  return nodes;
}

// ---------------------------------------------------------------- saved_object_graph.proto

export interface SavedObjectNode {
  children: ObjectReference[];
  /** Which `kind` the node is: user_object, variable, function, asset, … ('' when none). */
  kind: string;
  /** SavedUserObject.identifier: `_tf_keras_layer`, `_generic_user_object`, … */
  identifier: string;
  /** SavedUserObject.metadata: the Keras JSON that TF 2.0–2.4 kept here (deprecated since). */
  metadata: string;
  /** SavedVariable.name: the variable's TensorFlow name (`dense/kernel`). */
  variableName: string;
  /** An optimizer's slot variables (SavedObject.slot_variables). */
  slots: SlotReference[];
}

const KINDS: Record<number, string> = { 4: 'user_object', 5: 'asset', 6: 'function', 7: 'variable', 8: 'bare_concrete_function', 9: 'constant', 10: 'resource', 12: 'captured_tensor' };

/**
 * SavedObjectGraph: nodes 1; SavedObject: children 1, slot_variables 3, the `kind` oneof 4–12; SavedUserObject:
 * identifier 1, metadata 3; SavedVariable: name 6.
 */
export function decodeSavedObjectGraph(bytes: Uint8Array): SavedObjectNode[] {
  const nodes: SavedObjectNode[] = [];
  eachField(bytes, 'SavedObjectGraph', (f, w, r) => {
    if (f !== 1) return false;
    const node: SavedObjectNode = { children: [], kind: '', identifier: '', metadata: '', variableName: '', slots: [] };
    eachField(sub(r, w, 'nodes'), 'SavedObject', (g, v, o) => {
      if (g === 1) node.children.push(decodeReference(sub(o, v, 'children')));
      else if (g === 3) node.slots.push(decodeSlot(sub(o, v, 'slot_variables')));
      else if (g === 4) {
        node.kind = KINDS[g]!;
        eachField(sub(o, v, 'user_object'), 'SavedUserObject', (h, x, u) => {
          if (h === 1) node.identifier = text(u, x, 'identifier');
          else if (h === 3) node.metadata = text(u, x, 'metadata');
          else return false;
          return true;
        });
      } else if (g === 7) {
        node.kind = KINDS[g]!;
        eachField(sub(o, v, 'variable'), 'SavedVariable', (h, x, u) => (h === 6 ? ((node.variableName = text(u, x, 'name')), true) : false));
      } else if (KINDS[g]) node.kind = KINDS[g]!;
      return g === 1 || g === 3 || g === 4 || g === 7;
    });
    nodes.push(node);
    return true;
  });
  return nodes;
}

// ---------------------------------------------------------------- meta_graph.proto

export interface MetaInfo {
  tensorflowVersion: string;
  tags: string[];
}

/** MetaInfoDef: tags 4, tensorflow_version 5. */
export function decodeMetaInfo(bytes: Uint8Array): MetaInfo {
  const m: MetaInfo = { tensorflowVersion: '', tags: [] };
  eachField(bytes, 'MetaInfoDef', (f, w, r) => {
    if (f === 4) m.tags.push(text(r, w, 'tags'));
    else if (f === 5) m.tensorflowVersion = text(r, w, 'tensorflow_version');
    else return false;
    return true;
  });
  return m;
}

// ---------------------------------------------------------------- saved_metadata.proto (tf.keras)

export interface KerasNode {
  /** The node's id in saved_model.pb's object graph. */
  nodeId: number;
  /** `root`, `root.layer_with_weights-0`, `root.layer_with_weights-1.cell`. */
  nodePath: string;
  /** `_tf_keras_model`, `_tf_keras_layer`, `_tf_keras_rnn_layer`, `_tf_keras_metric`, … */
  identifier: string;
  /** JSON text: the layer's or model's config and what Keras needs to revive it. */
  metadata: string;
}

/** SavedMetadata: nodes 1; SavedObject: node_id 2, node_path 3, identifier 4, metadata 5, version 6. */
export function decodeSavedMetadata(bytes: Uint8Array): KerasNode[] {
  const nodes: KerasNode[] = [];
  eachField(bytes, 'SavedMetadata', (f, w, r) => {
    if (f !== 1) return false;
    const n: KerasNode = { nodeId: 0, nodePath: '', identifier: '', metadata: '' };
    eachField(sub(r, w, 'nodes'), 'SavedMetadata.SavedObject', (g, v, o) => {
      if (g === 2) n.nodeId = varint(o, v, 'node_id');
      else if (g === 3) n.nodePath = text(o, v, 'node_path');
      else if (g === 4) n.identifier = text(o, v, 'identifier');
      else if (g === 5) n.metadata = text(o, v, 'metadata');
      else return false;
      return true;
    });
    nodes.push(n);
    return true;
  });
  return nodes;
}
