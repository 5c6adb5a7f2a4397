// The heads of KerasHub tasks: what a task owns beyond its backbone, as `task.weights.h5` stores it
// (keras_hub/src/models/task.py `save_task_weights`: the task's weights store with the backbone's
// layers skipped, so the head's layers are `layers/dense`, `layers/dense_1`… in the task's order).
// A task rule takes task.json's arguments and the backbone's; a task listed with no head (the
// causal LMs, whose logits reuse the backbone's token embedding) owns nothing there.
import { block, dense, layerList, layerNorm, own, size, type Piece } from './parts.js';
import type { Args, Block } from './types.js';

export interface TaskRule {
  classes: string[];
  source: string;
  /** The head's blocks; [] for a task that owns no weights of its own. */
  apply(task: Args, backbone: Args): Block[];
}

const hiddenOf = (backbone: Args): [string, number] => ['hidden_dim', size(backbone, 'hidden_dim')];

/** Dense logits over the backbone's pooled output (BertTextClassifier `output_dense`, named logits). */
function bertClassifier(task: Args, backbone: Args): Block[] {
  const next = layerList();
  const classes: [string, number] = ['num_classes', size(task, 'num_classes')];
  return [block('logits', 'Dense', [null, classes[1]], [dense('logits', '', next('Dense'), hiddenOf(backbone), classes, true)])];
}

/** DistilBERT and RoBERTa classifiers: pooled_dense (hidden → hidden_dim, default the backbone's), then logits. */
function pooledClassifier(task: Args, backbone: Args): Block[] {
  const next = layerList();
  const hidden = hiddenOf(backbone);
  const pooled: [string, number] = task['hidden_dim'] === null || task['hidden_dim'] === undefined ? hidden : ['task hidden_dim', size(task, 'hidden_dim')];
  const classes: [string, number] = ['num_classes', size(task, 'num_classes')];
  return [
    block('pooled_dense', 'Dense', [null, pooled[1]], [dense('pooled_dense', '', next('Dense'), hidden, pooled, true)]),
    block('logits', 'Dense', [null, classes[1]], [dense('logits', '', next('Dense'), pooled, classes, true)]),
  ];
}

/**
 * MaskedLMHead with the backbone's token embedding (keras_hub/src/layers/modeling/masked_lm_head.py):
 * `_intermediate_dense` (hidden, hidden) + bias, `_intermediate_layer_norm`, its own output bias
 * (vocabulary); the output kernel is the token embedding, not stored again.
 */
function maskedLM(_task: Args, backbone: Args): Block[] {
  const store = layerList()('MaskedLMHead');
  const hidden = hiddenOf(backbone);
  const pieces: Piece[] = [
    dense('intermediate_dense', 'intermediate_dense', `${store}/_intermediate_dense`, hidden, hidden, true),
    layerNorm('intermediate_layer_norm', 'intermediate_layer_norm', `${store}/_intermediate_layer_norm`, hidden),
    own('output_bias', 'output_bias', store, 0, [['vocabulary_size', size(backbone, 'vocabulary_size')]]),
  ];
  return [block('mlm_head', 'MaskedLMHead', [null, null, size(backbone, 'vocabulary_size')], pieces)];
}

/** ViTImageClassifier: pre_logits Dense (hidden → intermediate_dim) when set, then predictions Dense. */
function vitClassifier(task: Args, backbone: Args): Block[] {
  const next = layerList();
  let input = hiddenOf(backbone);
  const blocks: Block[] = [];
  if (task['intermediate_dim'] !== null && task['intermediate_dim'] !== undefined) {
    const inter: [string, number] = ['intermediate_dim', size(task, 'intermediate_dim')];
    blocks.push(block('pre_logits', 'Dense', [null, inter[1]], [dense('pre_logits', '', next('Dense'), input, inter, true)]));
    input = inter;
  }
  const classes: [string, number] = ['num_classes', size(task, 'num_classes')];
  blocks.push(block('predictions', 'Dense', [null, classes[1]], [dense('predictions', '', next('Dense'), input, classes, true)]));
  return blocks;
}

const none = (): Block[] => [];

export const taskRules: TaskRule[] = [
  { classes: ['BertTextClassifier'], source: 'keras_hub/src/models/bert/bert_text_classifier.py', apply: bertClassifier },
  {
    classes: ['DistilBertTextClassifier', 'RobertaTextClassifier', 'XLMRobertaTextClassifier'],
    source: 'keras_hub/src/models/distil_bert/distil_bert_text_classifier.py; roberta/roberta_text_classifier.py',
    apply: pooledClassifier,
  },
  {
    classes: ['BertMaskedLM', 'DistilBertMaskedLM', 'RobertaMaskedLM', 'XLMRobertaMaskedLM'],
    source: 'keras_hub/src/models/bert/bert_masked_lm.py; keras_hub/src/layers/modeling/masked_lm_head.py',
    apply: maskedLM,
  },
  { classes: ['ViTImageClassifier'], source: 'keras_hub/src/models/vit/vit_image_classifier.py', apply: vitClassifier },
  {
    // Their logits are the backbone's token embedding, reversed: no weights of their own.
    classes: ['GPT2CausalLM', 'GemmaCausalLM', 'Gemma3CausalLM', 'LlamaCausalLM', 'Llama3CausalLM', 'MistralCausalLM', 'QwenCausalLM', 'Qwen3CausalLM', 'Phi3CausalLM', 'FalconCausalLM', 'T5Seq2SeqLM'],
    source: 'keras_hub/src/models/*/…_causal_lm.py (token_embedding(x, reverse=True))',
    apply: none,
  },
];

const byClass = new Map(taskRules.flatMap((r) => r.classes.map((c) => [c, r] as const)));

export function taskRuleFor(className: string): TaskRule | undefined {
  return byClass.get(className);
}
