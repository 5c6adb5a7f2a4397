// Compares a kerascope Report with a truth.json entry written by Keras itself (fixtures/keras or
// ../shared/keras3-zoo: same schema). Returns every disagreement as one line, so a test can show
// them all at once and a listed deviation can prove it still deviates.
import type { LayerReport, Report, WeightReport } from '../../src/types.js';
import type { TruthLayer, TruthModel, TruthWeight } from './zoo.js';

const show = (v: unknown): string => JSON.stringify(v);

function same(out: string[], where: string, what: string, ours: unknown, keras: unknown): void {
  if (show(ours) !== show(keras)) out.push(`${where} ${what}: kerascope ${show(ours)}, Keras ${show(keras)}`);
}

/** Keras's variable name without the layer path: `lstm/lstm_cell/kernel` → `kernel`. */
const leaf = (path: string): string => path.slice(path.lastIndexOf('/') + 1);

/** Our weight rows matched one to one with Keras's variables by (variable name, shape, trainable). */
function compareWeights(out: string[], where: string, ours: WeightReport[], truth: TruthWeight[], stored: boolean, unknownClass: boolean): void {
  // A class with no rule expects nothing: its stored tensors are listed with their stored shapes.
  const shapeOf = (w: WeightReport): number[] | null => (unknownClass ? w.storedShape : w.expectedShape);
  const left = [...ours];
  for (const t of truth) {
    // The Keras 3 store keeps a variable's position (vars/N), not its name: then the next in order.
    const i = left.findIndex((w) => (leaf(w.name) === leaf(t.path) || (unknownClass && /^\d+$/.test(w.name))) && show(shapeOf(w)) === show(t.shape));
    if (i < 0) {
      const named = ours.filter((w) => leaf(w.name) === leaf(t.path)).map((w) => `${w.name} ${show(shapeOf(w))}`);
      out.push(`${where} weight ${t.path} ${show(t.shape)}: no expected tensor of that name and shape (kerascope: ${named.join(', ') || 'none of that name'})`);
      continue;
    }
    const w = left.splice(i, 1)[0]!;
    // A class with no rule: whether Keras trains the tensor is in its code, so it is not guessed.
    if (unknownClass) same(out, where, `${t.path} trainability (Keras: ${t.trainable}; not in the file)`, w.trainableUnknown, true);
    else same(out, where, `${t.path} trainable`, w.trainable, t.trainable);
    if (stored) {
      // Stored and listed, but not checked against anything: no rule says what the class owns.
      same(out, where, `${t.path} status`, w.status, unknownClass ? 'unverified' : 'ok');
      same(out, where, `${t.path} stored dtype`, w.storedDtype, t.dtype);
    }
  }
  for (const w of left) out.push(`${where} weight ${w.name} ${show(shapeOf(w))}: expected by kerascope, not a Keras variable`);
}

export interface CompareOptions {
  /** Weights were read: every tensor must be matched and stored with Keras's dtype. */
  stored: boolean;
}

export interface ReportOptions extends CompareOptions {
  /** The file holds optimizer state to count (`optimizer_params`). */
  optimizer: boolean;
  /** Elements the file physically stores for the model (optimizer excluded), when weights were read. */
  storedParams?: number;
}

export function compareLayers(out: string[], ours: LayerReport[], truth: TruthLayer[], where: string, opts: CompareOptions): void {
  const names = new Set(truth.map((t) => t.name));
  // Keras does not list a Sequential's implicit InputLayer; kerascope may: it is no disagreement.
  const listed = ours.filter((l) => names.has(l.name) || l.className !== 'InputLayer').map((l) => l.name);
  same(out, where || '(model)', 'layer names', listed, truth.map((t) => t.name));
  for (const t of truth) {
    const l = ours.find((x) => x.name === t.name);
    if (!l) continue;
    const at = `${where}${t.name}`;
    same(out, at, 'className', l.className, t.class_name);
    same(out, at, 'outputShape', l.outputShape, t.output_shape);
    if (t.output_shapes) same(out, at, 'outputShapes (per call)', l.outputShapes, t.output_shapes);
    // No rule for the class (and only then): every parameter is of unknown trainability, none guessed;
    // without stored weights nothing counts them at all.
    const unknownClass = l.status === 'unknown-class' && !l.layers;
    if (unknownClass && !opts.stored) {
      same(out, at, 'params, paramsUnknown (no rule, no weights stored)', [l.params, l.paramsUnknown], [0, true]);
      same(out, at, 'className', l.className, t.class_name);
      continue;
    }
    same(out, at, 'params', l.params, t.params);
    if (unknownClass) same(out, at, 'unknownTrainabilityParams, trainableParams, nonTrainableParams', [l.unknownTrainabilityParams, l.trainableParams, l.nonTrainableParams], [t.params, 0, 0]);
    else {
      same(out, at, 'trainableParams', l.trainableParams, t.trainable_params);
      same(out, at, 'nonTrainableParams', l.nonTrainableParams, t.non_trainable_params);
      if (l.unknownTrainabilityParams !== undefined) out.push(`${at} unknownTrainabilityParams ${l.unknownTrainabilityParams}: a class with a rule must know its split`);
    }
    same(out, at, 'trainable', l.trainable, t.trainable);
    if (t.layers) compareLayers(out, l.layers ?? [], t.layers, `${at}/`, opts);
    else compareWeights(out, at, l.weights, t.weights, opts.stored, unknownClass);
  }
}

interface Share { params: number; trainable: number; nonTrainable: number }

/** Keras's counts for the layers kerascope reports with no rule (status `unknown-class`), nested ones included. */
function unknownShare(ours: LayerReport[], truth: TruthLayer[]): Share {
  const share: Share = { params: 0, trainable: 0, nonTrainable: 0 };
  for (const t of truth) {
    const l = ours.find((x) => x.name === t.name);
    if (!l) continue;
    const sub = l.status === 'unknown-class' && !l.layers ? { params: t.params, trainable: t.trainable_params, nonTrainable: t.non_trainable_params } : t.layers ? unknownShare(l.layers ?? [], t.layers) : null;
    if (!sub) continue;
    share.params += sub.params;
    share.trainable += sub.trainable;
    share.nonTrainable += sub.nonTrainable;
  }
  return share;
}

/** Every disagreement between a report and Keras's truth for one model. */
export function compareReport(r: Report, m: TruthModel, opts: ReportOptions): string[] {
  const out: string[] = [];
  const errors = r.findings.filter((f) => f.severity === 'error');
  for (const f of errors) out.push(`finding ${f.severity} ${f.code}: ${f.message}`);
  same(out, '(model)', 'verdict', r.verdict, opts.stored ? 'consistent' : 'unverified');
  same(out, '(model)', 'name', r.model?.name, m.model_name);
  same(out, '(model)', 'className', r.model?.className, m.model_class);
  // Parameters of unknown trainability (classes with no rule) are Keras's, split as Keras knew it;
  // without stored weights they are not counted at all.
  const unknown = unknownShare(r.layers, m.layers);
  const counted = opts.stored ? unknown.params : 0;
  same(out, '(model)', 'totals.params', r.totals.params, m.total_params - unknown.params + counted);
  same(out, '(model)', 'totals.unknownTrainabilityParams', r.totals.unknownTrainabilityParams, counted);
  same(out, '(model)', 'totals.trainableParams', r.totals.trainableParams, m.trainable_params - unknown.trainable);
  same(out, '(model)', 'totals.nonTrainableParams', r.totals.nonTrainableParams, m.non_trainable_params - unknown.nonTrainable);
  if (opts.optimizer) same(out, '(model)', 'totals.optimizerParams', r.totals.optimizerParams, m.optimizer_params);
  if (opts.storedParams !== undefined) same(out, '(model)', 'totals.storedParams (Keras: elements the file holds)', r.totals.storedParams, opts.storedParams);
  compareLayers(out, r.layers, m.layers, '', opts);
  return out;
}
