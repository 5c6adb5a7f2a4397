// From what the user gave the page — picked files, a picked folder, a drop, an address — to the
// model read by the library's own dispatch (src/formats/dispatch.ts), over the browser's byte
// sources and folders (src/formats/browser.ts). Nothing is sent anywhere: a File is read here.
import { UnreadableError } from '../src/errors.js';
import { BrowserFolder } from '../src/formats/browser.js';
import { folderEntry, namedAsFolder, readPlace } from '../src/formats/dispatch.js';
import type { Folder, Place } from '../src/formats/folder.js';
import type { ModelSource } from '../src/types.js';

/** A file with the path it was found at (`webkitRelativePath`, or its place in a dropped folder). */
export type PathFile = readonly [string, File];

/** Files that are a model on their own (a folder without an entry file may hold one of them). */
const MODEL_FILE = /\.(keras|h5|hdf5|json)$/i;

/**
 * Where the model among `folder`'s files starts: the folder's entry file (saved_model.pb,
 * model.json, config.json), else its one model file.
 */
async function modelPlace(folder: Folder): Promise<Place> {
  try {
    return await folderEntry(folder);
  } catch (e) {
    if (!(e instanceof UnreadableError)) throw e;
  }
  const listing = await folder.list();
  const files = (listing?.entries ?? []).map((f) => f.path);
  const models = files.filter((p) => MODEL_FILE.test(p));
  const only = files.length === 1 ? files : models.length === 1 ? models : [];
  if (only.length === 1) return { folder, entry: only[0]! };
  const what = folder.name || 'these files';
  if (models.length === 0) throw new UnreadableError(what, 'hold no Keras model: no saved_model.pb, model.json, config.json, .keras, .h5 or .json file');
  throw new UnreadableError(what, `hold ${models.length} model files (${models.slice(0, 5).join(', ')}${models.length > 5 ? ', …' : ''}): open one of them, or its folder alone`);
}

/** The model the user's files make: one file, files picked together, or a folder (paths inside it). */
export async function readFiles(files: readonly PathFile[]): Promise<ModelSource> {
  if (files.length === 0) throw new UnreadableError('(nothing)', 'no file was given');
  const folder = BrowserFolder.fromPaths(files);
  const place = await modelPlace(folder);
  return namedAsFolder(place, await readPlace(place));
}

/** The files of an `<input type=file>` (with `webkitdirectory`, each knows its path in the folder). */
export function inputFiles(list: FileList): PathFile[] {
  return [...list].map((f) => [f.webkitRelativePath || f.name, f] as const);
}

// ---------------------------------------------------------------- drag and drop

/** Every file of a drop, a dropped folder walked to the end (readEntries answers in batches). */
export async function droppedFiles(items: DataTransferItemList): Promise<PathFile[]> {
  const entries = [...items].map((i) => i.webkitGetAsEntry?.()).filter((e): e is FileSystemEntry => Boolean(e));
  if (entries.length === 0) return [];
  const out: PathFile[] = [];
  for (const e of entries) await walk(e, out);
  return out;
}

async function walk(entry: FileSystemEntry, out: PathFile[]): Promise<void> {
  const path = entry.fullPath.replace(/^\//, '');
  if (entry.isFile) {
    const file = await new Promise<File>((resolve, reject) => (entry as FileSystemFileEntry).file(resolve, reject));
    out.push([path, file]);
    return;
  }
  const reader = (entry as FileSystemDirectoryEntry).createReader();
  for (;;) {
    const batch = await new Promise<FileSystemEntry[]>((resolve, reject) => reader.readEntries(resolve, reject));
    if (batch.length === 0) return;
    for (const child of batch) await walk(child, out);
  }
}
