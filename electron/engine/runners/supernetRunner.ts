/**
 * The `supernet` method: trains a weight-sharing supernet by single-path sampling (uniform, or
 * FairNAS strict fairness) on the training split, as ABS trains it before scoring operators
 * (ALGORITHMS.md A4) and GM-NAS before splitting (B5). Writes the angle reference (weights
 * before the first update), a checkpoint after every epoch, and per-epoch validation metrics.
 */
import * as tf from '@tensorflow/tfjs';
import { NasError } from '../../../shared/errors';
import { batchCount, batches } from '../data';
import type { JobContext, JobSummaryData } from '../jobs/jobContext';
import { yieldToEventLoop } from '../jobs/jobContext';
import { SeededRng } from '../random/seededRng';
import { createSampler } from '../sampler/registry';
import { createSearchSpace } from '../space/registry';
import { fullState } from '../space/spaceState';
import { saveTensorCheckpoint } from '../store/checkpointTensors';
import { supernetTensors } from './supernetCheckpoint';
import { Nb201Supernet } from '../supernet/nb201Supernet';
import { recalibrateBn } from '../supernet/bnRecalibration';
import { assertFiniteLoss } from '../train/finiteGuard';
import { createSchedule } from '../train/schedules';
import { SgdNesterov } from '../train/sgdNesterov';
import { evaluateSubset } from './evaluateSubset';
import { loadExperimentData } from './experimentData';
import { supernetTrainStep } from './supernetTrainStep';

/** Emit a training metric point every this many steps. */
const METRIC_EVERY = 10;
/** Architectures sampled to report the supernet's validation accuracy after each epoch. */
const VAL_ARCHS = 5;
/** Training images forwarded to recalibrate BN before each validation (ALGORITHMS.md A3 uses 20,000). */
const CALIBRATION_IMAGES = 512;

/** The checkpoint holding the weights before any update: ABS's angle reference W0 (A2). */
export const REFERENCE_CHECKPOINT = 'reference';
/** The checkpoint rewritten after every epoch. */
export const LAST_CHECKPOINT = 'last';

export async function runSupernetJob(ctx: JobContext): Promise<JobSummaryData> {
  const config = ctx.config;
  const space = createSearchSpace(config.space);
  if (space.kind !== 'nb201') {
    throw new NasError('INVALID_CONFIG', `Supernet training for the ${space.kind} space is not available yet; this version trains NB201 supernets.`, {
      fix: "Use space {kind: 'nb201'} (the DARTS and MobileNet-like spaces can be enumerated and sampled, not yet trained).",
    });
  }
  const recipe = config.training;
  const data = await loadExperimentData(config, ctx.emit);
  const rng = new SeededRng(config.seed);
  const dataRng = rng.fork();
  const sampler = createSampler(space, config.sampler, rng.fork());
  const evalRng = rng.fork();
  const state = fullState(space);
  const net = new Nb201Supernet({ ...config.network, inputChannels: data.train.channels, numClasses: data.train.numClasses, seed: config.seed });
  const optimizer = new SgdNesterov({ momentum: recipe.momentum, weightDecay: recipe.weightDecay, decayed: net.params.decayed });
  const schedule = createSchedule(recipe.schedule, { epochs: recipe.epochs });
  const steps = batchCount(data.trainIndices.length, recipe.batchSize, true);
  let lastCheckpoint: string | null = null;
  const meta = (epoch: number, step: number) => ({ epoch, step, rng: { data: dataRng.saveState(), eval: evalRng.saveState() }, schedule: { position: epoch, config: recipe.schedule }, extra: { sampler: sampler.saveState() } });

  try {
    await saveTensorCheckpoint(ctx.dir, REFERENCE_CHECKPOINT, supernetTensors(net.params), meta(0, 0));
    ctx.emit({ type: 'log', level: 'info', message: `supernet: ${space.name}, C=${config.network.channels}, N=${config.network.cellsPerStage}, ${net.params.all().length} tensors; angle reference saved before the first update` });
    const started = Date.now();
    let images = 0;
    let globalStep = 0;
    let lastLoss = Number.NaN;
    let valAccuracy: number | null = null;
    for (let epoch = 0; epoch < recipe.epochs && !ctx.cancelled(); epoch++) {
      let step = 0;
      let lossSum = 0;
      let correct = 0;
      let seen = 0;
      for (const batch of batches(data.train, data.trainIndices, { batchSize: recipe.batchSize, shuffle: true, rng: dataRng, normalize: data.normalize, augment: data.augment, dropLast: true })) {
        const paths = sampler.next(state);
        const lr = schedule.lrAt(epoch + step / steps);
        const result = supernetTrainStep(net, optimizer, batch.x, batch.y, paths, lr, { labelSmoothing: recipe.labelSmoothing, clip: recipe.clip });
        const size = batch.indices.length;
        tf.dispose([batch.x, batch.y]);
        assertFiniteLoss(result.loss, { epoch, step, phase: 'supernet weights', lastCheckpoint });
        step += 1;
        globalStep += 1;
        images += size;
        lossSum += result.loss * size;
        correct += result.correct;
        seen += size;
        lastLoss = result.loss;
        const imagesPerSec = images / Math.max((Date.now() - started) / 1000, 1e-3);
        const remaining = (recipe.epochs - epoch - 1) * steps * recipe.batchSize + (steps - step) * recipe.batchSize;
        ctx.emit({ type: 'progress', phase: 'supernet', epoch: epoch + 1, epochs: recipe.epochs, step, steps, imagesPerSec, etaSec: remaining / Math.max(imagesPerSec, 1e-3) });
        if (step % METRIC_EVERY === 0 || step === steps) {
          ctx.emit({ type: 'metric', split: 'train', epoch: epoch + step / steps, step: globalStep, loss: lossSum / seen, accuracy: correct / seen });
          lossSum = 0;
          correct = 0;
          seen = 0;
        }
        await yieldToEventLoop();
        if (ctx.cancelled()) break;
      }
      if (data.valIndices.length > 0) {
        valAccuracy = validate(net, data, evalRng, state, space, ctx, epoch + 1, globalStep);
      }
      await saveTensorCheckpoint(ctx.dir, LAST_CHECKPOINT, supernetTensors(net.params, optimizer), meta(epoch + 1, globalStep));
      lastCheckpoint = LAST_CHECKPOINT;
    }
    const seconds = (Date.now() - started) / 1000;
    return {
      space: space.name,
      epochs: recipe.epochs,
      steps: globalStep,
      finalTrainLoss: lastLoss,
      valAccuracy,
      trainImages: data.trainIndices.length,
      trainSeconds: seconds,
      imagesPerSec: images / Math.max(seconds, 1e-3),
      backend: ctx.backend.chosen,
      checkpoints: [REFERENCE_CHECKPOINT, ...(lastCheckpoint ? [lastCheckpoint] : [])],
      completed: !ctx.cancelled(),
    };
  } finally {
    optimizer.dispose();
    net.dispose();
  }
}

/**
 * Mean validation accuracy of a few uniformly sampled architectures in eval mode, each after
 * BN recalibration on 512 training images (without it, shared running statistics put every
 * child near chance; ALGORITHMS.md E1). The supernet's own running statistics are restored
 * afterwards, so validation never changes what training or later metrics see.
 */
function validate(
  net: Nb201Supernet,
  data: Awaited<ReturnType<typeof loadExperimentData>>,
  rng: SeededRng,
  state: ReturnType<typeof fullState>,
  space: ReturnType<typeof createSearchSpace>,
  ctx: JobContext,
  epoch: number,
  globalStep: number,
): number {
  const sampler = createSampler(space, 'uniform', rng.fork());
  // A random draw: split indices may be ordered by class, and one-class BN statistics are wrong.
  const order = rng.permutation(data.trainIndices.length).slice(0, CALIBRATION_IMAGES).map((i) => data.trainIndices[i] as number);
  const calibration = [...batches(data.train, order, { batchSize: 256, normalize: data.normalize })];
  const saved = net.params.entries().filter(([name]) => /\/running_(mean|var)$/.test(name)).map(([, v]) => [v, tf.clone(v)] as const);
  let loss = 0;
  let accuracy = 0;
  try {
    for (let i = 0; i < VAL_ARCHS; i++) {
      const arch = sampler.next(state)[0] as readonly string[];
      recalibrateBn(net.params, (x) => net.forward(x, arch, true), calibration.map((b) => b.x));
      const result = evaluateSubset((x) => net.forward(x, arch, false), data.train, data.normalize, 256, data.valIndices);
      loss += result.loss / VAL_ARCHS;
      accuracy += result.accuracy / VAL_ARCHS;
    }
  } finally {
    for (const [v, copy] of saved) {
      v.assign(copy);
      copy.dispose();
    }
    for (const b of calibration) tf.dispose([b.x, b.y]);
  }
  ctx.emit({ type: 'metric', split: 'val', epoch, step: globalStep, loss, accuracy });
  return accuracy;
}
