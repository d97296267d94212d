/**
 * Classification loss and accuracy for supernet and stand-alone training.
 *
 * Label smoothing follows PyTorch (`CrossEntropyLoss(label_smoothing=eps)`, and ABS's
 * `CrossEntropyLabelSmooth`, ALGORITHMS.md A4 with eps = 0.1): the target of a sample with
 * label y over K classes is (1 - eps) * onehot(y) + eps / K, and the loss is the mean over the
 * batch of -sum_k target_k * log_softmax(logits)_k.
 */
import * as tf from '@tensorflow/tfjs';
import { z } from 'zod';

/** A smoothing factor in [0, 1); 0 is plain cross-entropy. */
export const labelSmoothingSchema = z.number().min(0).lt(1);

/**
 * Mean softmax cross-entropy with optional label smoothing.
 *
 * @param logits [N, K] float32 raw scores.
 * @param labels [N] int32 class indices in [0, K).
 * @param smoothing eps in [0, 1).
 * @returns a scalar the caller disposes (differentiable w.r.t. `logits`, so usable inside
 *   `tf.variableGrads`).
 */
export function softmaxCrossEntropy(logits: tf.Tensor2D, labels: tf.Tensor1D, smoothing = 0): tf.Scalar {
  if (!(smoothing >= 0 && smoothing < 1)) throw new Error(`softmaxCrossEntropy: label smoothing must be in [0, 1), got ${smoothing}`);
  if (labels.shape[0] !== logits.shape[0]) {
    throw new Error(`softmaxCrossEntropy: ${logits.shape[0]} logits rows but ${labels.shape[0]} labels`);
  }
  const k = logits.shape[1];
  return tf.tidy(() => {
    const logProbs = tf.logSoftmax(logits);
    // (1 - eps) onehot + eps / K. Not through tf.oneHot's onValue/offValue: the wasm backend's
    // OneHot kernel ignores the float dtype and returns int32, which turned the whole loss into
    // integer arithmetic there (loss 2.8e-45, no learning).
    const oneHot = tf.cast(tf.oneHot(tf.cast(labels, 'int32'), k), 'float32');
    const target = smoothing === 0 ? oneHot : tf.add(tf.mul(oneHot, 1 - smoothing), smoothing / k);
    const perSample = tf.neg(tf.sum(tf.mul(target, logProbs), 1));
    return tf.mean(perSample) as tf.Scalar;
  });
}

/**
 * Number of rows whose arg-max equals the label (ties go to the lowest index, as torch.max).
 *
 * @param logits [N, K]; @param labels [N] int32. Returns a JS number (a synchronous read).
 */
export function top1Correct(logits: tf.Tensor2D, labels: tf.Tensor1D): number {
  const count = tf.tidy(() => tf.sum(tf.cast(tf.equal(tf.argMax(logits, 1), tf.cast(labels, 'int32')), 'int32')));
  const value = count.dataSync()[0] as number;
  count.dispose();
  return value;
}
