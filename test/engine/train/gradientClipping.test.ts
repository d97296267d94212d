/** Gradient clipping by value and by global norm against hand-computed numbers. */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { clipByGlobalNorm, clipByValue, clipGradients, globalGradNorm } from '../../../electron/engine/train/gradientClipping';

function values(grads: Record<string, tf.Tensor>): Record<string, number[]> {
  return Object.fromEntries(Object.entries(grads).map(([k, t]) => [k, Array.from(t.dataSync())]));
}

describe('gradient clipping (cpu backend)', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('clips by value elementwise and reports the pre-clip norm', () => {
    const grads = { a: tf.tensor1d([3, -7, 0.5]), b: tf.tensor2d([[6], [-1]]) };
    const before = tf.memory().numTensors;
    const r = clipByValue(grads, 5);
    expect(values(r.grads)).toEqual({ a: [3, -5, 0.5], b: [5, -1] });
    expect(r.grads['b']?.shape).toEqual([2, 1]);
    // sqrt(9 + 49 + 0.25 + 36 + 1) = sqrt(95.25)
    expect(r.norm).toBeCloseTo(9.7596106, 5);
    expect(r.clipped).toBe(true);
    expect(tf.memory().numTensors).toBe(before + 2); // exactly the two returned tensors
    tf.dispose(Object.values(r.grads));
    expect(values(grads)).toEqual({ a: [3, -7, 0.5], b: [6, -1] }); // inputs untouched
    expect(clipByValue(grads, 10).clipped).toBe(false);
    tf.dispose(Object.values(grads));
  });

  it('scales by maxNorm / (norm + 1e-6) when the global norm is larger (clip_grad_norm_)', () => {
    const grads = { a: tf.tensor1d([3, 4]), b: tf.tensor1d([12]) };
    expect(globalGradNorm(grads)).toBeCloseTo(13, 5); // sqrt(9 + 16 + 144)
    const before = tf.memory().numTensors;
    const r = clipByGlobalNorm(grads, 5);
    const coef = 5 / (13 + 1e-6); // 0.38461535...
    const v = values(r.grads);
    expect(v['a']?.[0]).toBeCloseTo(3 * coef, 6);
    expect(v['a']?.[1]).toBeCloseTo(4 * coef, 6);
    expect(v['b']?.[0]).toBeCloseTo(12 * coef, 6);
    expect(r).toMatchObject({ clipped: true });
    expect(r.norm).toBeCloseTo(13, 5);
    tf.dispose(Object.values(r.grads));
    expect(tf.memory().numTensors).toBe(before);

    const loose = clipByGlobalNorm(grads, 20);
    expect(values(loose.grads)).toEqual({ a: [3, 4], b: [12] });
    expect(loose.clipped).toBe(false);
    expect(loose.grads['a']).not.toBe(grads.a); // a copy the caller owns
    tf.dispose(Object.values(loose.grads));
    tf.dispose(Object.values(grads));
  });

  it('follows PyTorch just below the threshold: coef < 1 still scales', () => {
    const grads = { a: tf.tensor1d([13]) };
    const r = clipByGlobalNorm(grads, 13 + 5e-7); // coef = 13.0000005 / 13.000001 < 1
    expect(r.clipped).toBe(true);
    tf.dispose([...Object.values(r.grads), grads.a]);
  });

  it('leaves non-finite gradients unscaled and reports the non-finite norm', () => {
    const grads = { a: tf.tensor1d([NaN, 1]) };
    const r = clipByGlobalNorm(grads, 5);
    expect(Number.isNaN(r.norm)).toBe(true);
    expect(r.clipped).toBe(false);
    tf.dispose([...Object.values(r.grads), grads.a]);
  });

  it('dispatches on a config, and handles an empty record', () => {
    const grads = { a: tf.tensor1d([3, -7]) };
    const none = clipGradients(grads, { kind: 'none' });
    expect(values(none.grads)).toEqual({ a: [3, -7] });
    const byValue = clipGradients(grads, { kind: 'value', clip: 5 });
    expect(values(byValue.grads)).toEqual({ a: [3, -5] });
    const byNorm = clipGradients(grads, { kind: 'norm', maxNorm: 100 });
    expect(byNorm.norm).toBeCloseTo(Math.sqrt(58), 5);
    tf.dispose([...Object.values(none.grads), ...Object.values(byValue.grads), ...Object.values(byNorm.grads), grads.a]);
    expect(clipByValue({}, 1)).toEqual({ grads: {}, norm: 0, clipped: false });
    expect(() => clipByGlobalNorm({}, 0)).toThrow(/positive/);
  });
});
