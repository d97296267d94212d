/** The batch-norm heap kernels on wasm against the same maths in tfjs ops on the cpu backend. */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { channelAffine2, channelDot, channelKernelPath, channelSums } from '../../../electron/engine/tf/cpu/channelKernels';
import { onBackend, randomValues, relError, setUpBackends } from './helpers';

// Channel counts that are not multiples of 4 take the JS loop; the others the SIMD module (16-wide
// blocks, then 4-wide tails). The batch-64 shapes are the nb201-fashion supernet's at C=8 and C=16.
const SHAPES: Array<[number, number, number, number]> = [
  [2, 7, 7, 3],
  [3, 8, 8, 8],
  [2, 14, 14, 16],
  [1, 5, 5, 64],
  [2, 5, 3, 12],
  [3, 9, 7, 20],
  [64, 28, 28, 8],
  [64, 28, 28, 16],
  [64, 14, 14, 32],
  [64, 7, 7, 64],
];

describe('channel kernels (wasm heap) vs tfjs ops (cpu)', () => {
  beforeAll(setUpBackends);

  it('runs in the SIMD module on the wasm backend', async () => {
    await tf.setBackend('wasm');
    expect(channelKernelPath()).toBe('simd');
  });

  it.each(SHAPES.map((s) => [s.join('x'), s] as const))('%s', async (_name, shape) => {
    const size = shape.reduce((a, b) => a * b, 1);
    const c = shape[3];
    const run = () => {
      const a = tf.tensor4d(randomValues(size, 1), shape);
      const b = tf.tensor4d(randomValues(size, 2), shape);
      const [p, q, r] = [3, 4, 5].map((seed) => tf.tensor1d(randomValues(c, seed)));
      return [channelSums(a), channelDot(a, b), channelAffine2(a, b, p as tf.Tensor1D, q as tf.Tensor1D, r as tf.Tensor1D)];
    };
    const ref = await onBackend('cpu', run);
    const got = await onBackend('wasm', run);
    ref.forEach((r, i) => expect(relError(got[i] as Float32Array, r)).toBeLessThan(1e-4));
  });

  it.each(SHAPES.map((s) => [s.join('x'), s] as const))('tf.sum over the leading axes (and other sums) on wasm: %s', async (_name, shape) => {
    const size = shape.reduce((a, b) => a * b, 1);
    const run = () => {
      const a = tf.tensor4d(randomValues(size, 21), shape);
      return [tf.sum(a, [0, 1, 2]), tf.sum(a, [2, 0, 1], true), tf.sum(a, [-4, -3, -2]), tf.sum(a, [0, 1]), tf.sum(a, 3), tf.sum(a)];
    };
    const ref = await onBackend('cpu', run);
    const got = await onBackend('wasm', run);
    ref.forEach((r, i) => expect(relError(got[i] as Float32Array, r), String(i)).toBeLessThan(1e-4));
  });
});
