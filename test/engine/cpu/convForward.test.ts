/**
 * The SIMD direct convolution (Conv2D and FusedConv2D with bias / ReLU on wasm) against tfjs's
 * reference cpu kernels, on random inputs: every kernel size, stride, padding, widths that are
 * not multiples of the 4-pixel tile (and narrower than it), the supernet's shapes.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { setSimdConvDisabled, setWinogradDisabled, simdConvCalls, winogradConvCalls } from '../../../electron/engine/tf/cpu/convForwardKernel';
import type { ConvPad } from '../../../electron/engine/tf/cpu/convGradients';
import { onBackend, randomValues, relError, setUpBackends } from './helpers';

interface Case {
  readonly name: string;
  readonly x: [number, number, number, number];
  readonly k: number;
  readonly outC: number;
  readonly stride: number;
  readonly pad: ConvPad;
}

const sym = (p: number): ConvPad => [[0, 0], [p, p], [p, p], [0, 0]];
const CASES: Case[] = [];
for (const k of [1, 3, 5]) {
  for (const stride of [1, 2]) {
    for (const [size, ci] of [[3, 1], [7, 3], [9, 8], [14, 4]] as const) {
      CASES.push({ name: `k${k} s${stride} ${size}x${size}x${ci} same`, x: [2, size, size, ci], k, outC: 8, stride, pad: 'same' });
      CASES.push({ name: `k${k} s${stride} ${size}x${size}x${ci} symmetric`, x: [2, size, size, ci], k, outC: 16, stride, pad: sym((k - 1) / 2) });
      if (size >= k) CASES.push({ name: `k${k} s${stride} ${size}x${size}x${ci} valid`, x: [2, size, size, ci], k, outC: 8, stride, pad: 'valid' });
    }
  }
}
CASES.push(
  { name: 'stem 28x28x1->16', x: [8, 28, 28, 1], k: 3, outC: 16, stride: 1, pad: 'same' },
  { name: 'cell 28x28x16 3x3', x: [8, 28, 28, 16], k: 3, outC: 16, stride: 1, pad: 'same' },
  { name: 'cell 28x28x8 1x1', x: [8, 28, 28, 8], k: 1, outC: 8, stride: 1, pad: 'valid' },
  { name: 'reduction 28x28x16->32 s2', x: [8, 28, 28, 16], k: 3, outC: 32, stride: 2, pad: sym(1) },
  { name: 'cell 14x14x32 3x3', x: [8, 14, 14, 32], k: 3, outC: 32, stride: 1, pad: 'same' },
  { name: 'cell 7x7x64 3x3', x: [8, 7, 7, 64], k: 3, outC: 64, stride: 1, pad: 'same' },
  { name: 'uneven 5x11x4, 2 pad rows', x: [2, 5, 11, 4], k: 3, outC: 8, stride: 1, pad: [[0, 0], [2, 0], [1, 1], [0, 0]] },
);

function convs(c: Case): tf.Tensor[] {
  const [n, h, w, ci] = c.x;
  const x = tf.tensor4d(randomValues(n * h * w * ci, 1), c.x);
  const filter = tf.tensor4d(randomValues(c.k * c.k * ci * c.outC, 2), [c.k, c.k, ci, c.outC]);
  const bias = tf.tensor1d(randomValues(c.outC, 3));
  return [
    tf.conv2d(x, filter, c.stride, c.pad),
    tf.fused.conv2d({ x, filter, strides: c.stride, pad: c.pad, bias }),
    tf.fused.conv2d({ x, filter, strides: c.stride, pad: c.pad, bias, activation: 'relu' }),
    tf.fused.conv2d({ x, filter, strides: c.stride, pad: c.pad, activation: 'relu' }),
  ];
}

describe('SIMD direct convolution (wasm) vs tfjs cpu kernels', () => {
  beforeAll(setUpBackends);

  it.each(CASES.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const ref = await onBackend('cpu', () => convs(c));
    const got = await onBackend('wasm', () => convs(c));
    ref.forEach((r, i) => expect(relError(got[i] as Float32Array, r), String(i)).toBeLessThan(1e-4));
  });

  it('3x3 stride-1 convolutions take the Winograd kernel, and agree with the direct one', async () => {
    for (const name of ['cell 28x28x16 3x3', 'cell 14x14x32 3x3', 'cell 7x7x64 3x3', 'k3 s1 9x9x8 same', 'k3 s1 7x7x3 same', 'k3 s1 14x14x4 symmetric']) {
      const c = CASES.find((k) => k.name === name) as Case;
      const before = winogradConvCalls();
      const wino = await onBackend('wasm', () => convs(c));
      expect(winogradConvCalls() - before, name).toBe(c.x[3] % 4 === 0 ? 4 : 0);
      setWinogradDisabled(true);
      try {
        const direct = await onBackend('wasm', () => convs(c));
        direct.forEach((r, i) => expect(relError(wino[i] as Float32Array, r), name).toBeLessThan(1e-5));
      } finally {
        setWinogradDisabled(false);
      }
    }
  });

  it('runs on the SIMD kernel, and agrees with XNNPACK', async () => {
    const c = CASES.find((k) => k.name === 'cell 28x28x16 3x3') as Case;
    const before = simdConvCalls();
    const simd = await onBackend('wasm', () => convs(c));
    expect(simdConvCalls() - before).toBe(4);
    setSimdConvDisabled(true);
    try {
      const xnn = await onBackend('wasm', () => convs(c));
      expect(simdConvCalls() - before).toBe(4);
      xnn.forEach((r, i) => expect(relError(simd[i] as Float32Array, r)).toBeLessThan(1e-5));
    } finally {
      setSimdConvDisabled(false);
    }
  });
});
