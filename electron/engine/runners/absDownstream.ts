/**
 * ABS's downstream supernet (ALGORITHMS.md A4 "Combination with the downstream NAS", E7): after
 * shrinking, a *new, freshly initialised* supernet is trained on the shrunk space only, by
 * FairNAS strict fairness (every remaining op of every edge once per step) or uniform single
 * path, and the search runs on it. The shrinking supernet's weights, its angle reference and
 * its optimizer state are not reused: the fresh one is initialised from another seed, so even
 * its initial weights differ from the shrinking supernet's reference W0.
 *
 * Its checkpoints carry the `downstream-` prefix (downstream-reference, downstream-epoch-K,
 * downstream-last), so `nas-shrink score`/`tau` keep finding the shrinking supernet's
 * `reference`, `epoch-K`, `shrink-K` and `last`.
 */
import type { AbsDownstreamConfig, ExperimentConfig } from '../config/experimentConfig';
import type { JobContext } from '../jobs/jobContext';
import type { SearchSpace } from '../space/searchSpace';
import { stateSize, type SpaceState } from '../space/spaceState';
import type { ExperimentData } from './experimentData';
import { SupernetTrainer } from './supernetTrainer';

/** Prefix of the downstream supernet's checkpoint labels. */
export const DOWNSTREAM_PREFIX = 'downstream-';
/**
 * Added to the experiment seed for the fresh supernet: a different initialisation, sampler and
 * data order than the shrinking supernet (which uses the experiment seed itself).
 */
export const DOWNSTREAM_SEED_OFFSET = 7919;

/** What results.json records about the downstream supernet. */
export interface DownstreamRecord {
  sampler: AbsDownstreamConfig['sampler'];
  epochs: number;
  seed: number;
  /** Architectures of the space it was trained on. */
  spaceSize: number;
  steps: number;
  /** Mean validation accuracy (after ReBN) of a few sampled children after the last epoch. */
  valAccuracy: number | null;
  checkpoint: string;
}

/**
 * Builds the fresh supernet and trains it on `state` (never on an op outside it: the sampler
 * draws from `state` only, and only the variables of drawn paths get gradients). Saves its own
 * reference before the first update and a checkpoint after every epoch. The caller disposes the
 * returned trainer; on cancel it returns early with the epochs done.
 */
export async function trainDownstreamSupernet(
  ctx: JobContext,
  space: SearchSpace,
  config: ExperimentConfig,
  data: ExperimentData,
  state: SpaceState,
  downstream: AbsDownstreamConfig,
): Promise<{ trainer: SupernetTrainer; record: DownstreamRecord }> {
  const seed = config.seed + DOWNSTREAM_SEED_OFFSET;
  // The run's training recipe with the downstream epochs: one LR schedule over them.
  const recipe: ExperimentConfig = { ...config, training: { ...config.training, epochs: downstream.epochs } };
  const trainer = new SupernetTrainer(space, recipe, data, ctx, downstream.epochs, { seed, sampler: downstream.sampler });
  let valAccuracy: number | null = null;
  try {
    await trainer.checkpoint(`${DOWNSTREAM_PREFIX}reference`, { state });
    const paths = downstream.sampler === 'fairnas' ? `, ${trainer.stepsIn(state)} steps per epoch of ${Math.max(...state.remaining.map((ops) => ops.length))} paths each` : '';
    ctx.emit({ type: 'log', level: 'info', message: `downstream: a fresh supernet (seed ${seed}) trained by ${downstream.sampler} on the shrunk space (${stateSize(state)} architectures) for ${downstream.epochs} epochs${paths}` });
    while (trainer.epoch < downstream.epochs && !ctx.cancelled()) {
      await trainer.trainEpoch(state, 'downstream');
      if (ctx.cancelled()) break;
      valAccuracy = trainer.validate(state);
      await trainer.checkpoint(`${DOWNSTREAM_PREFIX}epoch-${trainer.epoch}`, { state });
      await trainer.checkpoint(`${DOWNSTREAM_PREFIX}last`, { state });
    }
  } catch (error) {
    trainer.dispose();
    throw error;
  }
  return {
    trainer,
    record: { sampler: downstream.sampler, epochs: trainer.epoch, seed, spaceSize: stateSize(state), steps: trainer.globalStep, valAccuracy, checkpoint: `${DOWNSTREAM_PREFIX}last` },
  };
}
