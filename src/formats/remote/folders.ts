// The folders of remote files (the folder contract, ../folder.ts): a Hugging Face repository
// (`hf://owner/repo[@revision]`, listed by the hub's API, its files read by range requests on
// `/resolve/`) and the folder of a plain URL (`https://host/models/model.json`: its siblings stat'ed
// by HEAD, never listed: a web server has no listing to trust).
import { UnreadableError } from '../../errors.js';
import { insideFolder, LIST_LIMIT, mustBeInside, type Folder, type FolderEntry, type FolderListing } from '../folder.js';
import type { ByteSource } from '../source.js';
import type { RepoType } from './address.js';
import { statusLine, type HttpClient } from './http.js';
import { RangedSource } from './ranged.js';

/** Files of a repository listing, one JSON page of the tree API at a time (the hub pages by 1,000). */
const MAX_LISTING_BYTES = 32 * 1024 * 1024;

/** A file kerascope may want the zip directory of (read from the end on the first request). */
const ARCHIVE = /\.(keras|zip)$/i;

export interface HubRepo {
  /** `https://huggingface.co`, or HF_ENDPOINT. */
  endpoint: string;
  type: RepoType;
  /** `owner/name`. */
  repo: string;
  /** A branch, tag or commit; `main` when none is named. */
  revision: string;
}

/** The repository's files, listed once for every folder of it (its tree API, recursive, bounded). */
class RepoListing {
  private listing: Promise<FolderListing> | null = null;

  /** The listing was asked for (a reader stat'ed or listed a file). */
  get loaded(): boolean {
    return this.listing !== null;
  }

  constructor(
    private readonly client: HttpClient,
    readonly hub: HubRepo,
  ) {}

  get(): Promise<FolderListing> {
    this.listing ??= this.load();
    return this.listing;
  }

  private async load(): Promise<FolderListing> {
    const { endpoint, type, repo, revision } = this.hub;
    const label = repoName(this.hub);
    let url: string | null = `${endpoint}/api/${type}s/${repo}/tree/${encodeURIComponent(revision)}?recursive=true`;
    const entries: FolderEntry[] = [];
    while (url) {
      const a = await this.client.send({ url, label, headers: { accept: 'application/json' }, maxBody: MAX_LISTING_BYTES });
      if (a.status !== 200) throw listingError(label, a.status, !!this.client.options.token);
      if (a.cut) throw new UnreadableError(label, `the repository listing is larger than ${MAX_LISTING_BYTES} bytes`);
      let page: unknown;
      try {
        page = JSON.parse(a.body.toString('utf8'));
      } catch {
        throw new UnreadableError(label, 'the hub answered its file listing with something that is not JSON');
      }
      if (!Array.isArray(page)) throw new UnreadableError(label, 'the hub answered its file listing with something that is not a list');
      for (const e of page) {
        const path = typeof e?.path === 'string' ? insideFolder(e.path) : null;
        if (!path || e.type !== 'file') continue;
        const size = typeof e.lfs?.size === 'number' ? e.lfs.size : e.size;
        if (!Number.isSafeInteger(size) || size < 0) continue;
        if (entries.length >= LIST_LIMIT) return { entries, truncated: true };
        entries.push({ path, size, notFile: null, outside: null });
      }
      url = nextPage(a.headers.get('link'), url);
    }
    return { entries, truncated: false };
  }
}

/** `hf://owner/repo`, `hf://datasets/owner/repo@v2`. */
function repoName(hub: HubRepo): string {
  const prefix = hub.type === 'model' ? '' : `${hub.type}s/`;
  return `hf://${prefix}${hub.repo}${hub.revision === 'main' ? '' : `@${hub.revision}`}`;
}

function listingError(label: string, status: number, token: boolean): UnreadableError {
  // The hub answers 401 for a repository that does not exist as for a private one.
  const hint =
    status === 401 ? (token ? ' (no such repository, or the token may not read it)' : ' (no such repository, or a private one: set HF_TOKEN)')
    : status === 404 ? ' (no such repository or revision)'
    : status === 403 ? ' (a gated repository: accept its terms on the hub, and set HF_TOKEN)'
    : '';
  return new UnreadableError(label, `${statusLine(status)}${hint}`);
}

/** The `rel="next"` URL of a Link header, on the same origin as the page, or null. */
function nextPage(link: string | null, from: string): string | null {
  const m = /<([^>]+)>\s*;\s*rel="?next"?/i.exec(link ?? '');
  if (!m) return null;
  const next = new URL(m[1]!, from);
  return next.origin === new URL(from).origin ? next.href : null;
}

/** A folder of a hub repository (`base`: '' for its top, `sub/dir` for one inside it). */
export class HubFolder implements Folder {
  private readonly listing: RepoListing;

  constructor(
    private readonly client: HttpClient,
    hub: HubRepo | RepoListing,
    private readonly base = '',
  ) {
    this.listing = hub instanceof RepoListing ? hub : new RepoListing(client, hub);
  }

  get name(): string {
    return `${repoName(this.listing.hub)}${this.base ? `/${this.base}` : ''}`;
  }

  /** The folder `sub` inside this one, sharing its listing. */
  folder(sub: string): HubFolder {
    return new HubFolder(this.client, this.listing, this.full(sub));
  }

  nameOf(path: string): string {
    return `${this.name}/${path}`;
  }

  async stat(path: string): Promise<FolderEntry | null> {
    const p = mustBeInside(this, path);
    const full = this.full(p);
    const { entries, truncated } = await this.listing.get();
    const file = entries.find((e) => e.path === full);
    if (file) return { ...file, path: p };
    if (truncated) throw new UnreadableError(this.nameOf(p), `not among the first ${LIST_LIMIT} files the repository lists: name the file outright`);
    const isDir = full === '' || entries.some((e) => e.path.startsWith(`${full}/`));
    return isDir ? { path: p, size: 0, notFile: 'is a directory', outside: null } : null;
  }

  async list(limit = LIST_LIMIT): Promise<FolderListing> {
    const { entries, truncated } = await this.listing.get();
    const prefix = this.base ? `${this.base}/` : '';
    const mine = entries.filter((e) => e.path.startsWith(prefix)).map((e) => ({ ...e, path: e.path.slice(prefix.length) }));
    return { entries: mine.slice(0, limit), truncated: truncated || mine.length > limit };
  }

  async open(path: string): Promise<ByteSource> {
    const p = mustBeInside(this, path);
    // A file named outright is opened by its first range request: no listing unless a reader asks.
    if (!this.listing.loaded) return this.openUnlisted(p);
    const e = await this.stat(p);
    const name = this.nameOf(p);
    if (!e) throw new UnreadableError(name, 'no such file in the repository');
    if (e.notFile) throw new UnreadableError(name, e.notFile);
    return this.source(e.path, e.size);
  }

  /** The file at `path` (size known, say from the listing), read by range requests: nothing is asked before the first read. */
  source(path: string, size: number): RangedSource {
    return RangedSource.sized(this.client, this.resolveUrl(path), this.nameOf(path), size, { tail: ARCHIVE.test(path) });
  }

  /** The file at `path` of unknown size: opened by its first range request (no listing needed). */
  private async openUnlisted(path: string): Promise<RangedSource> {
    try {
      return await RangedSource.open(this.client, this.resolveUrl(path), this.nameOf(path), { tail: ARCHIVE.test(path) });
    } catch (e) {
      if (e instanceof UnreadableError && /^HTTP 404\b/.test(e.message)) throw new UnreadableError(e.file, 'HTTP 404 Not Found (no such file in the repository at this revision)');
      throw e;
    }
  }

  /** `/resolve/` serves a file's bytes (a hub redirects large files to its CDN). */
  private resolveUrl(path: string): string {
    const { endpoint, type, repo, revision } = this.listing.hub;
    return `${endpoint}/${type === 'model' ? '' : `${type}s/`}${repo}/resolve/${encodeURIComponent(revision)}/${this.full(path).split('/').map(encodeURIComponent).join('/')}`;
  }

  private full(path: string): string {
    return [this.base, path].filter(Boolean).join('/');
  }
}

/** The folder of a plain URL: siblings stat'ed by HEAD and opened by range requests; never listed. */
export class UrlFolder implements Folder {
  /**
   * `base`: the folder's URL, ending in `/`. `named`: the file the user named, opened by its exact
   * URL (a query string kept: a signed URL), named without its query (a signature stays out of logs).
   */
  constructor(
    private readonly client: HttpClient,
    readonly base: string,
    private readonly named: { entry: string; url: string } | null = null,
  ) {}

  get name(): string {
    return this.base.replace(/\/$/, '');
  }

  nameOf(path: string): string {
    return this.urlOf(path);
  }

  async stat(path: string): Promise<FolderEntry | null> {
    const p = mustBeInside(this, path);
    const url = this.exact(p);
    const a = await this.client.send({ url, label: this.urlOf(p), method: 'HEAD', maxBody: 0 });
    if (a.status === 404 || a.status === 410) return null;
    if (a.status !== 200) throw new UnreadableError(this.urlOf(p), statusLine(a.status));
    const size = Number(a.headers.get('content-length') ?? NaN);
    return { path: p, size: Number.isSafeInteger(size) ? size : 0, notFile: null, outside: null };
  }

  async list(): Promise<null> {
    return null;
  }

  open(path: string): Promise<ByteSource> {
    const p = mustBeInside(this, path);
    return RangedSource.open(this.client, this.exact(p), this.urlOf(p), { tail: ARCHIVE.test(p) });
  }

  private exact(p: string): string {
    return this.named && this.named.entry === p ? this.named.url : this.urlOf(p);
  }

  private urlOf(path: string): string {
    return new URL(path.split('/').map(encodeURIComponent).join('/'), this.base).href;
  }
}
