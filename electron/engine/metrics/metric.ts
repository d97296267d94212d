/**
 * The common contract of architecture metrics (ABS angle, supernet accuracy with and without BN
 * recalibration, DARTS-style magnitude): score a list of architectures of the current space
 * with a trained supernet. Operator scores derive from these (operatorScores.ts), unless the
 * metric scores operators directly (magnitude).
 */
import type { ExperimentData } from '../runners/experimentData';
import type { Architecture } from '../space/searchSpace';
import type { SpaceState } from '../space/spaceState';
import type { NamedArray } from '../store/checkpoint';
import type { Supernet } from '../supernet/supernet';

/** What a metric may read. Metrics never change the supernet's weights or running statistics. */
export interface MetricContext {
  readonly supernet: Supernet;
  /** The 'reference' checkpoint's arrays (A2's W0), keyed `model/<logical name>`; angle metrics need it. */
  readonly reference?: Readonly<Record<string, NamedArray>> | undefined;
  /** The experiment's data (train/val indices, normalisation); accuracy and magnitude need it. */
  readonly data?: ExperimentData | undefined;
  /** The current (shrunk) space: magnitude masks its softmax by it. */
  readonly state: SpaceState;
  /** Called after each child of a slow metric (accuracy) with the children done and the total. */
  readonly progress?: ((done: number, total: number) => void) | undefined;
}

/** One score per architecture, in the order asked. */
export interface ArchitectureScores {
  readonly scores: number[];
  /**
   * Per architecture, true when the metric had nothing to measure and the score is a defined
   * fallback (angle-cells of a child with no cell weights: 0). Absent when never the case.
   */
  readonly empty?: boolean[];
}

/** The score of one operator: the mean over the children that contain it, and how many there were. */
export interface OperatorScore {
  readonly mean: number;
  /** Children averaged; 0 for metrics that score operators directly (magnitude). */
  readonly count: number;
}

/** Operator scores keyed by operatorKey(choiceId, op), e.g. `1<-0:nor_conv_3x3`. */
export type OperatorScores = Record<string, OperatorScore>;

export interface ArchitectureMetric {
  /** Registry name, e.g. `angle`. */
  readonly name: string;
  /** One line for the UI and the CLI. */
  readonly description: string;
  /** True when a larger score means a better architecture (all built-in metrics). */
  readonly largerIsBetter: boolean;
  /**
   * Scores `archs` (each one op per choice point of ctx.supernet.space).
   * @throws NasError INVALID_CONFIG when the context lacks what the metric needs.
   */
  scoreArchitectures(ctx: MetricContext, archs: readonly Architecture[]): Promise<ArchitectureScores>;
  /** Scores every remaining operator directly, when the metric defines that (magnitude). */
  scoreOperators?(ctx: MetricContext): Promise<OperatorScores>;
}
