/**
 * The scoring ABS needs around the metrics: operator scores over the current space, the search
 * fitness (validation accuracy after BN recalibration), and every metric for the best children.
 */
import * as tf from '@tensorflow/tfjs';
import { NasError } from '../../../shared/errors';
import { createMetric, metricNames } from '../metrics/registry';
import { scoreOperators as scoreOperatorsWith } from '../metrics/operatorScores';
import type { ArchitectureMetric, MetricContext } from '../metrics/metric';
import type { SeededRng } from '../random/seededRng';
import type { Architecture, SearchSpace } from '../space/searchSpace';
import { recalibrateBn } from '../supernet/bnRecalibration';
import { evaluateSubset } from './evaluateSubset';
import type { StandaloneRecord } from './absStandalone';
import type { SupernetTrainer } from './supernetTrainer';

/** Metrics cheap enough to score every child of an NB201 space (decomposed sums). */
export const EXHAUSTIVE_METRICS = new Set(['angle', 'angle-cells']);
/** Children per operator for the metrics that need a forward pass per child (A1's sampled mode). */
const SAMPLED_CHILDREN = 25;

export function metricByName(name: string): ArchitectureMetric {
  return createMetric(name);
}

export { metricNames };

/**
 * Score(o) = the mean of the metric over the children that contain o (ALGORITHMS.md A1): every
 * child for the angle metrics, which decompose, and sampled children for the accuracy metrics
 * (a forward pass each); magnitude scores operators directly. Only choice points that still
 * have more than one op are scored.
 */
export async function scoreOperators(metricName: string, ctx: MetricContext): Promise<Record<string, number>> {
  const metric = createMetric(metricName);
  const exhaustive = EXHAUSTIVE_METRICS.has(metricName);
  const result = await scoreOperatorsWith(metric, ctx, exhaustive ? { mode: 'exhaustive', enumerateLimit: 20_000 } : { mode: 'sampled', sampleNum: SAMPLED_CHILDREN, seed: 0 });
  const space = ctx.supernet.space;
  const open = new Set(space.choices.filter((_, c) => (ctx.state.remaining[c]?.length ?? 0) > 1).map((c) => c.id));
  return Object.fromEntries(Object.entries(result.operators).filter(([key]) => open.has(key.slice(0, key.lastIndexOf(':')))).map(([key, v]) => [key, v.mean]));
}

/**
 * The search fitness: top-1 on a fixed random subset of the validation split, after BN
 * recalibration on a fixed random draw of training images (ALGORITHMS.md A4: "fitness = accuracy
 * after BN recalibration"). The supernet's running statistics are restored by dispose().
 */
export function searchFitness(trainer: SupernetTrainer, valImages: number, rng: SeededRng): { evaluate: (arch: Architecture) => Promise<number>; dispose: () => void } {
  const { data, net } = trainer;
  const val = rng.permutation(data.valIndices.length).slice(0, valImages).map((i) => data.valIndices[i] as number);
  if (val.length === 0) throw new NasError('INVALID_CONFIG', 'The search needs validation images, but valFraction left none.', { fix: 'Set valFraction > 0.' });
  const calibration = trainer.calibrationBatches();
  const saved = net.params.entries().filter(([name]) => /\/running_(mean|var)$/.test(name)).map(([, v]) => [v, tf.clone(v)] as const);
  return {
    evaluate: async (arch) => {
      recalibrateBn(net.params, (x) => net.forward(x, arch, true), calibration);
      const result = evaluateSubset((x) => net.forward(x, arch, false), data.train, data.normalize, 256, val);
      await new Promise((resolve) => setImmediate(resolve));
      return result.accuracy;
    },
    dispose: () => {
      for (const [v, copy] of saved) {
        v.assign(copy);
        copy.dispose();
      }
      tf.dispose(calibration);
    },
  };
}

/** A best architecture of the search as results.json records it. */
export interface BestArchitecture {
  architecture: string;
  /** The search fitness: validation accuracy after ReBN on the supernet the search ran on. */
  fitness: number;
  /** Every metric on the shrinking supernet (the one whose weights decided the drops). */
  metrics: Record<string, number>;
  /** Test accuracy after stand-alone training (abs.standaloneTopK). */
  standalone?: StandaloneRecord;
}

/**
 * The best children with every metric (on the supernet of `ctx`) beside their search fitness.
 * @param fitnessIsRebn true when the search ran on ctx's supernet: its fitness is then that
 *   supernet's accuracy-rebn and is not measured twice.
 */
export async function scoreWithAllMetrics(archs: readonly Architecture[], space: SearchSpace, ctx: MetricContext, fitness: readonly number[], fitnessIsRebn = true): Promise<BestArchitecture[]> {
  const perMetric: Record<string, number[]> = {};
  for (const name of metricNames()) {
    if (name === 'accuracy-rebn' && fitnessIsRebn) continue;
    perMetric[name] = (await createMetric(name).scoreArchitectures(ctx, archs)).scores;
  }
  return archs.map((arch, i) => ({
    architecture: space.format(arch),
    fitness: fitness[i] as number,
    metrics: { ...(fitnessIsRebn ? { 'accuracy-rebn': fitness[i] as number } : {}), ...Object.fromEntries(Object.entries(perMetric).map(([name, s]) => [name, s[i] as number])) },
  }));
}
