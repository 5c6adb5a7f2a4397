// Files read over HTTP before anything is downloaded: what a remote argument names, as the dispatcher
// reads it — a file in its folder (a Place), or a folder (a hub repository, a preset inside one).
// One HttpClient per argument counts every request and byte, for the report.
import { UnreadableError } from '../../errors.js';
import { findingOf } from '../../findings.js';
import type { Finding } from '../../types.js';
import type { Folder, Place } from '../folder.js';
import { hubEndpoint, parseAddress, type Env, type HubAddress } from './address.js';
import { HttpClient, type HttpOptions } from './http.js';
import { HubFolder, UrlFolder } from './folders.js';

export { isRemote, type Env } from './address.js';
export { HttpClient, HTTP_DEFAULTS, type HttpOptions } from './http.js';
export { REMOTE_LIMITS } from './ranged.js';

export type RemoteTarget = { kind: 'file'; place: Place } | { kind: 'folder'; folder: Folder; repoTop: boolean };

export interface Remote {
  client: HttpClient;
  target: RemoteTarget;
}

/** The token and the origins it may go to: HF_TOKEN, sent to the hub (HF_ENDPOINT) and nowhere else. */
export function hubCredentials(env: Env): Pick<HttpOptions, 'token' | 'tokenOrigins'> {
  const token = env['HF_TOKEN'] || env['HUGGING_FACE_HUB_TOKEN'] || null;
  return { token, tokenOrigins: [new URL(hubEndpoint(env)).origin] };
}

/** A file name: what is opened as a file rather than listed as a folder (a hub path's last part has an extension). */
const FILE_LIKE = /\.[A-Za-z0-9]+$/;

/**
 * What `arg` names, with the client that will read it (nothing is requested yet). `env`: HF_TOKEN
 * and HF_ENDPOINT (Node passes `process.env`; a page, nothing).
 */
export function openRemote(arg: string, options: Partial<HttpOptions> = {}, env: Env = {}): Remote {
  const endpoint = hubEndpoint(env);
  const address = parseAddress(arg, endpoint);
  if (typeof address === 'string') throw new UnreadableError(arg, address);
  const client = new HttpClient({ ...hubCredentials(env), ...options });
  if (address.kind === 'hub') return { client, target: hubTarget(client, endpoint, address) };
  const url = address.url;
  const slash = url.pathname.lastIndexOf('/');
  const entry = decodeURIComponent(url.pathname.slice(slash + 1));
  if (!entry) throw new UnreadableError(arg, 'a URL naming a folder cannot be listed: name the model file (…/model.keras)');
  const base = new URL(url.pathname.slice(0, slash + 1), url);
  return { client, target: { kind: 'file', place: { folder: new UrlFolder(client, base.href, { entry, url: url.href }), entry } } };
}

function hubTarget(client: HttpClient, endpoint: string, a: HubAddress): RemoteTarget {
  const top = new HubFolder(client, { endpoint, type: a.type, repo: a.repo, revision: a.revision });
  if (!a.path) return { kind: 'folder', folder: top, repoTop: true };
  if (!FILE_LIKE.test(a.path)) return { kind: 'folder', folder: top.folder(a.path), repoTop: false };
  const slash = a.path.lastIndexOf('/');
  const folder = slash < 0 ? top : top.folder(a.path.slice(0, slash));
  return { kind: 'file', place: { folder, entry: a.path.slice(slash + 1) } };
}

/**
 * What reading over HTTP cost, for the report: requests and bytes, beside the size of the file read
 * (`folder`: the model was read from a folder of files, `size` is its entry file's).
 */
export function transferFinding(client: HttpClient, size: number, folder: boolean): Finding {
  const req = `${client.requests} HTTP request${client.requests === 1 ? '' : 's'}`;
  const of = folder ? `read from a folder; its entry file is ${size} bytes` : `the file is ${size} bytes`;
  return findingOf('remote-transfer', null, `read over HTTP: ${req}, ${client.bytes} bytes transferred (${of})`);
}
