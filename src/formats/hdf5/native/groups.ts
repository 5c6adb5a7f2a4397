// The links of one group, in any of HDF5's three storages (File Format Specification v3, IV.A.2.f
// and III.A.1): a symbol table (v1 B-tree of SNOD nodes naming entries in a local heap: h5py's
// default), link messages in the header (compact), or a fractal heap indexed by name (dense).
import { denseObjects } from './dense.js';
import { cursor, MSG, messagesOf, singleOf, type MessageList, type Sizes } from './header.js';
import { heapString, localHeap } from './heaps.js';
import { link, linkInfo, symbolTable, type Link } from './messages.js';
import { MAX_LINKS } from './limits.js';
import type { BlockCache } from './blocks.js';
import { corrupt, Cursor, giveUp } from './cursor.js';

/** A group's links, sorted by name as HDF5's name index iterates them; null: not a group. */
export function groupLinks(src: BlockCache, messages: MessageList, s: Sizes): Link[] | null {
  const tableAt = singleOf(messages, MSG.symbolTable);
  const table = tableAt < 0 ? null : symbolTable(cursor(messages, tableAt, s));
  const infoAt = singleOf(messages, MSG.linkInfo);
  const info = infoAt < 0 ? null : linkInfo(cursor(messages, infoAt, s));
  let links: Link[];
  if (table) links = symbolTableLinks(src, table.btree, table.heap, s);
  else if (info) {
    // Loops rather than map callbacks: this runs for every object header of a file.
    const compact = messagesOf(messages, MSG.link);
    links = [];
    for (let i = 0; i < compact.length; i++) links.push(link(cursor(messages, compact[i]!, s)));
    if (info.heap !== -1) {
      if (links.length) giveUp('group with both compact and dense links');
      const records = denseObjects(src, info.heap, info.nameIndex, s, 'links');
      for (let i = 0; i < records.length; i++) links.push(link(new Cursor(records[i]!, 0, s.o, s.l)));
    }
  } else return null;
  // Most groups of a Keras file hold one or two links: sorting fewer than two is skipped (each sort made a work list).
  if (links.length > 1) links.sort(byNameBytes);
  for (let i = 1; i < links.length; i++) if (links[i]!.nameBytes.equals(links[i - 1]!.nameBytes)) giveUp('two links with one name');
  return links;
}

function byNameBytes(a: Link, b: Link): number {
  return Buffer.compare(a.nameBytes, b.nameBytes);
}

const MAX_BTREE_DEPTH = 64;


function symbolTableLinks(src: BlockCache, btree: number, heapAt: number, s: Sizes): Link[] {
  const heap = localHeap(src, heapAt, s);
  const links: Link[] = [];
  const seen = new Set<number>();
  const visit = (at: number, depth: number) => {
    if (seen.has(at) || depth > MAX_BTREE_DEPTH) corrupt('group B-tree loop');
    seen.add(at);
    const head = new Cursor(src.read(at, 8 + 2 * s.o), 0, s.o, s.l);
    head.signature('TREE');
    if (head.u8() !== 0) giveUp('group B-tree node of another type');
    const level = head.u8();
    const used = head.u16();
    const body = new Cursor(src.read(at + 8 + 2 * s.o, s.l + used * (s.o + s.l)), 0, s.o, s.l);
    prefetchChildren(src, body, used, level, s);
    // Key i is the name of the last link below child i − 1: libhdf5 finds a link by name through
    // these keys, so a link whose name falls outside its keys could not be opened by name.
    let below = heapString(heap, body.len());
    for (let i = 0; i < used; i++) {
      const child = body.addr();
      const upTo = heapString(heap, body.len());
      if (level > 0) visit(child, depth + 1);
      else {
        // A symbol node listed twice would list its links twice (or a million times).
        if (seen.has(child)) corrupt('symbol table node listed twice');
        seen.add(child);
        const from = links.length;
        symbolNode(src, child, heap, s, links);
        for (const l of links.slice(from))
          if (Buffer.compare(l.nameBytes, below) <= 0 || Buffer.compare(l.nameBytes, upTo) > 0) corrupt(`group B-tree at ${at}: link "${l.name}" outside its node's keys`);
        if (links.length > MAX_LINKS) giveUp(`more than ${MAX_LINKS} links in one group`);
      }
      below = upTo;
    }
  };
  visit(btree, 0);
  // In B-tree order the names rise strictly (libhdf5 keeps them sorted to find them).
  for (let i = 1; i < links.length; i++)
    if (Buffer.compare(links[i - 1]!.nameBytes, links[i]!.nameBytes) >= 0) corrupt(`symbol table: link "${links[i]!.name}" out of order`);
  return links;
}

/** Bytes of a B-tree node or symbol node asked for ahead (a symbol node of 8 entries is 328 bytes). */
const NODE_PREFETCH = 1024;

/**
 * A source that cannot answer at once fetches every child of a B-tree node in one batch (its
 * symbol nodes, or the nodes below), rather than one per pass as the walk reaches each.
 */
function prefetchChildren(src: BlockCache, body: Cursor, used: number, level: number, s: Sizes): void {
  if (src.answersAtOnce) return;
  const c = new Cursor(body.buf, body.pos, s.o, s.l);
  c.len();
  for (let i = 0; i < used; i++) {
    const child = c.addr();
    c.len();
    src.prefetch(child, level > 0 ? 8 + 2 * s.o + s.l + 64 * (s.o + s.l) : NODE_PREFETCH);
  }
}

/** One SNOD node's entries: hard links, and soft links (cache type 2) with their value. */
function symbolNode(src: BlockCache, at: number, heap: Buffer, s: Sizes, links: Link[]): void {
  const head = new Cursor(src.read(at, 8), 0, s.o, s.l);
  head.signature('SNOD');
  if (head.u8() !== 1) giveUp('symbol table node version');
  head.u8();
  const count = head.u16();
  const entry = 2 * s.o + 4 + 4 + 16;
  const c = new Cursor(src.read(at + 8, count * entry), 0, s.o, s.l);
  for (let i = 0; i < count; i++) {
    const nameBytes = heapString(heap, c.addr());
    const address = c.addr();
    const cache = c.u32();
    c.u32();
    const pad = c.bytes(16);
    const scratch = new Cursor(pad);
    const name = nameBytes.toString('utf8');
    if (cache > 2) corrupt(`symbol table node at ${at}: unknown cache type ${cache}`);
    if (cache === 2) links.push({ name, nameBytes, target: { kind: 'soft', target: heapString(heap, scratch.u32()).toString('utf8') } });
    else if (cache === 1 && 2 * s.o <= pad.length) {
      // The scratch pad caches the child group's B-tree and local heap addresses (spec III.C):
      // only a hint for reading ahead, never trusted for what the child holds.
      const t = new Cursor(pad, 0, s.o, s.l);
      links.push({ name, nameBytes, target: { kind: 'hard', address, symbolTable: { btree: t.addr(), heap: t.addr() } } });
    } else links.push({ name, nameBytes, target: { kind: 'hard', address } });
  }
}
