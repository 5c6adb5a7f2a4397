// The contract every KerasHub backbone rule follows, parallel to src/layers/types.ts: one rule per
// backbone class, one file per family, one registry (registry.ts). A rule is pure: the backbone's
// constructor arguments (the `config` of a preset's config.json) in, every variable the backbone
// builds out — each named by its Keras 3 weights-store path, the way `model.weights.h5` holds it
// (keras/src/saving/saving_lib.py `_save_state`: `layers/<snake_case(class)>[_N]/<attribute>…/vars/<i>`).
import type { Shape } from '../types.js';

/** A backbone's constructor arguments as config.json stores them. */
export type Args = Record<string, unknown>;

export interface ExpectedTensor {
  /** Keras's variable path relative to the block: `attention/query/kernel`, `embeddings`. */
  name: string;
  /**
   * Where the weights store keeps it: the `vars` group's container path without `/vars`
   * (`layers/gemma_decoder_block_1/attention/query_dense`) and the index inside it.
   */
  store: string;
  index: number;
  shape: number[];
  /** The shape explained with this backbone's numbers: `hidden_dim=16 × num_query_heads=4 × head_dim=6`. */
  why: string;
  /** A known KerasHub quirk behind a mismatch on this tensor, said with it. */
  note?: string;
}

/** One row of the report: an embedding, one transformer layer, a final norm. */
export interface Block {
  /** The layer's Keras name (`decoder_block_0`). */
  name: string;
  /** Its KerasHub or Keras class (`GemmaDecoderBlock`). */
  className: string;
  /** What `backbone.summary()` prints for it, batch first; null when the rule does not say. */
  outputShape: Shape | null;
  /** The count explained with this backbone's numbers. */
  formula: string;
  tensors: ExpectedTensor[];
}

/**
 * A part of a backbone the rule does not verify (Gemma 3's vision encoder): the stored tensors
 * under `store` are listed and counted as one row, never called missing or extra.
 */
export interface OpaquePart {
  name: string;
  className: string;
  /** Store path prefix: `layers/gemma3_vision_encoder`. */
  store: string;
  reason: string;
}

export interface BackboneLayout {
  blocks: Block[];
  opaque: OpaquePart[];
}

export interface BackboneRule {
  /** KerasHub class names (`GemmaBackbone`), as config.json's `class_name` names them. */
  classes: string[];
  /** The family file it lives in (`gemma`, `llama`). */
  family: string;
  /** The parameter layout in words, for the supported-backbones table. */
  summary: string;
  /** The keras-hub source files the rule follows (keras-team/keras-hub at the commit in KERAS_HUB_COMMIT). */
  source: string;
  apply(args: Args): BackboneLayout;
}

/**
 * The constructor arguments cannot build this backbone (a size that is not a whole number, a
 * hidden_dim that num_heads does not divide where KerasHub needs it to): KerasHub would fail too.
 */
export class BackboneArgsError extends Error {}

/**
 * The arguments are well formed but past what kerascope expands tensor by tensor (more layers than
 * any real model): the backbone is counted from its stored tensors instead, never guessed.
 */
export class BackboneTooLargeError extends Error {}

/** keras-team/keras-hub commit the rules were read at (the fixtures' writer, fixtures/keras-hub/truth.json). */
export const KERAS_HUB_COMMIT = '71453d08f59edc90d276e999319fc51e61cbf82c';
