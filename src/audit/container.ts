// Security findings about the container itself: zip members, HDF5 objects, tfjs weight paths.
import type { ContainerInfo, Finding, H5ObjectIssue, Severity, ShardLink, ZipMemberInfo } from '../types.js';
import { isBomb, kerasRefuses, overlappingGroups, ratioOf } from '../formats/keras-zip/limits.js';
import { finding } from './finding.js';

const q = (s: string): string => JSON.stringify(s);

/** Members a .keras archive of some Keras version writes (keras/src/saving/saving_lib.py). */
const EXPECTED = /^(config\.json|metadata\.json|model\.weights\.(h5|npz|json)|variables\.h5|model(_\d+)?\.weights\.h5|assets\/.*|[^/]*\/)$/;
const PICKLE = /\.(pkl|pickle|joblib|dill|pt|pth|ckpt|npy)$/i;
const EXECUTABLE = /\.(exe|dll|so|dylib|sh|bash|bat|cmd|ps1|jar|bin|elf|com|scr|vbs|js)$/i;
const PYTHON = /\.(py|pyc|pyo|pyw|pyd|ipynb)$/i;
const KNOWN_METHODS = new Set([0, 8, 9, 12, 14, 93, 95]);

function nameFindings(m: ZipMemberInfo): Finding[] {
  const out: Finding[] = [];
  const n = m.name;
  if (n.split(/[\\/]/).includes('..')) {
    out.push(finding('high', 'zip-path-traversal', null, `archive member ${q(n)} climbs out of the archive with "..": an extracting tool would write outside its target folder.`));
  }
  if (/^([\\/]|[A-Za-z]:)/.test(n)) {
    out.push(finding('high', 'zip-absolute-path', null, `archive member ${q(n)} has an absolute path: an extracting tool may write it anywhere on disk.`));
  }
  if (n.includes('\\')) {
    out.push(finding('medium', 'zip-backslash-name', null, `archive member ${q(n)} uses backslashes, which Windows tools treat as folders: the name may not mean what it shows.`));
  }
  if (/[\x00-\x1f]/.test(n)) {
    out.push(finding('medium', 'zip-control-chars', null, `archive member ${q(n)} has control characters in its name.`));
  }
  return out;
}

function kindFindings(m: ZipMemberInfo): Finding[] {
  const n = m.name;
  if (/\.npz$/i.test(n)) {
    return [finding('high', 'zip-npz-weights', null, `archive member ${q(n)} is a NumPy .npz store, which may hold pickled Python objects; Keras 3 releases that load it with allow_pickle=True run such a pickle, and kerascope never opens it.`)];
  }
  if (PICKLE.test(n)) return [finding('high', 'zip-pickle-member', null, `archive member ${q(n)} is a pickle-style file, which runs code when unpickled; Keras does not load it, kerascope never opens it.`)];
  if (EXECUTABLE.test(n)) return [finding('high', 'zip-executable-member', null, `archive member ${q(n)} is an executable or script, which no Keras model needs.`)];
  if (PYTHON.test(n)) return [finding('medium', 'zip-python-member', null, `archive member ${q(n)} is Python source or bytecode, which no Keras model needs; Keras does not run it, but a user may.`)];
  if (!EXPECTED.test(n)) return [finding('low', 'zip-unexpected-member', null, `archive member ${q(n)} is not a file Keras writes into a .keras archive.`)];
  return [];
}

function sizeFindings(m: ZipMemberInfo, size: number): Finding[] {
  const out: Finding[] = [];
  const n = m.name;
  if (m.offset + m.compressedSize > size || m.offset < 0 || m.compressedSize < 0) {
    out.push(finding('medium', 'zip-size-mismatch', null, `archive member ${q(n)} declares ${m.compressedSize} stored bytes at offset ${m.offset}, past the end of the ${size}-byte file.`));
  } else if (m.method === 0 && m.compressedSize !== m.uncompressedSize) {
    out.push(finding('medium', 'zip-size-mismatch', null, `archive member ${q(n)} is stored uncompressed but declares ${m.compressedSize} stored and ${m.uncompressedSize} unpacked bytes.`));
  }
  // The reader never inflates such a member (src/formats/keras-zip/member.ts): the same rule.
  if (isBomb(m)) {
    const keras = kerasRefuses(m) ? ' Keras refuses to load it too (saving_lib._reject_zip_bomb).' : '';
    out.push(finding('high', 'zip-bomb-ratio', null, `archive member ${q(n)} unpacks ${m.compressedSize} bytes into ${m.uncompressedSize} (ratio ${Math.round(ratioOf(m))}:1), the signature of a zip bomb; kerascope never inflates it.${keras}`));
  }
  if (!KNOWN_METHODS.has(m.method)) {
    out.push(finding('low', 'zip-unusual-method', null, `archive member ${q(n)} uses compression method ${m.method}, which Python's zipfile (and so Keras) may not read.`));
  }
  return out;
}

/** Members sharing stored bytes (limits.ts): the reader reads none of them. */
function overlapFinding(group: ZipMemberInfo[]): Finding {
  const names = [...new Set(group.map((m) => m.name))];
  const shown = names.slice(0, 3).map(q).join(', ') + (names.length > 3 ? ` and ${names.length - 3} more` : '');
  const at = [...new Set(group.map((m) => m.offset))].slice(0, 3).join(', ');
  return finding(
    'high',
    'zip-overlapping-members',
    null,
    `${group.length} archive members share stored bytes (${shown}, at offsets ${at}): one copy read under many names is how a zip bomb multiplies; Python's zipfile (so Keras) refuses them ("Overlapped entries") and kerascope reads none of them.`,
  );
}

export function auditZip(members: ZipMemberInfo[], size: number): Finding[] {
  const out: Finding[] = [];
  const seen = new Map<string, number>();
  for (const m of members) seen.set(m.name, (seen.get(m.name) ?? 0) + 1);
  for (const [name, n] of seen) {
    if (n > 1) {
      out.push(finding('high', 'zip-duplicate-member', null, `the archive holds ${n} members named ${q(name)}: Python's zipfile (so Keras) takes the last one, other readers the first, so what is inspected may not be what is loaded.`));
    }
  }
  for (const group of overlappingGroups(members)) out.push(overlapFinding(group));
  const reported = new Set<string>();
  for (const m of members) {
    const key = `${m.name}\u0000${m.offset}`;
    if (reported.has(key)) continue;
    reported.add(key);
    out.push(...nameFindings(m), ...kindFindings(m), ...sizeFindings(m, size));
  }
  return out;
}

const H5: Record<H5ObjectIssue['kind'], [Severity, string, string]> = {
  'external-link': ['high', 'h5-external-link', 'is an external link: HDF5 follows it into another file when the object is opened'],
  'soft-link': ['medium', 'h5-soft-link', 'is a soft link: a name that points at another object of the file, which Keras never writes'],
  'external-dataset': ['high', 'h5-external-dataset', 'is a dataset whose data lives in an external raw file: reading it reads that file'],
  'virtual-dataset': ['high', 'h5-virtual-dataset', 'is a virtual dataset mapped from other files: reading it opens them'],
  'user-block': ['low', 'h5-user-block', 'is a user block before the HDF5 data, which Keras never writes: the file may be two formats at once'],
  'shape-bomb': ['medium', 'h5-shape-bomb', 'declares far more data than the file holds: reading it would allocate memory for data that is not there'],
};

export function auditH5(issues: H5ObjectIssue[]): Finding[] {
  return issues.map((i) => {
    const [sev, code, what] = H5[i.kind] ?? ['medium', 'h5-issue', 'is unusual'];
    const detail = i.detail ? ` (${i.detail})` : '';
    return finding(sev, code, null, `HDF5 object ${q(i.path)} ${what}${detail}.`);
  });
}

export function auditTfjsPaths(paths: string[]): Finding[] {
  const out: Finding[] = [];
  for (const p of paths) {
    if (/^[A-Za-z][A-Za-z0-9+.-]+:/.test(p) && !/^[A-Za-z]:[\\/]/.test(p)) {
      out.push(finding('high', 'tfjs-remote-path', null, `weights path ${q(p)} is a URL: a loader would fetch weights from the network instead of the model's folder (kerascope never fetches it).`));
    } else if (/^([\\/]|[A-Za-z]:)/.test(p)) {
      out.push(finding('high', 'tfjs-path-outside', null, `weights path ${q(p)} is absolute: a loader would read a file outside the model's folder (kerascope does not open it).`));
    } else if (p.split(/[\\/]/).includes('..')) {
      out.push(finding('high', 'tfjs-path-outside', null, `weights path ${q(p)} climbs out of the model's folder with "..": kerascope does not open it.`));
    }
  }
  return out;
}

/** Shards that are links out of the model's folder: what a loader serving the folder reads (never opened here). */
export function auditTfjsLinks(links: ShardLink[]): Finding[] {
  return links.map((l) =>
    finding('high', 'tfjs-shard-link-outside', null, `weights shard ${q(l.path)} is a symbolic link to ${q(l.target)}, outside the model's folder: a loader reading the folder reads that file instead (kerascope does not open it).`),
  );
}

export function auditContainer(c: ContainerInfo): Finding[] {
  return [
    ...(c.tfjsLinksOutside ? auditTfjsLinks(c.tfjsLinksOutside) : []),
    ...(c.zipMembers ? auditZip(c.zipMembers, c.size) : []),
    ...(c.h5Issues ? auditH5(c.h5Issues) : []),
    ...(c.tfjsPaths ? auditTfjsPaths(c.tfjsPaths) : []),
  ];
}
