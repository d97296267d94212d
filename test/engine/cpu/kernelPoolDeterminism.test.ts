/**
 * Bit-exact reproducibility of the kernel pool (ADR 0003, round 4): the filter gradient, the
 * forward convolutions, the input gradients and a whole training step give the same bits
 *   - with the helper doing its whole share,
 *   - with the main thread doing everything (the helper stalls, the main thread takes every chunk),
 *   - with a helper slowed by random delays (the main thread claims and recomputes some chunks),
 *   - with the pool off (every job on the main thread, as with NAS_KERNEL_THREADS=1),
 * over batches that do not divide into the chunks evenly; and dW equals an independent float32
 * model of the fixed chunk order (./fixedOrderFilterGrad) bit for bit.
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kernelPoolBusy, kernelPoolStats, setHelperBackoff, setHelperDelayForTests, setMainClaimsHelperChunks, setMainRedoesLateChunks, setMinSplitMacs } from '../../../electron/engine/tf/threads/kernelPool';
import { FILTER_GRAD_CHUNKS, fixedChunkImages } from '../../../electron/engine/tf/threads/splitJob';
import { simdConvCalls, winogradConvCalls } from '../../../electron/engine/tf/cpu/convForwardKernel';
import { parseNb201 } from '../../../electron/engine/space/nb201Space';
import { Nb201Supernet } from '../../../electron/engine/supernet/nb201Supernet';
import { SgdNesterov } from '../../../electron/engine/train/sgdNesterov';
import { singlePathStep } from '../../../electron/engine/train/singlePathStep';
import { onBackend, randomValues, setUpBackends } from './helpers';
import { bitDifferences, fixedOrderFilterGrad, outSize, type FilterGradCase } from './fixedOrderFilterGrad';

type Mode = 'helper does its share' | 'main thread does everything' | 'helper with random delays' | 'pool off';
const MODES: Mode[] = ['helper does its share', 'main thread does everything', 'helper with random delays', 'pool off'];

async function idle(): Promise<void> {
  for (let waited = 0; kernelPoolBusy() && waited < 10_000; waited += 20) await new Promise((resolve) => setTimeout(resolve, 20));
}

interface Shares {
  /** Helper-share chunks the helper did, and those the main thread took (claimed or recomputed). */
  readonly helper: number;
  readonly main: number;
}

/** Runs f in a mode and checks that the mode really happened (who did the helpers' chunks). */
async function inMode<T>(mode: Mode, f: () => Promise<T>): Promise<{ out: T; shares: Shares }> {
  await idle();
  setMinSplitMacs(mode === 'pool off' ? Infinity : 0);
  // The helper alone: no claims, no recomputation. Main thread does everything: it claims, and
  // recomputes the one chunk a helper sleeping 400 ms holds (then runs the next jobs alone while
  // the helper sleeps). Random delays (0-2 ms per chunk): the main thread claims what the helper
  // has not, and waits for the rest, so who does which chunk depends on timing.
  setMainClaimsHelperChunks(mode !== 'helper does its share');
  setMainRedoesLateChunks(mode === 'main thread does everything');
  // Backoff off, so that the helper keeps being given jobs.
  setHelperBackoff(false);
  if (mode === 'main thread does everything') setHelperDelayForTests(400);
  if (mode === 'helper with random delays') setHelperDelayForTests(2, true);
  const before = kernelPoolStats();
  let out: T;
  try {
    out = await f();
  } finally {
    setHelperDelayForTests(0);
  }
  const after = kernelPoolStats();
  const shares = { helper: after.helperChunks - before.helperChunks, main: after.mainChunks - before.mainChunks };
  if (mode === 'helper does its share') {
    expect(shares.helper).toBeGreaterThan(0);
    expect(shares.main).toBe(0);
  } else if (mode === 'main thread does everything') {
    expect(shares.helper).toBe(0);
    expect(shares.main).toBeGreaterThan(0);
  } else if (mode === 'helper with random delays') {
    expect(after.jobs).toBeGreaterThan(before.jobs);
  } else {
    expect(after.jobs).toBe(before.jobs);
  }
  await idle();
  return { out, shares };
}

// Uneven batches for 8 filter-gradient chunks (7: 7 chunks of 1; 13: 6 of 2 and 1; 11: 6 of 2
// and 1 ... ; 5) and 16 convolution chunks; strides 1 and 2, 1x1, the stem's single channel.
const CASES: FilterGradCase[] = [
  { n: 7, h: 9, w: 9, ci: 8, co: 16, k: 3, stride: 1, pad: 1 },
  { n: 13, h: 8, w: 8, ci: 4, co: 8, k: 3, stride: 2, pad: 1 },
  { n: 11, h: 7, w: 7, ci: 16, co: 8, k: 1, stride: 1, pad: 0 },
  { n: 5, h: 10, w: 10, ci: 1, co: 8, k: 3, stride: 1, pad: 1 },
];

const label = (c: FilterGradCase): string => `batch ${c.n}, ${c.h}x${c.w}x${c.ci} -> ${c.co}, ${c.k}x${c.k} stride ${c.stride}`;

/** [conv, fused conv + bias + ReLU, dx, dW] on the active backend. */
function convAndGradients(c: FilterGradCase): tf.Tensor[] {
  const x = tf.tensor4d(randomValues(c.n * c.h * c.w * c.ci, 1), [c.n, c.h, c.w, c.ci]);
  const filter = tf.tensor4d(randomValues(c.k * c.k * c.ci * c.co, 2), [c.k, c.k, c.ci, c.co]);
  const bias = tf.tensor1d(randomValues(c.co, 3));
  const pad: [[number, number], [number, number], [number, number], [number, number]] = [[0, 0], [c.pad, c.pad], [c.pad, c.pad], [0, 0]];
  const dy = tf.tensor4d(randomValues(c.n * outSize(c.h, c) * outSize(c.w, c) * c.co, 4), [c.n, outSize(c.h, c), outSize(c.w, c), c.co]);
  return [
    tf.conv2d(x, filter, c.stride, pad),
    tf.fused.conv2d({ x, filter, strides: c.stride, pad, bias, activation: 'relu' }),
    ...tf.grads((xx: tf.Tensor, ff: tf.Tensor) => tf.sum(tf.mul(tf.conv2d(xx as tf.Tensor4D, ff as tf.Tensor4D, c.stride, pad), dy)))([x, filter]),
  ];
}

describe('kernel pool: the same bits whoever computes which chunk', () => {
  beforeAll(async () => {
    await setUpBackends();
  });
  afterAll(() => {
    setMinSplitMacs(8e6);
    setMainClaimsHelperChunks(true);
    setMainRedoesLateChunks(true);
    setHelperBackoff(true);
    setHelperDelayForTests(0);
  });

  it.each(CASES.map((c) => [label(c), c] as const))('%s: conv, fused conv, dx and dW identical in every mode; dW = the fixed-order model', async (_name, c) => {
    const simdBefore = simdConvCalls();
    const results = new Map<Mode, Float32Array[]>();
    for (const mode of MODES) results.set(mode, (await inMode(mode, () => onBackend('wasm', () => convAndGradients(c)))).out);
    // Our SIMD kernels did the work (the input gradient is a forward convolution too).
    expect(simdConvCalls() - simdBefore).toBeGreaterThanOrEqual(3 * MODES.length);
    const ref = results.get('pool off') as Float32Array[];
    for (const mode of MODES) ref.forEach((r, i) => expect(bitDifferences((results.get(mode) as Float32Array[])[i] as Float32Array, r), `${mode}, output ${i}`).toEqual([]));
    const x = randomValues(c.n * c.h * c.w * c.ci, 1);
    const dy = randomValues(c.n * outSize(c.h, c) * outSize(c.w, c) * c.co, 4);
    const model = fixedOrderFilterGrad(x, dy, c, fixedChunkImages(c.n, FILTER_GRAD_CHUNKS));
    expect(bitDifferences(ref[3] as Float32Array, model)).toEqual([]);
  }, 60_000);

  it('the fixed-order model is not the one-pass order: the test can tell them apart', () => {
    // One chunk of all images (the one-pass order before round 4) differs from 6 chunks of two
    // and one of one in the last bits somewhere, so equality with the model above is evidence of
    // the chunk order. (Chunks of one image each would equal the one-pass order.)
    const c = CASES[1] as FilterGradCase;
    expect(fixedChunkImages(c.n, FILTER_GRAD_CHUNKS)).toBe(2);
    const x = randomValues(c.n * c.h * c.w * c.ci, 1);
    const dy = randomValues(c.n * outSize(c.h, c) * outSize(c.w, c) * c.co, 4);
    expect(bitDifferences(fixedOrderFilterGrad(x, dy, c, c.n), fixedOrderFilterGrad(x, dy, c, 2)).length).toBeGreaterThan(0);
  });

  it('Winograd convolutions (3x3 stride 1, Ci % 4 = 0) identical in every mode', async () => {
    const c: FilterGradCase = { n: 9, h: 14, w: 14, ci: 16, co: 16, k: 3, stride: 1, pad: 1 };
    const before = winogradConvCalls();
    const results: Float32Array[][] = [];
    for (const mode of MODES) results.push((await inMode(mode, () => onBackend('wasm', () => convAndGradients(c)))).out);
    expect(winogradConvCalls() - before).toBeGreaterThanOrEqual(3 * MODES.length);
    for (const r of results.slice(1)) r.forEach((v, i) => expect(bitDifferences(v, (results[0] as Float32Array[])[i] as Float32Array), String(i)).toEqual([]));
  }, 60_000);

  it('a C=8 training step (two steps, momentum, batch 7) gives identical losses and weights in every mode', async () => {
    await tf.setBackend('wasm');
    const genotype = parseNb201('|nor_conv_3x3~0|+|nor_conv_1x1~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|avg_pool_3x3~2|') as string[];
    const train = (): { losses: number[]; weights: Map<string, Float32Array>; leaked: number } => {
      const net = new Nb201Supernet({ channels: 8, cellsPerStage: 1, inputChannels: 1, numClasses: 10, seed: 3 });
      const opt = new SgdNesterov({ momentum: 0.9, weightDecay: 5e-4, decayed: net.params.decayed });
      const x = tf.tensor4d(randomValues(7 * 12 * 12, 5), [7, 12, 12, 1]);
      const labels = tf.tensor1d([1, 4, 8, 0, 3, 9, 4], 'int32');
      const losses = [singlePathStep(net, opt, x, labels, genotype, 0.05)];
      const before = tf.memory().numTensors;
      losses.push(singlePathStep(net, opt, x, labels, genotype, 0.05));
      const leaked = tf.memory().numTensors - before;
      const weights = new Map(net.params.entries().map(([name, v]) => [name, Float32Array.from(v.dataSync() as Float32Array)]));
      tf.dispose([x, labels]);
      opt.dispose();
      net.dispose();
      return { losses, weights, leaked };
    };
    const runs = new Map<Mode, ReturnType<typeof train>>();
    for (const mode of MODES) {
      const { out, shares } = await inMode(mode, async () => train());
      // Over a step's many jobs, random delays really mix who computes the helpers' chunks.
      if (mode === 'helper with random delays') {
        expect(shares.helper).toBeGreaterThan(0);
        expect(shares.main).toBeGreaterThan(0);
      }
      runs.set(mode, out);
    }
    const ref = runs.get('pool off') as ReturnType<typeof train>;
    expect(ref.weights.size).toBeGreaterThan(10);
    for (const mode of MODES) {
      const got = runs.get(mode) as ReturnType<typeof train>;
      expect(got.leaked, mode).toBe(0);
      expect(got.losses, mode).toEqual(ref.losses);
      for (const [name, values] of ref.weights) expect(bitDifferences(got.weights.get(name) as Float32Array, values), `${mode}: ${name}`).toEqual([]);
    }
  }, 120_000);
});
