/**
 * Where SharedArrayBuffer is missing (e.g. a renderer without cross-origin isolation), the kernel
 * pool does not start, says why, and our SIMD kernels run on the main thread with the same
 * results as tfjs's cpu kernels, and the filter gradient sums in the same fixed chunk order as
 * with the pool (bit for bit). Its own file: the pool is created once per module instance.
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { kernelPool, kernelPoolStats, kernelPoolUnavailableReason, setMinSplitMacs } from '../../../electron/engine/tf/threads/kernelPool';
import { wasmTrainingSupport } from '../../../electron/engine/tf/wasmTrainingSupport';
import { FILTER_GRAD_CHUNKS, fixedChunkImages } from '../../../electron/engine/tf/threads/splitJob';
import { onBackend, randomValues, relError, setUpBackends } from './helpers';
import { bitDifferences, fixedOrderFilterGrad } from './fixedOrderFilterGrad';

describe('kernel pool fallback without SharedArrayBuffer', () => {
  beforeAll(async () => {
    await setUpBackends();
    vi.stubGlobal('SharedArrayBuffer', undefined);
    setMinSplitMacs(0);
  });
  afterAll(() => {
    vi.unstubAllGlobals();
    setMinSplitMacs(8e6);
  });

  it('runs on one thread, says why, and the doctor line says so', async () => {
    expect(kernelPool()).toBeNull();
    expect(kernelPoolUnavailableReason()).toBe('SharedArrayBuffer is not available');
    await tf.setBackend('wasm');
    const support = wasmTrainingSupport();
    expect(support.ok && support.detail()).toMatch(/NAS SIMD kernels .* on 1 thread \(SharedArrayBuffer is not available\)/);
    // 11 images: filter-gradient chunks of 2, 2, 2, 2, 2, 1.
    const conv = (): tf.Tensor[] => {
      const x = tf.tensor4d(randomValues(11 * 9 * 9 * 8, 1), [11, 9, 9, 8]);
      const w = tf.tensor4d(randomValues(9 * 8 * 16, 2), [3, 3, 8, 16]);
      const dy = tf.tensor4d(randomValues(11 * 9 * 9 * 16, 3), [11, 9, 9, 16]);
      return [tf.conv2d(x, w, 1, 'same'), tf.grad((ww: tf.Tensor) => tf.sum(tf.mul(tf.conv2d(x, ww as tf.Tensor4D, 1, 'same'), dy)))(w)];
    };
    const ref = await onBackend('cpu', conv);
    const got = await onBackend('wasm', conv);
    ref.forEach((r, i) => expect(relError(got[i] as Float32Array, r), String(i)).toBeLessThan(1e-4));
    expect(kernelPoolStats().jobs).toBe(0);
    const c = { n: 11, h: 9, w: 9, ci: 8, co: 16, k: 3, stride: 1, pad: 1 };
    const model = fixedOrderFilterGrad(randomValues(11 * 9 * 9 * 8, 1), randomValues(11 * 9 * 9 * 16, 3), c, fixedChunkImages(11, FILTER_GRAD_CHUNKS));
    expect(bitDifferences(got[1] as Float32Array, model)).toEqual([]);
  });
});
