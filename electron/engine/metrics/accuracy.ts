/**
 * Supernet accuracy of a child (ALGORITHMS.md A3, E1): top-1 on the validation indices with the
 * shared weights, in eval mode.
 *
 * - `accuracy`: the shared running statistics as they are, no recalibration (ABS's NB201
 *   shrinking script, `dropnode_by_acc.py`; ranks at chance, tau 0.04).
 * - `accuracy-rebn`: before each child, BN recalibration on `calibrationImages` training images
 *   (reset, then a cumulative average in train mode; ABS's correlation study, tau 0.54). The same
 *   seeded draw serves every child, and the supernet's own running statistics are restored
 *   afterwards, so scoring never changes what training sees.
 *
 * A full validation pass per child is costly: score a chosen list of children, or sampled pools
 * (operatorScores.ts), rather than a whole large space.
 */
import * as tf from '@tensorflow/tfjs';
import { z } from 'zod';
import { NasError } from '../../../shared/errors';
import { batches } from '../data';
import { yieldToEventLoop } from '../jobs/jobContext';
import { SeededRng } from '../random/seededRng';
import type { ExperimentData } from '../runners/experimentData';
import type { Architecture } from '../space/searchSpace';
import { recalibrateBn } from '../supernet/bnRecalibration';
import type { ParamStore } from '../supernet/params';
import type { ArchitectureMetric, ArchitectureScores, MetricContext } from './metric';

export const accuracyOptionsSchema = z.strictObject({
  /** Images per forward pass. */
  batchSize: z.number().int().positive().default(256),
  /** Score on a seeded random draw of this many validation images (ABS's NB201 script: one batch of 512); default all. */
  valImages: z.number().int().positive().optional(),
  /** Training images forwarded to recalibrate BN (`accuracy-rebn` only; ABS uses 20,000). */
  calibrationImages: z.number().int().positive().default(1024),
  /** Seed of the validation and calibration draws. */
  seed: z.number().int().default(0),
});
export type AccuracyOptions = z.infer<typeof accuracyOptionsSchema>;

/** The context's data, or NasError INVALID_CONFIG naming the metric. */
export function requireData(ctx: MetricContext, metric: string): ExperimentData {
  if (!ctx.data) throw new NasError('INVALID_CONFIG', `The ${metric} metric needs the experiment's data.`, { fix: 'Load the experiment data (loadExperimentData) into the metric context.' });
  if (ctx.data.valIndices.length === 0) {
    throw new NasError('INVALID_CONFIG', `The ${metric} metric needs validation images, and the split holds none.`, { fix: 'Set valFraction above 0 in the experiment config.' });
  }
  return ctx.data;
}

/** A seeded random draw of `count` of `indices` (all of them, in order, when count is absent or larger). */
export function drawIndices(indices: Int32Array, count: number | undefined, rng: SeededRng): Int32Array {
  if (count === undefined || count >= indices.length) return indices;
  // A random draw: split indices may be ordered by class, and one-class batches mislead BN.
  return Int32Array.from(rng.permutation(indices.length).slice(0, count), (i) => indices[i] as number);
}

/** Copies of every running statistic, to put back with {@link restoreRunningStats}. The caller must restore (which disposes). */
export function saveRunningStats(params: ParamStore): [tf.Variable, tf.Tensor][] {
  return params
    .entries()
    .filter(([name]) => /\/running_(mean|var)$/.test(name))
    .map(([, v]) => [v, tf.clone(v)]);
}

export function restoreRunningStats(saved: [tf.Variable, tf.Tensor][]): void {
  for (const [v, copy] of saved) {
    v.assign(copy);
    copy.dispose();
  }
}

/** Top-1 accuracy of one child over prepared batches (eval mode). */
function childAccuracy(ctx: MetricContext, arch: Architecture, val: readonly { x: tf.Tensor4D; y: tf.Tensor1D }[], images: number): number {
  let correct = 0;
  for (const b of val) {
    correct += tf.tidy(() => {
      const hits = tf.equal(tf.argMax(ctx.supernet.forward(b.x, arch, false), 1), b.y);
      return tf.sum(tf.cast(hits, 'float32')).dataSync()[0] as number;
    });
  }
  return correct / images;
}

/**
 * Scores each child's top-1 accuracy in [0, 1]. The validation batches are built once for all
 * children (and the calibration batches once, with `rebn`); everything is disposed at the end.
 */
export async function scoreAccuracy(ctx: MetricContext, archs: readonly Architecture[], options: AccuracyOptions, rebn: boolean): Promise<ArchitectureScores> {
  const data = requireData(ctx, rebn ? 'accuracy-rebn' : 'accuracy');
  const rng = new SeededRng(options.seed);
  const valIdx = drawIndices(data.valIndices, options.valImages, rng);
  const calIdx = drawIndices(data.trainIndices, Math.min(options.calibrationImages, data.trainIndices.length), rng);
  const net = ctx.supernet;
  const val = [...batches(data.train, valIdx, { batchSize: options.batchSize, normalize: data.normalize })];
  const calibration = rebn ? [...batches(data.train, calIdx, { batchSize: options.batchSize, normalize: data.normalize })] : [];
  const saved = rebn ? saveRunningStats(net.params) : [];
  const scores: number[] = [];
  try {
    for (const arch of archs) {
      if (rebn) recalibrateBn(net.params, (x) => net.forward(x, arch, true), calibration.map((b) => b.x));
      scores.push(childAccuracy(ctx, arch, val, valIdx.length));
      ctx.progress?.(scores.length, archs.length);
      await yieldToEventLoop(); // let a job see cancel messages between children
    }
  } finally {
    restoreRunningStats(saved);
    for (const b of [...val, ...calibration]) tf.dispose([b.x, b.y]);
  }
  return { scores };
}

/** An accuracy metric with validated options; `rebn` selects `accuracy-rebn`. */
export function createAccuracyMetric(rebn: boolean, options: AccuracyOptions): ArchitectureMetric {
  return {
    name: rebn ? 'accuracy-rebn' : 'accuracy',
    description: rebn
      ? 'Supernet top-1 of the child on the validation split after BN recalibration on training images (ABS ReBN).'
      : 'Supernet top-1 of the child on the validation split with the shared BN statistics (no recalibration).',
    largerIsBetter: true,
    scoreArchitectures: (ctx, archs) => scoreAccuracy(ctx, archs, options, rebn),
  };
}
