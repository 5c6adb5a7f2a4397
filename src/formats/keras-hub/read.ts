// A KerasHub preset folder, read as keras-hub writes and loads it
// (keras_hub/src/utils/preset_utils.py, KerasPresetSaver / KerasPresetLoader): config.json (the
// backbone, with its constructor arguments), metadata.json (keras_version, keras_hub_version,
// parameter_count — written, never read back), the backbone's weights in model.weights.h5 or, when
// that is absent, model.weights.json and the shards it names; task.json and task.weights.h5;
// tokenizer.json, preprocessor.json and the converters' configs; assets/. Metadata only: no
// tensor is read, nothing is executed, and a file that is missing or broken is a finding, never
// the end of the reading (the config alone can still be checked).
import { UnreadableError } from '../../errors.js';
import { findingOf } from '../../findings.js';
import type { Finding, H5ObjectIssue, ModelSource, PresetFile, PresetInfo, PresetMetadata, PresetTask, StoredWeights } from '../../types.js';
import { readPayload, superblockOffset, type H5Contents } from '../hdf5/read.js';
import { mergeShards, shardsOf } from '../keras-zip/shards.js';
import { isShardManifest } from '../keras-zip/signs.js';
import { beside, type Folder } from '../folder.js';
import type { ReadContext } from '../reader.js';
import type { ByteSource } from '../source.js';
import { isObject, oneLine, parseJsonText, readText } from '../text.js';

/** keras-hub's file names (preset_utils.py). */
const METADATA = 'metadata.json';
const WEIGHTS = 'model.weights.h5';
const SHARD_INDEX = 'model.weights.json';
const TASK = 'task.json';
const TASK_WEIGHTS = 'task.weights.h5';
/** The preset's configs besides config.json, in the order they are audited. */
export const MEMBER_CONFIGS = [TASK, 'preprocessor.json', 'tokenizer.json', 'image_converter.json', 'audio_converter.json', 'video_converter.json'];
/** Files listed at most: a preset holds a handful (plus its assets). */
const LIST_LIMIT = 10_000;

/**
 * The preset's folder as the reader sees it: its files named relative to the preset (`metadata.json`),
 * wherever the preset sits in the folder it came with (`ctx.entry` may be `sub/config.json`).
 */
interface PresetFolder {
  stat: Folder['stat'];
  open: Folder['open'];
  nameOf: Folder['nameOf'];
  list: Folder['list'];
}

function presetFolder(folder: Folder, entry: string): PresetFolder {
  const at = (name: string): string => beside(entry, name);
  const prefix = at('');
  return {
    stat: async (path) => {
      const e = await folder.stat(at(path));
      return e && { ...e, path };
    },
    open: (path) => folder.open(at(path)),
    nameOf: (path) => folder.nameOf(at(path)),
    list: async (limit) => {
      const l = await folder.list(limit);
      if (!l) return null;
      return { ...l, entries: l.entries.filter((e) => e.path.startsWith(prefix)).map((e) => ({ ...e, path: e.path.slice(prefix.length) })) };
    },
  };
}

/** What is read besides the backbone's config; findings and HDF5 objects for the audit gathered on the way. */
interface Reading {
  folder: PresetFolder | null;
  findings: Finding[];
  issues: H5ObjectIssue[];
}

/** The class a Keras 3 serialized object names: `registered_name`'s part after `>`, else `class_name`. */
export function classOf(top: Record<string, unknown>): string {
  const reg = top['registered_name'];
  if (typeof reg === 'string' && reg.includes('>')) return reg.slice(reg.indexOf('>') + 1);
  return typeof top['class_name'] === 'string' ? top['class_name'] : '?';
}

export async function readPreset(src: ByteSource, ctx: ReadContext, top: Record<string, unknown>): Promise<ModelSource> {
  const r: Reading = { folder: ctx.folder ? presetFolder(ctx.folder, ctx.entry) : null, findings: [], issues: [] };
  const metadata = parseMetadata(await readJson(r, METADATA, 'warning'), r);
  const backbone = await backboneWeights(r);
  const task = await readTask(r);
  const configs: PresetInfo['configs'] = [];
  for (const file of MEMBER_CONFIGS) {
    const value = file === TASK ? task?.config : await readJson(r, file, 'error');
    if (value !== undefined) configs.push({ file, value });
  }
  const preset: PresetInfo = {
    folder: r.folder ? r.folder.nameOf('').replace(/[/\\]$/, '') || '.' : '',
    backboneClass: classOf(top),
    args: isObject(top['config']) ? top['config'] : {},
    metadata,
    weightsFiles: backbone.files,
    task: task?.task ?? null,
    configs,
    files: await listFiles(r),
  };
  const versions = [metadata?.kerasHubVersion ? `${metadata.kerasHubName} ${metadata.kerasHubVersion}` : null, metadata?.kerasVersion ? `Keras ${metadata.kerasVersion}` : null].filter(Boolean);
  return {
    file: src.name,
    format: 'keras-hub-preset',
    formatLabel: `KerasHub preset${versions.length ? ` (${versions.join(', ')})` : ''}`,
    kerasVersion: metadata?.kerasVersion ?? null,
    backend: null,
    config: top,
    trainingConfig: null,
    weights: backbone.weights,
    weightsFile: backbone.files.length && r.folder ? r.folder.nameOf(backbone.files[0]!) : null,
    findings: r.findings,
    container: { size: src.size, h5Issues: r.issues },
    preset,
  };
}

// ---------------------------------------------------------------- JSON files

/** A JSON file of the preset, parsed; undefined when absent (or unreadable: a finding says why). */
async function readJson(r: Reading, path: string, severity: 'error' | 'warning'): Promise<unknown> {
  if (!r.folder) return undefined;
  const entry = await r.folder.stat(path);
  if (!entry) return undefined;
  if (entry.notFile) {
    r.findings.push(findingOf('preset-file-unreadable', null, `${path}: ${entry.notFile}`, severity));
    return undefined;
  }
  let src: ByteSource | null = null;
  try {
    src = await r.folder.open(path);
    return parseJsonText(src.name, await readText(src));
  } catch (e) {
    if (!(e instanceof UnreadableError)) throw e;
    r.findings.push(findingOf('preset-file-unreadable', null, `${path}: ${oneLine(e)}`, severity));
    return undefined;
  } finally {
    src?.close();
  }
}

/** metadata.json's fields that matter, each null when absent or of the wrong type. */
function parseMetadata(v: unknown, r: Reading): PresetMetadata | null {
  if (v === undefined) return null;
  if (!isObject(v)) {
    r.findings.push(findingOf('preset-file-unreadable', null, `${METADATA}: not a JSON object`, 'warning'));
    return null;
  }
  const text = (k: string): string | null => (typeof v[k] === 'string' ? (v[k] as string) : null);
  const n = v['parameter_count'];
  return {
    kerasVersion: text('keras_version'),
    // keras-nlp (the package's name before keras-hub 0.15) wrote keras_nlp_version.
    kerasHubVersion: text('keras_hub_version') ?? text('keras_nlp_version'),
    kerasHubName: text('keras_hub_version') === null && text('keras_nlp_version') !== null ? 'keras-nlp' : 'keras-hub',
    parameterCount: typeof n === 'number' && Number.isSafeInteger(n) && n >= 0 ? n : null,
    tasks: Array.isArray(v['tasks']) ? v['tasks'].filter((t): t is string => typeof t === 'string') : [],
  };
}

async function listFiles(r: Reading): Promise<PresetFile[]> {
  const listing = r.folder ? await r.folder.list(LIST_LIMIT) : null;
  if (!listing) return [];
  const { entries, truncated } = listing;
  const files = entries.map((e) => ({ path: e.path, size: e.size }));
  if (truncated) r.findings.push(findingOf('preset-file-unreadable', null, `the folder holds more than ${LIST_LIMIT} files: only the first are listed`, 'warning'));
  return files;
}

// ---------------------------------------------------------------- weights

/** Git LFS pointer files start so (https://github.com/git-lfs/git-lfs/blob/main/docs/spec.md). */
const LFS_POINTER = 'version https://git-lfs.github.com/spec/';

/**
 * A Keras 3 weights store of the preset, read as metadata; null (with a finding) when it is not
 * there to read: not a regular file, a Git LFS pointer never downloaded, not HDF5, unreadable.
 */
async function readStore(r: Reading, path: string, missing: (why: string) => Finding): Promise<StoredWeights | null> {
  const entry = await r.folder!.stat(path);
  if (!entry) {
    r.findings.push(missing('is not in the folder'));
    return null;
  }
  if (entry.notFile) {
    r.findings.push(missing(entry.notFile));
    return null;
  }
  const src = await r.folder!.open(path);
  try {
    const head = new TextDecoder('latin1').decode(await src.read(0, Math.min(src.size, 64)));
    if (head.startsWith(LFS_POINTER)) {
      r.findings.push(missing(`is a Git LFS pointer (${src.size} bytes), not the weights: they were never downloaded (git lfs pull)`));
      return null;
    }
    if (src.size === 0 || (await superblockOffset(src)) === null) {
      r.findings.push(missing(src.size === 0 ? 'is empty' : 'is not an HDF5 file'));
      return null;
    }
    const contents = await readPayload(src, { label: src.name, inArchive: true });
    r.findings.push(...contents.findings);
    r.issues.push(...contents.issues.map((i) => ({ ...i, path: `${path}:${i.path}` })));
    return contents.weights;
  } catch (e) {
    if (!(e instanceof UnreadableError)) throw e;
    r.findings.push(findingOf('preset-file-unreadable', null, `${path}: ${oneLine(e)}`));
    return null;
  } finally {
    src.close();
  }
}

/** model.weights.h5 when present (keras-hub loads it first), else the shard index and its shards. */
async function backboneWeights(r: Reading): Promise<{ weights: StoredWeights | null; files: string[] }> {
  const missing = (file: string) => (why: string) =>
    findingOf('preset-weights-missing', null, `${file} ${why}: the backbone's weights are not checked, only its config.json against metadata.json`);
  if (!r.folder) {
    r.findings.push(findingOf('preset-weights-missing', null, 'config.json was read without its folder: the backbone is checked from its config alone'));
    return { weights: null, files: [] };
  }
  if (await r.folder.stat(WEIGHTS)) return { weights: await readStore(r, WEIGHTS, missing(WEIGHTS)), files: [WEIGHTS] };
  if (await r.folder.stat(SHARD_INDEX)) return readSharded(r);
  r.findings.push(missing(WEIGHTS)('is not in the folder (nor a sharded model.weights.json)'));
  return { weights: null, files: [] };
}

/**
 * A sharded store (Keras ≥ 3.10, keras/src/saving/saving_lib.py ShardedH5IOStore): the index's
 * weight_map names, for each `vars` group, the shard(s) it is in; Keras opens the first one named
 * beside the index (`path.with_name(filename)`, so a plain file name) and reads the group there.
 */
async function readSharded(r: Reading): Promise<{ weights: StoredWeights | null; files: string[] }> {
  const manifest = await readJson(r, SHARD_INDEX, 'error');
  if (!isShardManifest(manifest)) {
    if (manifest !== undefined) r.findings.push(findingOf('preset-file-unreadable', null, `${SHARD_INDEX}: no weight_map: not a sharded-weights index`));
    return { weights: null, files: [SHARD_INDEX] };
  }
  const parts: H5Contents[] = [];
  const files = [SHARD_INDEX];
  for (const shard of shardsOf(manifest.weight_map)) {
    if (/[/\\]/.test(shard) || shard === '.' || shard === '..' || shard === '') {
      r.findings.push(findingOf('weights-shard-missing', null, `${SHARD_INDEX} names shard ${JSON.stringify(shard)}, which is not a file name beside it (Keras opens shards beside the index only)`));
      continue;
    }
    const weights = await readStore(r, shard, (why) => findingOf('weights-shard-missing', null, `${SHARD_INDEX} names shard ${shard}, which ${why}: its tensors are not checked`));
    files.push(shard);
    if (!weights) continue;
    shardMapFindings(manifest.weight_map, shard, weights, r);
    // mergeShards reads only the weights of each part.
    parts.push({ weights } as H5Contents);
  }
  return { weights: mergeShards(r.folder!.nameOf(SHARD_INDEX), parts), files };
}

/** Groups a shard holds that the weight_map places elsewhere (or nowhere): Keras does not find them. */
function shardMapFindings(weightMap: Record<string, unknown>, shard: string, weights: StoredWeights, r: Reading): void {
  for (const g of weights.groups) {
    if (g.tensors.length === 0) continue;
    const key = `/${g.path.replace(/^\/+/, '')}/vars`;
    const named = weightMap[key];
    const first = Array.isArray(named) ? named[0] : named;
    if (first === shard) continue;
    const where = typeof first === 'string' ? `in ${first}` : 'nowhere';
    r.findings.push(findingOf('weights-shard-map', null, `${shard} holds ${key}, which ${SHARD_INDEX} places ${where}: Keras reads the group from the shard the index names`));
  }
}

// ---------------------------------------------------------------- the task

async function readTask(r: Reading): Promise<{ task: PresetTask; config: unknown } | null> {
  const config = await readJson(r, TASK, 'error');
  if (config === undefined) return null;
  const className = isObject(config) ? classOf(config) : '?';
  const args = isObject(config) && isObject(config['config']) ? config['config'] : {};
  const has = r.folder ? await r.folder.stat(TASK_WEIGHTS) : null;
  const weights = has ? await readStore(r, TASK_WEIGHTS, (why) => findingOf('preset-file-unreadable', null, `${TASK_WEIGHTS} ${why}: the task's own weights are not checked`)) : null;
  return { task: { className, args, weightsFile: has && r.folder ? r.folder.nameOf(TASK_WEIGHTS) : null, weights }, config };
}

/**
 * True when `ctx.entry` is one of a preset's configs besides config.json and a KerasHub
 * config.json sits beside it: then it is part of that preset.
 */
export async function isPresetMember(ctx: ReadContext): Promise<boolean> {
  const name = ctx.entry.slice(ctx.entry.lastIndexOf('/') + 1);
  if (!ctx.folder || !MEMBER_CONFIGS.includes(name)) return false;
  const folder = presetFolder(ctx.folder, ctx.entry);
  const config = await folder.stat('config.json');
  if (!config || config.notFile) return false;
  const src = await folder.open('config.json');
  try {
    const v = parseJsonText(src.name, await readText(src));
    return isObject(v) && /^(keras_hub|keras_nlp)>/.test(String(v['registered_name']));
  } catch {
    return false;
  } finally {
    src.close();
  }
}
