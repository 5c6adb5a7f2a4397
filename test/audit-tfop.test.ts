// tf.keras TFOpLambda / SlicingOpLambda / ClassMethod layers are flagged by the TF function they
// name (issue 10, item 7): tf.keras looks the name up while loading and calls it with the stored
// arguments. The real file is tf.keras's own to_json() (fixtures/tf-op-lambda/generate.py); the
// write attack is hand-written (tf.keras cannot record tf.io.write_file), as `npm run attack` row 7.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { analyze } from '../src/index.js';
import { classifyTfOp, tfOpFinding } from '../src/audit/tfop.js';
import { writeTfOpLambda } from '../fixtures/attack/configs.js';
import type { Finding } from '../src/types.js';

const FIX = join(import.meta.dirname, '../fixtures/tf-op-lambda');
interface Truth {
  op_layers: { name: string; class_name: string; function: string }[];
  keras3_load: Record<string, string>;
}
const truth = JSON.parse(readFileSync(join(FIX, 'truth.json'), 'utf8')) as Truth;
const dir = mkdtempSync(join(tmpdir(), 'kerascope-tfop-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const security = (fs: Finding[]): Finding[] => fs.filter((f) => f.category === 'security');

describe('a tf.keras model with tf.* calls (its own to_json)', () => {
  it('every op layer tf.keras wrote is flagged, by the function it stored', async () => {
    const fs = security((await analyze(join(FIX, 'model.json'))).findings);
    expect(truth.op_layers).toHaveLength(5);
    for (const op of truth.op_layers) {
      const f = fs.find((x) => x.layer === op.name);
      expect(f?.message, op.name).toContain(`${op.class_name} layer "${op.name}" calls tf.${op.function}`);
    }
    const byLayer = Object.fromEntries(fs.map((f) => [f.layer, `${f.severity} ${f.code}`]));
    expect(byLayer).toEqual({
      'tf.io.matching_files': 'high tf-op-dangerous', // lists the file system
      'tf.math.multiply': 'info tf-op-call',
      'tf.strings.reduce_join': 'info tf-op-call',
      'tf.__operators__.getitem': 'info tf-op-call',
      'tf.io.decode_raw': 'info tf-op-call', // an io function that only computes
    });
  });

  it('says Keras 3 refuses the file, as Keras 3.15.1 does for each of these layers', async () => {
    for (const said of Object.values(truth.keras3_load)) expect(said).toMatch(/^TypeError: Could not locate class '(TFOpLambda|SlicingOpLambda)'/);
    const fs = security((await analyze(join(FIX, 'model.json'))).findings);
    for (const f of fs) expect(f.message).toMatch(/Keras 3 has no such class and refuses the file\.$/);
  });
});

describe('the attack: a TFOpLambda calling tf.io.write_file', () => {
  it('is a high finding naming the function', async () => {
    const file = join(dir, 'tfoplambda.json');
    writeTfOpLambda(file);
    const fs = security((await analyze(file)).findings);
    expect(fs.map((f) => `${f.severity} ${f.code} ${f.layer}`)).toEqual(['high tf-op-dangerous tf.io.write_file']);
    expect(fs[0]!.message).toContain('calls tf.io.write_file, which reads or writes files');
  });
});

describe('classifying the TF API name', () => {
  it.each([
    ['py_function', 'high'], ['numpy_function', 'high'], ['compat.v1.py_func', 'high'], ['raw_ops.EagerPyFunc', 'high'],
    ['io.write_file', 'high'], ['tf.io.gfile.remove', 'high'], ['compat.v1.gfile.GFile', 'high'], ['raw_ops.WriteFile', 'high'],
    ['summary.text', 'high'], ['data.TFRecordDataset', 'high'], ['saved_model.load', 'high'], ['load_op_library', 'high'],
    ['distribute.cluster_resolver.TPUClusterResolver', 'high'], ['rpc_client', 'high'],
    ['math.add', 'info'], ['__operators__.getitem', 'info'], ['nn.relu6', 'info'], ['concat', 'info'], ['io.decode_png', 'info'],
    ['compat.v1.math.add', 'info'], ['print', 'info'],
    ['raw_ops.MatMul', 'medium'], ['experimental.dispatch_for_api', 'medium'], ['Variable', 'medium'], ['while_loop', 'medium'],
  ])('%s: %s', (name, severity) => {
    expect(classifyTfOp(name).severity).toBe(severity);
  });

  const visit = (node: Record<string, unknown>) => tfOpFinding({ node, layer: 'op', isLayer: true, isRoot: false, key: 'layers', keys: Object.keys(node) });

  it('tf.print is high when its output stream is a file', () => {
    const layer = (stream: string) => ({ class_name: 'TFOpLambda', config: { name: 'op', function: 'print' }, inbound_nodes: [['x', 0, 0, { output_stream: stream }]] });
    expect(visit(layer('file:///home/u/.bashrc'))?.severity).toBe('high');
    expect(visit(layer('sys.stderr'))?.severity).toBe('info');
  });

  it('ClassMethod is named by its class and method; a layer naming no function is medium', () => {
    const cm = visit({ class_name: 'ClassMethod', config: { name: 'op', cls_symbol: 'io.TFRecordWriter', method_name: 'write' } });
    expect([cm?.severity, cm?.message]).toEqual(['high', expect.stringContaining('calls tf.io.TFRecordWriter.write')]);
    expect(visit({ class_name: 'TFOpLambda', config: { name: 'op', function: { class_name: 'x' } } })?.code).toBe('tf-op-unknown');
    expect(visit({ class_name: 'Dense', config: { name: 'op', function: 'io.write_file' } })).toBeNull();
  });
});
