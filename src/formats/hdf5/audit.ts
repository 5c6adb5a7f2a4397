// HDF5 objects that a Keras file never needs and that could reach outside the file or ask for
// far more memory than the file holds: reported in `container.h5Issues`, never followed.
// (The engine also refuses to open any host path it was not given, so an external link or an
// external dataset cannot make HDF5 read another file: engine.ts.)
import type { H5ObjectIssue } from '../../types.js';
import type { SeenDataset } from './layout.js';
import { externalFilesAt, superblockSizes, type BlockCache, type ExternalFile, type H5Reader } from './native/index.js';

/** Above this many links only the ones the Keras layout does not explain are checked one by one. */
const CHECK_EVERY_LINK_UP_TO = 500;

/** A paths list's leaves: soft and external links are always leaves of H5Lvisit's walk. */
function leaves(paths: string[]): string[] {
  const parents = new Set<string>();
  for (const p of paths) {
    const i = p.lastIndexOf('/');
    if (i > 0) parents.add(p.slice(0, i));
  }
  return paths.filter((p) => !parents.has(p));
}

/**
 * Soft and external links. Every leaf is checked when the file is small; in a big file only the
 * leaves that are not datasets the Keras layout named (a soft link can only sit where a leaf is).
 */
export function linkIssues(f: H5Reader, paths: string[], datasets: SeenDataset[]): H5ObjectIssue[] {
  const known = new Set(datasets.map((d) => d.path));
  const all = leaves(paths);
  const toCheck = all.length <= CHECK_EVERY_LINK_UP_TO ? all : all.filter((p) => !known.has(p));
  const issues: H5ObjectIssue[] = [];
  for (const path of toCheck) {
    let link;
    try {
      link = f.link(path);
    } catch {
      continue;
    }
    if (link.kind === 'external') issues.push({ kind: 'external-link', path, detail: `external link to ${link.target}` });
    else if (link.kind === 'soft') issues.push({ kind: 'soft-link', path, detail: `soft link to ${link.target}` });
  }
  return issues;
}

/** Virtual datasets, external raw data, and datasets declaring more bytes than the file holds. */
export function datasetIssues(datasets: SeenDataset[], fileSize: number): H5ObjectIssue[] {
  const issues: H5ObjectIssue[] = [];
  for (const { path, meta } of datasets) {
    if (meta.virtual_sources?.length) {
      const src = meta.virtual_sources.map((s) => `${s.file_name}:${s.dset_name}`).join(', ');
      issues.push({ kind: 'virtual-dataset', path, detail: `virtual dataset mapped from ${src}` });
    }
    if (meta.external_files?.length) issues.push({ kind: 'external-dataset', path, detail: `raw data in ${describe(meta.external_files)}` });
    const declared = meta.vlen ? 0 : meta.total_size * meta.size;
    if (declared > fileSize) {
      const how = meta.chunks ? 'chunked' : 'contiguous';
      issues.push({
        kind: 'shape-bomb',
        path,
        detail: `declares ${declared} bytes (${how}, shape (${(meta.shape ?? []).join(', ')})) in a file of ${fileSize} bytes`,
      });
    }
  }
  return issues;
}

/**
 * Marks the datasets whose raw data lives in other host files (H5Pset_external) when the engine
 * read the file: h5wasm exposes no dataset creation property, so each contiguous dataset's object
 * header is read from the payload's bytes by the native reader's header code (native/external.ts):
 * its address from the engine (an HDF5 object reference), a few small reads, at most
 * EXTERNAL_CHECK_BYTES in all. Only contiguous datasets can have external files (HDF5 refuses any
 * other layout with them). Datasets the Keras walkers did not visit are not checked.
 */
export function markExternalDatasets(f: H5Reader, datasets: SeenDataset[], payload: () => BlockCache): void {
  const candidates = datasets.filter((d) => d.meta.chunks === null && !d.meta.virtual_sources?.length && !d.meta.external_files);
  if (!candidates.length) return;
  let src: BlockCache;
  try {
    src = payload();
  } catch {
    return; // the engine read it; if we cannot open it again, there is nothing more to learn
  }
  try {
    const sizes = superblockSizes(src);
    if (!sizes) return;
    for (const d of candidates) {
      let address: bigint;
      try {
        address = f.objectAddress(d.path);
      } catch {
        continue;
      }
      if (address > BigInt(Number.MAX_SAFE_INTEGER)) continue;
      const files = externalFilesAt(src, Number(address), sizes);
      if (files === null && src.bytesRead >= EXTERNAL_CHECK_BYTES) break;
      if (files?.length) d.meta.external_files = files;
    }
  } finally {
    src.close();
  }
}

/** Header bytes one file may make the external-dataset check read in all. */
export const EXTERNAL_CHECK_BYTES = 16 * 1024 * 1024;

function describe(files: ExternalFile[]): string {
  const shown = files.slice(0, 8).map((x) =>
    x.name === null ? 'an external file whose name could not be read' : `${JSON.stringify(x.name)} (${bytes(x)})`,
  );
  const more = files.length > shown.length ? ` and ${files.length - shown.length} more` : '';
  return `${shown.join(', ')}${more}`;
}

function bytes(x: ExternalFile): string {
  const size = x.size === null ? 'unlimited bytes' : `${x.size} bytes`;
  return x.offset === null ? size : `${size} at offset ${x.offset}`;
}

export function userBlockIssue(offset: number): H5ObjectIssue {
  return { kind: 'user-block', path: '/', detail: `${offset}-byte user block before the HDF5 superblock` };
}
