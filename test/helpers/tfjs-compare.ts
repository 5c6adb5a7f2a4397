// Compares kerascope's report of a tfjs-saved model with what tfjs itself says of every layer:
// outputShape, countParams(), and each weight's shape and trainable flag, in order.
import type * as TF from '@tensorflow/tfjs';
import type { LayerReport, Report, Shape } from '../../src/types.js';
import type { Layer } from './tfjs-gen.js';

type Out = Shape | Shape[] | null;

/**
 * tfjs's output shape of a layer. `outputShape` throws for a layer called more than once with
 * different shapes and for a nested model (its own input node plus the outer call); Keras's summary
 * then shows the last call, so take the last inbound node.
 */
export function tfjsOutputShape(layer: Layer): Out {
  try {
    return layer.outputShape as Out;
  } catch {
    return nodeShapes(layer).at(-1)!;
  }
}

/** One output shape per call of the layer (a shared layer has several). */
function nodeShapes(layer: Layer): Out[] {
  const nodes = (layer as unknown as { inboundNodes: { outputShapes: Shape[] }[] }).inboundNodes;
  return nodes.map((n) => (n.outputShapes.length === 1 ? n.outputShapes[0]! : n.outputShapes));
}

function isModel(layer: Layer): layer is TF.LayersModel {
  return Array.isArray((layer as unknown as { layers?: unknown }).layers);
}

/** tfjs's Sequential.layers lists an InputLayer that its saved config (and Keras's Sequential.layers) leaves out. */
function comparable(model: TF.LayersModel): Layer[] {
  const seq = model.getClassName() === 'Sequential';
  return model.layers.filter((l) => !(seq && l.getClassName() === 'InputLayer'));
}

const j = JSON.stringify;

function compareLayer(l: Layer, rl: LayerReport, where: string, out: string[]): void {
  const cls = `${where}${l.name} (${l.getClassName()})`;
  if (rl.className !== l.getClassName()) out.push(`${cls}: kerascope class ${rl.className}`);
  const shape = tfjsOutputShape(l);
  if (j(shape) !== j(rl.outputShape)) out.push(`${cls}: output shape tfjs ${j(shape)}, kerascope ${j(rl.outputShape)}`);
  if (l.countParams() !== rl.params) out.push(`${cls}: params tfjs ${l.countParams()}, kerascope ${rl.params}`);
  const trainable = l.trainableWeights.reduce((a, w) => a + w.shape.reduce((p: number, d) => p * (d ?? NaN), 1), 0);
  if (trainable !== rl.trainableParams) out.push(`${cls}: trainable params tfjs ${trainable}, kerascope ${rl.trainableParams}`);
  const calls = nodeShapes(l);
  if (!isModel(l) && calls.length > 1 && j(calls) !== j(rl.outputShapes)) out.push(`${cls}: shapes per call tfjs ${j(calls)}, kerascope ${j(rl.outputShapes)}`);
  if (isModel(l)) {
    compareLayers(l, rl.layers ?? [], `${where}${l.name}/`, out);
    return;
  }
  // A frozen layer keeps its variables' own trainable flag in tfjs; what counts is trainableWeights.
  const tw = l.weights.map((w) => [w.shape, l.trainableWeights.includes(w)]);
  const expected = rl.weights.map((w) => [w.expectedShape, w.trainable]);
  const stored = rl.weights.map((w) => [w.storedShape, w.trainable]);
  if (j(expected) !== j(tw)) out.push(`${cls}: weights tfjs ${j(tw)}, kerascope expects ${j(expected)}`);
  if (j(stored) !== j(tw)) out.push(`${cls}: weights tfjs ${j(tw)}, kerascope read ${j(stored)}`);
  const bad = rl.weights.filter((w) => w.status !== 'ok');
  if (bad.length) out.push(`${cls}: weight status ${bad.map((w) => `${w.name} ${w.status}`).join(', ')}`);
}

function compareLayers(model: TF.LayersModel, layers: LayerReport[], where: string, out: string[]): void {
  const mine = comparable(model);
  const names = (xs: { name: string }[]) => xs.map((x) => x.name).join(', ');
  if (names(mine) !== names(layers)) out.push(`${where || 'model'}: layers tfjs [${names(mine)}], kerascope [${names(layers)}]`);
  for (const l of mine) {
    const rl = layers.find((x) => x.name === l.name);
    if (rl) compareLayer(l, rl, where, out);
  }
}

/** Every disagreement between kerascope's report and tfjs's own model, one line each. */
export function compareWithTfjs(model: TF.LayersModel, report: Report): string[] {
  const out: string[] = [];
  compareLayers(model, report.layers, '', out);
  if (report.totals.params !== model.countParams()) out.push(`total params tfjs ${model.countParams()}, kerascope ${report.totals.params}`);
  if (report.totals.storedParams !== model.countParams()) out.push(`stored params ${report.totals.storedParams}, tfjs ${model.countParams()}`);
  if (report.verdict !== 'consistent') out.push(`verdict ${report.verdict}`);
  for (const f of report.findings.filter((x) => x.severity === 'error')) out.push(`finding ${f.code}: ${f.message}`);
  return out;
}

/** Class names in a model, nested models and wrapped layers included (`Bidirectional(LSTM)` counts LSTM too). */
export function classesIn(model: TF.LayersModel, into: Map<string, number>): void {
  const add = (c: string) => into.set(c, (into.get(c) ?? 0) + 1);
  for (const l of model.layers) {
    add(l.getClassName());
    const inner = (l as unknown as { layer?: Layer; forwardLayer?: Layer }).forwardLayer ?? (l as unknown as { layer?: Layer }).layer;
    if (inner) add(inner.getClassName());
    if (isModel(l)) classesIn(l, into);
  }
}
