/**
 * Mean cross-entropy and top-1 accuracy of a classifier over a whole dataset, one batch at a
 * time, with no tensors left behind.
 */
import * as tf from '@tensorflow/tfjs';
import { batches } from '../../data';
import type { ChannelStats, ImageDataset } from '../../data';

export interface EvaluationResult {
  loss: number;
  accuracy: number;
  images: number;
}

/**
 * @param forward maps float32 [B, H, W, C] to logits float32 [B, K]; called inside tf.tidy.
 */
export function evaluateClassifier(forward: (x: tf.Tensor4D) => tf.Tensor2D, dataset: ImageDataset, normalize: ChannelStats, batchSize: number): EvaluationResult {
  let lossSum = 0;
  let correct = 0;
  const indices = Array.from({ length: dataset.size }, (_, i) => i);
  for (const batch of batches(dataset, indices, { batchSize, normalize })) {
    const [l, c] = tf.tidy(() => {
      const logits = forward(batch.x);
      const loss = tf.losses.softmaxCrossEntropy(tf.oneHot(batch.y, dataset.numClasses), logits, undefined, undefined, tf.Reduction.SUM);
      const hits = tf.sum(tf.cast(tf.equal(tf.argMax(logits, 1), batch.y), 'float32'));
      return [loss.dataSync()[0] ?? NaN, hits.dataSync()[0] ?? 0];
    });
    tf.dispose([batch.x, batch.y]);
    lossSum += l;
    correct += c;
  }
  return { loss: lossSum / Math.max(dataset.size, 1), accuracy: correct / Math.max(dataset.size, 1), images: dataset.size };
}
