/**
 * The scoring ABS needs around the metrics: operator scores over the current space, the search
 * fitness (validation accuracy after BN recalibration), and every metric for the best children.
 */
import * as tf from '@tensorflow/tfjs';
import { NasError } from '../../../shared/errors';
import { createMetric, metricNames } from '../metrics/registry';
import { scoreOperators as scoreOperatorsWith } from '../metrics/operatorScores';
import type { ArchitectureMetric, MetricContext } from '../metrics/metric';
import { SeededRng } from '../random/seededRng';
import type { ArchSampler } from '../sampler/archSampler';
import { createSampler } from '../sampler/registry';
import { IDENTITY_OP } from '../space/mobilenetOps';
import type { Architecture, SearchSpace } from '../space/searchSpace';
import { recalibrateBn } from '../supernet/bnRecalibration';
import { evaluateSubset } from './evaluateSubset';
import type { StandaloneRecord } from './absStandalone';
import type { SupernetTrainer } from './supernetTrainer';

/** Metrics cheap enough to score every child of an NB201 space (decomposed sums). */
export const EXHAUSTIVE_METRICS = new Set(['angle', 'angle-cells']);
/**
 * Children per operator in sampled mode (A1): ABS samples 1000 for the angle; the metrics that
 * need a forward pass per child (accuracy) take 25, or a CPU run would spend hours scoring.
 */
const SAMPLED_CHILDREN = { angle: 1000, forward: 25 };
/** States up to this size are enumerated for the angle metrics (NB201's 15,625; not DARTS or MobileNet). */
const ENUMERATE_LIMIT = 20_000;

export function metricByName(name: string): ArchitectureMetric {
  return createMetric(name);
}

export { metricNames };

/**
 * The sampler of sampled operator scoring: ABS's depth-uniform sampling in layer-wise spaces
 * with identity (SPOS, A1 `get_depth_full_rngs`); uniform elsewhere (FairNAS layers, DARTS with
 * its check_cand repair).
 */
export function scoringSampler(space: SearchSpace, seed: number): ArchSampler {
  const hasIdentity = space.kind === 'mobilenet' && space.choices.some((c) => c.ops.includes(IDENTITY_OP));
  return createSampler(space, hasIdentity ? 'spos-depth' : 'uniform', new SeededRng(seed));
}

/** How {@link scoreOperators} samples children in spaces too large to enumerate. */
export interface AbsScoringOptions {
  /** Children per operator (default 1000 for the angle metrics, 25 for the others). */
  readonly sampleNum?: number | undefined;
  readonly seed?: number | undefined;
}

/**
 * Score(o) = the mean of the metric over the children that contain o (ALGORITHMS.md A1): every
 * child of an enumerable state for the angle metrics, which decompose (NB201), and sampled
 * children otherwise (DARTS, MobileNet-like, and the accuracy metrics, a forward pass each);
 * magnitude scores operators directly. Only choice points that still have more than one op
 * are scored, and an op no valid child contains (NaN: DARTS's `none` into node 2) is left out,
 * so a policy never drops it by score.
 */
export async function scoreOperators(metricName: string, ctx: MetricContext, options: AbsScoringOptions = {}): Promise<Record<string, number>> {
  const metric = createMetric(metricName);
  const space = ctx.supernet.space;
  const cheap = EXHAUSTIVE_METRICS.has(metricName);
  const sampleNum = options.sampleNum ?? (cheap ? SAMPLED_CHILDREN.angle : SAMPLED_CHILDREN.forward);
  const sampler = scoringSampler(space, options.seed ?? 0);
  const result = await scoreOperatorsWith(metric, ctx, cheap ? { mode: 'auto', enumerateLimit: ENUMERATE_LIMIT, sampleNum, sampler } : { mode: 'sampled', sampleNum, sampler });
  const open = new Set(space.choices.filter((_, c) => (ctx.state.remaining[c]?.length ?? 0) > 1).map((c) => c.id));
  return Object.fromEntries(Object.entries(result.operators).filter(([key, v]) => open.has(key.slice(0, key.lastIndexOf(':'))) && Number.isFinite(v.mean)).map(([key, v]) => [key, v.mean]));
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
 * The best children with every metric of `names` (on the supernet of `ctx`) beside their search fitness.
 * @param fitnessIsRebn true when the search ran on ctx's supernet: its fitness is then that
 *   supernet's accuracy-rebn and is not measured twice.
 */
export async function scoreWithAllMetrics(
  archs: readonly Architecture[],
  space: SearchSpace,
  ctx: MetricContext,
  fitness: readonly number[],
  fitnessIsRebn = true,
  names: readonly string[] = metricNames(),
): Promise<BestArchitecture[]> {
  const perMetric: Record<string, number[]> = {};
  for (const name of names) {
    if (name === 'accuracy-rebn' && fitnessIsRebn) continue;
    perMetric[name] = (await createMetric(name).scoreArchitectures(ctx, archs)).scores;
  }
  return archs.map((arch, i) => ({
    architecture: space.format(arch),
    fitness: fitness[i] as number,
    metrics: { ...(fitnessIsRebn && names.includes('accuracy-rebn') ? { 'accuracy-rebn': fitness[i] as number } : {}), ...Object.fromEntries(Object.entries(perMetric).map(([name, s]) => [name, s[i] as number])) },
  }));
}
