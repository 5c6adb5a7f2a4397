// Wrappers cost what they wrap: Bidirectional both directions and the merge; TimeDistributed the
// inner layer once per time step. Keras 3 keras/src/layers/rnn/bidirectional.py, time_distributed.py.
import type { Cfg } from '../layers/types.js';
import { CostUnknown, type CostInput, type CostRule } from './types.js';
import { add, cost, elems, input, output, times } from './util.js';

function inner(cfg: Cfg, key: string): { class_name: string; config: Cfg } | null {
  const l = cfg[key] as { class_name?: unknown; config?: unknown } | undefined;
  if (!l || typeof l.class_name !== 'string' || typeof l.config !== 'object' || l.config === null) return null;
  return { class_name: l.class_name, config: l.config as Cfg };
}

const bidirectional: CostRule = {
  classes: ['Bidirectional'],
  family: 'wrappers',
  summary: 'the forward and the backward layer, + 1 op per output element for merge_mode sum, mul or ave (2)',
  cost(i: CostInput) {
    const fwd = inner(i.config, 'layer');
    if (!fwd) throw new CostUnknown('no wrapped layer in the config');
    const bwd = inner(i.config, 'backward_layer') ?? fwd;
    const mode = i.config['merge_mode'] ?? 'concat';
    const merge = mode === 'sum' || mode === 'mul' ? 1 : mode === 'ave' ? 2 : 0;
    const out = i.outputs[0] ? elems(i.outputs[0]) : 0;
    return add(i.sub(fwd, i.inputs, []), i.sub(bwd, i.inputs, []), cost(0, merge * out));
  },
};

const timeDistributed: CostRule = {
  classes: ['TimeDistributed'],
  family: 'wrappers',
  summary: 'the wrapped layer on one time step × steps',
  cost(i: CostInput) {
    const layer = inner(i.config, 'layer');
    if (!layer) throw new CostUnknown('no wrapped layer in the config');
    const x = input(i);
    const y = output(i);
    if (x.length < 3 || y.length < 3) throw new CostUnknown('TimeDistributed needs a time axis');
    const steps = x[1]!;
    return times(i.sub(layer, [[1, ...x.slice(2)]], [[1, ...y.slice(2)]]), steps);
  },
};

export const rules: CostRule[] = [bidirectional, timeDistributed];
