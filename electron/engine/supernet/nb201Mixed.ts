/**
 * Mixed (DARTS-style) forward of NB201 cells: each edge is the sum of every remaining op's
 * output weighted by softmax(alpha) over that edge's remaining ops (ALGORITHMS.md A3 "joint"
 * mode; B2 uses the same weights, near uniform before GM-NAS's final split).
 */
import * as tf from '@tensorflow/tfjs';
import { NB201_EDGES, NB201_NODES } from '../space/nb201Space';
import { edgeForward, type Nb201Cell } from './blocks';

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
