// saved_model.pb, read only as far as kerascope needs: a SavedModel message (saved_model.proto:
// saved_model_schema_version 1, meta_graphs 2) whose first MetaGraphDef (meta_graph.proto) holds
// meta_info_def (1: the TensorFlow version), graph_def (2: the whole TensorFlow graph and its
// function library, by far the largest part), … and object_graph_def (7: the SavedObjectGraph).
// Fields are walked header by header through the byte source; graph_def and everything else is
// skipped by its length, never read. A declared length is checked against the bytes around it
// before anything is read, and what is read is capped, so a lie in a length costs nothing.
import { BinaryReader, WireType } from '@bufbuild/protobuf/wire';
import type { ByteSource } from '../source.js';
import { decodeMetaInfo, decodeSavedObjectGraph, ProtoError, type MetaInfo, type SavedObjectNode } from './proto.js';

/** Largest meta_info_def read (it carries the stripped op list: tens of kB in practice). */
export const MAX_META_INFO_BYTES = 16 * 1024 * 1024;
/** Largest object graph read (a few MB for the largest Keras models seen). */
export const MAX_OBJECT_GRAPH_BYTES = 64 * 1024 * 1024;
/** Fields walked in one message before the file is called corrupt. */
const MAX_FIELDS = 1_000_000;
/** A field header: a tag and a length, 10 bytes of varint each at most. */
const HEADER_BYTES = 20;
/** Bytes fetched at once while walking headers (a map field is one header per entry). */
const CHUNK = 64 * 1024;

export interface GraphFile {
  metaInfo: MetaInfo | null;
  /** The object graph's nodes; null when not asked for, or when the file has none. */
  objects: SavedObjectNode[] | null;
  /** Size of object_graph_def in bytes (0 when absent). */
  objectGraphBytes: number;
}

interface Field {
  field: number;
  wire: WireType;
  /** Where the field's bytes start (after its header) and how many (length-delimited only). */
  at: number;
  length: number;
}

/** Bytes of a source, fetched a chunk at a time for header walks. */
class Chunks {
  private start = 0;
  private bytes: Uint8Array = new Uint8Array(0);

  constructor(readonly src: ByteSource) {}

  async at(offset: number, length: number): Promise<Uint8Array> {
    const want = Math.min(length, this.src.size - offset);
    if (offset < this.start || offset + want > this.start + this.bytes.length) {
      this.start = offset;
      this.bytes = await this.src.read(offset, Math.min(Math.max(want, CHUNK), this.src.size - offset));
    }
    return this.bytes.subarray(offset - this.start, offset - this.start + want);
  }
}

/** The fields of the message in [start, end), header by header. */
async function* fields(chunks: Chunks, start: number, end: number, what: string): AsyncGenerator<Field> {
  let pos = start;
  for (let n = 0; pos < end; n++) {
    if (n >= MAX_FIELDS) throw new ProtoError(`${what} has more than ${MAX_FIELDS} fields`);
    const r = new BinaryReader(await chunks.at(pos, Math.min(HEADER_BYTES, end - pos)));
    let field: number;
    let wire: WireType;
    let length = 0;
    try {
      [field, wire] = r.tag();
      if (wire === WireType.Varint) r.uint64();
      else if (wire === WireType.LengthDelimited) length = r.uint32();
      else if (wire === WireType.Bit64) r.pos += 8;
      else if (wire === WireType.Bit32) r.pos += 4;
      else throw new ProtoError(`wire type ${wire}`);
    } catch (e) {
      throw new ProtoError(`${what}: a field header at byte ${pos} does not decode (${(e as Error).message})`);
    }
    const at = pos + r.pos;
    const next = at + length;
    if (next > end) {
      const left = Math.max(0, end - at);
      throw new ProtoError(`truncated: ${what} field ${field} declares ${length.toLocaleString('en-US')} bytes, ${left.toLocaleString('en-US')} remain`);
    }
    yield { field, wire, at, length };
    pos = wire === WireType.LengthDelimited ? next : at;
  }
}

function lengthDelimited(f: Field, what: string): void {
  if (f.wire !== WireType.LengthDelimited) throw new ProtoError(`${what} has wire type ${f.wire}, not length-delimited`);
}

/**
 * Reads meta_info_def and (when `wantObjects`) object_graph_def of the first meta graph. Throws
 * ProtoError when the walk meets bytes that are not a SavedModel.
 */
export async function readGraphFile(src: ByteSource, wantObjects: boolean): Promise<GraphFile> {
  const chunks = new Chunks(src);
  const out: GraphFile = { metaInfo: null, objects: null, objectGraphBytes: 0 };
  for await (const top of fields(chunks, 0, src.size, 'SavedModel')) {
    if (top.field !== 2) continue;
    lengthDelimited(top, 'SavedModel.meta_graphs');
    for await (const f of fields(chunks, top.at, top.at + top.length, 'MetaGraphDef')) {
      if (f.field === 1 && f.length <= MAX_META_INFO_BYTES) {
        lengthDelimited(f, 'meta_info_def');
        out.metaInfo = decodeMetaInfo(await src.read(f.at, f.length));
      } else if (f.field === 7) {
        lengthDelimited(f, 'object_graph_def');
        out.objectGraphBytes = f.length;
        if (!wantObjects) continue;
        if (f.length > MAX_OBJECT_GRAPH_BYTES) throw new ProtoError(`its object graph is ${f.length.toLocaleString('en-US')} bytes, above the ${MAX_OBJECT_GRAPH_BYTES / 1024 / 1024} MiB read`);
        out.objects = decodeSavedObjectGraph(await src.read(f.at, f.length));
      }
    }
    break; // a Keras SavedModel has one meta graph; the first is the one TensorFlow loads by default tags
  }
  return out;
}
