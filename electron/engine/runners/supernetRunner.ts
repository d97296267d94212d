/**
 * The `supernet` method: trains a weight-sharing supernet by single-path sampling (uniform, or
 * FairNAS strict fairness) on the training split, as ABS trains it before scoring operators
 * (ALGORITHMS.md A4) and GM-NAS before splitting (B5). Writes the angle reference (weights
 * before the first update), a checkpoint after every epoch, and per-epoch validation metrics.
 * Resumes from an epoch checkpoint (ctx.resumeFrom): training continues at the next epoch.
 */
import type { JobContext, JobSummaryData } from '../jobs/jobContext';
import { createSearchSpace } from '../space/registry';
import { fullState } from '../space/spaceState';
import { loadExperimentData } from './experimentData';
import { SupernetTrainer } from './supernetTrainer';

/** The checkpoint holding the weights before any update: ABS's angle reference W0 (A2). */
export const REFERENCE_CHECKPOINT = 'reference';
/** The checkpoint rewritten after every epoch. */
export const LAST_CHECKPOINT = 'last';

export async function runSupernetJob(ctx: JobContext): Promise<JobSummaryData> {
  const config = ctx.config;
  const space = createSearchSpace(config.space);
  const data = await loadExperimentData(config, ctx.emit);
  const trainer = new SupernetTrainer(space, config, data, ctx, config.training.epochs);
  const state = fullState(space);
  let valAccuracy: number | null = null;
  try {
    if (ctx.resumeFrom) {
      trainer.restore(ctx.resumeFrom);
      const saved = ctx.resumeFrom.meta.extra['valAccuracy'];
      valAccuracy = typeof saved === 'number' ? saved : null;
    } else {
      await trainer.checkpoint(REFERENCE_CHECKPOINT);
      ctx.emit({ type: 'log', level: 'info', message: `supernet: ${space.name}, network ${JSON.stringify(config.network)}, ${trainer.net.params.all().length} tensors; angle reference saved before the first update` });
    }
    while (trainer.epoch < config.training.epochs && !ctx.cancelled()) {
      await trainer.trainEpoch(state);
      if (ctx.cancelled()) break;
      valAccuracy = trainer.validate(state);
      await trainer.checkpoint(`epoch-${trainer.epoch}`, { valAccuracy });
      await trainer.checkpoint(LAST_CHECKPOINT, { valAccuracy });
    }
    return {
      space: space.name,
      epochs: config.training.epochs,
      steps: trainer.globalStep,
      finalTrainLoss: trainer.lastLoss,
      valAccuracy,
      trainImages: data.trainIndices.length,
      trainSeconds: trainer.seconds,
      imagesPerSec: trainer.imagesPerSec,
      backend: ctx.backend.chosen,
      checkpoints: [REFERENCE_CHECKPOINT, ...(trainer.lastCheckpoint === LAST_CHECKPOINT ? [LAST_CHECKPOINT] : [])],
      completed: !ctx.cancelled(),
    };
  } finally {
    trainer.dispose();
  }
}
