/**
 * The rewritten Conv2D / AvgPool gradients on the wasm backend against tfjs's reference `cpu`
 * kernels (Conv2DBackpropFilter, Conv2DBackpropInput, AvgPoolGrad), on random inputs of the
 * shapes the search spaces use. Relative error must stay under 1e-4.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { conv2dFilterGrad, conv2dInputGrad, convGeometry, type ConvPad } from '../../../electron/engine/tf/cpu/convGradients';
import { simdFilterGradApplies } from '../../../electron/engine/tf/cpu/filterGradKernel';
import { onBackend, randomValues, relError, setUpBackends } from './helpers';

interface ConvCase {
  readonly name: string;
  readonly x: [number, number, number, number];
  readonly k: number;
  readonly outC: number;
  readonly stride: number;
  readonly dilation: number;
  readonly pad: ConvPad;
}

const sym = (p: number): ConvPad => [[0, 0], [p, p], [p, p], [0, 0]];

const CASES: ConvCase[] = [];
for (const k of [1, 3, 5, 7]) {
  for (const stride of [1, 2]) {
    for (const size of [7, 8, 14]) {
      CASES.push({ name: `k${k} s${stride} ${size}x${size} same`, x: [2, size, size, 3], k, outC: 4, stride, dilation: 1, pad: 'same' });
      CASES.push({ name: `k${k} s${stride} ${size}x${size} symmetric`, x: [2, size, size, 3], k, outC: 4, stride, dilation: 1, pad: sym((k - 1) / 2) });
    }
    CASES.push({ name: `k${k} s${stride} 9x9 valid`, x: [2, 9, 9, 2], k, outC: 3, stride, dilation: 1, pad: 'valid' });
  }
  if (k > 1) {
    CASES.push({ name: `k${k} dilation 2 same`, x: [2, 11, 11, 3], k, outC: 2, stride: 1, dilation: 2, pad: 'same' });
    CASES.push({ name: `k${k} dilation 2 symmetric`, x: [2, 12, 12, 3], k, outC: 2, stride: 1, dilation: 2, pad: sym(k - 1) });
  }
}

// Output channels a multiple of 8 take the SIMD filter-gradient kernel (dilation 1): every kernel
// size, stride, padding, and input channels 1 (the stem), 3 (a 1-channel tail) and 8.
for (const k of [1, 3, 5]) {
  for (const stride of [1, 2]) {
    for (const ci of [1, 3, 8]) {
      CASES.push({ name: `simd k${k} s${stride} ci${ci} 9x9 same`, x: [2, 9, 9, ci], k, outC: 8, stride, dilation: 1, pad: 'same' });
      CASES.push({ name: `simd k${k} s${stride} ci${ci} 8x8 symmetric`, x: [2, 8, 8, ci], k, outC: 16, stride, dilation: 1, pad: sym((k - 1) / 2) });
    }
    CASES.push({ name: `simd k${k} s${stride} 10x10 valid`, x: [2, 10, 10, 4], k, outC: 8, stride, dilation: 1, pad: 'valid' });
  }
}
// The nb201-fashion supernet's convolutions (C=8 and C=16; batch 16 keeps the cpu reference quick).
const SUPERNET_CASES: ConvCase[] = [
  { name: 'stem 28x28x1->16', x: [16, 28, 28, 1], k: 3, outC: 16, stride: 1, dilation: 1, pad: 'same' },
  { name: 'cell 28x28x16 3x3', x: [16, 28, 28, 16], k: 3, outC: 16, stride: 1, dilation: 1, pad: 'same' },
  { name: 'cell 28x28x8 1x1', x: [16, 28, 28, 8], k: 1, outC: 8, stride: 1, dilation: 1, pad: 'valid' },
  { name: 'reduction 28x28x16->32 s2', x: [16, 28, 28, 16], k: 3, outC: 32, stride: 2, dilation: 1, pad: sym(1) },
  { name: 'cell 14x14x32 3x3', x: [16, 14, 14, 32], k: 3, outC: 32, stride: 1, dilation: 1, pad: 'same' },
  { name: 'reduction 14x14x32->64 s2', x: [16, 14, 14, 32], k: 3, outC: 64, stride: 2, dilation: 1, pad: sym(1) },
  { name: 'cell 7x7x64 3x3', x: [16, 7, 7, 64], k: 3, outC: 64, stride: 1, dilation: 1, pad: 'same' },
  { name: 'shortcut 14x14x16->32 1x1', x: [16, 14, 14, 16], k: 1, outC: 32, stride: 1, dilation: 1, pad: 'valid' },
];
CASES.push(...SUPERNET_CASES);

function gradients(c: ConvCase, reference: boolean): tf.Tensor[] {
  const [n, h, w, ci] = c.x;
  const x = tf.tensor4d(randomValues(n * h * w * ci, 1), c.x);
  const filter = tf.tensor4d(randomValues(c.k * c.k * ci * c.outC, 2), [c.k, c.k, ci, c.outC]);
  const y = tf.conv2d(x, filter, c.stride, c.pad, 'NHWC', c.dilation);
  const dy = tf.tensor4d(randomValues(y.size, 3), y.shape);
  if (reference) {
    // tfjs's own kernels (its Conv2D gradient rejects dilation, so call the kernels directly).
    const attrs = { strides: [c.stride, c.stride], pad: c.pad, dataFormat: 'NHWC', dimRoundingMode: undefined, filterShape: filter.shape, inputShape: x.shape, dilations: [c.dilation, c.dilation] };
    const engine = tf.engine();
    if (c.dilation > 1) {
      // Reference by brute force through autodiff of an explicitly dilated filter.
      const dk = (c.k - 1) * c.dilation + 1;
      const [dx, df] = tf.grads((xx: tf.Tensor, ff: tf.Tensor) => {
        return tf.sum(tf.mul(tf.conv2d(xx as tf.Tensor4D, dilate(ff as tf.Tensor4D, c.dilation, dk), 1, c.pad), dy));
      })([x, filter]);
      return [dx as tf.Tensor, df as tf.Tensor];
    }
    const dx = engine.runKernel('Conv2DBackpropInput', { dy, filter }, attrs as never) as tf.Tensor;
    const df = engine.runKernel('Conv2DBackpropFilter', { x, dy }, attrs as never) as tf.Tensor;
    return [dx, df];
  }
  const g = convGeometry(x.shape, filter.shape, c.stride, c.dilation, c.pad);
  return [conv2dInputGrad(dy, filter, g), conv2dFilterGrad(x, dy, g)];
}

/** A dilated filter written out with zeros, [dk,dk,Ci,Co], built differentiably from f. */
function dilate(f: tf.Tensor4D, d: number, dk: number): tf.Tensor4D {
  const [, , ci, co] = f.shape;
  const rows: tf.Tensor[] = [];
  for (let a = 0; a < dk; a++) {
    const cols: tf.Tensor[] = [];
    for (let b = 0; b < dk; b++) {
      cols.push(a % d === 0 && b % d === 0 ? tf.squeeze(tf.slice(f, [a / d, b / d, 0, 0], [1, 1, ci, co]), [0, 1]) : tf.zeros([ci, co]));
    }
    rows.push(tf.stack(cols));
  }
  return tf.stack(rows) as tf.Tensor4D;
}

describe('Conv2D gradients as forward convolutions (wasm) vs tfjs cpu kernels', () => {
  beforeAll(setUpBackends);

  it.each(CASES.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const [refDx, refDf] = await onBackend('cpu', () => gradients(c, true));
    const [dx, df] = await onBackend('wasm', () => gradients(c, false));
    expect(relError(dx as Float32Array, refDx as Float32Array)).toBeLessThan(1e-4);
    expect(relError(df as Float32Array, refDf as Float32Array)).toBeLessThan(1e-4);
  });

  it('the supernet shapes take the SIMD filter gradient on wasm', async () => {
    await tf.setBackend('wasm');
    for (const c of SUPERNET_CASES) {
      const g = convGeometry(c.x, [c.k, c.k, c.x[3], c.outC], c.stride, c.dilation, c.pad);
      expect(simdFilterGradApplies(g), c.name).toBe(true);
    }
  });

  it('autodiff on wasm uses the override and matches cpu autodiff (stride 2, explicit pad)', async () => {
    const run = () => {
      const x = tf.tensor4d(randomValues(2 * 8 * 8 * 3, 4), [2, 8, 8, 3]);
      const f = tf.tensor4d(randomValues(3 * 3 * 3 * 5, 5), [3, 3, 3, 5]);
      return tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.square(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 2, sym(1)))))([x, f]);
    };
    const ref = await onBackend('cpu', run);
    const got = await onBackend('wasm', run);
    ref.forEach((r, i) => expect(relError(got[i] as Float32Array, r)).toBeLessThan(1e-4));
  });
});

/**
 * tfjs's AvgPoolGrad kernels divide by k*k everywhere, but its forward (like TF and NB201's
 * count_include_pad=False) divides by the in-image count at the borders, so the stock gradient
 * is wrong there. The reference is autodiff of the forward written out on cpu:
 * box-sum(x) / box-sum(1), checked first against tf.avgPool itself.
 */
function avgPoolExplicit(x: tf.Tensor4D, k: number): tf.Tensor4D {
  const [, h, w, c] = x.shape;
  const ones = tf.ones([k, k, c, 1]) as tf.Tensor4D;
  const count = tf.depthwiseConv2d(tf.ones([1, h, w, c]) as tf.Tensor4D, ones, 1, 'same');
  return tf.div(tf.depthwiseConv2d(x, ones, 1, 'same'), count);
}

describe('AvgPool gradient as a depthwise convolution (wasm) vs autodiff of the forward on cpu', () => {
  beforeAll(setUpBackends);

  it.each([
    [3, 7],
    [3, 8],
    [3, 14],
    [5, 9],
  ] as const)('k%i same on %ix%i', async (k, size) => {
    const x = () => tf.tensor4d(randomValues(2 * size * size * 3, 6), [2, size, size, 3]);
    const dy = () => tf.tensor4d(randomValues(2 * size * size * 3, 7), [2, size, size, 3]);
    const [fwdRef, fwd] = await onBackend('cpu', () => [avgPoolExplicit(x(), k), tf.avgPool(x(), k, 1, 'same')]);
    expect(relError(fwd as Float32Array, fwdRef as Float32Array)).toBeLessThan(1e-5);
    const [ref] = await onBackend('cpu', () => tf.grad((a: tf.Tensor) => tf.sum(tf.mul(avgPoolExplicit(a as tf.Tensor4D, k), dy())))(x()));
    for (const backend of ['wasm', 'cpu'] as const) {
      const [got] = await onBackend(backend, () => tf.grad((a: tf.Tensor) => tf.sum(tf.mul(tf.avgPool(a as tf.Tensor4D, k, 1, 'same'), dy())))(x()));
      expect(relError(got as Float32Array, ref as Float32Array)).toBeLessThan(1e-4);
    }
  });

  it('2x2 stride-2 valid pool (reduction shortcut) keeps the stock gradient', async () => {
    const run = () => {
      const x = tf.tensor4d(randomValues(2 * 8 * 8 * 3, 8), [2, 8, 8, 3]);
      return tf.grad((a: tf.Tensor) => tf.sum(tf.square(tf.avgPool(a as tf.Tensor4D, 2, 2, 'valid'))))(x);
    };
    const [ref] = await onBackend('cpu', run);
    const [got] = await onBackend('wasm', run);
    expect(relError(got as Float32Array, ref as Float32Array)).toBeLessThan(1e-4);
  });
});
