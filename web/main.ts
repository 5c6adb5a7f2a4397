// The page: pick or drop a model file or folder (or name one in the address, `?model=URL`), and
// get the command line's report, computed here by the same library — nothing leaves the machine.
// State for people and for tests: #status carries data-state (idle, reading, done, error).
import './style.css';
import { analyzeSource } from '../src/analyze-source.js';
import { UnreadableError } from '../src/errors.js';
import { useEngineWorker } from '../src/formats/hdf5/page-engine.js';
import type { ModelSource, Report } from '../src/types.js';
import { downloads } from './downloads.js';
import { graphSection } from './graph.js';
import { droppedFiles, inputFiles, readFiles, type PathFile } from './open.js';
import { openAddress } from './address.js';
import { renderReport } from './render.js';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const status = $('status');
const out = $('report');

function setState(state: 'idle' | 'reading' | 'done' | 'error', text: string): void {
  status.dataset['state'] = state;
  status.textContent = text;
}

const batchInput = $<HTMLInputElement>('batch');

/** The batch size of the compute and activation numbers (`--batch N`): a whole number from 1. */
function batch(): number {
  const n = Number(batchInput.value);
  return Number.isSafeInteger(n) && n >= 1 ? n : 1;
}

/** The model shown now, kept to count it again at another batch size. */
let shown: { what: string; source: ModelSource } | null = null;

/** Analyses a model read, then shows its report (or the one line that says why not). */
function present(what: string, source: ModelSource): void {
  let report: Report;
  try {
    report = analyzeSource(source, { batch: batch() });
  } catch (e) {
    fail(what, e);
    return;
  }
  shown = { what, source };
  out.replaceChildren(renderReport(report), graphSection(report), downloads(report));
  setState('done', `Read ${what}: ${report.verdict}.`);
}

function fail(what: string, e: unknown): void {
  shown = null;
  out.replaceChildren();
  const line = e instanceof UnreadableError || e instanceof Error ? e.message : String(e);
  setState('error', `Cannot read ${what}: ${line}`);
  if (!(e instanceof UnreadableError)) console.error(e);
}

/** Reads one model, then shows its report. */
async function show(what: string, read: () => Promise<ModelSource>): Promise<void> {
  setState('reading', `Reading ${what}…`);
  out.replaceChildren();
  let source: ModelSource;
  try {
    source = await read();
  } catch (e) {
    fail(what, e);
    return;
  }
  present(what, source);
}

batchInput.addEventListener('change', () => {
  if (shown) present(shown.what, shown.source);
});

function showFiles(files: PathFile[]): void {
  if (files.length === 0) return;
  const top = files[0]![0].split('/')[0]!;
  const what = files.length === 1 ? files[0]![0] : files.every(([p]) => p.startsWith(`${top}/`)) ? `folder ${top}` : `${files.length} files`;
  void show(what, () => readFiles(files));
}

for (const id of ['file', 'folder']) {
  const input = $<HTMLInputElement>(id);
  input.addEventListener('change', () => {
    if (input.files) showFiles(inputFiles(input.files));
    input.value = ''; // the same file picked again is read again
  });
}

const drop = $('drop');
for (const type of ['dragenter', 'dragover']) drop.addEventListener(type, (e) => {
  e.preventDefault();
  drop.classList.add('over');
});
drop.addEventListener('dragleave', () => drop.classList.remove('over'));
drop.addEventListener('drop', (e) => {
  e.preventDefault();
  drop.classList.remove('over');
  if (!e.dataTransfer) return;
  void droppedFiles(e.dataTransfer.items).then(showFiles, (err: unknown) => setState('error', `Cannot read the drop: ${String(err)}`));
});
// A file dropped anywhere else must not make the browser leave the page to show it.
for (const type of ['dragover', 'drop']) window.addEventListener(type, (e) => e.preventDefault());

const params = new URLSearchParams(location.search);

// The HDF5 engine, for a file kerascope's own HDF5 reader hands over: engine-worker.js beside the
// page, started only then. A page opened from disk may start no worker. `?h5-timeout=S`: its
// deadline per file, as KERASCOPE_H5_TIMEOUT on the command line.
if (location.protocol === 'file:') useEngineWorker(null, 'a page opened from disk cannot start it (serve the page\'s folder over HTTP instead)');
else useEngineWorker(new URL('engine-worker.js', location.href), '', Number(params.get('h5-timeout') ?? undefined));

const model = params.get('model');
if (model) void show(model, () => openAddress(model));
else setState('idle', 'No model yet: pick or drop one.');

