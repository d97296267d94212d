/**
 * What every weight-sharing supernet offers the runners, metrics and searches, whatever its
 * space (NB201 cells, DARTS cells, MobileNet-like layers).
 *
 * Architectures are one op per choice point of the space (space.choices order). Mixed-mode
 * weights are float32 [choices, K] where column k of row c weights op `space.choices[c].ops[k]`
 * (rows of spaces with fewer ops are padded with zeros); see maskedSoftmax.
 */
import type * as tf from '@tensorflow/tfjs';
import type { Architecture, SearchSpace } from '../space/searchSpace';
import type { ParamStore } from './params';

export interface Supernet {
  readonly space: SearchSpace;
  /** Every tensor under its logical name (checkpoints, angle vectors, BN recalibration). */
  readonly params: ParamStore;
  /**
   * Single-path forward: x float32 [N,H,W,inC] -> logits float32 [N,classes]. In training mode
   * BN uses batch statistics and moves the running ones. The caller disposes the result.
   */
  forward(x: tf.Tensor4D, arch: Architecture, training: boolean): tf.Tensor2D;
  /**
   * Mixed-mode forward: every choice point outputs sum_k w[c,k] * op_k(x), skipping ops whose
   * weight is exactly 0 (dropped). Differentiable w.r.t. `weights`. The caller disposes the result.
   */
  forwardMixed(x: tf.Tensor4D, weights: tf.Tensor2D, training: boolean): tf.Tensor2D;
  /** The trainable variables a single path uses: the fixed parts plus the chosen ops' weights. */
  pathTrainables(arch: Architecture): tf.Variable[];
  /**
   * Frees the weights of op `op` at choice point `choiceIndex` in every cell, once shrinking has
   * dropped it for good: they are removed from `params` (so checkpoints, BN recalibration and
   * angle vectors no longer see them) and disposed; a later forward through that op throws.
   * Returns the tfjs names of the removed variables (to drop their optimizer state). Optional:
   * supernets without it keep dropped weights (ABS still never samples them).
   */
  releaseOp?(choiceIndex: number, op: string): string[];
  dispose(): void;
}
