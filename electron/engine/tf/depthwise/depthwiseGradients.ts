/**
 * Gradients of a depthwise convolution (channel multiplier 1) written as forward depthwise
 * convolutions, so that they run on XNNPACK on the wasm backend, which has no
 * DepthwiseConv2dNativeBackpropFilter / BackpropInput kernels, and so that dilated depthwise
 * convolutions (DARTS' dil_conv) can be differentiated at all (tfjs's stock gradient rejects
 * dilation > 1 on every backend). NHWC tensors; filters [kh, kw, C, 1].
 *
 * Filter gradient: dW[a,b,c] = sum_{n,i,j} xpad[n, i*s + a*d, j*s + b*d, c] * dy[n,i,j,c]. Moving
 * the batch into the channel axis (channel m = n*C + c) makes it one depthwise convolution of
 * x' [1, H, W, N*C] with the "filter" dy' [Ho, Wo, N*C, 1], stride d and dilation s, giving
 * [1, kh, kw, N*C], then a sum over n.
 *
 * Input gradient: the transposed convolution. Stride 1: a depthwise convolution of dy with the
 * spatially flipped filter (same dilation). Stride s > 1: dy is first upsampled by inserting
 * s-1 zeros after each of its pixels, then as for stride 1.
 */
import * as tf from '@tensorflow/tfjs';

/** Geometry of one depthwise convolution, as tfjs resolves its attributes. */
export interface DepthwiseGeometry {
  readonly n: number;
  readonly inH: number;
  readonly inW: number;
  readonly channels: number;
  readonly outH: number;
  readonly outW: number;
  readonly kh: number;
  readonly kw: number;
  readonly strideH: number;
  readonly strideW: number;
  readonly dilationH: number;
  readonly dilationW: number;
  readonly padTop: number;
  readonly padLeft: number;
}

export type DepthwisePad = 'same' | 'valid' | number | [[number, number], [number, number], [number, number], [number, number]];

/** Resolves a depthwise convolution's attributes (NHWC, channel multiplier 1). */
export function depthwiseGeometry(xShape: number[], filterShape: number[], strides: number | [number, number], dilations: number | [number, number], pad: DepthwisePad, roundingMode?: 'floor' | 'round' | 'ceil'): DepthwiseGeometry {
  const info = tf.backend_util.computeConv2DInfo(xShape as [number, number, number, number], filterShape as [number, number, number, number], strides, dilations, pad, roundingMode, true);
  return {
    n: info.batchSize, inH: info.inHeight, inW: info.inWidth, channels: info.inChannels, outH: info.outHeight, outW: info.outWidth,
    kh: info.filterHeight, kw: info.filterWidth, strideH: info.strideHeight, strideW: info.strideWidth,
    dilationH: info.dilationHeight, dilationW: info.dilationWidth, padTop: info.padInfo.top, padLeft: info.padInfo.left,
  };
}

type Pads = [[number, number], [number, number], [number, number], [number, number]];

/** Crops the spatial axes where an amount is negative; returns the (non-negative) pads left to apply. */
function cropNegative(x: tf.Tensor4D, top: number, bottom: number, left: number, right: number): { x: tf.Tensor4D; pads: Pads } {
  const [n, h, w, c] = x.shape;
  const ct = Math.max(0, -top), cb = Math.max(0, -bottom), cl = Math.max(0, -left), cr = Math.max(0, -right);
  const cropped = ct || cb || cl || cr ? tf.slice(x, [0, ct, cl, 0], [n, h - ct - cb, w - cl - cr, c]) : x;
  return { x: cropped, pads: [[0, 0], [Math.max(0, top), Math.max(0, bottom)], [Math.max(0, left), Math.max(0, right)], [0, 0]] };
}

/** A depthwise convolution with explicit pads, dropping the all-zero pad (XNNPACK's fast path). */
function dwConv(x: tf.Tensor4D, f: tf.Tensor4D, strides: [number, number], pads: Pads, dilations: [number, number]): tf.Tensor4D {
  const pad = pads.every(([a, b]) => a === 0 && b === 0) ? 'valid' : pads;
  return tf.depthwiseConv2d(x, f, strides, pad, 'NHWC', dilations);
}

/** dW [kh,kw,C,1] from x [N,H,W,C] and dy [N,Ho,Wo,C]. The caller disposes the result. */
export function depthwiseFilterGrad(x: tf.Tensor4D, dy: tf.Tensor4D, g: DepthwiseGeometry): tf.Tensor4D {
  return tf.tidy(() => {
    const { n, channels: c } = g;
    const xs = n === 1 ? x : (tf.reshape(tf.transpose(x, [1, 2, 0, 3]), [1, g.inH, g.inW, n * c]) as tf.Tensor4D); // [1,H,W,N*C]
    const f = tf.reshape(n === 1 ? dy : tf.transpose(dy, [1, 2, 0, 3]), [g.outH, g.outW, n * c, 1]) as tf.Tensor4D;
    // Output rows must be exactly kh: choose the bottom pad (or crop) to match.
    const bottom = (g.kh - 1) * g.dilationH + (g.outH - 1) * g.strideH + 1 - g.inH - g.padTop;
    const right = (g.kw - 1) * g.dilationW + (g.outW - 1) * g.strideW + 1 - g.inW - g.padLeft;
    const { x: xc, pads } = cropNegative(xs, g.padTop, bottom, g.padLeft, right);
    const out = dwConv(xc, f, [g.dilationH, g.dilationW], pads, [g.strideH, g.strideW]); // [1,kh,kw,N*C]
    const summed = n === 1 ? out : tf.sum(tf.reshape(out, [g.kh, g.kw, n, c]), 2);
    return tf.reshape(summed, [g.kh, g.kw, c, 1]);
  });
}

/**
 * Inserts s-1 zeros after every pixel: [N,H,W,C] -> [N,H*sh,W*sw,C]. The trailing zeros are
 * harmless (they only meet padding), and leaving them avoids a strided crop.
 */
function zeroUpsample(dy: tf.Tensor4D, sh: number, sw: number): tf.Tensor4D {
  const [n, h, w, c] = dy.shape;
  let y: tf.Tensor4D = dy;
  if (sw > 1) y = tf.reshape(tf.concat([tf.reshape(y, [n, h, w, 1, c]), tf.zeros([n, h, w, sw - 1, c])], 3), [n, h, w * sw, c]);
  if (sh > 1) {
    const w2 = y.shape[2];
    y = tf.reshape(tf.concat([tf.reshape(y, [n, h, 1, w2 * c]), tf.zeros([n, h, sh - 1, w2 * c])], 2), [n, h * sh, w2, c]);
  }
  return y;
}

/** dx [N,H,W,C] from dy [N,Ho,Wo,C] and the filter [kh,kw,C,1]. The caller disposes the result. */
export function depthwiseInputGrad(dy: tf.Tensor4D, filter: tf.Tensor4D, g: DepthwiseGeometry): tf.Tensor4D {
  return tf.tidy(() => {
    const up = g.strideH === 1 && g.strideW === 1 ? dy : zeroUpsample(dy, g.strideH, g.strideW);
    const flipped = tf.reverse(filter, [0, 1]) as tf.Tensor4D;
    const top = (g.kh - 1) * g.dilationH - g.padTop;
    const left = (g.kw - 1) * g.dilationW - g.padLeft;
    const bottom = g.inH - 1 + g.padTop - (up.shape[1] - 1);
    const right = g.inW - 1 + g.padLeft - (up.shape[2] - 1);
    const { x: dyc, pads } = cropNegative(up, top, bottom, left, right);
    return dwConv(dyc, flipped, [1, 1], pads, [g.dilationH, g.dilationW]);
  });
}
