// kerascope's formats on this machine: a path given on the command line (a file or a model
// folder, stat'ed here), `--weights` and `--config` files. The dispatch itself — the readers, the
// head, a folder's entry file, same-stem pairing — is dispatch.ts, which runs anywhere (a browser
// too); this file adds what needs node:fs (and process.env for a remote address) and re-exports the lot.
import { statSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import type { ModelSource } from '../types.js';
import { UnreadableError, UsageError } from '../errors.js';
import { info, modelPlace, namedAsFolder, pairCompanion, readAt, readModelFrom, readRemote, readWeightsAt, withSource, type PairingOptions } from './dispatch.js';
import { FileSource } from './file-source.js';
import type { Folder, Place } from './folder.js';
import { LocalFolder } from './local-folder.js';
import { isRemote } from './remote/address.js';
import type { HttpOptions } from './remote/http.js';

export type { ByteSource } from './source.js';
export type { FormatReader, Head, ReadContext } from './reader.js';
export type { Folder, FolderEntry, FolderListing, Place } from './folder.js';
export { MemoryFolder } from './folder.js';
export { LocalFolder } from './local-folder.js';
export { READERS, readHead, readModelFrom, readWeightsFrom, folderEntry, readAt, type PairingOptions } from './dispatch.js';
export { isRemote } from './remote/address.js';

/** The place of a file on this machine: the folder it is in, and its name there. */
export function localPlace(file: string): Place {
  return { folder: new LocalFolder(dirname(file)), entry: basename(file) };
}

export interface ReadOptions extends PairingOptions {
  /** A weights file for an architecture-only input (`--weights`). */
  weights?: string;
  /** An architecture for a weights-only input (`--config`). */
  config?: string;
  /** For a URL or hf:// address: timeouts, retries, token (defaults: remote/http.ts, HF_TOKEN). */
  http?: Partial<HttpOptions>;
}

/** Reads any supported file (or model folder) into the neutral description. */
export async function readSource(file: string, opts: ReadOptions = {}): Promise<ModelSource> {
  if (isRemote(file)) return readFromAddress(file, opts);
  // Opened first and stat'ed once (fstat): a folder is the one thing opening tells apart.
  const opened = FileSource.openOrFolder(file);
  if (opened === 'folder') return readFolder(new LocalFolder(file), opts);
  if (opened.size === 0) {
    opened.close();
    throw new UnreadableError(file, 'empty file');
  }
  const place = localPlace(file);
  const source = await withSource(opened, (src) => readModelFrom(src, place));
  return attachCompanion(source, place, opts);
}

/**
 * A model folder: read from its entry file (dispatch.ts), its siblings through the folder.
 * `oneModel`: a folder without one (a hub repository) is read from its one model file, if it has one.
 */
export async function readFolder(folder: Folder, opts: ReadOptions = {}, oneModel = false): Promise<ModelSource> {
  const place = await modelPlace(folder, oneModel);
  return namedAsFolder(place, await readPlace(place, opts));
}

/** A URL or hf:// address: read by range requests (dispatch.ts), HF_TOKEN and HF_ENDPOINT from the environment. */
function readFromAddress(arg: string, opts: ReadOptions): Promise<ModelSource> {
  return readRemote(arg, opts.http, process.env, (place) => readPlace(place, opts));
}

/** The model at `place`, opened through its folder, and its companion weights paired. */
export async function readPlace(place: Place, opts: ReadOptions = {}): Promise<ModelSource> {
  return attachCompanion(await readAt(place), place, opts);
}

// ---------------------------------------------------------------- pairing

async function readConfig(file: string): Promise<{ config: unknown; kerasVersion: string | null; label: string }> {
  const src = await readSource(file, { noPairing: true });
  if (!src.config) throw new UnreadableError(file, 'holds no model architecture');
  return { config: src.config, kerasVersion: src.kerasVersion, label: src.formatLabel };
}

/** A file named on the command line (`--weights`, `--config`) exists. */
function exists(file: string): boolean {
  try {
    statSync(file);
    return true;
  } catch {
    return false;
  }
}

/** `--weights`, `--config`, else the same-stem weights beside a JSON architecture (dispatch.ts). */
async function attachCompanion(source: ModelSource, place: Place, opts: ReadOptions): Promise<ModelSource> {
  if (opts.weights) {
    if (!exists(opts.weights)) throw new UsageError(`--weights ${opts.weights}: no such file`);
    if (!source.config) throw new UsageError(`${source.file} holds no architecture to pair --weights with; use --config`);
    source.weights = await readWeightsAt(localPlace(opts.weights));
    source.weightsFile = opts.weights;
    source.findings.push(info('weights-from-file', `weights read from ${opts.weights}`), ...(source.weights.findings ?? []));
    return source;
  }
  if (opts.config) {
    if (!exists(opts.config)) throw new UsageError(`--config ${opts.config}: no such file`);
    const arch = await readConfig(opts.config);
    source.config = arch.config;
    source.kerasVersion = source.kerasVersion ?? arch.kerasVersion;
    source.weightsFile = source.file;
    source.findings.push(info('config-from-file', `architecture read from ${opts.config} (${arch.label})`));
    return source;
  }
  return opts.noPairing ? source : pairCompanion(source, place);
}
