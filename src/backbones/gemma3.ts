// Gemma 3: keras_hub/src/models/gemma3/gemma3_backbone.py, gemma3_decoder_block.py,
// gemma3_attention.py. Gemma's layout with full-width gating kernels (gate_dim_reduction=1), RMS
// norms over each query and key head (use_query_key_norm, default True), and optionally a vision
// encoder (a Keras model of its own, listed and counted, not verified here) and an embedding head
// (is_embedding_model: two Dense layers without bias after mean pooling).
import { toSnakeCase } from '../keras/naming.js';
import { gemmaArgs, gemmaBlocks } from './gemma.js';
import { block, dense, flag, layerList, size } from './parts.js';
import type { Args, BackboneLayout, BackboneRule, OpaquePart } from './types.js';

function visionEncoder(args: Args): OpaquePart[] {
  const v = args['vision_encoder'];
  if (v === undefined || v === null) return [];
  const cls = typeof v === 'object' && !Array.isArray(v) && typeof (v as Args)['class_name'] === 'string' ? ((v as Args)['class_name'] as string) : 'Gemma3VisionEncoder';
  return [{ name: 'vision_encoder', className: cls, store: `layers/${toSnakeCase(cls)}`, reason: 'the vision encoder is not verified tensor by tensor: its stored tensors are listed and counted' }];
}

function gemma3(args: Args): BackboneLayout {
  const a = gemmaArgs(args, (n) => ['intermediate_dim', n], flag(args, 'use_query_key_norm', true));
  const next = layerList();
  const blocks = gemmaBlocks(a, 'Gemma3DecoderBlock', next);
  if (flag(args, 'is_embedding_model', false)) {
    const hidden: [string, number] = ['hidden_dim', a.block.hidden];
    const pooling: [string, number] = ['pooling_intermediate_dim', size(args, 'pooling_intermediate_dim')];
    const embedding: [string, number] = ['embedding_dim', size(args, 'embedding_dim')];
    blocks.push(block('pooling_dense_1', 'Dense', [null, pooling[1]], [dense('pooling', '', next('Dense'), hidden, pooling, false)]));
    blocks.push(block('embedding_projection', 'Dense', [null, embedding[1]], [dense('projection', '', next('Dense'), pooling, embedding, false)]));
  }
  return { blocks, opaque: visionEncoder(args) };
}

export const rules: BackboneRule[] = [
  {
    classes: ['Gemma3Backbone'],
    family: 'gemma3',
    summary:
      "Gemma's layout with gating kernels (hidden, intermediate), query and key RMS norms (head_dim) when use_query_key_norm, post norms when set; embedding models add Dense (hidden, pooling_intermediate_dim) and (pooling_intermediate_dim, embedding_dim) without bias; a vision encoder is listed and counted",
    source: 'keras_hub/src/models/gemma3/gemma3_backbone.py; gemma3_decoder_block.py; gemma3_attention.py',
    apply: gemma3,
  },
];
