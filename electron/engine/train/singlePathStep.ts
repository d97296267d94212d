/**
 * One single-path supernet training step (SPOS / ABS uniform sampling): forward the sampled
 * genotype in training mode, softmax cross-entropy, gradients of the path's variables only,
 * and an SGD-Nesterov update of those variables only.
 */
import * as tf from '@tensorflow/tfjs';
import type { Nb201Genotype } from '../space/nb201Space';
import type { Nb201Supernet } from '../supernet/nb201Supernet';
import type { SgdNesterov } from './sgdNesterov';

/**
 * Mean softmax cross-entropy of logits [N,K] against integer labels [N] (int32). Returns a
 * scalar the caller disposes.
 */
export function crossEntropy(logits: tf.Tensor2D, labels: tf.Tensor1D): tf.Scalar {
  return tf.tidy(() => {
    const oneHot = tf.oneHot(labels, logits.shape[1] as number);
    return tf.losses.softmaxCrossEntropy(oneHot, logits) as tf.Scalar;
  });
}

/**
 * Trains `net` for one batch: x [N,H,W,inC] float32, labels [N] int32. Returns the batch loss
 * (before the update). Leaves no tensors behind apart from the updated variables and the
 * optimizer's momentum buffers.
 */
export function singlePathStep(net: Nb201Supernet, optimizer: SgdNesterov, x: tf.Tensor4D, labels: tf.Tensor1D, genotype: Nb201Genotype, lr: number): number {
  const trainables = net.pathTrainables(genotype);
  const { value, grads } = tf.variableGrads(() => crossEntropy(net.forward(x, genotype, true), labels), trainables);
  try {
    const byName = new Map(trainables.map((v) => [v.name, v]));
    optimizer.apply(byName, grads, lr);
    return value.dataSync()[0] as number;
  } finally {
    value.dispose();
    tf.dispose(Object.values(grads));
  }
}
