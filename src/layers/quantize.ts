// Keras 3 quantized dtype policies and LoRA: which quantization mode a layer was saved with, and the
// variables it then owns instead of (or besides) its float kernel. Sources (Keras 3.15):
// keras/src/dtype_policies/dtype_policy.py (QuantizedDTypePolicy "int8_from_float32",
// Int4DTypePolicy "int4/<block_size>", QuantizedFloat8DTypePolicy amax_history_length,
// GPTQDTypePolicy, AWQDTypePolicy); keras/src/layers/core/dense.py, einsum_dense.py, embedding.py
// (`_int8_build`, `_int4_build`, `_float8_build`, `_gptq_build`, `_awq_build`, `enable_lora`,
// `variable_serialization_spec`).
import type { Cfg, ExpectedWeight } from './types.js';
import { RuleError } from './types.js';
import { weight, trainableFirst } from './util.js';

export interface Quantization {
  mode: 'int8' | 'int4' | 'float8' | 'gptq' | 'awq';
  /** int4: null = per-channel (legacy `int4` or `int4/-1`), else the sub-channel block size. gptq/awq: the group size, null = one group. */
  blockSize: number | null;
  /** gptq/awq only: bits per weight (`gptq/<bits>/<group_size>`, `awq/<bits>/<group_size>`). */
  bits: number;
  /** float8 only: length of each amax history (default 1024). */
  amaxHistory: number;
  /** The policy's name as Keras prints it: `int8_from_float32`. */
  name: string;
}

/** Reads the layer's `dtype` entry (a policy name string or a serialized DTypePolicy). */
export function quantization(config: Cfg): Quantization | null {
  const dt = config['dtype'];
  let mode: string | null = null;
  let source = 'float32';
  let amax = 1024;
  if (typeof dt === 'string') {
    const m = /^(.+)_from_(.+)$/.exec(dt);
    if (m) [mode, source] = [m[1]!, m[2]!];
  } else if (dt && typeof dt === 'object') {
    const c = ((dt as Cfg)['config'] ?? {}) as Cfg;
    if (typeof c['mode'] === 'string') mode = c['mode'];
    else if (typeof c['name'] === 'string') mode = /^(.+)_from_/.exec(c['name'])?.[1] ?? null; // Keras 3.0–3.3 wrote only the name
    if (typeof c['source_name'] === 'string') source = c['source_name'];
    if (typeof c['amax_history_length'] === 'number') amax = c['amax_history_length'];
  }
  if (mode === null) return null;
  const parts = mode.split('/');
  const base = parts[0];
  if (base !== 'int8' && base !== 'int4' && base !== 'float8' && base !== 'gptq' && base !== 'awq') return null;
  // GPTQDTypePolicy / AWQDTypePolicy: "<mode>/<weight_bits>/<group_size>"; Int4DTypePolicy: "int4/<block_size>".
  const grouped = base === 'gptq' || base === 'awq';
  const b = Number(parts[grouped ? 2 : 1] ?? -1);
  const bits = grouped ? Number(parts[1] ?? 4) : 8;
  return { mode: base, blockSize: Number.isInteger(b) && b > 0 ? b : null, bits, amaxHistory: amax, name: `${mode}_from_${source}` };
}

/** gptq/awq are only worked out for Dense; elsewhere their packed layout is refused with a reason. */
export function requireNotGrouped(q: Quantization, cls: string): void {
  if (q.mode === 'gptq' || q.mode === 'awq') throw new RuleError(`${q.mode} quantization of ${cls} is not analysed`);
}

/**
 * Dense under GPTQ / AWQ (dense.py `_gptq_build`, `_awq_build`): a uint8 kernel stored transposed,
 * (units, inputs) with two 4-bit values per byte along units, and per-group scales and zero points;
 * AWQ adds one awq_scale per input. Keras stores them bias first (variable_serialization_spec).
 */
export function groupedDenseWeights(q: Quantization, inputs: number | null, units: number): ExpectedWeight[] {
  const packed = q.bits === 4 ? Math.ceil(units / 2) : units;
  const groups = q.blockSize === null ? 1 : inputs === null ? null : Math.ceil(inputs / q.blockSize);
  const gw = `${groups ?? '?'} group${groups === 1 ? '' : 's'} of ${q.blockSize ?? 'all'} inputs`;
  const f = { trainable: false };
  const ws: ExpectedWeight[] = [
    { ...weight('kernel', [packed, inputs], `${q.name}: ${q.bits}-bit kernel, transposed${q.bits === 4 ? ', two values per byte' : ''}`, f), dtype: 'uint8' },
    weight('kernel_scale', [units, groups], `units=${units} × ${gw}`, f),
    { ...weight('kernel_zero', [units, groups], `units=${units} × ${gw}`, f), dtype: 'uint8' },
  ];
  if (q.mode === 'awq') ws.push(weight('awq_scales', [inputs], 'one AWQ scale per input', f));
  ws.push({ ...weight('g_idx', [inputs], 'group index of each input', f), dtype: 'float32' });
  return ws;
}

/**
 * The six float8 training scalars and histories (`_float8_build`): trainable float32 variables that
 * Keras overwrites with gradients. Keras writes them after kernel and bias.
 */
export function float8Weights(q: Quantization): ExpectedWeight[] {
  const h = q.amaxHistory;
  const out: ExpectedWeight[] = [];
  for (const t of ['inputs', 'kernel', 'outputs_grad']) {
    out.push({ ...weight(`${t}_scale`, [], 'float8 scale: a scalar'), dtype: 'float32' });
    out.push({ ...weight(`${t}_amax_history`, [h], `float8 amax history of ${h} steps`), dtype: 'float32' });
  }
  return out;
}

/**
 * int8/int4 variables of a 2-D `kernel` (rows, cols): the int8 tensor (int4 packs two values per
 * byte along `packAxis`) and `<kernel>_scale` per entry of `scaleAxis` (Dense: rows = inputs,
 * cols = units, both axes 1; Embedding: one scale per row, scaleAxis 0).
 */
export function intKernelWeights(q: Quantization, kernel: string, rows: number | null, cols: number, packAxis: 0 | 1, scaleAxis: 0 | 1): ExpectedWeight[] {
  const k = (n: number | null, axis: 0 | 1): number | null => (q.mode === 'int4' && packAxis === axis && n !== null ? Math.ceil(n / 2) : n);
  const kernelShape = [k(rows, 0), k(cols, 1)];
  const why = q.mode === 'int4' ? `${q.name}: two 4-bit values packed per int8` : `${q.name}: int8 copy of the kernel`;
  const out: ExpectedWeight[] = [{ ...weight(kernel, kernelShape, why, { trainable: false }), dtype: 'int8' }];
  const perChannel = scaleAxis === 1 ? cols : rows;
  const other = scaleAxis === 1 ? rows : cols;
  if (q.mode === 'int4' && q.blockSize !== null) {
    // Sub-channel int4: one scale and one zero point per block of `block_size` along the other axis.
    const groups = other === null ? null : Math.ceil(other / q.blockSize);
    const s = scaleAxis === 1 ? [groups, perChannel] : [perChannel, groups];
    out.push(weight(`${kernel}_scale`, s, `${groups ?? '?'} groups of ${q.blockSize} × ${perChannel ?? '?'}`, { trainable: false }));
    out.push({ ...weight(`${kernel}_zero`, s, 'int4 zero point per group', { trainable: false }), dtype: 'int8' });
    out.push({ ...weight('g_idx', [other], 'group index of each row', { trainable: false }), dtype: 'float32' });
  } else {
    out.push(weight(`${kernel}_scale`, [perChannel], `one scale per ${perChannel ?? '?'} output channels`, { trainable: false }));
  }
  return out;
}

/** Attaches Keras 3 `vars` indices in the given serialization order (names not listed keep none). */
export function withStoreOrder(ws: ExpectedWeight[], order: string[]): ExpectedWeight[] {
  const present = order.filter((n) => ws.some((w) => w.name === n));
  return ws.map((w) => {
    const i = present.indexOf(w.name);
    return i >= 0 ? { ...w, storeIndex: i } : w;
  });
}

/**
 * LoRA (`lora_rank` in the config; Keras 3 dense.py / einsum_dense.py / embedding.py `enable_lora`,
 * run again by build() on load): lora_<kernel>_a (kernel dims but the last, rank) and
 * lora_<kernel>_b (rank, last kernel dim), trainable, while the kernel is frozen. Keras counts them
 * and the legacy .h5 stores them; the Keras 3 store keeps only kernel and bias (the factors merged
 * into the kernel), so they carry `inKeras3Store: false` and the kernel/bias keep vars/0 and vars/1.
 */
export function lora(config: Cfg, kernel: string, ws: ExpectedWeight[]): ExpectedWeight[] {
  const rank = config['lora_rank'];
  const k = ws.find((w) => w.name === kernel);
  if (typeof rank !== 'number' || rank <= 0 || !k) return ws;
  const kShape: (number | null)[] = k.shape ?? [null, null];
  const prefix = kernel === 'embeddings' ? 'lora_embeddings' : 'lora_kernel';
  const why = `lora_rank=${rank}, re-created on load (the Keras 3 store merges it into ${kernel})`;
  const factors = [
    { ...weight(`${prefix}_a`, [...kShape.slice(0, -1), rank], why), inKeras3Store: false as const },
    { ...weight(`${prefix}_b`, [rank, kShape[kShape.length - 1] ?? null], why), inKeras3Store: false as const },
  ];
  const frozen = ws.map((w) => (w.name === kernel ? { ...w, trainable: false, why: `${w.why} (frozen by LoRA)` } : w));
  return trainableFirst(withStoreOrder([...frozen, ...factors], [kernel, 'bias']));
}
