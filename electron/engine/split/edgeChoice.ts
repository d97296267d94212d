/**
 * Which not-yet-split edge GM-NAS splits next (ALGORITHMS.md B4), and how certain that choice is.
 *
 * Every candidate edge gets its min-cut partition (B3) and two scores:
 * - `cross` = sum of all D - within-group D of the best partition: the distance across the
 *   cut. NB201's code takes the edge with the MAXIMUM (`max-cross`), the edge whose groups
 *   disagree most, which matches the paper's "min-cut cost" wording.
 * - `within` = within-group D of the best partition. The DARTS and Proxyless code take the
 *   MINIMUM (`min-within`).
 * Other rules: `random` (seeded) and `predefined` (a given edge, e.g. few-shot's edge 0).
 *
 * Certainty: the margins (best vs second partition on the chosen edge, best vs second edge) and
 * a bootstrap over the R per-repeat distance matrices: resample the repeats with replacement,
 * average, decide again, and count how often the same partition and the same edge win. A split
 * whose frequency is near 1/(number of alternatives) was decided by noise.
 */
import { NasError } from '../../../shared/errors';
import { SeededRng } from '../random/seededRng';
import type { SpaceKind } from '../space/searchSpace';
import { minCutPartition, partitionKey, totalDistance, type PartitionOptions, type PartitionResult } from './minCutPartition';

export type EdgeRule = 'max-cross' | 'min-within' | 'random' | 'predefined';

/** The rule of the official code for a space: NB201 max-cross, DARTS and MobileNet/Proxyless min-within. */
export function defaultEdgeRule(kind: SpaceKind): EdgeRule {
  return kind === 'nb201' ? 'max-cross' : 'min-within';
}

/** One not-yet-split edge with its GM distances (see gradientMatching.ts). */
export interface EdgeCandidate {
  /** Index of the choice point in space.choices. */
  readonly choiceIndex: number;
  /** The edge's remaining ops: the rows and columns of `distance`. */
  readonly ops: readonly string[];
  /** Mean distance over repeats, ops x ops. */
  readonly distance: readonly (readonly number[])[];
  /** The R per-repeat matrices (needed for the bootstrap only). */
  readonly perRepeat?: readonly (readonly (readonly number[])[])[];
}

export interface EdgeScore {
  readonly choiceIndex: number;
  readonly partition: PartitionResult;
  readonly cross: number;
  readonly within: number;
}

export interface EdgeChoiceOptions {
  readonly rule: EdgeRule;
  readonly partition?: PartitionOptions;
  /** Seed of the `random` rule. */
  readonly seed?: number;
  /** The choice index of the `predefined` rule. */
  readonly predefined?: number;
}

export interface EdgeDecision {
  readonly rule: EdgeRule;
  readonly choiceIndex: number;
  /** The chosen edge's groups as op names (children's remaining ops on that edge). */
  readonly groups: string[][];
  readonly partition: PartitionResult;
  /** Scores of every candidate, in candidate order. */
  readonly scores: readonly EdgeScore[];
  /**
   * How far the chosen edge leads the runner-up under the rule (>= 0); null for random and
   * predefined choices or a single candidate.
   */
  readonly edgeMargin: number | null;
}

/** Partition and both scores of one candidate. */
export function scoreEdge(c: EdgeCandidate, options: PartitionOptions = {}): EdgeScore {
  const partition = minCutPartition(c.distance, options);
  return { choiceIndex: c.choiceIndex, partition, cross: totalDistance(c.distance) - partition.cost, within: partition.cost };
}

/** Index into `scores` of the rule's winner (ties: first candidate), and its margin. */
function pick(scores: readonly EdgeScore[], rule: 'max-cross' | 'min-within'): { index: number; margin: number | null } {
  const value = (s: EdgeScore): number => (rule === 'max-cross' ? s.cross : -s.within);
  let index = 0;
  scores.forEach((s, i) => {
    if (value(s) > value(scores[index] as EdgeScore)) index = i;
  });
  const others = scores.filter((_, i) => i !== index).map(value);
  return { index, margin: others.length === 0 ? null : value(scores[index] as EdgeScore) - Math.max(...others) };
}

/**
 * Chooses the edge to split and its partition.
 * @throws NasError INVALID_CONFIG for no candidates or a predefined edge that is not a candidate.
 */
export function chooseEdge(candidates: readonly EdgeCandidate[], options: EdgeChoiceOptions): EdgeDecision {
  if (candidates.length === 0) throw new NasError('INVALID_CONFIG', 'No edge is left to split.', { fix: 'Every edge of this sub-supernet was split already; stop splitting it.' });
  const scores = candidates.map((c) => scoreEdge(c, options.partition));
  let index: number;
  let edgeMargin: number | null = null;
  switch (options.rule) {
    case 'max-cross':
    case 'min-within':
      ({ index, margin: edgeMargin } = pick(scores, options.rule));
      break;
    case 'random':
      index = new SeededRng(options.seed ?? 0).int(candidates.length);
      break;
    case 'predefined':
      index = candidates.findIndex((c) => c.choiceIndex === options.predefined);
      if (index < 0) {
        throw new NasError('INVALID_CONFIG', `The predefined split edge ${String(options.predefined)} is not among the edges left to split.`, {
          fix: `Use one of: ${candidates.map((c) => c.choiceIndex).join(', ')}.`,
        });
      }
      break;
  }
  const chosen = candidates[index] as EdgeCandidate;
  const partition = (scores[index] as EdgeScore).partition;
  return { rule: options.rule, choiceIndex: chosen.choiceIndex, groups: partition.groups.map((g) => g.map((i) => chosen.ops[i] as string)), partition, scores, edgeMargin };
}

export interface BootstrapOptions {
  /** Resamples B (default 200). */
  readonly samples?: number;
  readonly seed?: number;
}

export interface BootstrapResult {
  readonly samples: number;
  /** Share of resamples in which the chosen edge's min-cut partition is the same. */
  readonly partitionFrequency: number;
  /** Share of resamples in which the rule picks the same edge; null for random/predefined rules. */
  readonly edgeFrequency: number | null;
  /** Share of resamples with the same edge and the same partition on it; null like edgeFrequency. */
  readonly jointFrequency: number | null;
}

/** Element-wise mean of the matrices picked by `indices`. */
function meanOf(mats: readonly (readonly (readonly number[])[])[], indices: readonly number[]): number[][] {
  const n = mats[0]?.length ?? 0;
  const out = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (const r of indices) {
    const m = mats[r] as readonly (readonly number[])[];
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) (out[i] as number[])[j] = ((out[i] as number[])[j] as number) + ((m[i] as readonly number[])[j] as number) / indices.length;
  }
  return out;
}

/**
 * Bootstrap certainty of a decision: B times, resample every candidate's R per-repeat matrices
 * with replacement (one index vector shared by all candidates when their R agree, since
 * gmScoreEdges scores every edge on the same batch per repeat; independent vectors otherwise),
 * then recompute the partitions and the edge choice.
 * @throws NasError INVALID_CONFIG when a candidate has no per-repeat matrices.
 */
export function bootstrapCertainty(candidates: readonly EdgeCandidate[], decision: EdgeDecision, options: BootstrapOptions & { readonly partition?: PartitionOptions } = {}): BootstrapResult {
  const samples = options.samples ?? 200;
  const rng = new SeededRng(options.seed ?? 0);
  const repeats = candidates.map((c) => c.perRepeat?.length ?? 0);
  if (repeats.some((r) => r === 0)) throw new NasError('INVALID_CONFIG', 'The bootstrap needs the per-repeat GM matrices of every candidate edge.', { fix: 'Keep perRepeat from gmScore.' });
  const paired = repeats.every((r) => r === repeats[0]);
  const chosenAt = candidates.findIndex((c) => c.choiceIndex === decision.choiceIndex);
  const wantKey = partitionKey(decision.partition.groups);
  const dataDriven = decision.rule === 'max-cross' || decision.rule === 'min-within';
  let samePartition = 0;
  let sameEdge = 0;
  let sameBoth = 0;
  const draw = (r: number): number[] => Array.from({ length: r }, () => rng.int(r));
  for (let b = 0; b < samples; b++) {
    const shared = paired ? draw(repeats[0] as number) : null;
    const resampled = candidates.map((c, i) => ({ ...c, distance: meanOf(c.perRepeat ?? [], shared ?? draw(repeats[i] as number)) }));
    const scores = dataDriven ? resampled.map((c) => scoreEdge(c, options.partition)) : [scoreEdge(resampled[chosenAt] as EdgeCandidate, options.partition)];
    const own = dataDriven ? (scores[chosenAt] as EdgeScore) : (scores[0] as EdgeScore);
    const partitionSame = partitionKey(own.partition.groups) === wantKey;
    if (partitionSame) samePartition++;
    if (dataDriven && pick(scores, decision.rule as 'max-cross' | 'min-within').index === chosenAt) {
      sameEdge++;
      if (partitionSame) sameBoth++;
    }
  }
  return {
    samples,
    partitionFrequency: samePartition / samples,
    edgeFrequency: dataDriven ? sameEdge / samples : null,
    jointFrequency: dataDriven ? sameBoth / samples : null,
  };
}

/** What the tree stores and the UI shows about one split decision. */
export interface SplitCertainty {
  /** Runner-up partition cost minus best cost on the split edge. */
  readonly partitionMargin: number;
  /** Lead of the chosen edge over the runner-up; null when not data-driven. */
  readonly edgeMargin: number | null;
  readonly bootstrap: BootstrapResult | null;
}

export function splitCertainty(decision: EdgeDecision, bootstrap: BootstrapResult | null): SplitCertainty {
  return { partitionMargin: decision.partition.margin, edgeMargin: decision.edgeMargin, bootstrap };
}
