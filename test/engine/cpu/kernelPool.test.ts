/**
 * Our SIMD kernels split by image across the kernel pool's helper worker (shared memory, see
 * electron/engine/tf/threads/kernelPool.ts) against tfjs's reference cpu kernels: Winograd and
 * direct convolutions (bias, ReLU, pre-activation ReLU, padding, stride 2), the filter gradient
 * (stride 1 and 2, the stem's single channel), with the helpers doing all of their share and with
 * the main thread taking chunks too; and a training step with every split on equals the cpu step.
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reluFusedConv2d } from '../../../electron/engine/tf/cpu/convForwardKernel';
import { defaultKernelThreads, kernelPool, kernelPoolBusy, kernelPoolStats, kernelPoolUsage, setHelperBackoff, setHelperDelayForTests, setMainClaimsHelperChunks, setMainRedoesLateChunks, setMinSplitMacs } from '../../../electron/engine/tf/threads/kernelPool';
import { parseNb201 } from '../../../electron/engine/space/nb201Space';
import { Nb201Supernet } from '../../../electron/engine/supernet/nb201Supernet';
import { SgdNesterov } from '../../../electron/engine/train/sgdNesterov';
import { singlePathStep } from '../../../electron/engine/train/singlePathStep';
import { onBackend, randomValues, relError, setUpBackends } from './helpers';

type Pad = 'same' | 'valid' | [[number, number], [number, number], [number, number], [number, number]];
interface Case {
  readonly name: string;
  readonly x: [number, number, number, number];
  readonly k: number;
  readonly outC: number;
  readonly stride: number;
  readonly pad: Pad;
}

const sym = (p: number): Pad => [[0, 0], [p, p], [p, p], [0, 0]];
// Batches that do not divide evenly into chunks (5, 7) and one image for the helper (3).
const CASES: Case[] = [
  { name: 'winograd 3x3 14x14x16, batch 7', x: [7, 14, 14, 16], k: 3, outC: 16, stride: 1, pad: 'same' },
  { name: 'winograd 3x3 7x7x64, batch 3', x: [3, 7, 7, 64], k: 3, outC: 64, stride: 1, pad: 'same' },
  { name: 'winograd 3x3 9x9x4 symmetric, batch 3', x: [3, 9, 9, 4], k: 3, outC: 8, stride: 1, pad: sym(1) },
  { name: 'direct 1x1 14x14x8 valid, batch 6', x: [6, 14, 14, 8], k: 1, outC: 8, stride: 1, pad: 'valid' },
  { name: 'direct 3x3 s2 14x14 16->32, batch 5', x: [5, 14, 14, 16], k: 3, outC: 32, stride: 2, pad: sym(1) },
  { name: 'direct 5x5 9x9x3 same, batch 4', x: [4, 9, 9, 3], k: 5, outC: 8, stride: 1, pad: 'same' },
  { name: 'stem 3x3 28x28x1->16, batch 6', x: [6, 28, 28, 1], k: 3, outC: 16, stride: 1, pad: 'same' },
];

function convs(c: Case): tf.Tensor[] {
  const [n, h, w, ci] = c.x;
  const x = tf.tensor4d(randomValues(n * h * w * ci, 1), c.x);
  const filter = tf.tensor4d(randomValues(c.k * c.k * ci * c.outC, 2), [c.k, c.k, ci, c.outC]);
  const bias = tf.tensor1d(randomValues(c.outC, 3));
  const y = tf.conv2d(x, filter, c.stride, c.pad);
  const dy = tf.tensor4d(randomValues(y.size, 4), y.shape);
  const out = [
    y,
    tf.fused.conv2d({ x, filter, strides: c.stride, pad: c.pad, bias, activation: 'relu' }),
    // Filter and input gradients (the input gradient is a forward convolution on wasm).
    ...tf.grads((xx: tf.Tensor, ff: tf.Tensor) => tf.sum(tf.mul(tf.conv2d(xx as tf.Tensor4D, ff as tf.Tensor4D, c.stride, c.pad), dy)))([x, filter]),
  ];
  if (typeof c.pad !== 'string') out.push(reluFusedConv2d(x, filter, c.stride, c.pad, bias));
  return out;
}

describe('kernel pool: SIMD kernels split across a helper worker vs tfjs cpu kernels', () => {
  beforeAll(async () => {
    await setUpBackends();
    setMinSplitMacs(0);
    // Every job goes to the pool (tiny shapes would otherwise make the helper look idle).
    setHelperBackoff(false);
  });
  afterAll(() => {
    setMinSplitMacs(8e6);
    setMainClaimsHelperChunks(true);
    setMainRedoesLateChunks(true);
    setHelperBackoff(true);
  });

  it('a pool with at least one helper runs on this machine', () => {
    // The test machine has 2 cores; the pool is what this file checks.
    expect(defaultKernelThreads()).toBeGreaterThanOrEqual(2);
    expect(kernelPool()?.threads).toBe(defaultKernelThreads());
  });

  for (const mainClaims of [false, true]) {
    it.each(CASES.map((c) => [c.name, c] as const))(`%s (main thread claims helper chunks: ${String(mainClaims)})`, async (_name, c) => {
      // Without claims, without recomputation: the helpers' results are what is checked.
      setMainClaimsHelperChunks(mainClaims);
      setMainRedoesLateChunks(mainClaims);
      const ref = await onBackend('cpu', () => convs(c));
      const before = kernelPoolStats();
      const got = await onBackend('wasm', () => convs(c));
      const after = kernelPoolStats();
      expect(after.jobs).toBeGreaterThan(before.jobs);
      if (!mainClaims) {
        expect(after.mainChunks).toBe(before.mainChunks);
        expect(after.helperChunks).toBeGreaterThan(before.helperChunks);
      }
      ref.forEach((r, i) => expect(relError(got[i] as Float32Array, r), String(i)).toBeLessThan(1e-4));
      // The line a job process logs as it ends: the same counts, and the helpers' share of them.
      const s = kernelPoolStats();
      const total = s.helperChunks + s.mainChunks;
      expect(kernelPoolUsage()).toBe(
        `kernel pool: ${s.jobs} kernel calls split, ${s.helperChunks} of ${total} chunks (${Math.round((100 * s.helperChunks) / total)} %) on helper threads, ${s.redone} recomputed by the main thread, ${s.backoffs} backoffs`,
      );
    });
  }

  it('a helper that stalls: the main thread recomputes its chunks, same results; the helper takes chunks again afterwards', async () => {
    // The main thread leaves every chunk to the helper, which sleeps 300 ms before each: the
    // main thread's patience runs out and it recomputes them.
    setMainClaimsHelperChunks(false);
    setMainRedoesLateChunks(true);
    const c = CASES[0] as Case;
    const ref = await onBackend('cpu', () => convs(c));
    const before = kernelPoolStats();
    setHelperDelayForTests(300);
    let got: Float32Array[];
    try {
      got = await onBackend('wasm', () => convs(c));
    } finally {
      setHelperDelayForTests(0);
    }
    expect(kernelPoolStats().redone).toBeGreaterThan(before.redone);
    ref.forEach((r, i) => expect(relError(got[i] as Float32Array, r), String(i)).toBeLessThan(1e-4));
    // Once the helper has caught up, it does its share again.
    for (let waited = 0; kernelPoolBusy() && waited < 10_000; waited += 50) await new Promise((resolve) => setTimeout(resolve, 50));
    setMainRedoesLateChunks(false);
    const again = kernelPoolStats();
    const third = await onBackend('wasm', () => convs(c));
    expect(kernelPoolStats().helperChunks).toBeGreaterThan(again.helperChunks);
    ref.forEach((r, i) => expect(relError(third[i] as Float32Array, r), String(i)).toBeLessThan(1e-4));
  });

  it('helpers that do almost nothing (their core taken) sit out jobs; results unchanged', async () => {
    setMainClaimsHelperChunks(true);
    setMainRedoesLateChunks(true);
    setHelperBackoff(true);
    const c = CASES[3] as Case;
    const ref = await onBackend('cpu', () => convs(c));
    const before = kernelPoolStats();
    setHelperDelayForTests(200);
    try {
      for (let r = 0; r < 4; r++) {
        const got = await onBackend('wasm', () => convs(c));
        ref.forEach((v, i) => expect(relError(got[i] as Float32Array, v), String(i)).toBeLessThan(1e-4));
      }
    } finally {
      setHelperDelayForTests(0);
      setHelperBackoff(false);
    }
    expect(kernelPoolStats().backoffs).toBeGreaterThan(before.backoffs);
    for (let waited = 0; kernelPoolBusy() && waited < 10_000; waited += 50) await new Promise((resolve) => setTimeout(resolve, 50));
  });

  it('a C=8 12x12 training step with every kernel split equals the cpu step, no leaked tensors', async () => {
    setMainClaimsHelperChunks(false);
    setMainRedoesLateChunks(false);
    const genotypes = ['|nor_conv_3x3~0|+|nor_conv_1x1~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|avg_pool_3x3~2|'].map(parseNb201);
    const step = async (backend: 'cpu' | 'wasm'): Promise<{ losses: number[]; weights: Map<string, Float32Array>; leaked: number }> => {
      await tf.setBackend(backend);
      const net = new Nb201Supernet({ channels: 8, cellsPerStage: 1, inputChannels: 1, numClasses: 10, seed: 3 });
      const opt = new SgdNesterov({ momentum: 0.9, weightDecay: 5e-4, decayed: net.params.decayed });
      // 12x12: the same kernels as 28x28 (they split by image), a fraction of the pure-JS reference's time.
      const x = tf.tensor4d(randomValues(3 * 12 * 12, 5), [3, 12, 12, 1]);
      const labels = tf.tensor1d([1, 4, 8], 'int32');
      const losses = [singlePathStep(net, opt, x, labels, genotypes[0] as string[], 0.05)];
      const before = tf.memory().numTensors;
      losses.push(singlePathStep(net, opt, x, labels, genotypes[0] as string[], 0.05));
      const leaked = tf.memory().numTensors - before;
      const weights = new Map(net.params.entries().map(([name, v]) => [name, Float32Array.from(v.dataSync() as Float32Array)]));
      tf.dispose([x, labels]);
      opt.dispose();
      net.dispose();
      return { losses, weights, leaked };
    };
    const ref = await step('cpu');
    const before = kernelPoolStats();
    const got = await step('wasm');
    expect(kernelPoolStats().helperChunks).toBeGreaterThan(before.helperChunks);
    expect(got.leaked).toBe(0);
    got.losses.forEach((loss, i) => expect(Math.abs(loss - (ref.losses[i] as number))).toBeLessThan(1e-4 * Math.max(1, Math.abs(ref.losses[i] as number))));
    for (const [name, values] of ref.weights) expect(relError(got.weights.get(name) as Float32Array, values), name).toBeLessThan(1e-3);
  }, 180_000);
});

describe('kernel pool: thread count', () => {
  it('NAS_KERNEL_THREADS sets it, 1 turns the pool off, nonsense falls back to one thread', () => {
    const saved = process.env['NAS_KERNEL_THREADS'];
    try {
      process.env['NAS_KERNEL_THREADS'] = '1';
      expect(defaultKernelThreads()).toBe(1);
      process.env['NAS_KERNEL_THREADS'] = '3';
      expect(defaultKernelThreads()).toBe(3);
      process.env['NAS_KERNEL_THREADS'] = '99';
      expect(defaultKernelThreads()).toBe(8);
      process.env['NAS_KERNEL_THREADS'] = 'many';
      expect(defaultKernelThreads()).toBe(1);
    } finally {
      if (saved === undefined) delete process.env['NAS_KERNEL_THREADS'];
      else process.env['NAS_KERNEL_THREADS'] = saved;
    }
  });
});
