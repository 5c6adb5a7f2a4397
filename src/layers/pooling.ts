// Family: pooling. See src/layers/types.ts for the rule contract and src/layers/core.ts for an example.
import type { LayerRule } from './types.js';

export const rules: LayerRule[] = [];
