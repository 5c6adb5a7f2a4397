// What a remote argument names, parsed without the network: `hf://[datasets/|spaces/]owner/repo[@revision][/path]`
// (huggingface_hub's HfFileSystem spelling), a hub page or file URL (`https://huggingface.co/owner/
// repo/resolve|blob|tree/revision/path`), or any other http(s) URL.

/** True for what kerascope reads over the network rather than from this machine. */
export function isRemote(arg: string): boolean {
  return /^(https?|hf):\/\//i.test(arg);
}

export type RepoType = 'model' | 'dataset' | 'space';

export interface HubAddress {
  kind: 'hub';
  type: RepoType;
  /** `owner/name`. */
  repo: string;
  revision: string;
  /** A path inside the repository ('' for its top). */
  path: string;
}

export interface UrlAddress {
  kind: 'url';
  url: URL;
}

export type Address = HubAddress | UrlAddress;

/**
 * Environment variables as given by the caller (Node's `process.env`; a page passes none): this
 * folder never reads `process` itself, so the web page reuses it as it is.
 */
export type Env = Readonly<Record<string, string | undefined>>;

export const HUB = 'https://huggingface.co';

/** HF_ENDPOINT (a mirror, or a test's server), else the hub itself. */
export function hubEndpoint(env: Env): string {
  return (env['HF_ENDPOINT'] || HUB).replace(/\/+$/, '');
}

/** Parses `arg`; a malformed one is a one-line message (a string). */
export function parseAddress(arg: string, endpoint: string = HUB): Address | string {
  if (/^hf:\/\//i.test(arg)) return parseHf(arg.slice(5));
  let url: URL;
  try {
    url = new URL(arg);
  } catch {
    return 'not a valid URL';
  }
  if (url.username || url.password) return 'a URL with a user name or password in it is not accepted (set HF_TOKEN for the hub)';
  if (url.origin === new URL(endpoint).origin) return hubUrl(url) ?? { kind: 'url', url };
  return { kind: 'url', url };
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

function parseHf(rest: string): HubAddress | string {
  let type: RepoType = 'model';
  const typed = /^(datasets|spaces|models)\//.exec(rest);
  if (typed) {
    type = typed[1] === 'datasets' ? 'dataset' : typed[1] === 'spaces' ? 'space' : 'model';
    rest = rest.slice(typed[0].length);
  }
  const m = /^([^/@]+)\/([^/@]+)(?:@([^/]+(?:\/pr\/\d+)?))?(?:\/(.*))?$/.exec(rest);
  if (!m || !NAME.test(m[1]!) || !NAME.test(m[2]!)) return 'expected hf://owner/repo[@revision][/path]';
  const revision = m[3] ? safeDecode(m[3]) : 'main';
  if (revision === null) return 'a revision that is not valid percent-encoding';
  const path = safeDecode(m[4] ?? '');
  if (path === null) return 'a path that is not valid percent-encoding';
  return { kind: 'hub', type, repo: `${m[1]}/${m[2]}`, revision, path: path.replace(/\/+$/, '') };
}

/** `https://huggingface.co/[datasets/]owner/repo/(resolve|blob|tree)/revision/path` as a hub address, or null. */
function hubUrl(url: URL): HubAddress | null {
  const parts = url.pathname.split('/').filter(Boolean).map((p) => safeDecode(p) ?? p);
  let type: RepoType = 'model';
  if (parts[0] === 'datasets' || parts[0] === 'spaces') type = parts.shift() === 'datasets' ? 'dataset' : 'space';
  const [owner, name, how, revision, ...path] = parts;
  if (!owner || !name || !NAME.test(owner) || !NAME.test(name)) return null;
  if (how === undefined) return { kind: 'hub', type, repo: `${owner}/${name}`, revision: 'main', path: '' };
  if (!['resolve', 'blob', 'tree'].includes(how) || !revision) return null;
  return { kind: 'hub', type, repo: `${owner}/${name}`, revision, path: path.join('/') };
}

function safeDecode(s: string): string | null {
  try {
    return decodeURIComponent(s);
  } catch {
    return null;
  }
}
