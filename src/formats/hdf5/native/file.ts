// An open HDF5 payload read by kerascope itself: the same questions as the engine's H5File
// (../engine.ts), answered from the file's bytes in the main thread without loading h5wasm.
// Anything outside what these files handle gives up (NativeGiveUp) and the caller hands the file
// to the engine; `failure` records a give-up even when a caller's catch swallowed it. A read the
// byte source could not answer at once (NeedBytes) is neither: the caller fetches what the block
// cache wanted and asks again (`startPass`), and what this file already parsed is kept.
import { chunkIndex, type Chunk } from './chunks.js';
import { dataLocation, type ChunkedLayout, type DataLocation } from './data.js';
import { denseObjects } from './dense.js';
import { externalFileList } from './external.js';
import { groupLinks } from './groups.js';
import { cursor, MessageTable, MSG, messagesOf, readObjectHeader, singleOf, type MessageList, type Sizes } from './header.js';
import { GlobalHeap } from './heaps.js';
import { MAX_PATHS } from './limits.js';
import {
  attribute,
  attributeInfo,
  checkFillValue,
  checkFilterPipeline,
  dataLayout,
  filterPipeline,
  dataspace,
  datatype,
  type Attribute,
  type Link,
} from './messages.js';
import { NeedBytes, type BlockCache } from './blocks.js';
import { Cursor, giveUp, NativeGiveUp } from './cursor.js';
import { readSuperblock } from './superblock.js';
import { attrValue, H5Error, type AttrValue, type H5Meta, type H5Reader } from './types.js';
import { decodeAttribute } from './values.js';

interface H5Object {
  messages: MessageList;
  links?: Link[] | null;
  /** The links by name, built on the first lookup (a group may hold thousands). */
  byName?: Map<string, Link>;
  attributes?: Attribute[];
}

/** Bytes of an object header asked for ahead of its reading (its prefix and first messages). */
const HEADER_PREFETCH = 512;
/** Bytes of a group's B-tree node and local heap asked for ahead (a node of 32 entries, a heap header and its names). */
const TABLE_PREFETCH = 1024;

/** The time budget is checked once per this many object headers read. */
const CHECK_TIME_EVERY = 1024;

/**
 * A monotonic clock in milliseconds. In Node, process.hrtime: the global `performance` would load
 * perf_hooks on a cold start (docs/bench.md). A browser (the page) has `performance` only.
 */
const nowMs: () => number =
  typeof process !== 'undefined' && typeof process.hrtime?.bigint === 'function' ? () => Number(process.hrtime.bigint()) / 1e6 : () => performance.now();

export class NativeH5File implements H5Reader {
  /** The first give-up, even when a caller's catch swallowed it. */
  failure: NativeGiveUp | null = null;
  private readonly s: Sizes;
  private readonly root: number;
  private readonly objects = new Map<number, H5Object>();
  /**
   * Where each path a listing from the root met through hard links sits: the Keras walkers then ask
   * for thousands of those paths (a layer's group, each weight's dataset), each found here at once
   * rather than walked again from the root. Filled by `visit` only with what `walk` would find.
   */
  private readonly addresses = new Map<string, number>();
  private readonly heap: GlobalHeap;
  /** The messages of every object header read. */
  private readonly messages = new MessageTable();
  /** Milliseconds spent reading in earlier passes; the clock stops while a batch of bytes is fetched. */
  private spent = 0;
  private passStarted = nowMs();

  constructor(
    private readonly src: BlockCache,
    userBlock: number,
    private readonly budgetMs: number,
  ) {
    const sb = this.guard(() => readSuperblock(src, userBlock));
    this.s = { o: sb.sizeOfOffsets, l: sb.sizeOfLengths };
    this.root = sb.root;
    this.heap = new GlobalHeap(src, this.s);
  }

  // The questions asked per object (thousands of times on a large file) catch in place: a closure
  // per call through `guard` was one more function for the optimising compiler (issue 15).
  paths(path = '/'): string[] {
    try {
      return this.visit(path);
    } catch (e) {
      throw this.noted(e);
    }
  }

  attrNames(path: string): string[] {
    try {
      const list = this.attributes(this.resolve(path));
      const names: string[] = [];
      for (let i = 0; i < list.length; i++) names.push(list[i]!.name);
      return names;
    } catch (e) {
      throw this.noted(e);
    }
  }

  attr(path: string, name: string): AttrValue {
    try {
      const list = this.attributes(this.resolve(path));
      for (let i = 0; i < list.length; i++) if (list[i]!.name === name) return attrValue(decodeAttribute(list[i]!, this.heap, this.s));
    } catch (e) {
      throw this.noted(e);
    }
    throw new H5Error(`attribute ${name} not found at ${path}`);
  }

  datasetMeta(path: string): H5Meta {
    try {
      return this.meta(this.resolve(path));
    } catch (e) {
      throw this.noted(e);
    }
  }

  link(path: string): { kind: 'hard' } | { kind: 'soft' | 'external'; target: string } {
    return this.guard(() => {
      const parts = split(path);
      const last = parts.pop();
      if (last === undefined) return { kind: 'hard' as const };
      const l = this.child(this.walk(parts), last);
      return l.target.kind === 'hard' ? { kind: 'hard' as const } : l.target;
    });
  }

  /**
   * Where the dataset's bytes are (addresses relative to the superblock), for `diff --values`: the
   * only question about data rather than metadata. External data files are never read.
   */
  dataLocation(path: string): DataLocation {
    return this.guard(() => {
      const at = this.resolve(path);
      const meta = this.meta(at);
      if (meta.external_files) return { kind: 'unread' as const, why: 'data in external files (never read)' };
      const ms = this.object(at).messages;
      const layout = messagesOf(ms, MSG.layout)[0];
      if (layout === undefined || meta.vlen) return { kind: 'unread' as const, why: meta.vlen ? 'variable-length data' : 'not a dataset' };
      const loc = dataLocation(cursor(ms, layout, this.s), meta.total_size * meta.size, this.s.o);
      if (loc.kind !== 'chunked') return loc;
      const filters = messagesOf(ms, MSG.filterPipeline).flatMap((i) => filterPipeline(cursor(ms, i, this.s)));
      return { ...loc, filters };
    });
  }

  /** The chunks a chunked dataset's B-tree lists (chunks.ts), at most `max`. */
  chunks(layout: ChunkedLayout, dims: readonly number[], max: number): Chunk[] {
    return this.guard(() => chunkIndex(this.src, layout.btree, layout.chunk, dims, this.s, max));
  }

  objectAddress(path: string): bigint {
    return this.guard(() => BigInt(this.resolve(path)));
  }

  close(): void {
    this.src.close();
  }

  /**
   * For a source that cannot answer at once: every object reachable from the root, breadth first,
   * read as far as the bytes at hand allow — its header, its links, its attributes and their
   * values, its dataset description — going on past each read the source could not answer, so
   * that one pass asks for the bytes of the whole frontier in one batch (a pass of the real walk
   * stops at its first miss). Throws NeedBytes at the end when anything was missing. A give-up or
   * a broken structure is left for the real walk to meet and say.
   */
  warm(): void {
    let missing = false;
    const attempt = (fn: () => unknown): boolean => {
      try {
        fn();
        return true;
      } catch (e) {
        if (e instanceof NeedBytes) missing = true;
        return false;
      }
    };
    const seen = new Set<number>([this.root]);
    let frontier = [this.root];
    while (frontier.length && seen.size <= MAX_PATHS) {
      const next: number[] = [];
      for (const at of frontier) {
        if (!attempt(() => this.object(at))) continue;
        let attributes: Attribute[] = [];
        attempt(() => (attributes = this.attributes(at)));
        for (const a of attributes) attempt(() => decodeAttribute(a, this.heap, this.s));
        if (messagesOf(this.object(at).messages, MSG.layout).length) attempt(() => this.meta(at));
        let links: Link[] | null = null;
        attempt(() => (links = this.links(at)));
        for (const l of (links ?? []) as Link[])
          if (l.target.kind === 'hard' && !seen.has(l.target.address)) {
            seen.add(l.target.address);
            next.push(l.target.address);
          }
      }
      frontier = next;
    }
    if (missing) throw new NeedBytes('objects of the whole frontier');
  }

  /** Forgets the last pass's give-up: it may have come from bytes the source had not given yet. */
  startPass(): void {
    this.failure = null;
    this.passStarted = nowMs();
  }

  /** The pass ended waiting for bytes: the time budget counts reading, never the network. */
  endPass(): void {
    this.spent += nowMs() - this.passStarted;
  }

  /** Runs `fn`; a give-up is remembered, so a caller that swallows errors cannot hide it. */
  private guard<T>(fn: () => T): T {
    try {
      return fn();
    } catch (e) {
      throw this.noted(e);
    }
  }

  /** `e`, a give-up remembered first (anything but NeedBytes and H5Error counts as one). */
  private noted(e: unknown): unknown {
    if (e instanceof NeedBytes) return e;
    if (e instanceof NativeGiveUp) this.failure ??= e;
    else if (!(e instanceof H5Error)) this.failure ??= new NativeGiveUp(e instanceof Error ? e.message : String(e));
    return e;
  }

  private object(at: number): H5Object {
    let o = this.objects.get(at);
    if (!o) {
      if (this.objects.size % CHECK_TIME_EVERY === 0 && this.spent + nowMs() - this.passStarted > this.budgetMs) giveUp('out of time');
      // Every field present from the start: one object shape for all 8,001 objects of a 2,000-layer
      // file, not a property store added to each when its links or attributes are read.
      o = { messages: readObjectHeader(this.src, at, this.s, this.messages), links: undefined, byName: undefined, attributes: undefined };
      this.objects.set(at, o);
    }
    return o;
  }

  private links(at: number): Link[] | null {
    const o = this.object(at);
    if (o.links === undefined) {
      o.links = groupLinks(this.src, o.messages, this.s);
      // A source that cannot answer at once fetches the children's headers in one batch.
      if (!this.src.answersAtOnce) this.prefetchChildren(o.links ?? []);
    }
    return o.links;
  }

  private prefetchChildren(links: Link[]): void {
    for (const l of links) {
      if (l.target.kind !== 'hard') continue;
      this.src.prefetch(l.target.address, HEADER_PREFETCH);
      if (l.target.symbolTable) {
        this.src.prefetch(l.target.symbolTable.btree, TABLE_PREFETCH);
        this.src.prefetch(l.target.symbolTable.heap, TABLE_PREFETCH);
      }
    }
  }

  private child(group: number, name: string): Link {
    const links = this.links(group);
    if (!links) giveUp(`${name}: parent is not a group`);
    const o = this.object(group);
    o.byName ??= new Map(links.map((x) => [x.name, x]));
    const l = o.byName.get(name);
    if (!l) giveUp(`${name}: no such link`);
    return l;
  }

  /** The object at the end of `parts`, through hard links only. */
  private walk(parts: string[]): number {
    let at = this.root;
    for (const p of parts) {
      const l = this.child(at, p);
      if (l.target.kind !== 'hard') giveUp(`${p}: a ${l.target.kind} link on the way`);
      at = l.target.address;
    }
    return at;
  }

  private resolve(path: string): number {
    return this.addresses.get(path) ?? this.walk(split(path));
  }

  private attributes(at: number): Attribute[] {
    const o = this.object(at);
    if (o.attributes) return o.attributes;
    const compact = messagesOf(o.messages, MSG.attribute);
    const list: Attribute[] = [];
    for (let i = 0; i < compact.length; i++) list.push(attribute(cursor(o.messages, compact[i]!, this.s)));
    const infoAt = singleOf(o.messages, MSG.attributeInfo);
    const info = infoAt < 0 ? null : attributeInfo(cursor(o.messages, infoAt, this.s));
    if (info && info.heap !== -1) {
      if (list.length) giveUp('object with both compact and dense attributes');
      for (const b of denseObjects(this.src, info.heap, info.nameIndex, this.s, 'attributes')) list.push(attribute(new Cursor(b, 0, this.s.o, this.s.l)));
    }
    o.attributes = list;
    return list;
  }

  private meta(at: number): H5Meta {
    const ms = this.object(at).messages;
    const layoutAt = singleOf(ms, MSG.layout);
    const layout = layoutAt < 0 ? null : dataLayout(cursor(ms, layoutAt, this.s));
    const typeAt = singleOf(ms, MSG.datatype);
    const type = typeAt < 0 ? null : datatype(cursor(ms, typeAt, this.s));
    const spaceAt = singleOf(ms, MSG.dataspace);
    const space = spaceAt < 0 ? null : dataspace(cursor(ms, spaceAt, this.s));
    if (!layout || !type || !space) giveUp('not a dataset');
    // Virtual datasets: the engine describes their sources to the audit.
    if (layout.kind === 'virtual') giveUp('virtual dataset');
    const externalMessages = messagesOf(ms, MSG.externalFiles);
    const external = externalMessages.length ? externalMessages.flatMap((i) => externalFileList(ms, i, this.src, this.s, true)) : [];
    if (space.kind === 'null') giveUp('dataset with a null dataspace');
    // Index loops, no callbacks: this runs once per dataset, thousands of times on a large file.
    for (let i = 0; i < ms.count; i++) {
      const type = ms.table.type(ms.first + i);
      if (type === MSG.fillValue || type === MSG.fillValueOld) checkFillValue(cursor(ms, i, this.s), type === MSG.fillValueOld);
      else if (type === MSG.filterPipeline) checkFilterPipeline(cursor(ms, i, this.s));
    }
    const shape = space.dims;
    let total = 1;
    for (let i = 0; i < shape.length; i++) total *= shape[i]!;
    // Fields named one by one, the external files last when there are any (no spread per dataset).
    const meta: H5Meta = {
      type: type.cls,
      size: type.size,
      signed: type.signed,
      vlen: type.vlen,
      littleEndian: type.littleEndian,
      shape,
      total_size: total,
      chunks: layout.chunks,
    };
    if (external.length) meta.external_files = external;
    return meta;
  }

  /** Every link below `path`, depth first, each group's links by name (H5Lvisit's order). */
  private visit(path: string): string[] {
    const start = this.resolve(path);
    const out: string[] = [];
    const seen = new Set<number>([start]);
    // `plain`: every name on the way from the root is one `split` keeps whole (no '/', not '' or
    // '.'), so the path, asked for as it is, walks to the same object: it is remembered.
    const stack: Frame[] = [];
    const first = this.links(start);
    if (first) stack.push({ prefix: '', links: first, i: 0, plain: start === this.root && split(path).length === 0 });
    while (stack.length) {
      const top = stack[stack.length - 1]!;
      if (top.i >= top.links.length) {
        stack.pop();
        continue;
      }
      const l = top.links[top.i++]!;
      const p = top.prefix + l.name;
      out.push(p);
      if (out.length > MAX_PATHS) giveUp(`more than ${MAX_PATHS} links`);
      if (l.target.kind !== 'hard') continue;
      const plain = top.plain && plainName(l.name);
      if (plain) this.addresses.set(p, l.target.address);
      if (!seen.has(l.target.address)) {
        seen.add(l.target.address);
        const links = this.links(l.target.address);
        if (links) stack.push({ prefix: `${p}/`, links, i: 0, plain });
      }
    }
    return out;
  }
}

/** A group being listed by `visit`: its links, the next one to list, its path. */
interface Frame {
  prefix: string;
  links: Link[];
  i: number;
  /** Every name on the way from the root is one `split` keeps whole. */
  plain: boolean;
}

/** A link name that `split` keeps as one part. */
function plainName(name: string): boolean {
  return name !== '' && name !== '.' && !name.includes('/');
}

function split(path: string): string[] {
  return path.split('/').filter((p) => p !== '' && p !== '.');
}
