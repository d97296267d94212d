/**
 * The data of an experiment: training images split into train/validation by seed, the test
 * set, the normalisation computed on the training part, and the augmentation the dataset uses.
 */
import { defaultAugmentation, loadDataset, normalizationFor, splitTrainVal } from '../data';
import type { Augmentation, ChannelStats, ImageDataset } from '../data';
import type { ExperimentConfig } from '../config/experimentConfig';
import { datasetSpec } from '../config/datasetSpec';
import type { JobContext } from '../jobs/jobContext';

export interface ExperimentData {
  train: ImageDataset;
  test: ImageDataset;
  /** Indices into `train` for weight training. */
  trainIndices: Int32Array;
  /** Indices into `train` held out for validation (empty when valFraction is 0). */
  valIndices: Int32Array;
  normalize: ChannelStats;
  augment: Augmentation | null;
}

/**
 * Loads the config's dataset. `holdOut` false uses every training image for training (stand-
 * alone training, which reports test accuracy).
 */
export async function loadExperimentData(config: ExperimentConfig, emit: JobContext['emit'], holdOut = true): Promise<ExperimentData> {
  const train = await loadDataset(datasetSpec(config.dataset, 'train', config.maxTrainImages));
  const test = await loadDataset(datasetSpec(config.dataset, 'test'));
  const split = holdOut
    ? splitTrainVal(train, { valFraction: config.valFraction, seed: config.seed })
    : { train: Int32Array.from({ length: train.size }, (_, i) => i), val: new Int32Array(0) };
  const normalize = normalizationFor(train, split.train);
  const augment = defaultAugmentation(train.name);
  emit({
    type: 'log',
    level: 'info',
    message: `data: ${train.name}, ${split.train.length} training, ${split.val.length} validation and ${test.size} test images of ${train.height}x${train.width}x${train.channels}${augment ? ', augmented' : ''}`,
  });
  return { train, test, trainIndices: split.train, valIndices: split.val, normalize, augment };
}
