/**
 * The `standalone` method (`nas-shrink eval`): trains one architecture from scratch with the
 * preset's stand-alone recipe on every training image and reports its test accuracy, the
 * ground truth that supernet metrics are ranked against.
 */
import * as tf from '@tensorflow/tfjs';
import { NasError } from '../../../shared/errors';
import { batchCount, batches } from '../data';
import type { JobContext, JobSummaryData } from '../jobs/jobContext';
import type { ExperimentConfig } from '../config/experimentConfig';
import type { ExperimentData } from './experimentData';
import { jobNow, stepBoundary } from '../jobs/jobContext';
import { SeededRng } from '../random/seededRng';
import { createSearchSpace } from '../space/registry';
import { Nb201Supernet } from '../supernet/nb201Supernet';
import { createSupernet } from '../supernet/createSupernet';
import type { Supernet } from '../supernet/supernet';
import { networkConfigSchema } from '../config/experimentConfig';
import { assertFiniteLoss } from '../train/finiteGuard';
import { createSchedule } from '../train/schedules';
import { SgdNesterov } from '../train/sgdNesterov';
import { evaluateSubset } from './evaluateSubset';
import { loadExperimentData } from './experimentData';
import { supernetTrainStep } from './supernetTrainStep';

const METRIC_EVERY = 10;

export interface StandaloneResult {
  architecture: string;
  testAccuracy: number;
  testLoss: number;
  testImages: number;
  epochs: number;
  trainImages: number;
  trainSeconds: number;
  imagesPerSec: number;
}

export interface StandaloneOptions {
  /** Epochs instead of the recipe's (GM-NAS successive halving trains short). */
  readonly epochs?: number;
  /**
   * `test` (default): the test set, reported as `test` metrics. `val`: the validation indices of
   * `data` (a selection, e.g. successive halving, must not look at the test set).
   */
  readonly evaluate?: 'test' | 'val';
}

/**
 * Trains `archText` from scratch with `config.standalone` on every training image of `data` and
 * evaluates it after each epoch (reported as `test` or `val` metric events); `testAccuracy` and
 * `testLoss` of the result are of the evaluated split.
 */
export async function trainStandalone(ctx: JobContext, config: ExperimentConfig, archText: string, data: ExperimentData, phase = 'stand-alone', options: StandaloneOptions = {}): Promise<StandaloneResult> {
  const space = createSearchSpace(config.space);
  const base = config.standalone;
  if (!base) throw new NasError('INVALID_CONFIG', `Preset ${config.name} has no stand-alone recipe.`, { fix: 'Use a preset with a `standalone` section, e.g. nb201-fashion.' });
  const recipe = options.epochs === undefined ? base : { ...base, epochs: options.epochs };
  const onVal = options.evaluate === 'val';
  const arch = space.parse(archText);
  const dataRng = new SeededRng(config.seed).fork();
  const input = { inputChannels: data.train.channels, numClasses: data.train.numClasses, seed: config.seed };
  // NB201: weights only for the ops this architecture uses (a plain network, not a supernet);
  // other spaces train the chosen path of their supernet.
  const net: Supernet =
    space.kind === 'nb201' ? new Nb201Supernet({ ...networkConfigSchema.parse(config.network), ...input, ops: [...new Set(arch)] }) : createSupernet(space, config.network, input);
  const optimizer = new SgdNesterov({ momentum: recipe.momentum, weightDecay: recipe.weightDecay, decayed: net.params.decayed });
  const schedule = createSchedule(recipe.schedule, { epochs: recipe.epochs });
  const steps = batchCount(data.trainIndices.length, recipe.batchSize);
  const forward = (x: tf.Tensor4D): tf.Tensor2D => net.forward(x, arch, false);
  ctx.emit({ type: 'log', level: 'info', message: `stand-alone: ${space.format(arch)}, ${recipe.epochs} epochs, batch ${recipe.batchSize}` });
  const started = jobNow(ctx);
  let images = 0;
  let globalStep = 0;
  let test = { loss: Number.NaN, accuracy: Number.NaN, images: 0 };
  try {
    for (let epoch = 0; epoch < recipe.epochs && !ctx.cancelled(); epoch++) {
      let step = 0;
      let lossSum = 0;
      let correct = 0;
      let seen = 0;
      for (const batch of batches(data.train, data.trainIndices, { batchSize: recipe.batchSize, shuffle: true, rng: dataRng, normalize: data.normalize, augment: data.augment })) {
        const result = supernetTrainStep(net, optimizer, batch.x, batch.y, [arch], schedule.lrAt(epoch + step / steps), { labelSmoothing: recipe.labelSmoothing, clip: recipe.clip });
        const size = batch.indices.length;
        tf.dispose([batch.x, batch.y]);
        assertFiniteLoss(result.loss, { epoch, step, phase, lastCheckpoint: null });
        step += 1;
        globalStep += 1;
        images += size;
        lossSum += result.loss * size;
        correct += result.correct;
        seen += size;
        const imagesPerSec = images / Math.max((jobNow(ctx) - started) / 1000, 1e-3);
        const remaining = (recipe.epochs - epoch - 1) * data.trainIndices.length + (steps - step) * recipe.batchSize;
        ctx.emit({ type: 'progress', phase, epoch: epoch + 1, epochs: recipe.epochs, step, steps, imagesPerSec, etaSec: remaining / Math.max(imagesPerSec, 1e-3) });
        if (step % METRIC_EVERY === 0 || step === steps) {
          ctx.emit({ type: 'metric', split: 'train', epoch: epoch + step / steps, step: globalStep, loss: lossSum / seen, accuracy: correct / seen });
          lossSum = 0;
          correct = 0;
          seen = 0;
        }
        await stepBoundary(ctx);
        if (ctx.cancelled()) break;
      }
      test = onVal ? evaluateSubset(forward, data.train, data.normalize, 256, data.valIndices) : evaluateSubset(forward, data.test, data.normalize, 256);
      ctx.emit({ type: 'metric', split: onVal ? 'val' : 'test', epoch: epoch + 1, step: globalStep, loss: test.loss, accuracy: test.accuracy });
    }
    const seconds = (jobNow(ctx) - started) / 1000;
    return {
      architecture: space.format(arch),
      testAccuracy: test.accuracy,
      testLoss: test.loss,
      testImages: test.images,
      epochs: recipe.epochs,
      trainImages: data.trainIndices.length,
      trainSeconds: seconds,
      imagesPerSec: images / Math.max(seconds, 1e-3),
    };
  } finally {
    optimizer.dispose();
    net.dispose();
  }
}

export async function runStandaloneJob(ctx: JobContext): Promise<JobSummaryData> {
  const config = ctx.config;
  if (!config.architecture) throw new NasError('INVALID_CONFIG', 'Method standalone needs the architecture to train.', { fix: 'Use `nas-shrink eval ARCH`.' });
  const data = await loadExperimentData(config, ctx.emit, false);
  const result = await trainStandalone(ctx, config, config.architecture, data);
  return { ...result, backend: ctx.backend.chosen, completed: !ctx.cancelled() };
}
