/**
 * Mixed (DARTS-style) forward of NB201 cells: each edge is the sum of every remaining op's
 * output weighted by softmax(alpha) over that edge's remaining ops (ALGORITHMS.md A3 "joint"
 * mode; B2 uses the same weights, near uniform before GM-NAS's final split).
 */
import * as tf from '@tensorflow/tfjs';
import { NB201_EDGES, NB201_NODES } from '../space/nb201Space';
import type { SpaceState } from '../space/spaceState';
import { edgeForward, type Nb201Cell } from './blocks';

/**
 * Edge weights from architecture parameters: softmax of alpha [E, K] over the ops each edge
 * still has in `state`; dropped ops get weight exactly 0. `ops` lists the K column names.
 * Returns float32 [E, K] (differentiable w.r.t. alpha); the caller disposes it.
 */
export function maskedSoftmax(alpha: tf.Tensor2D, state: SpaceState, ops: readonly string[]): tf.Tensor2D {
  const mask = state.remaining.map((remaining) => ops.map((op) => (remaining.includes(op) ? 1 : 0)));
  return tf.tidy(() => {
    const m = tf.tensor2d(mask, [mask.length, ops.length], 'float32');
    // Shift by the row max over remaining ops for stability, exponentiate, zero the dropped ones.
    const shifted = tf.sub(alpha, tf.max(tf.add(alpha, tf.mul(tf.sub(m, 1), 1e9)), 1, true));
    const e = tf.mul(tf.exp(tf.minimum(shifted, 0)), m);
    return tf.div(e, tf.sum(e, 1, true)) as tf.Tensor2D;
  });
}

/**
 * Cell forward in mixed mode: x [N,H,W,C] -> node 3 [N,H,W,C]. Ops whose weight is exactly 0
 * on an edge for every cell (dropped) are skipped; `none` contributes nothing.
 * @param weights float32 [6, ops.length]; @param ops the column names of `weights`.
 */
export function cellForwardMixed(cell: Nb201Cell, x: tf.Tensor4D, weights: tf.Tensor2D, ops: readonly string[], training: boolean): tf.Tensor4D {
  return tf.tidy(() => {
    const w = weights.arraySync();
    const nodes: tf.Tensor4D[] = [x];
    for (let node = 1; node < NB201_NODES; node++) {
      const terms: tf.Tensor4D[] = [];
      NB201_EDGES.forEach((edge, e) => {
        if (edge.to !== node) return;
        ops.forEach((op, k) => {
          if ((w[e]?.[k] ?? 0) === 0) return;
          const out = edgeForward(cell, e, op, nodes[edge.from] as tf.Tensor4D, training);
          if (out) terms.push(tf.mul(out, tf.slice(weights, [e, k], [1, 1]).reshape([1, 1, 1, 1])) as tf.Tensor4D);
        });
      });
      nodes.push(terms.length === 0 ? tf.zerosLike(x) : terms.length === 1 ? (terms[0] as tf.Tensor4D) : tf.addN(terms));
    }
    return nodes[NB201_NODES - 1] as tf.Tensor4D;
  });
}
