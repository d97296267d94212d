/**
 * The magnitude baseline (ALGORITHMS.md A3, [ABS] dropnode_by_magnitude.py): DARTS-style alpha
 * [choices, K] trained on the validation split through the softmax-weighted mixed supernet,
 * with the weights frozen (alphaStep: Adam lr 3e-4, betas (0.5, 0.999), weight decay 1e-3).
 *
 * - Operator score: softmax(alpha)[choice, op] over the ops remaining in the state (0 for a
 *   dropped op), exactly ABS's score.
 * - Architecture score (our choice; ABS scores only operators): the sum over choice points of
 *   log softmax(alpha)[c, op_c], i.e. the log of the product of the weights. It ranks children
 *   as the product does, without underflow on layer-wise spaces (21 factors); a child with a
 *   dropped op scores -Infinity.
 *
 * Alpha starts at 1e-3 * N(0, 1) from the seed and is discarded after scoring. The mixed forward
 * runs in train mode (batch statistics, as DARTS); the running statistics it moves are restored.
 */
import * as tf from '@tensorflow/tfjs';
import { z } from 'zod';
import { batches } from '../data';
import { yieldToEventLoop } from '../jobs/jobContext';
import { SeededRng } from '../random/seededRng';
import { operatorKey, type Architecture } from '../space/searchSpace';
import { alphaStep } from '../supernet/alphaStep';
import { maskedSoftmax, mixedWidth } from '../supernet/maskedSoftmax';
import { AdamByName, ARCH_ADAM_DEFAULTS } from '../train/adamByName';
import { requireData, restoreRunningStats, saveRunningStats } from './accuracy';
import type { ArchitectureMetric, ArchitectureScores, MetricContext, OperatorScores } from './metric';

export const magnitudeOptionsSchema = z.strictObject({
  /** Alpha updates (one validation batch each, cycling over shuffled epochs). */
  steps: z.number().int().positive().default(100),
  batchSize: z.number().int().positive().default(64),
  lr: z.number().positive().default(ARCH_ADAM_DEFAULTS.lr),
  beta1: z.number().min(0).lt(1).default(ARCH_ADAM_DEFAULTS.beta1),
  beta2: z.number().min(0).lt(1).default(ARCH_ADAM_DEFAULTS.beta2),
  weightDecay: z.number().nonnegative().default(ARCH_ADAM_DEFAULTS.weightDecay),
  /** Seed of alpha's initialisation and of the batch order. */
  seed: z.number().int().default(0),
});
export type MagnitudeOptions = z.infer<typeof magnitudeOptionsSchema>;

let nextAlpha = 0;

/**
 * Trains a fresh alpha and returns softmax(alpha) masked by ctx.state: row c, column k is the
 * weight of op `space.choices[c].ops[k]` (rows sum to 1 over remaining ops). Nothing leaks; the
 * supernet's weights and running statistics are unchanged afterwards.
 */
export async function trainMagnitudeWeights(ctx: MetricContext, options: MagnitudeOptions): Promise<number[][]> {
  const data = requireData(ctx, 'magnitude');
  const net = ctx.supernet;
  const space = net.space;
  const rng = new SeededRng(options.seed);
  const shape: [number, number] = [space.choices.length, mixedWidth(space)];
  const init = Float32Array.from({ length: shape[0] * shape[1] }, () => 1e-3 * rng.normal());
  const alpha = tf.tidy(() => tf.variable(tf.tensor2d(init, shape), true, `metrics/magnitude/alpha${nextAlpha++}`));
  const adam = new AdamByName({ lr: options.lr, beta1: options.beta1, beta2: options.beta2, weightDecay: options.weightDecay });
  const saved = saveRunningStats(net.params);
  try {
    // Drop a last, tiny batch (train-mode BN on one image is degenerate) unless that is all there is.
    const dropLast = data.valIndices.length >= options.batchSize;
    let step = 0;
    while (step < options.steps) {
      for (const b of batches(data.train, data.valIndices, { batchSize: options.batchSize, shuffle: true, rng, normalize: data.normalize, dropLast })) {
        try {
          alphaStep(net, alpha, ctx.state, adam, b.x, b.y, true);
        } finally {
          tf.dispose([b.x, b.y]);
        }
        step++;
        if (step >= options.steps) break;
        if (step % 10 === 0) await yieldToEventLoop();
      }
    }
    return tf.tidy(() => maskedSoftmax(alpha as tf.Tensor2D, ctx.state, space).arraySync());
  } finally {
    restoreRunningStats(saved);
    adam.dispose();
    alpha.dispose();
  }
}

/** softmax(alpha)[c, op] per remaining operator; count is 0 (not a mean over children). */
export function magnitudeOperatorScores(ctx: MetricContext, weights: readonly (readonly number[])[]): OperatorScores {
  const out: OperatorScores = {};
  ctx.supernet.space.choices.forEach((choice, c) => {
    for (const op of ctx.state.remaining[c] ?? []) out[operatorKey(choice.id, op)] = { mean: weights[c]?.[choice.ops.indexOf(op)] ?? 0, count: 0 };
  });
  return out;
}

/** Sum over choice points of log weight of the chosen op (-Infinity when an op was dropped). */
export function magnitudeArchitectureScore(ctx: MetricContext, weights: readonly (readonly number[])[], arch: Architecture): number {
  return ctx.supernet.space.choices.reduce((sum, choice, c) => sum + Math.log(weights[c]?.[choice.ops.indexOf(arch[c] as string)] ?? 0), 0);
}

export function createMagnitudeMetric(options: MagnitudeOptions): ArchitectureMetric {
  return {
    name: 'magnitude',
    description: 'DARTS-style alpha trained on the validation split with frozen weights: softmax(alpha) per operator, sum of log weights per child.',
    largerIsBetter: true,
    async scoreArchitectures(ctx: MetricContext, archs: readonly Architecture[]): Promise<ArchitectureScores> {
      const weights = await trainMagnitudeWeights(ctx, options);
      return { scores: archs.map((arch) => magnitudeArchitectureScore(ctx, weights, arch)) };
    },
    async scoreOperators(ctx: MetricContext): Promise<OperatorScores> {
      return magnitudeOperatorScores(ctx, await trainMagnitudeWeights(ctx, options));
    },
  };
}
