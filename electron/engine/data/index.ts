/**
 * The engine's datasets: load any supported dataset into one in-memory form, split it, and
 * iterate over it in tensor batches. Other modules import from here, not from the files.
 */
export type { ChannelStats, ImageDataset, Split } from './imageDataset';
export { classCounts, imageBytes, subsetDataset } from './imageDataset';
export type { DatasetKind, DatasetSpec, SpecOf } from './datasetSpec';
export { DATASET_KINDS, datasetSpecSchema } from './datasetSpec';
export type { DatasetLoader } from './registry';
export { DATASET_LOADERS, loadDataset, parseDatasetSpec } from './registry';
export { loadIdxDataset, idxFileNames } from './idxDataset';
export { IDX_IMAGES_MAGIC, IDX_LABELS_MAGIC, parseIdx, readIdxFile } from './idx';
export { loadCifar10, loadCifar100 } from './cifar';
export { loadImageFolder } from './imageFolder';
export { BUNDLED_SAMPLE_NAME, bundledSampleDir, loadBundledSample } from './bundled';
export { balancedIndices, capDataset } from './balancedSubset';
export type { SplitOptions, TrainValSplit } from './split';
export { splitTrainVal } from './split';
export {
  CIFAR10_STATS, CIFAR100_STATS, FASHION_MNIST_STATS, KMNIST_STATS, MNIST_STATS, computeChannelStats, normalizationFor,
} from './stats';
export type { Augmentation } from './augment';
export { CIFAR_AUGMENTATION, defaultAugmentation } from './augment';
export type { Batch, BatchOptions } from './batches';
export { batchCount, batches } from './batches';
