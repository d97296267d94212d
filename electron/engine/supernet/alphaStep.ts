/**
 * One step of architecture-parameter training (DARTS-style alpha, ALGORITHMS.md A3): with the
 * supernet's weights frozen, forward a validation batch in mixed mode, and update only alpha
 * with Adam (lr 3e-4, betas (0.5, 0.999), weight decay 1e-3 by default).
 */
import * as tf from '@tensorflow/tfjs';
import type { SpaceState } from '../space/spaceState';
import type { AdamByName } from '../train/adamByName';
import { softmaxCrossEntropy } from '../train/losses';
import { maskedSoftmax } from './maskedSoftmax';
import type { Supernet } from './supernet';

/**
 * @param alpha trainable float32 [choices, K] (see maskedSoftmax); @param x float32 [B,H,W,C];
 * @param labels int32 [B]. Returns the batch loss before the update. Only alpha moves; nothing leaks.
 */
export function alphaStep(net: Supernet, alpha: tf.Variable, state: SpaceState, adam: AdamByName, x: tf.Tensor4D, labels: tf.Tensor1D, training = true): number {
  const { value, grads } = tf.variableGrads(() => softmaxCrossEntropy(net.forwardMixed(x, maskedSoftmax(alpha as tf.Tensor2D, state, net.space), training), labels), [alpha]);
  try {
    adam.apply(new Map([[alpha.name, alpha]]), grads);
    return value.dataSync()[0] as number;
  } finally {
    value.dispose();
    tf.dispose(Object.values(grads));
  }
}
