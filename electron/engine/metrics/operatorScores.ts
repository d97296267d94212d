/**
 * Operator scores from architecture scores (ALGORITHMS.md A1): Score(o) = the mean of the metric
 * over the children that contain operator o.
 *
 * - Exhaustive (NB201, and any state small enough to enumerate): every architecture of the
 *   current state, each counted for all of its operators ([ABS] dropnode_by_angle.py).
 * - Sampled (spaces too large to enumerate): for each operator, children are sampled with that
 *   operator pinned; every child is sampled once (a visited set), is added to the pool of every
 *   operator it contains, and each pool is capped at `sampleNum` ([ABS] SPOS shrinking.py).
 *   An operator no valid child contains (the sampler's rules exclude it) keeps an empty pool
 *   and a NaN score.
 */
import { NasError } from '../../../shared/errors';
import type { ArchSampler } from '../sampler/archSampler';
import { createSampler } from '../sampler/registry';
import { SeededRng } from '../random/seededRng';
import { operatorKey, type Architecture, type SearchSpace } from '../space/searchSpace';
import { enumerateState, stateSizeBig, type SpaceState } from '../space/spaceState';
import type { ArchitectureMetric, ArchitectureScores, MetricContext, OperatorScores } from './metric';

/** Every remaining operator of the state, as keys in choice order then op order. */
export function remainingOperatorKeys(space: SearchSpace, state: SpaceState): string[] {
  return space.choices.flatMap((choice, c) => (state.remaining[c] ?? []).map((op) => operatorKey(choice.id, op)));
}

/** Per operator, the indices of the architectures in its pool. */
export type OperatorPools = Map<string, number[]>;

/**
 * Pools for exhaustive scoring: architecture i joins the pool of each of its operators that
 * remains in the state (an op outside the state, e.g. from DARTS repair, joins nothing).
 */
export function exhaustivePools(space: SearchSpace, state: SpaceState, archs: readonly Architecture[]): OperatorPools {
  const pools: OperatorPools = new Map(remainingOperatorKeys(space, state).map((k) => [k, []]));
  archs.forEach((arch, i) => {
    space.choices.forEach((choice, c) => pools.get(operatorKey(choice.id, arch[c] as string))?.push(i));
  });
  return pools;
}

/** The mean score of each pool (NaN for an empty pool, with count 0). */
export function poolMeans(pools: OperatorPools, scores: readonly number[]): OperatorScores {
  const out: OperatorScores = {};
  for (const [key, members] of pools) {
    let sum = 0;
    for (const i of members) sum += scores[i] as number;
    out[key] = { mean: members.length === 0 ? Number.NaN : sum / members.length, count: members.length };
  }
  return out;
}

/** Score(o) = mean over the given architectures containing o, for every remaining operator. */
export function meanOperatorScores(space: SearchSpace, state: SpaceState, archs: readonly Architecture[], scores: readonly number[]): OperatorScores {
  if (archs.length !== scores.length) throw new Error(`meanOperatorScores: ${archs.length} architectures but ${scores.length} scores`);
  return poolMeans(exhaustivePools(space, state, archs), scores);
}

/** The children sampled for operator scoring and the pool of each operator. */
export interface SampledPools {
  /** Distinct children, each to be scored once. */
  readonly architectures: Architecture[];
  readonly pools: OperatorPools;
}

/**
 * ABS's sampled pools (A1): for each remaining operator in turn, draw children with it pinned
 * until its pool holds `sampleNum` (or every child that contains it, or `maxTries` draws have
 * been made for it, when sampler rules leave fewer reachable children).
 */
export function sampleOperatorPools(space: SearchSpace, state: SpaceState, sampler: ArchSampler, sampleNum: number, maxTries = 50 * sampleNum): SampledPools {
  if (!Number.isInteger(sampleNum) || sampleNum <= 0) throw new RangeError(`sampleNum must be a positive integer, got ${sampleNum}`);
  const architectures: Architecture[] = [];
  const pools: OperatorPools = new Map(remainingOperatorKeys(space, state).map((k) => [k, []]));
  const visited = new Set<string>();
  const total = stateSizeBig(state);
  space.choices.forEach((choice, c) => {
    const ops = state.remaining[c] ?? [];
    const containing = total / BigInt(ops.length);
    const target = containing < BigInt(sampleNum) ? Number(containing) : sampleNum;
    for (const op of ops) {
      const pool = pools.get(operatorKey(choice.id, op)) as number[];
      for (let tries = 0; pool.length < target && tries < maxTries; tries++) {
        const arch = drawPinned(sampler, state, c, op);
        if (!arch) break; // no valid child contains this op: it stays unscored (empty pool)
        const key = space.format(arch);
        if (visited.has(key)) continue;
        visited.add(key);
        const index = architectures.push(arch) - 1;
        space.choices.forEach((other, c2) => {
          const members = pools.get(operatorKey(other.id, arch[c2] as string));
          if (members && members.length < sampleNum) members.push(index);
        });
      }
    }
  });
  return { architectures, pools };
}

/**
 * One child containing op at choice c, or null when the sampler's rules admit none (DARTS's
 * check_cand keeps both inputs of node 2 non-none, so `none` on a node-2 edge is in no valid
 * child; ABS cannot score such an op either).
 */
function drawPinned(sampler: ArchSampler, state: SpaceState, c: number, op: string): Architecture | null {
  try {
    return sampler.next(state, { choiceIndex: c, op })[0] as Architecture;
  } catch (error) {
    if (error instanceof NasError && error.code === 'INVALID_CONFIG' && /No valid path/.test(error.message)) return null;
    throw error;
  }
}

/** How {@link scoreOperators} picks the children. */
export interface OperatorScoringOptions {
  /** 'auto' (default): exhaustive when the state holds at most `enumerateLimit` children, else sampled. */
  readonly mode?: 'auto' | 'exhaustive' | 'sampled';
  /** Default 100,000 (NB201's 15,625 are enumerated). */
  readonly enumerateLimit?: number;
  /** Pool cap per operator in sampled mode (ABS: 1000). */
  readonly sampleNum?: number;
  /** Sampler for sampled mode; default uniform, seeded with `seed`. */
  readonly sampler?: ArchSampler;
  readonly seed?: number;
}

export interface OperatorScoring {
  readonly operators: OperatorScores;
  /** The children scored (empty when the metric scores operators directly). */
  readonly architectures: Architecture[];
  readonly scores: ArchitectureScores;
}

/**
 * Scores every remaining operator of ctx.state with `metric`: directly when the metric defines
 * it (magnitude), otherwise as the mean over exhaustive or sampled children.
 */
export async function scoreOperators(metric: ArchitectureMetric, ctx: MetricContext, options: OperatorScoringOptions = {}): Promise<OperatorScoring> {
  if (metric.scoreOperators) return { operators: await metric.scoreOperators(ctx), architectures: [], scores: { scores: [] } };
  const space = ctx.supernet.space;
  const limit = options.enumerateLimit ?? 100_000;
  const exhaustive = options.mode === 'exhaustive' || (options.mode !== 'sampled' && stateSizeBig(ctx.state) <= BigInt(limit));
  if (exhaustive) {
    const architectures = [...enumerateState(ctx.state, limit)]; // over the limit: NasError INVALID_CONFIG
    const scores = await metric.scoreArchitectures(ctx, architectures);
    return { operators: meanOperatorScores(space, ctx.state, architectures, scores.scores), architectures, scores };
  }
  const sampler = options.sampler ?? createSampler(space, 'uniform', new SeededRng(options.seed ?? 0));
  const { architectures, pools } = sampleOperatorPools(space, ctx.state, sampler, options.sampleNum ?? 1000);
  const scores = await metric.scoreArchitectures(ctx, architectures);
  return { operators: poolMeans(pools, scores.scores), architectures, scores };
}
