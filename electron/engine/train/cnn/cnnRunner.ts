/**
 * The `cnn` method: trains the plain CNN on a dataset (the bundled Fashion-MNIST sample by
 * default), streaming progress and training metrics, then reports test accuracy.
 */
import * as tf from '@tensorflow/tfjs';
import { NasError } from '../../../../shared/errors';
import { batchCount, batches, loadDataset, normalizationFor } from '../../data';
import type { ImageDataset } from '../../data';
import { datasetSpec } from '../../config/datasetSpec';
import { createSchedule } from '../schedules';
import { jobNow, stepBoundary } from '../../jobs/jobContext';
import type { JobContext, JobSummaryData } from '../../jobs/jobContext';
import { SeededRng } from '../../random/seededRng';
import { evaluateClassifier } from './evaluateClassifier';
import { buildPlainCnn } from './plainCnn';

/** Emit a training metric point every this many steps (plus one at the end of each epoch). */
const METRIC_EVERY = 10;

async function loadData(ctx: JobContext): Promise<{ train: ImageDataset; test: ImageDataset }> {
  const train = await loadDataset(datasetSpec(ctx.config.dataset, 'train', ctx.config.maxTrainImages));
  const test = await loadDataset(datasetSpec(ctx.config.dataset, 'test'));
  ctx.emit({ type: 'log', level: 'info', message: `data: ${train.name}, ${train.size} training and ${test.size} test images of ${train.height}x${train.width}x${train.channels}` });
  return { train, test };
}

export async function runCnnJob(ctx: JobContext): Promise<JobSummaryData> {
  const recipe = ctx.config.training;
  const epochs = recipe.epochs;
  const seed = ctx.config.seed;
  const rng = new SeededRng(seed);
  const { train, test } = await loadData(ctx);
  const normalize = normalizationFor(train);
  const model = buildPlainCnn(train, seed);
  const schedule = createSchedule(recipe.schedule, { epochs });
  const optimizer = tf.train.momentum(schedule.lrAt(0), recipe.momentum, recipe.nesterov);
  const steps = batchCount(train.size, recipe.batchSize);
  const trainIndices = Array.from({ length: train.size }, (_, i) => i);
  const started = jobNow(ctx);
  let imagesSeen = 0;

  try {
    for (let epoch = 1; epoch <= epochs && !ctx.cancelled(); epoch++) {
      let step = 0;
      let lossSum = 0;
      let correct = 0;
      let count = 0;
      for (const batch of batches(train, trainIndices, { batchSize: recipe.batchSize, shuffle: true, rng, normalize })) {
        optimizer.setLearningRate(schedule.lrAt(epoch - 1 + step / steps));
        const hits: { tensor: tf.Tensor | null } = { tensor: null };
        const loss = optimizer.minimize(() => {
          const logits = model.apply(batch.x) as tf.Tensor2D;
          hits.tensor = tf.keep(tf.sum(tf.cast(tf.equal(tf.argMax(logits, 1), batch.y), 'float32')));
          return tf.losses.softmaxCrossEntropy(tf.oneHot(batch.y, train.numClasses), logits);
        }, true);
        const lossValue = loss ? ((await loss.data())[0] ?? NaN) : NaN;
        const correctValue = hits.tensor ? ((await hits.tensor.data())[0] ?? 0) : 0;
        const size = batch.indices.length;
        tf.dispose([batch.x, batch.y]);
        if (loss) loss.dispose();
        if (hits.tensor) hits.tensor.dispose();
        if (!Number.isFinite(lossValue)) {
          throw new NasError('NAN_LOSS', `The training loss became ${lossValue} at epoch ${epoch}, step ${step + 1}.`, {
            fix: 'Lower the learning rate or check the dataset for corrupt images; the events recorded so far are kept.',
          });
        }
        step += 1;
        imagesSeen += size;
        lossSum += lossValue * size;
        correct += correctValue;
        count += size;
        const elapsed = (jobNow(ctx) - started) / 1000;
        const imagesPerSec = imagesSeen / Math.max(elapsed, 1e-3);
        const remaining = (epochs - epoch) * train.size + (steps - step) * recipe.batchSize;
        ctx.emit({ type: 'progress', phase: 'train', epoch, epochs, step, steps, imagesPerSec, etaSec: remaining / Math.max(imagesPerSec, 1e-3) });
        if (step % METRIC_EVERY === 0 || step === steps) {
          ctx.emit({ type: 'metric', split: 'train', epoch: epoch - 1 + step / steps, step: (epoch - 1) * steps + step, loss: lossSum / count, accuracy: correct / count });
          lossSum = 0;
          correct = 0;
          count = 0;
        }
        await stepBoundary(ctx);
        if (ctx.cancelled()) break;
      }
    }
    const result = evaluateClassifier((x) => model.apply(x) as tf.Tensor2D, test, normalize, 256);
    ctx.emit({ type: 'metric', split: 'test', epoch: epochs, step: epochs * steps, loss: result.loss, accuracy: result.accuracy });
    const seconds = (jobNow(ctx) - started) / 1000;
    return {
      testAccuracy: result.accuracy,
      testLoss: result.loss,
      trainImages: train.size,
      testImages: test.size,
      epochs,
      seed,
      trainSeconds: seconds,
      imagesPerSec: imagesSeen / Math.max(seconds, 1e-3),
      backend: ctx.backend.chosen,
      completed: !ctx.cancelled(),
    };
  } finally {
    model.dispose();
    optimizer.dispose();
  }
}
