// tf.keras TFOpLambda / SlicingOpLambda / ClassMethod layers: a tf.* call recorded inside a
// Functional model. The config stores only the TF API name of the function (`"function":
// "io.write_file"`; ClassMethod: `cls_symbol` and `method_name`); tf.keras resolves that name with
// tf_export.get_symbol_from_name, which knows every exported name including `compat.v1.*` and
// `raw_ops.*`, and calls the function with the arguments stored in the layer's inbound node while it
// rebuilds the model (tensorflow/python/keras/layers/core.py TFOpLambda.from_config and
// ClassMethod.from_config; tf_keras/layers/core/tf_op_layer.py). So the name says what loading runs.
// Keras 3 has none of these classes and refuses such a file ("Could not locate class").
import type { Finding } from '../types.js';
import { finding } from './finding.js';
import type { Obj, Visit } from './walk.js';

export const TF_OP_CLASSES = new Set(['TFOpLambda', 'SlicingOpLambda', 'ClassMethod']);

const KERAS3 = 'tf.keras 2.x looks it up by name while loading and calls it with the arguments stored in the file; Keras 3 has no such class and refuses the file';

/** Names (after `tf.` and `compat.v1.` are taken off) that reach files, processes, the network or Python. */
const DANGER: [RegExp, string][] = [
  [/^(py_function|numpy_function|py_func|script_ops\.)|^raw_ops\.(Eager)?PyFunc/, 'runs Python code'],
  [/^(load_library|load_op_library|import_graph_def|saved_model\.)|^raw_ops\.LoadLibrary/, 'loads code or a graph from a file'],
  [/^(io\.|gfile\.|summary\.|data\.|train\.|debugging\.experimental\.|lookup\.(TextFileInitializer|experimental\.DatasetInitializer))/, 'reads or writes files'],
  [/^raw_ops\.\w*(File|Save|Restore|Summary|Reader|Writer|Dataset|Checkpoint)/, 'reads or writes files'],
  [/^(distribute\.|tpu\.|rpc_|experimental\.rpc\.|config\.experimental_connect_to_)|^raw_ops\.\w*Rpc/, 'reaches the network or other processes'],
];

/** io.* functions that only transform tensors in memory (tf.io.decode_png, parse_example…). */
const PURE_IO = /^io\.(decode_|encode_|parse_|serialize_|extract_jpeg_shape|is_jpeg)/;

/** Namespaces of ops that compute on tensors in memory only. */
const PURE_SPACE = /^(__operators__|math|nn|linalg|signal|image|strings|bitwise|random|sparse|ragged|sets|dtypes|experimental\.numpy)\./;

/** Top-level tf.* functions that compute on tensors in memory only. */
const PURE_TOP = new Set(
  ('abs acos acosh add add_n argmax argmin argsort asin asinh atan atan2 atanh batch_to_space bitcast boolean_mask broadcast_to ' +
    'cast clip_by_global_norm clip_by_norm clip_by_value complex concat cos cosh cumsum divide dynamic_partition dynamic_stitch ' +
    'edit_distance einsum ensure_shape equal exp expand_dims extract_volume_patches eye fill floor gather gather_nd greater ' +
    'greater_equal histogram_fixed_width identity identity_n less less_equal linspace logical_and logical_not logical_or ' +
    'matmul maximum meshgrid minimum multiply negative norm not_equal one_hot ones ones_like pad parallel_stack pow range rank ' +
    'realdiv reduce_all reduce_any reduce_logsumexp reduce_max reduce_mean reduce_min reduce_prod reduce_sum repeat reshape ' +
    'reverse reverse_sequence roll round saturate_cast scalar_mul scatter_nd searchsorted sequence_mask shape shape_n sigmoid ' +
    'sign sin sinh size slice sort space_to_batch space_to_batch_nd split sqrt square squeeze stack stop_gradient strided_slice ' +
    'subtract tan tanh tensor_scatter_nd_add tensor_scatter_nd_max tensor_scatter_nd_min tensor_scatter_nd_sub ' +
    'tensor_scatter_nd_update tensordot tile transpose truediv truncatediv truncatemod unique unique_with_counts ' +
    'unravel_index unstack where zeros zeros_like print').split(' '), // print: to standard error (a file:// stream is caught apart)
);

type Kind = { severity: 'high'; why: string } | { severity: 'medium' } | { severity: 'info' };

/** `io.write_file` for `tf.compat.v1.io.write_file`, `tf.io.write_file`, `io.write_file`. */
export function bareOpName(name: string): string {
  return name.replace(/^tf\./, '').replace(/^compat\.v[12]\./, '');
}

/** What calling the TF API function `name` can do. */
export function classifyTfOp(name: string): Kind {
  const bare = bareOpName(name);
  for (const [re, why] of DANGER) if (re.test(bare) && !PURE_IO.test(bare)) return { severity: 'high', why };
  if (PURE_IO.test(bare) || PURE_SPACE.test(bare) || PURE_TOP.has(bare)) return { severity: 'info' };
  return { severity: 'medium' };
}

/** tf.print writes to a file when its `output_stream` is a `file://` path. */
function printsToFile(layer: Obj): boolean {
  return JSON.stringify(layer.inbound_nodes ?? null).includes('"file://');
}

/** The TF API name a TFOpLambda / SlicingOpLambda / ClassMethod layer calls, or null when it stores none. */
function opName(cls: string, cfg: Obj): string | null {
  if (cls === 'ClassMethod') {
    return typeof cfg.cls_symbol === 'string' && typeof cfg.method_name === 'string' ? `${cfg.cls_symbol}.${cfg.method_name}` : null;
  }
  return typeof cfg.function === 'string' ? cfg.function : null;
}

/** The finding for one layer dict `{class_name: "TFOpLambda", config: {...}}` (visited as a layer). */
export function tfOpFinding(v: Visit): Finding | null {
  const n = v.node;
  const cls = n.class_name;
  if (typeof cls !== 'string' || !TF_OP_CLASSES.has(cls)) return null;
  const cfg = typeof n.config === 'object' && n.config !== null && !Array.isArray(n.config) ? (n.config as Obj) : {};
  const name = opName(cls, cfg);
  const who = `${cls} layer ${JSON.stringify(v.layer ?? '?')}`;
  if (name === null) {
    return finding('medium', 'tf-op-unknown', v.layer, `${who} names no TF function kerascope can read; ${KERAS3}.`);
  }
  const call = `calls tf.${bareOpName(name)}${name.startsWith('compat.') || name.startsWith('tf.compat.') ? ` (stored as ${JSON.stringify(name)})` : ''}`;
  const kind = bareOpName(name) === 'print' && printsToFile(n) ? ({ severity: 'high', why: 'writes to a file (a file:// output stream)' } as const) : classifyTfOp(name);
  if (kind.severity === 'high') {
    return finding('high', 'tf-op-dangerous', v.layer, `${who} ${call}, which ${kind.why}; ${KERAS3}.`);
  }
  if (kind.severity === 'medium') {
    return finding('medium', 'tf-op-unknown', v.layer, `${who} ${call}, a TF function kerascope does not know to be pure computation; ${KERAS3}.`);
  }
  return finding('info', 'tf-op-call', v.layer, `${who} ${call}, pure computation on tensors; ${KERAS3}.`);
}
