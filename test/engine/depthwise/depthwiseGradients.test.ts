/**
 * The depthwise-convolution gradients (electron/engine/tf/depthwise) on the wasm backend against
 * tfjs's reference cpu kernels (DepthwiseConv2dNativeBackpropInput/Filter), on random inputs of
 * the shapes the DARTS and MobileNet supernets use. Dilated cases are checked against autodiff
 * of an explicitly dilated (zero-inserted) filter on cpu. Relative error must stay under 1e-4.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { registerDepthwiseGradients } from '../../../electron/engine/tf/depthwise/registerDepthwiseGradients';
import type { DepthwisePad } from '../../../electron/engine/tf/depthwise/depthwiseGradients';
import { onBackend, randomValues, relError, setUpBackends } from '../cpu/helpers';

interface DwCase {
  readonly name: string;
  readonly x: [number, number, number, number];
  readonly k: number;
  readonly stride: number;
  readonly dilation: number;
  readonly pad: DepthwisePad;
}

const sym = (p: number): DepthwisePad => [[0, 0], [p, p], [p, p], [0, 0]];

const CASES: DwCase[] = [];
for (const k of [3, 5, 7]) {
  for (const stride of [1, 2]) {
    for (const size of [7, 8]) {
      CASES.push({ name: `k${k} s${stride} ${size}x${size} same`, x: [2, size, size, 3], k, stride, dilation: 1, pad: 'same' });
      CASES.push({ name: `k${k} s${stride} ${size}x${size} symmetric`, x: [3, size, size, 4], k, stride, dilation: 1, pad: sym((k - 1) / 2) });
    }
    CASES.push({ name: `k${k} s${stride} 9x9 valid`, x: [2, 9, 9, 2], k, stride, dilation: 1, pad: 'valid' });
  }
  CASES.push({ name: `k${k} dilation 2 same`, x: [2, 11, 11, 3], k, stride: 1, dilation: 2, pad: 'same' });
  CASES.push({ name: `k${k} dilation 2 symmetric`, x: [2, 12, 12, 3], k, stride: 1, dilation: 2, pad: sym(k - 1) });
}
CASES.push({ name: 'k3 s1 batch 1', x: [1, 6, 6, 5], k: 3, stride: 1, dilation: 1, pad: 'same' });

/** [k,k,C,1] -> [(k-1)d+1, (k-1)d+1, C, 1] with zeros between the taps. */
function dilate(f: tf.Tensor4D, d: number): tf.Tensor4D {
  const [k, , c] = f.shape;
  const size = (k - 1) * d + 1;
  const idx: number[] = [];
  for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) idx.push(i * d * size + j * d);
  const select = new Float32Array(size * size * k * k);
  idx.forEach((at, t) => (select[at * k * k + t] = 1));
  const flat = tf.reshape(f, [k * k, c]);
  return tf.reshape(tf.matMul(tf.tensor2d(select, [size * size, k * k]), flat), [size, size, c, 1]); // differentiable
}

function inputs(c: DwCase): { x: tf.Tensor4D; filter: tf.Tensor4D; dy: tf.Tensor4D } {
  const [n, h, w, ch] = c.x;
  const x = tf.tensor4d(randomValues(n * h * w * ch, 1), c.x);
  const filter = tf.tensor4d(randomValues(c.k * c.k * ch, 2), [c.k, c.k, ch, 1]);
  const y = tf.depthwiseConv2d(x, filter, c.stride, c.pad, 'NHWC', c.dilation);
  const dy = tf.tensor4d(randomValues(y.size, 3), y.shape);
  return { x, filter, dy };
}

function reference(c: DwCase): tf.Tensor[] {
  const { x, filter, dy } = inputs(c);
  if (c.dilation > 1) {
    const [dx, df] = tf.grads((xx: tf.Tensor, ff: tf.Tensor) => tf.sum(tf.mul(tf.depthwiseConv2d(xx as tf.Tensor4D, dilate(ff as tf.Tensor4D, c.dilation), 1, c.pad), dy)))([x, filter]);
    return [dx as tf.Tensor, df as tf.Tensor];
  }
  const attrs = { strides: [c.stride, c.stride], pad: c.pad, dataFormat: 'NHWC', dimRoundingMode: undefined, filterShape: filter.shape, inputShape: x.shape, dilations: [1, 1] };
  const dx = tf.engine().runKernel('DepthwiseConv2dNativeBackpropInput', { dy, filter }, attrs as never) as tf.Tensor;
  const df = tf.engine().runKernel('DepthwiseConv2dNativeBackpropFilter', { x, dy }, attrs as never) as tf.Tensor;
  return [dx, df];
}

function viaAutodiff(c: DwCase): tf.Tensor[] {
  const { x, filter, dy } = inputs(c);
  const [dx, df] = tf.grads((xx: tf.Tensor, ff: tf.Tensor) => tf.sum(tf.mul(tf.depthwiseConv2d(xx as tf.Tensor4D, ff as tf.Tensor4D, c.stride, c.pad, 'NHWC', c.dilation), dy)))([x, filter]);
  return [dx as tf.Tensor, df as tf.Tensor];
}

beforeAll(async () => {
  await setUpBackends();
  registerDepthwiseGradients();
  registerDepthwiseGradients(); // idempotent
});

describe('depthwise gradients on wasm vs the cpu reference', () => {
  it.each(CASES)('$name', async (c) => {
    const before = tf.memory().numTensors;
    const [refDx, refDf] = await onBackend('cpu', () => reference(c));
    const [dx, df] = await onBackend('wasm', () => viaAutodiff(c));
    expect(relError(dx as Float32Array, refDx as Float32Array)).toBeLessThan(1e-4);
    expect(relError(df as Float32Array, refDf as Float32Array)).toBeLessThan(1e-4);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('dilated gradients also work on the cpu backend (stock tfjs rejects them)', async () => {
    const c = CASES.find((k) => k.dilation === 2) as DwCase;
    const [refDx, refDf] = await onBackend('cpu', () => reference(c));
    const [dx, df] = await onBackend('cpu', () => viaAutodiff(c));
    expect(relError(dx as Float32Array, refDx as Float32Array)).toBeLessThan(1e-5);
    expect(relError(df as Float32Array, refDf as Float32Array)).toBeLessThan(1e-5);
  });

  it.each([
    { pad: 1, stride: 2, size: 8 },
    { pad: 1, stride: 2, size: 7 },
    { pad: 'same', stride: 1, size: 8 },
    { pad: 1, stride: 1, size: 6 },
    { pad: 'valid', stride: 1, size: 6 },
    { pad: 'same', stride: 2, size: 8 },
  ] as const)('max-pool gradient on wasm matches cpu (pad $pad, stride $stride, $size x $size)', async ({ pad, stride, size }) => {
    const f = (): tf.Tensor => {
      const x = tf.sub(tf.tensor4d(randomValues(2 * size * size * 3, 4), [2, size, size, 3]), 1) as tf.Tensor4D; // mostly negative maxima
      const shape = tf.maxPool(x, 3, stride, pad).shape;
      const dy = tf.tensor4d(randomValues(shape.reduce((a, b) => a * b, 1), 5), shape);
      return tf.grad((xx: tf.Tensor) => tf.sum(tf.mul(tf.maxPool(xx as tf.Tensor4D, 3, stride, pad), dy)))(x);
    };
    expect(tf.getKernel('MaxPoolGrad', 'wasm')).toBeDefined();
    const before = tf.memory().numTensors;
    const [ref] = await onBackend('cpu', f);
    const [got] = await onBackend('wasm', f);
    expect(relError(got as Float32Array, ref as Float32Array)).toBeLessThan(1e-6);
    expect(tf.memory().numTensors).toBe(before);
  });
});
