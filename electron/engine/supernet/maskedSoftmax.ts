/**
 * Mixed-mode edge weights from architecture parameters (ALGORITHMS.md A3 "joint" mode, B2):
 * for each choice point, softmax of alpha over the ops it still has in the space state; ops
 * that were dropped (or that the choice point does not have) get weight exactly 0.
 */
import * as tf from '@tensorflow/tfjs';
import type { SearchSpace } from '../space/searchSpace';
import type { SpaceState } from '../space/spaceState';

/** K: the widest op list of the space, the column count of alpha and of mixed weights. */
export function mixedWidth(space: SearchSpace): number {
  return Math.max(...space.choices.map((c) => c.ops.length));
}

/** 1 where column k of row c is an op of choice c that remains in `state`, else 0: [choices, K]. */
export function remainingMask(space: SearchSpace, state: SpaceState): number[][] {
  const width = mixedWidth(space);
  return space.choices.map((choice, c) => Array.from({ length: width }, (_, k) => {
    const op = choice.ops[k];
    return op !== undefined && (state.remaining[c]?.includes(op) ?? false) ? 1 : 0;
  }));
}

/**
 * @param alpha float32 [choices, K] (column k of row c is `space.choices[c].ops[k]`).
 * @returns float32 [choices, K], rows summing to 1 over remaining ops; differentiable w.r.t.
 *   alpha. The caller disposes it.
 */
export function maskedSoftmax(alpha: tf.Tensor2D, state: SpaceState, space: SearchSpace): tf.Tensor2D {
  const mask = remainingMask(space, state);
  return tf.tidy(() => {
    const m = tf.tensor2d(mask, [mask.length, mask[0]?.length ?? 0], 'float32');
    // Shift by the row max over remaining ops for stability, exponentiate, zero the rest.
    const shifted = tf.sub(alpha, tf.max(tf.add(alpha, tf.mul(tf.sub(m, 1), 1e9)), 1, true));
    const e = tf.mul(tf.exp(tf.minimum(shifted, 0)), m);
    return tf.div(e, tf.sum(e, 1, true)) as tf.Tensor2D;
  });
}
