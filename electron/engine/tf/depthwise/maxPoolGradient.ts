/**
 * A correct max-pool gradient on the wasm backend. tfjs-backend-wasm 4.22 has a MaxPoolGrad
 * kernel, but it loses windows whose maximum is negative (it gives the whole gradient of a 2x2
 * all-negative input to one pixel, measured against the cpu kernel), which DARTS' max_pool_3x3
 * meets constantly: its inputs are BN outputs. The override computes the gradient in one pass
 * over the host copies of x and dy: each window routes its dy to its first maximum in scan order
 * (padding never wins), as tfjs's cpu kernel does.
 */
import * as tf from '@tensorflow/tfjs';

interface MaxPoolAttrs {
  filterSize: number | [number, number];
  strides: number | [number, number];
  pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

/** dx [N,H,W,C] of y = maxPool(x) from dy [N,Ho,Wo,C]. The caller disposes the result. */
export function maxPoolGradHost(dy: tf.Tensor4D, x: tf.Tensor4D, a: MaxPoolAttrs): tf.Tensor4D {
  const info = tf.backend_util.computePool2DInfo(x.shape, a.filterSize, a.strides, 1, a.pad, a.dimRoundingMode);
  const { batchSize: n, inHeight: h, inWidth: w, inChannels: c, outHeight: oh, outWidth: ow, strideHeight: sh, strideWidth: sw, filterHeight: kh, filterWidth: kw } = info;
  const { top, left } = info.padInfo;
  const xs = x.dataSync() as Float32Array;
  const g = dy.dataSync() as Float32Array;
  const dx = new Float32Array(x.size);
  for (let b = 0; b < n; b++) {
    for (let i = 0; i < oh; i++) {
      const r0 = Math.max(0, i * sh - top);
      const r1 = Math.min(h, i * sh - top + kh);
      for (let j = 0; j < ow; j++) {
        const q0 = Math.max(0, j * sw - left);
        const q1 = Math.min(w, j * sw - left + kw);
        const dyBase = ((b * oh + i) * ow + j) * c;
        for (let ch = 0; ch < c; ch++) {
          let best = -Infinity;
          let at = -1;
          for (let r = r0; r < r1; r++) {
            for (let q = q0; q < q1; q++) {
              const idx = ((b * h + r) * w + q) * c + ch;
              const v = xs[idx] as number;
              if (v > best || at < 0) {
                best = v;
                at = idx;
              }
            }
          }
          if (at >= 0) dx[at] = (dx[at] as number) + (g[dyBase + ch] as number);
        }
      }
    }
  }
  return tf.tensor4d(dx, x.shape);
}

let registered = false;

/** Overrides MaxPool's gradient on wasm (other backends keep the stock one). Idempotent. */
export function registerMaxPoolGradient(): void {
  if (registered) return;
  const original = tf.getGradient('MaxPool');
  tf.registerGradient({
    kernelName: 'MaxPool',
    inputsToSave: ['x'],
    outputsToSave: [true],
    gradFunc: (dy, saved, attrs) => {
      const x = saved[0] as tf.Tensor4D;
      if (tf.getBackend() !== 'wasm' || x.rank !== 4) return original.gradFunc(dy, saved, attrs);
      return { x: () => maxPoolGradHost(dy as tf.Tensor4D, x, attrs as unknown as MaxPoolAttrs) };
    },
  });
  registered = true;
}
