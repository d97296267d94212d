/**
 * Conv2D gradients rewritten as ordinary forward convolutions, so that on the wasm backend they
 * run on XNNPACK's fast convolution instead of missing (Conv2DBackpropFilter) or slow
 * (Conv2DBackpropInput) kernels. All tensors are NHWC; filters are [kh, kw, Ci, Co].
 *
 * Filter gradient: dW[a,b,ci,co] = sum_{n,i,j} x[n, i*s+a*d-pt, j*s+b*d-pl, ci] * dy[n,i,j,co].
 * Swapping the batch and channel axes makes this one convolution: input x^T [Ci,H,W,N],
 * filter dy^T [Ho,Wo,N,Co], stride d, dilation s, giving [Ci,kh,kw,Co].
 *
 * Input gradient, stride 1: a convolution of dy with the filter flipped in space and transposed
 * in channels. Stride s > 1: split dx into s*s phases (output pixels with the same position
 * modulo s); each phase is a stride-1 convolution of dy with the taps that reach it, and the
 * phases are interleaved by stacking.
 */
import * as tf from '@tensorflow/tfjs';
import { simdFilterGrad } from './filterGradKernel';

/** Geometry of one Conv2D, from tfjs's own attribute resolution. */
export interface ConvGeometry {
  readonly n: number;
  readonly inH: number;
  readonly inW: number;
  readonly inC: number;
  readonly outH: number;
  readonly outW: number;
  readonly outC: number;
  readonly kh: number;
  readonly kw: number;
  readonly strideH: number;
  readonly strideW: number;
  readonly dilationH: number;
  readonly dilationW: number;
  readonly padTop: number;
  readonly padLeft: number;
}

export type ConvPad = 'same' | 'valid' | number | [[number, number], [number, number], [number, number], [number, number]];

/** Resolves a Conv2D's attributes the way tfjs does (NHWC only). */
export function convGeometry(xShape: number[], filterShape: number[], strides: number | [number, number], dilations: number | [number, number], pad: ConvPad, roundingMode?: 'floor' | 'round' | 'ceil'): ConvGeometry {
  const info = tf.backend_util.computeConv2DInfo(xShape as [number, number, number, number], filterShape as [number, number, number, number], strides, dilations, pad, roundingMode);
  return {
    n: info.batchSize, inH: info.inHeight, inW: info.inWidth, inC: info.inChannels,
    outH: info.outHeight, outW: info.outWidth, outC: info.outChannels,
    kh: info.filterHeight, kw: info.filterWidth, strideH: info.strideHeight, strideW: info.strideWidth,
    dilationH: info.dilationHeight, dilationW: info.dilationWidth, padTop: info.padInfo.top, padLeft: info.padInfo.left,
  };
}

/**
 * Pads (positive amounts) or crops (negative amounts) the two spatial axes of an NHWC tensor.
 * Crops are done with a slice; pads are returned for the convolution to apply.
 */
function cropNegative(x: tf.Tensor4D, top: number, bottom: number, left: number, right: number): { x: tf.Tensor4D; pads: [[number, number], [number, number], [number, number], [number, number]] } {
  const [n, h, w, c] = x.shape;
  const ct = Math.max(0, -top), cb = Math.max(0, -bottom), cl = Math.max(0, -left), cr = Math.max(0, -right);
  const cropped = ct || cb || cl || cr ? tf.slice(x, [0, ct, cl, 0], [n, h - ct - cb, w - cl - cr, c]) : x;
  return { x: cropped, pads: [[0, 0], [Math.max(0, top), Math.max(0, bottom)], [Math.max(0, left), Math.max(0, right)], [0, 0]] };
}

/**
 * dW [kh,kw,Ci,Co] of a Conv2D, from x [N,H,W,Ci] and dy [N,Ho,Wo,Co]: our SIMD kernel where it
 * applies (wasm, dilation 1, Co % 8 == 0), else the XNNPACK formulations below.
 */
export function conv2dFilterGrad(x: tf.Tensor4D, dy: tf.Tensor4D, g: ConvGeometry, allowSimd = true): tf.Tensor4D {
  return tf.tidy(() => {
    const simd = allowSimd ? simdFilterGrad(x, dy, g) : null;
    if (simd) return simd;
    if (g.kh === 1 && g.kw === 1 && g.strideH === 1 && g.strideW === 1 && g.padTop === 0 && g.padLeft === 0 && g.inH === g.outH && g.inW === g.outW) {
      const rows = g.n * g.inH * g.inW;
      // An explicit transpose then a plain matMul: tfjs-wasm's transposeA path is 4x slower.
      const dw = tf.matMul(tf.transpose(tf.reshape(x, [rows, g.inC])), tf.reshape(dy, [rows, g.outC]));
      return tf.reshape(dw, [1, 1, g.inC, g.outC]);
    }
    const xT = tf.transpose(x, [3, 1, 2, 0]); // [Ci, H, W, N]
    const dyT = tf.transpose(dy, [1, 2, 0, 3]) as tf.Tensor4D; // [Ho, Wo, N, Co]
    // Output rows of the swapped convolution must be exactly kh: choose the bottom pad to match.
    const bottom = (g.kh - 1) * g.dilationH + (g.outH - 1) * g.strideH + 1 - g.inH - g.padTop;
    const right = (g.kw - 1) * g.dilationW + (g.outW - 1) * g.strideW + 1 - g.inW - g.padLeft;
    const { x: xc, pads } = cropNegative(xT as tf.Tensor4D, g.padTop, bottom, g.padLeft, right);
    const dwT = tf.conv2d(xc, dyT, [g.dilationH, g.dilationW], pads, 'NHWC', [g.strideH, g.strideW]); // [Ci, kh, kw, Co]
    return tf.transpose(dwT, [1, 2, 0, 3]);
  });
}

/** dx [N,H,W,Ci] of a stride-1 Conv2D, from dy [N,Ho,Wo,Co] and the filter [kh,kw,Ci,Co]. */
function inputGradStride1(dy: tf.Tensor4D, filter: tf.Tensor4D, g: ConvGeometry): tf.Tensor4D {
  const flipped = tf.transpose(tf.reverse(filter, [0, 1]), [0, 1, 3, 2]) as tf.Tensor4D; // [kh,kw,Co,Ci]
  const top = (g.kh - 1) * g.dilationH - g.padTop;
  const left = (g.kw - 1) * g.dilationW - g.padLeft;
  const bottom = g.inH - 1 + g.padTop - (g.outH - 1); // rows of dy needed below, as padding
  const right = g.inW - 1 + g.padLeft - (g.outW - 1);
  const { x: dyc, pads } = cropNegative(dy, top, bottom, left, right);
  return tf.conv2d(dyc, flipped, 1, pads, 'NHWC', [g.dilationH, g.dilationW]);
}

/** Taps of a kernel axis that reach output phase p (positions p + s*m), with dy offsets. */
function phaseTaps(p: number, pad: number, s: number, k: number): { taps: number[]; minOffset: number } {
  const taps: number[] = [];
  let minOffset = Infinity;
  for (let a = k - 1; a >= 0; a--) {
    const t = p + pad - a;
    if (((t % s) + s) % s === 0) {
      taps.push(a);
      minOffset = Math.min(minOffset, t / s);
    }
  }
  return { taps, minOffset }; // taps ordered by increasing offset (decreasing a)
}

/** dx of a strided (dilation 1) Conv2D by phase decomposition; see the file comment. */
function inputGradStrided(dy: tf.Tensor4D, filter: tf.Tensor4D, g: ConvGeometry): tf.Tensor4D {
  const s = g.strideH;
  const sw = g.strideW;
  const phH = Math.ceil(g.inH / s);
  const phW = Math.ceil(g.inW / sw);
  const phases: tf.Tensor4D[] = [];
  for (let py = 0; py < s; py++) {
    for (let px = 0; px < sw; px++) {
      const rows = phaseTaps(py, g.padTop, s, g.kh);
      const cols = phaseTaps(px, g.padLeft, sw, g.kw);
      if (rows.taps.length === 0 || cols.taps.length === 0) {
        phases.push(tf.zeros([g.n, phH, phW, g.inC]));
        continue;
      }
      const sub = tf.stack(rows.taps.map((a) => tf.stack(cols.taps.map((b) => tf.squeeze(tf.slice(filter, [a, b, 0, 0], [1, 1, g.inC, g.outC]), [0, 1]))))); // [ta,tb,Ci,Co]
      const kernel = tf.transpose(sub, [0, 1, 3, 2]) as tf.Tensor4D; // [ta,tb,Co,Ci]
      // Phase output m reads dy rows m + minOffset .. m + minOffset + ta - 1, for m in [0, phH).
      const top = -rows.minOffset;
      const bottom = phH - 1 + rows.minOffset + rows.taps.length - 1 - (g.outH - 1);
      const left = -cols.minOffset;
      const right = phW - 1 + cols.minOffset + cols.taps.length - 1 - (g.outW - 1);
      const { x: dyc, pads } = cropNegative(dy, top, bottom, left, right);
      phases.push(tf.conv2d(dyc, kernel, 1, pads));
    }
  }
  // Interleave without depthToSpace (30 ms on wasm for one 28x28x16 batch): stacking the
  // column phases on a new axis 3 and the row phases on a new axis 2 is row-major interleaving.
  const rowsOut: tf.Tensor4D[] = [];
  for (let py = 0; py < s; py++) {
    const cols = phases.slice(py * sw, (py + 1) * sw);
    rowsOut.push(tf.reshape(tf.stack(cols, 3), [g.n, phH, phW * sw, g.inC]));
  }
  const interleaved = tf.reshape(tf.stack(rowsOut, 2), [g.n, phH * s, phW * sw, g.inC]) as tf.Tensor4D;
  return phH * s === g.inH && phW * sw === g.inW ? interleaved : tf.slice(interleaved, [0, 0, 0, 0], [g.n, g.inH, g.inW, g.inC]);
}

/** dx [N,H,W,Ci] of a Conv2D, from dy [N,Ho,Wo,Co] and the filter [kh,kw,Ci,Co]. */
export function conv2dInputGrad(dy: tf.Tensor4D, filter: tf.Tensor4D, g: ConvGeometry): tf.Tensor4D {
  return tf.tidy(() => {
    if (g.strideH === 1 && g.strideW === 1) return inputGradStride1(dy, filter, g);
    if (g.strideH !== g.strideW) throw new Error('conv2dInputGrad: unequal strides are not supported');
    return inputGradStrided(dy, filter, g);
  });
}
