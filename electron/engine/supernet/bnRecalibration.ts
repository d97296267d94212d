/**
 * BN recalibration ("ReBN", ALGORITHMS.md A3/E1): before measuring a child's accuracy with
 * shared supernet weights, reset every BN layer's running statistics (mean 0, variance 1) and
 * forward training images through that child in train mode without gradients, so the running
 * statistics are the child's own. Without it the accuracy metric ranks architectures at
 * chance (Kendall tau 0.04 vs 0.54 in the ABS study).
 */
import * as tf from '@tensorflow/tfjs';
import type { ParamStore } from './params';
import { withBnMomentum } from './batchNorm';

/** Resets every running mean to 0 and running variance to 1 in the store. */
export function resetBnStatistics(params: ParamStore): void {
  tf.tidy(() => {
    for (const [name, v] of params.entries()) {
      if (name.endsWith('/running_mean')) v.assign(tf.zerosLike(v));
      else if (name.endsWith('/running_var')) v.assign(tf.onesLike(v));
    }
  });
}

/**
 * Recalibrates for one child: reset, then `forwardTrain` on each batch in train mode, with
 * momentum 1/k on the k-th batch, so the running statistics end as the average over all the
 * batches (ALGORITHMS.md E1 allows a cumulative average; ABS's PyTorch code uses momentum 0.1
 * over 40 batches of 512, which converges to nearly the same).
 * @param forwardTrain runs the child in train mode on float32 [B,H,W,C]; its output is discarded.
 * @param batches float32 [B,H,W,C] inputs; the caller owns and disposes them.
 */
export function recalibrateBn(params: ParamStore, forwardTrain: (x: tf.Tensor4D) => tf.Tensor, batches: readonly tf.Tensor4D[]): void {
  resetBnStatistics(params);
  batches.forEach((x, k) => {
    withBnMomentum(1 / (k + 1), () =>
      tf.tidy(() => {
        forwardTrain(x); // output discarded: tidy must not return it, or it would be kept
      }),
    );
  });
}
