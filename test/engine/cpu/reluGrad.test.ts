/**
 * The one-pass SIMD ReLU gradient (kernels/elementwise.c) on wasm against tfjs's cpu gradient
 * (dy * step(x)), on the supernet's activation shapes, sizes that are not multiples of the
 * 16-float block, and exact zeros (step(0) = 0).
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { simdReluGrad } from '../../../electron/engine/tf/cpu/reluGradKernel';
import { onBackend, randomValues, relError, setUpBackends } from './helpers';

const SHAPES: number[][] = [[4, 28, 28, 16], [4, 14, 14, 32], [2, 7, 7, 64], [3, 5, 7], [17], [1]];

function grad(shape: number[]): tf.Tensor {
  const size = shape.reduce((a, b) => a * b, 1);
  const values = randomValues(size, 1);
  for (let i = 0; i < size; i += 7) values[i] = 0; // exact zeros: gradient 0 as in tfjs
  const x = tf.tensor(values, shape);
  const w = tf.tensor(randomValues(size, 2), shape);
  return tf.grad((v: tf.Tensor) => tf.sum(tf.mul(tf.relu(v), w)))(x);
}

describe('ReLU gradient (wasm SIMD) vs tfjs cpu', () => {
  beforeAll(setUpBackends);

  it.each(SHAPES.map((s) => [s.join('x'), s] as const))('%s', async (_name, shape) => {
    const ref = await onBackend('cpu', () => grad(shape));
    const got = await onBackend('wasm', () => grad(shape));
    expect(relError(got[0] as Float32Array, ref[0] as Float32Array)).toBeLessThan(1e-6);
  });

  it('runs on the SIMD kernel on wasm, and keeps a NaN of dy', async () => {
    await tf.setBackend('wasm');
    const [values] = tf.tidy(() => {
      const dx = simdReluGrad(tf.tensor1d([1, Number.NaN, 2, -3, 4]), tf.tensor1d([1, 1, -1, 0, 2]));
      expect(dx).not.toBeNull();
      return [Array.from((dx as tf.Tensor).dataSync())];
    });
    expect(values?.slice(0, 1)).toEqual([1]);
    expect(Number.isNaN(values?.[1])).toBe(true);
    // dy * 0 keeps the sign of dy, as tfjs's multiply by step(x) does.
    expect(values?.slice(2)).toEqual([0, -0, 4]);
  });
});
