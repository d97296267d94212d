/**
 * A small plain CNN: the network of the `cnn-fashion` job, which proves the job pipeline
 * (process, events, cancel, store) with real training before the NAS methods land.
 *
 * conv3x3 s2 (8) - ReLU - conv3x3 s2 (16) - ReLU - flatten - dense(classes). Strided
 * convolutions instead of pooling keep it fast on tfjs's pure-JS CPU backend (about 100 img/s
 * on one core), so one epoch of the bundled sample takes about a minute even there.
 */
import * as tf from '@tensorflow/tfjs';

export interface PlainCnnShape {
  height: number;
  width: number;
  channels: number;
  numClasses: number;
}

/**
 * Builds the model. Input float32 [B, H, W, C]; output logits float32 [B, numClasses].
 * The caller owns the model and disposes it with `model.dispose()`.
 */
export function buildPlainCnn(shape: PlainCnnShape, seed: number): tf.LayersModel {
  const init = (offset: number) => tf.initializers.heNormal({ seed: seed * 7919 + offset });
  return tf.sequential({
    layers: [
      tf.layers.conv2d({ inputShape: [shape.height, shape.width, shape.channels], filters: 8, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu', kernelInitializer: init(1) }),
      tf.layers.conv2d({ filters: 16, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu', kernelInitializer: init(2) }),
      tf.layers.flatten(),
      tf.layers.dense({ units: shape.numClasses, kernelInitializer: init(3) }),
    ],
  });
}
