// h5wasm as kerascope's HDF5 engine, whichever build loads it (the Node build in the HDF5
// worker, engine.ts; the browser build in the page's engine worker, web/engine-worker.ts): the
// engine object with its file-system hooks, and one open file as an H5Reader. Nothing here
// touches Node: host paths are normalised by the function the loader gives (node:path's
// `resolve` on Node; browser paths are already absolute).
//
// Why the file system hooks (h5wasm is pinned at 0.10.3; test/formats-hdf5.test.ts and
// test/formats-zip.test.ts cover every hook): HDF5's sec2 driver reaches the host through
// emscripten's FS object (FS.open, FS.read, FS.fstat, FS.llseek, FS.stat/lstat, FS.write).
// We wrap those to
//  - serve a byte range of a host file (a STORED `model.weights.h5` inside a `.keras` zip) as if
//    it were a whole file, with no copy: reads are redirected to the zip's fd at offset;
//  - refuse every path we did not open ourselves, so an external link or an external dataset in
//    a hostile file can never make HDF5 open another host file;
//  - capture HDF5's error stack printout instead of letting it reach the user's stderr;
//  - count the bytes served, so tests prove that weight values are never read.
import { attrValue, H5Error, type AttrValue, type H5Meta, type H5Reader } from './native/index.js';

/* eslint-disable @typescript-eslint/no-explicit-any */
type Fn = (...args: any[]) => any;
export interface H5Module {
  FS: Record<string, any>;
  open(file: string, mode: number, trackOrder: boolean, low: number, high: number): bigint;
  close_file(id: bigint): number;
  get_names(id: bigint, path: string, recursive: boolean): string[];
  get_attribute_names(id: bigint, path: string): string[];
  get_dataset_metadata(id: bigint, path: string): H5Meta;
  get_symbolic_link(id: bigint, path: string): string | null;
  get_external_link(id: bigint, path: string): { filename?: string; obj_path?: string };
  create_object_reference(id: bigint, path: string): ArrayLike<number>;
  H5F_ACC_RDONLY: number;
}
export interface H5wasmApi {
  ready: Promise<H5Module>;
  File: new (file: string, mode?: string) => { file_id: bigint; close(): number };
  Group: new (id: bigint, path: string) => { get_attribute(name: string, json: boolean): unknown };
}

/** A byte range of a host file served as a whole HDF5 file. */
interface Slice {
  host: string;
  offset: number;
  length: number;
  ino: number;
}

let sliceCounter = 0;

export class H5Engine {
  /** Bytes HDF5 read from files through the hooks since the engine was loaded. */
  bytesRead = 0;
  /** Set when the wasm instance aborted: the thread that owns it should end and start afresh. */
  broken = false;
  /** What HDF5 printed to stdout/stderr, captured (the last few kB). */
  private captured = '';
  private readonly allowed = new Set<string>();
  private readonly slices = new Map<string, Slice>();

  constructor(
    readonly api: H5wasmApi,
    readonly module: H5Module,
    /** A host path made absolute and normal (the hooks compare paths). */
    readonly resolve: (path: string) => string = (p) => p,
  ) {
    installHooks(this, module.FS);
  }

  /** Opens a host file read-only. */
  open(file: string): H5File {
    const path = this.resolve(file);
    return this.openAllowed(path, file, () => this.allowed.add(path), () => this.allowed.delete(path));
  }

  /**
   * Opens `length` bytes of `host` starting at `offset` as an HDF5 file, in place: nothing is
   * copied, reads go to the host file at offset (a STORED zip member).
   */
  openSlice(host: string, offset: number, length: number, label: string): H5File {
    const path = `/kerascope-slice/${++sliceCounter}/${label.replace(/[^\w.-]/g, '_')}`;
    // A unique fake inode per slice: HDF5 compares (dev, ino) to spot a file opened twice, and
    // two members of one zip share the zip's real inode.
    const slice: Slice = { host: this.resolve(host), offset, length, ino: 0x7f000000 + sliceCounter };
    return this.openAllowed(path, label, () => this.slices.set(path, slice), () => this.slices.delete(path));
  }

  private openAllowed(path: string, label: string, add: () => void, remove: () => void): H5File {
    add();
    let id: bigint;
    try {
      id = this.call(() => this.module.open(path, this.module.H5F_ACC_RDONLY, false, -1, -1));
    } catch (e) {
      remove();
      throw e;
    }
    if (id < 0n) {
      remove();
      throw new H5Error(this.lastError() ?? `${label}: HDF5 cannot open this file`);
    }
    return new H5File(this, id, remove);
  }

  /** Lets `fn` open `file` for writing (fixture builder, tests); the path is refused again after. */
  writing<T>(file: string, fn: (path: string) => T): T {
    const path = this.resolve(file);
    this.allowed.add(path);
    try {
      return fn(path);
    } finally {
      this.allowed.delete(path);
    }
  }

  isAllowed(path: string): boolean {
    return this.allowed.has(path);
  }

  sliceFor(path: string): Slice | undefined {
    return this.slices.get(path);
  }

  capture(text: string): void {
    this.captured = (this.captured + text).slice(-4096);
  }

  /**
   * The root cause of what HDF5 last printed: the deepest `#NNN: … in func(): message` entry of
   * its error stack ("truncated file: eof = 3000, … stored_eof = 8685"), or null.
   */
  lastError(): string | null {
    const causes = this.captured
      .split('\n')
      .map((l) => /^\s*#\d+: .* in [\w.]+\(\): (.*)$/.exec(l)?.[1])
      .filter((m): m is string => Boolean(m));
    return causes.length ? causes[causes.length - 1]! : null;
  }

  /** Runs one engine call; an emscripten abort or a C++ throw becomes an H5Error. */
  call<T>(fn: () => T): T {
    this.captured = '';
    try {
      return fn();
    } catch (e) {
      const what = e instanceof Error ? e.message : String(e);
      // emscripten's abort() (a failed assertion inside HDF5 on corrupt input) leaves the wasm
      // instance in an unknown state: the engine must not be trusted with another file.
      if (e instanceof WebAssembly.RuntimeError || what.startsWith('Aborted(')) this.broken = true;
      throw new H5Error(this.lastError() ?? `HDF5 engine error: ${what.split('\n')[0]}`);
    }
  }
}

/** One open HDF5 file (an H5Reader). Every method is one call across the wasm boundary (≈ 30–90 µs). */
export class H5File implements H5Reader {
  private closed = false;

  constructor(
    private readonly engine: H5Engine,
    readonly id: bigint,
    private readonly onClose: () => void,
  ) {}

  /** Every link path below `path`, recursively (one H5Lvisit call; soft and external links are leaves). */
  paths(path = '/'): string[] {
    return this.engine.call(() => this.engine.module.get_names(this.id, path, true));
  }

  attrNames(path: string): string[] {
    return this.engine.call(() => this.engine.module.get_attribute_names(this.id, path));
  }

  /** An attribute, decoded (strings, string lists, numbers); raw fixed-length bytes become strings. */
  attr(path: string, name: string): AttrValue {
    const group = new this.engine.api.Group(this.id, path);
    return attrValue(this.engine.call(() => group.get_attribute(name, true)));
  }

  datasetMeta(path: string): H5Meta {
    return this.engine.call(() => this.engine.module.get_dataset_metadata(this.id, path));
  }

  /** The address of the object header at `path` (an HDF5 object reference), relative to the superblock. */
  objectAddress(path: string): bigint {
    const ref = this.engine.call(() => this.engine.module.create_object_reference(this.id, path));
    return new DataView(Uint8Array.from(ref).buffer).getBigUint64(0, true);
  }

  /** The kind of link at `path`: hard, soft (target) or external (file:path). No traversal. */
  link(path: string): { kind: 'hard' } | { kind: 'soft' | 'external'; target: string } {
    const m = this.engine.module;
    const ext = this.engine.call(() => m.get_external_link(this.id, path));
    if (ext && typeof ext.filename === 'string') return { kind: 'external', target: `${ext.filename}:${ext.obj_path ?? ''}` };
    const soft = this.engine.call(() => m.get_symbolic_link(this.id, path));
    if (typeof soft === 'string') return { kind: 'soft', target: soft };
    return { kind: 'hard' };
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    try {
      this.engine.call(() => this.engine.module.close_file(this.id));
    } catch {
      // closing a file HDF5 already gave up on: nothing left to release
    } finally {
      this.onClose();
    }
  }
}

// ---------------------------------------------------------------- file system hooks

const ENOENT = 44; // emscripten's errno numbering (ERRNO_CODES.ENOENT in hdf5_util.js)

function installHooks(engine: H5Engine, FS: Record<string, any>): void {
  const orig: Record<string, Fn> = {};
  for (const k of ['open', 'read', 'write', 'fstat', 'stat', 'lstat', 'llseek', 'close']) orig[k] = FS[k];
  const noEntry = () => new FS.ErrnoError(ENOENT);

  FS.open = (path: string, flags: unknown, mode?: unknown) => {
    const slice = engine.sliceFor(path);
    if (slice) {
      const stream = orig.open!(slice.host, 0, mode); // O_RDONLY on the host file
      stream.kerascopeSlice = slice;
      stream.path = path;
      return stream;
    }
    if (!engine.isAllowed(engine.resolve(path))) throw noEntry();
    return orig.open!(path, flags, mode);
  };
  FS.read = (stream: any, buffer: Uint8Array, offset: number, length: number, position?: number) => {
    const slice: Slice | undefined = stream?.kerascopeSlice;
    if (!slice) {
      const n = orig.read!(stream, buffer, offset, length, position);
      engine.bytesRead += n;
      return n;
    }
    const seeking = typeof position === 'number';
    const pos = seeking ? position : stream.position;
    const len = Math.max(0, Math.min(length, slice.length - pos));
    const n = len === 0 ? 0 : orig.read!(stream, buffer, offset, len, slice.offset + pos);
    if (!seeking) stream.position += n;
    engine.bytesRead += n;
    return n;
  };
  FS.write = (stream: any, buffer: Uint8Array, offset: number, length: number, position?: number) => {
    if (stream?.nfd === 1 || stream?.nfd === 2) {
      engine.capture(new TextDecoder().decode(buffer.subarray(offset, offset + length)));
      return length;
    }
    return orig.write!(stream, buffer, offset, length, position);
  };
  FS.fstat = (fd: number) => {
    const stream = FS.getStream(fd);
    const st = orig.fstat!(fd);
    return stream?.kerascopeSlice ? sliceStat(st, stream.kerascopeSlice) : st;
  };
  for (const k of ['stat', 'lstat'] as const) {
    FS[k] = (path: string, ...rest: unknown[]) => {
      const slice = engine.sliceFor(path);
      if (slice) return sliceStat(orig.stat!(slice.host), slice);
      if (!engine.isAllowed(engine.resolve(path))) throw noEntry();
      return orig[k]!(path, ...rest);
    };
  }
  FS.llseek = (stream: any, offset: number, whence: number) => {
    const slice: Slice | undefined = stream?.kerascopeSlice;
    if (!slice || whence !== 2) return orig.llseek!(stream, offset, whence);
    const position = slice.length + offset;
    if (position < 0) throw new FS.ErrnoError(28);
    stream.position = position;
    return position;
  };
}

/** The host file's stat with the slice's size and its own inode. */
function sliceStat(st: object, slice: Slice): object {
  const out = Object.create(st) as Record<string, unknown>;
  Object.defineProperty(out, 'size', { value: slice.length, enumerable: true });
  Object.defineProperty(out, 'ino', { value: slice.ino, enumerable: true });
  return out;
}
