// BERT, DistilBERT and RoBERTa: encoder-only backbones of KerasHub TransformerEncoder layers.
// keras_hub/src/models/bert/bert_backbone.py, distil_bert/distil_bert_backbone.py,
// roberta/roberta_backbone.py; the embedding layers in keras_hub/src/layers/modeling/
// (reversible_embedding.py, position_embedding.py, token_and_position_embedding.py).
import { block, dense, layerCount, layerList, layerNorm, reversible, sequence, size, table } from './parts.js';
import { transformerEncoder } from './transformer.js';
import type { Args, BackboneLayout, BackboneRule, Block } from './types.js';

interface EncoderArgs {
  vocab: number;
  layers: number;
  heads: number;
  hidden: number;
  intermediate: number;
  maxLength: number;
}

function encoderArgs(args: Args): EncoderArgs {
  return {
    vocab: size(args, 'vocabulary_size'),
    layers: layerCount(args),
    heads: size(args, 'num_heads'),
    hidden: size(args, 'hidden_dim'),
    intermediate: size(args, 'intermediate_dim'),
    maxLength: size(args, 'max_sequence_length', 512),
  };
}

/** transformer_layer_0… in order: the layers list holds them as transformer_encoder, transformer_encoder_1… */
function encoderBlocks(a: EncoderArgs, next: (cls: string) => string): Block[] {
  const blocks: Block[] = [];
  for (let i = 0; i < a.layers; i++) {
    blocks.push(block(`transformer_layer_${i}`, 'TransformerEncoder', sequence(a.hidden), transformerEncoder(next('TransformerEncoder'), { hidden: a.hidden, heads: a.heads, intermediate: a.intermediate })));
  }
  return blocks;
}

/**
 * BertBackbone: token (ReversibleEmbedding, tied), position and segment embeddings, their
 * LayerNormalization, the encoders, and the pooler Dense(hidden) on the [CLS] token.
 */
function bert(args: Args): BackboneLayout {
  const a = encoderArgs(args);
  const segments = size(args, 'num_segments', 2);
  const next = layerList();
  const hidden: [string, number] = ['hidden_dim', a.hidden];
  const blocks: Block[] = [
    block('token_embedding', 'ReversibleEmbedding', sequence(a.hidden), [reversible('token', '', next('ReversibleEmbedding'), ['vocabulary_size', a.vocab], hidden, true)]),
    block('position_embedding', 'PositionEmbedding', sequence(a.hidden), [table('position', '', next('PositionEmbedding'), ['max_sequence_length', a.maxLength], hidden)]),
    block('segment_embedding', 'Embedding', sequence(a.hidden), [table('segment', '', next('Embedding'), ['num_segments', segments], hidden)]),
    block('embeddings_layer_norm', 'LayerNormalization', sequence(a.hidden), [layerNorm('norm', '', next('LayerNormalization'), hidden)]),
    ...encoderBlocks(a, next),
    block('pooled_dense', 'Dense', [null, a.hidden], [dense('pooler', '', next('Dense'), hidden, hidden, true)]),
  ];
  return { blocks, opaque: [] };
}

/**
 * DistilBertBackbone and RobertaBackbone: a TokenAndPositionEmbedding (tied token embedding and a
 * position embedding), a LayerNormalization, the encoders; no pooler, no segments. The
 * embedding layer is named token_and_position_embedding (DistilBERT) or embeddings (RoBERTa).
 */
function tokenAndPosition(embeddingName: string): (args: Args) => BackboneLayout {
  return (args) => {
    const a = encoderArgs(args);
    const next = layerList();
    const hidden: [string, number] = ['hidden_dim', a.hidden];
    const store = next('TokenAndPositionEmbedding');
    const blocks: Block[] = [
      block(embeddingName, 'TokenAndPositionEmbedding', sequence(a.hidden), [
        reversible('token_embedding', 'token_embedding', `${store}/token_embedding`, ['vocabulary_size', a.vocab], hidden, true),
        table('position_embedding', 'position_embedding', `${store}/position_embedding`, ['max_sequence_length', a.maxLength], hidden),
      ]),
      block('embeddings_layer_norm', 'LayerNormalization', sequence(a.hidden), [layerNorm('norm', '', next('LayerNormalization'), hidden)]),
      ...encoderBlocks(a, next),
    ];
    return { blocks, opaque: [] };
  };
}

const ENCODER = 'transformer layers: MultiHeadAttention q/k/v/o (hidden, heads, hidden // heads) with biases, 2 LayerNorms, Dense hidden→intermediate→hidden with biases';

export const rules: BackboneRule[] = [
  {
    classes: ['BertBackbone'],
    family: 'bert',
    summary: `token (vocabulary, hidden) tied, position (max_sequence_length, hidden), segment (num_segments, hidden) embeddings + LayerNorm; ${ENCODER}; pooler Dense (hidden, hidden)`,
    source: 'keras_hub/src/models/bert/bert_backbone.py; keras_hub/src/layers/modeling/transformer_encoder.py',
    apply: bert,
  },
  {
    classes: ['DistilBertBackbone'],
    family: 'bert',
    summary: `TokenAndPositionEmbedding: token (vocabulary, hidden) tied + position (max_sequence_length, hidden); LayerNorm; ${ENCODER}`,
    source: 'keras_hub/src/models/distil_bert/distil_bert_backbone.py; keras_hub/src/layers/modeling/token_and_position_embedding.py',
    apply: tokenAndPosition('token_and_position_embedding'),
  },
  {
    // XLMRobertaBackbone (keras_hub/src/models/xlm_roberta/xlm_roberta_backbone.py) subclasses it unchanged.
    classes: ['RobertaBackbone', 'XLMRobertaBackbone'],
    family: 'bert',
    summary: `TokenAndPositionEmbedding (named embeddings): token (vocabulary, hidden) tied + position (max_sequence_length, hidden); LayerNorm; ${ENCODER}`,
    source: 'keras_hub/src/models/roberta/roberta_backbone.py; keras_hub/src/layers/modeling/token_and_position_embedding.py',
    apply: tokenAndPosition('embeddings'),
  },
];
