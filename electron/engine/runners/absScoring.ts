/**
 * The scoring ABS needs around the metrics: operator scores over the current space, the search
 * fitness (validation accuracy after BN recalibration), and every metric for the best children.
 */
import * as tf from '@tensorflow/tfjs';
import { NasError } from '../../../shared/errors';
import { ANGLE_CELLS_METRIC, ANGLE_METRIC } from '../metrics/angleMetric';
import type { ArchitectureMetric, MetricContext } from '../metrics/metric';
import type { SeededRng } from '../random/seededRng';
import type { Architecture, SearchSpace } from '../space/searchSpace';
import { operatorKey } from '../space/searchSpace';
import { enumerateState, stateSize } from '../space/spaceState';
import { recalibrateBn } from '../supernet/bnRecalibration';
import { evaluateSubset } from './evaluateSubset';
import type { SupernetTrainer } from './supernetTrainer';

const METRICS: Record<string, ArchitectureMetric> = { angle: ANGLE_METRIC, 'angle-cells': ANGLE_CELLS_METRIC };

/** Spaces up to this size are scored exhaustively (every child), as ABS does on NB201. */
const EXHAUSTIVE_LIMIT = 20_000;

/** The metric names `score` and `tau` know. */
export function metricNames(): string[] {
  return Object.keys(METRICS);
}

export function metricByName(name: string): ArchitectureMetric {
  const metric = METRICS[name];
  if (!metric) throw new NasError('INVALID_CONFIG', `Unknown metric '${name}'.`, { fix: `Use one of: ${Object.keys(METRICS).join(', ')}.` });
  return metric;
}

/**
 * Score(o) = the mean of the metric over every architecture of the state that contains o
 * (ALGORITHMS.md A1), for every op of every choice point that still has more than one op.
 */
export async function scoreOperators(metricName: string, ctx: MetricContext): Promise<Record<string, number>> {
  const metric = metricByName(metricName);
  const size = stateSize(ctx.state);
  if (size > EXHAUSTIVE_LIMIT) throw new NasError('INVALID_CONFIG', `Exhaustive scoring of ${size} architectures is not supported yet.`, { fix: 'Shrink an NB201-sized space.' });
  const archs = [...enumerateState(ctx.state, EXHAUSTIVE_LIMIT)];
  const { scores } = await metric.scoreArchitectures(ctx, archs);
  const space = ctx.supernet.space;
  const sums = new Map<string, { sum: number; count: number }>();
  archs.forEach((arch, i) => {
    arch.forEach((op, c) => {
      if ((ctx.state.remaining[c]?.length ?? 0) <= 1) return;
      const key = operatorKey(space.choices[c]!.id, op);
      const entry = sums.get(key) ?? { sum: 0, count: 0 };
      entry.sum += scores[i] as number;
      entry.count += 1;
      sums.set(key, entry);
    });
  });
  return Object.fromEntries([...sums].map(([key, { sum, count }]) => [key, sum / count]));
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

/** The best children with every cheap metric beside their search fitness, for results.json. */
export async function scoreWithAllMetrics(
  archs: readonly Architecture[],
  space: SearchSpace,
  ctx: MetricContext,
  fitness: readonly number[],
): Promise<{ architecture: string; fitness: number; metrics: Record<string, number> }[]> {
  const perMetric: Record<string, number[]> = {};
  for (const [name, metric] of Object.entries(METRICS)) perMetric[name] = (await metric.scoreArchitectures(ctx, archs)).scores;
  return archs.map((arch, i) => ({
    architecture: space.format(arch),
    fitness: fitness[i] as number,
    metrics: { 'accuracy-rebn': fitness[i] as number, ...Object.fromEntries(Object.entries(perMetric).map(([name, s]) => [name, s[i] as number])) },
  }));
}
