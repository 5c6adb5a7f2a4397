// ViT: keras_hub/src/models/vit/vit_backbone.py and vit_layers.py. ViTPatchingAndEmbedding: a
// class token (1, 1, hidden) when use_class_token, a Conv2D patch embedding (patch_h, patch_w,
// channels, hidden) with bias when use_patch_bias, a position Embedding (patches [+ 1], hidden).
// ViTEncoder: `encoder_layers`, a list of ViTEncoderBlocks (LayerNorm ln_1, Keras
// MultiHeadAttention mha with key_dim = hidden_dim // num_heads and biases when use_mha_bias,
// LayerNorm ln_2, MLP dense_1 hidden→mlp_dim and dense_2 mlp_dim→hidden with biases when
// use_mlp_bias), then LayerNorm ln.
import { BackboneArgsError, type Args, type BackboneLayout, type BackboneRule, type Block } from './types.js';
import { block, dense, einsum, flag, layerCount, layerList, layerNorm, multiHeadAttention, own, perHead, size, table, type Piece } from './parts.js';
import { show } from '../layers/util.js';

/** A list of positive whole numbers of the given length (image_shape, patch_size). */
function sizes(args: Args, key: string, length: number): number[] {
  const v = args[key];
  const list = typeof v === 'number' && length === 2 ? [v, v] : v;
  if (!Array.isArray(list) || list.length !== length) throw new BackboneArgsError(`config ${key}: ${show(v)} is not a list of ${length} sizes`);
  return list.map((_, i) => size({ [key]: list[i] }, key));
}

function encoderBlock(store: string, hidden: [string, number], heads: [string, number], mlp: [string, number], mhaBias: boolean, mlpBias: boolean): Piece[] {
  const keyDim: [string, number] = ['hidden_dim // num_heads', perHead(hidden[1], 'hidden_dim', heads[1], 'num_heads')];
  return [
    layerNorm('ln_1', 'ln_1', `${store}/layer_norm_1`, hidden),
    ...multiHeadAttention('mha', `${store}/mha`, hidden, heads, keyDim, mhaBias),
    layerNorm('ln_2', 'ln_2', `${store}/layer_norm_2`, hidden),
    dense('mlp.dense_1', 'mlp/dense_1', `${store}/mlp/dense_1`, hidden, mlp, mlpBias),
    dense('mlp.dense_2', 'mlp/dense_2', `${store}/mlp/dense_2`, mlp, hidden, mlpBias),
  ];
}

function vit(args: Args): BackboneLayout {
  const channelsFirst = args['data_format'] === 'channels_first';
  const image = sizes(args, 'image_shape', 3);
  const [h, w, c] = channelsFirst ? [image[1]!, image[2]!, image[0]!] : [image[0]!, image[1]!, image[2]!];
  const [ph, pw] = sizes(args, 'patch_size', 2) as [number, number];
  if (h % ph !== 0 || w % pw !== 0) throw new BackboneArgsError(`image ${h}×${w} is not divisible by patch_size ${ph}×${pw} (ViTBackbone refuses it)`);
  const layers = layerCount(args);
  const hidden: [string, number] = ['hidden_dim', size(args, 'hidden_dim')];
  const heads: [string, number] = ['num_heads', size(args, 'num_heads')];
  const mlp: [string, number] = ['mlp_dim', size(args, 'mlp_dim')];
  const classToken = flag(args, 'use_class_token', true);
  const patches = (h / ph) * (w / pw);
  const positions: [string, number] = [classToken ? `(${h}/${ph})×(${w}/${pw}) patches + 1 class token` : `(${h}/${ph})×(${w}/${pw}) patches`, patches + (classToken ? 1 : 0)];
  const next = layerList();
  const embed = next('ViTPatchingAndEmbedding');
  const embedding: Piece[] = [
    ...(classToken ? [own('class_token', 'class_token', embed, 0, [['1', 1], ['1', 1], hidden])] : []),
    // A Conv2D's kernel is (kernel_h, kernel_w, channels, filters) whatever the data_format.
    einsum('patch_embedding', 'patch_embedding', `${embed}/patch_embedding`, [['patch_h', ph], ['patch_w', pw], ['channels', c], hidden], flag(args, 'use_patch_bias', true) ? [hidden] : undefined),
    table('position_embedding', 'position_embedding', `${embed}/position_embedding`, positions, hidden),
  ];
  const encoder = next('ViTEncoder');
  const inEncoder = layerList(`${encoder}/encoder_layers`);
  const tokens = positions[1];
  const blocks: Block[] = [block('vit_patching_and_embedding', 'ViTPatchingAndEmbedding', [null, tokens, hidden[1]], embedding)];
  for (let i = 1; i <= layers; i++) {
    blocks.push(block(`vit_encoder/transformer_block_${i}`, 'ViTEncoderBlock', [null, tokens, hidden[1]], encoderBlock(inEncoder('ViTEncoderBlock'), hidden, heads, mlp, flag(args, 'use_mha_bias', true), flag(args, 'use_mlp_bias', true))));
  }
  blocks.push(block('vit_encoder/ln', 'LayerNormalization', [null, tokens, hidden[1]], [layerNorm('norm', '', `${encoder}/layer_norm`, hidden)]));
  return { blocks, opaque: [] };
}

export const rules: BackboneRule[] = [
  {
    classes: ['ViTBackbone'],
    family: 'vit',
    summary:
      'class token (1, 1, hidden); Conv2D patch embedding (patch_h, patch_w, channels, hidden) + bias; position embedding (patches + 1, hidden); encoder blocks: LayerNorm, MultiHeadAttention q/k/v/o (hidden, heads, hidden // heads) with biases, LayerNorm, MLP hidden→mlp_dim→hidden with biases; final LayerNorm',
    source: 'keras_hub/src/models/vit/vit_backbone.py; vit_layers.py',
    apply: vit,
  },
];
