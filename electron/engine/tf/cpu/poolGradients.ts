/**
 * Average-pool gradient as a depthwise convolution (XNNPACK on the wasm backend).
 *
 * For a stride-1 pool whose padding is symmetric (odd k, 'same'), TF excludes padding from the
 * count, so output q averages count[q] pixels. Then dx[p] = sum over windows q that contain p of
 * dy[q] / count[q], and since the window is symmetric that is a k x k box sum of dy / count:
 * one broadcast multiply and one depthwise convolution with a ones kernel.
 */
import * as tf from '@tensorflow/tfjs';

const inverseCounts = new Map<string, Float32Array>();

/** 1 / (number of in-image pixels in the k x k window centred on each pixel), [H*W]. */
function inverseCountMap(h: number, w: number, k: number): Float32Array {
  const key = `${h}x${w}k${k}`;
  let map = inverseCounts.get(key);
  if (!map) {
    const r = (k - 1) / 2;
    map = new Float32Array(h * w);
    for (let y = 0; y < h; y++) {
      const rows = Math.min(h - 1, y + r) - Math.max(0, y - r) + 1;
      for (let x = 0; x < w; x++) map[y * w + x] = 1 / (rows * (Math.min(w - 1, x + r) - Math.max(0, x - r) + 1));
    }
    inverseCounts.set(key, map);
  }
  return map;
}

/** Whether {@link avgPoolSameGrad} handles this pool (stride 1, odd square window, 'same'). */
export function isSymmetricStride1Pool(filterSize: number | [number, number], strides: number | [number, number], pad: unknown): boolean {
  const [kh, kw] = typeof filterSize === 'number' ? [filterSize, filterSize] : filterSize;
  const [sh, sw] = typeof strides === 'number' ? [strides, strides] : strides;
  return kh === kw && kh % 2 === 1 && sh === 1 && sw === 1 && pad === 'same';
}

/** dx [N,H,W,C] of a stride-1 'same' k x k average pool, from dy [N,H,W,C]. */
export function avgPoolSameGrad(dy: tf.Tensor4D, k: number): tf.Tensor4D {
  return tf.tidy(() => {
    const [, h, w, c] = dy.shape;
    const scaled = tf.mul(dy, tf.tensor4d(inverseCountMap(h, w, k), [1, h, w, 1]));
    return tf.depthwiseConv2d(scaled as tf.Tensor4D, tf.ones([k, k, c, 1]) as tf.Tensor4D, 1, 'same') as tf.Tensor4D;
  });
}
