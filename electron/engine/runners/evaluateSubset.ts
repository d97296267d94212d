/**
 * Mean cross-entropy and top-1 accuracy of a network over chosen images of a dataset, one batch
 * at a time in eval mode, with no tensors left behind.
 */
import * as tf from '@tensorflow/tfjs';
import { batches } from '../data';
import type { ChannelStats, ImageDataset } from '../data';

export interface SubsetEvaluation {
  loss: number;
  accuracy: number;
  images: number;
}

/**
 * @param forward maps float32 [B,H,W,C] to logits float32 [B,K]; called inside tf.tidy.
 * @param indices which images of `dataset` (all when omitted).
 */
export function evaluateSubset(forward: (x: tf.Tensor4D) => tf.Tensor2D, dataset: ImageDataset, normalize: ChannelStats, batchSize: number, indices?: ArrayLike<number>): SubsetEvaluation {
  const chosen = indices ?? Int32Array.from({ length: dataset.size }, (_, i) => i);
  let lossSum = 0;
  let correct = 0;
  for (const batch of batches(dataset, chosen, { batchSize, normalize })) {
    const [l, c] = tf.tidy(() => {
      const logits = forward(batch.x);
      const loss = tf.losses.softmaxCrossEntropy(tf.oneHot(batch.y, dataset.numClasses), logits, undefined, undefined, tf.Reduction.SUM);
      const hits = tf.sum(tf.cast(tf.equal(tf.argMax(logits, 1), batch.y), 'float32'));
      return [loss.dataSync()[0] ?? Number.NaN, hits.dataSync()[0] ?? 0];
    });
    tf.dispose([batch.x, batch.y]);
    lossSum += l;
    correct += c;
  }
  const n = Math.max(chosen.length, 1);
  return { loss: lossSum / n, accuracy: correct / n, images: chosen.length };
}
