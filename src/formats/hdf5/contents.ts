// What an HDF5 payload holds, read from an open file: the layout detected, the config and
// weights listed, the audit's objects found. The same walk for both readers (native/types.ts
// H5Reader): the native one in the main thread, the engine in its worker.
import { UnreadableError } from '../../errors.js';
import { findingOf } from '../../findings.js';
import type { Finding, FormatId, H5ObjectIssue, StoredWeights } from '../../types.js';
import { jsonTextTooBig, oneLine } from '../text.js';
import { datasetIssues, linkIssues, markExternalDatasets } from './audit.js';
import { readChunkedAttr, walkKeras3, walkLegacy, walkLegacyOptimizer, type WalkResult } from './layout.js';
import type { BlockCache, H5Reader } from './native/index.js';
import { text } from './values.js';
import { append } from '../../append.js';

/** What an HDF5 payload holds, wherever it sits (a host file, or a zip member served in place). */
export interface H5Contents {
  format: Extract<FormatId, 'h5-model' | 'h5-weights' | 'keras3-weights'>;
  kerasVersion: string | null;
  backend: string | null;
  config: unknown | null;
  trainingConfig: unknown | null;
  weights: StoredWeights | null;
  issues: H5ObjectIssue[];
  findings: Finding[];
}

/**
 * Detects the layout and reads it. `size` is the payload size (for the shape-bomb check).
 * `inArchive`: the weights member of a `.keras`, which is a Keras 3 store even when empty.
 * `payload`: opens the payload's bytes, for what the engine does not expose (external raw data).
 */
export function readContents(f: H5Reader, file: string, size: number, inArchive = false, payload?: () => BlockCache): H5Contents {
  const rootAttrs = f.attrNames('/');
  const has = (n: string) => rootAttrs.includes(n) || rootAttrs.includes(`${n}0`);
  const paths = f.paths('/');
  const top = new Set(paths.filter((p) => !p.includes('/')));
  let format: H5Contents['format'];
  let walk: WalkResult;
  if (has('model_config') || (top.has('model_weights') && !has('layer_names'))) {
    format = 'h5-model';
    walk = top.has('model_weights') ? walkLegacy(f, 'model_weights') : emptyWalk();
    if (top.has('optimizer_weights')) walkLegacyOptimizer(f, walk);
  } else if (has('layer_names')) {
    format = 'h5-weights';
    walk = walkLegacy(f, '/', rootAttrs);
  } else if (inArchive || [...top].some((t) => /^(layers|vars|_layer_checkpoint_dependencies|optimizer)($|\\)/.test(t))) {
    format = 'keras3-weights';
    walk = walkKeras3(f, paths);
  } else {
    throw new UnreadableError(file, 'HDF5 file but not a Keras file (no model_config, layer_names or layers/ group)');
  }
  const attr = (name: string) => (has(name) ? text(readChunkedAttr(f, '/', name, rootAttrs) ?? null) : null);
  const findings: Finding[] = walk.problems.map((message) => ({
    severity: 'warning',
    code: 'h5-unreadable-object',
    category: 'format',
    layer: null,
    message,
  }));
  const config = format === 'h5-model' ? parseJsonAttr(attr('model_config'), 'model_config', findings) : null;
  const trainingConfig = format === 'h5-model' ? parseJsonAttr(attr('training_config'), 'training_config', findings) : null;
  const kerasVersion = attr('keras_version');
  const backend = attr('backend');
  const weightsRoot = format === 'h5-model' ? 'model_weights' : '/';
  const weights: StoredWeights | null =
    format === 'h5-model' && !top.has('model_weights')
      ? null
      : {
          layout: format === 'keras3-weights' ? 'keras3' : 'legacy',
          file,
          groups: walk.groups,
          optimizer: walk.optimizer,
          ...(walk.metrics?.length ? { metrics: walk.metrics } : {}),
          kerasVersion: weightsRoot === '/' ? kerasVersion : groupText(f, weightsRoot, 'keras_version'),
          backend: weightsRoot === '/' ? backend : groupText(f, weightsRoot, 'backend'),
        };
  append(findings, storeNotes(walk));
  if (payload) markExternalDatasets(f, walk.datasets, payload);
  const issues = [...linkIssues(f, paths, walk.datasets), ...datasetIssues(walk.datasets, size)];
  return { format, kerasVersion, backend, config, trainingConfig, weights, issues, findings };
}

/** What a reader of the Keras 3 store says about how it was written: on Windows, with metric state. */
function storeNotes(walk: WalkResult): Finding[] {
  const out: Finding[] = [];
  if (walk.windowsPaths) {
    out.push(findingOf('store-windows-paths', null, 'the weights store was written on Windows: its group names use \\ as the separator (tf.keras joined them with os.path.join), read here as /'));
  }
  const metrics = walk.metrics ?? [];
  if (metrics.length) {
    const values = metrics.reduce((t, s) => t + s.shape.reduce((a, b) => a * b, 1), 0);
    out.push(findingOf('store-metrics', null, `the weights store also keeps the state of compiled metrics (${metrics.length} tensors, ${values} values under metrics/): not model parameters, neither matched nor counted`));
  }
  return out;
}

function emptyWalk(): WalkResult {
  return { groups: [], optimizer: [], datasets: [], problems: [] };
}

function groupText(f: H5Reader, path: string, name: string): string | null {
  try {
    return text(f.attr(path, name));
  } catch {
    return null;
  }
}

/** JSON.parse, refused unparsed past the JSON limits (MAX_JSON_VALUES: a lie in the file costs nothing). */
function parseBounded(text: string, name: string): unknown {
  const big = jsonTextTooBig(text);
  if (big) throw new JsonTooBig(`root attribute ${name}: ${big}`);
  return JSON.parse(text);
}

/** A config attribute past the JSON limits: an error finding, the weights still listed. */
class JsonTooBig extends Error {}

/**
 * `model_config` / `training_config`: JSON text, sometimes a JSON string holding the JSON.
 * Unparseable text is a finding, not a crash: the weights can still be listed.
 */
function parseJsonAttr(raw: string | null, name: string, findings: Finding[]): unknown | null {
  if (raw === null) return null;
  try {
    let v: unknown = parseBounded(raw, name);
    if (typeof v === 'string') v = parseBounded(v, name);
    return v;
  } catch (e) {
    findings.push({
      severity: 'error',
      code: 'h5-bad-json-attribute',
      category: 'format',
      layer: null,
      message: e instanceof JsonTooBig ? e.message : `root attribute ${name} is not valid JSON (${oneLine(e)})`,
    });
    return null;
  }
}

