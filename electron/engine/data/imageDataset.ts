/**
 * The one in-memory form every dataset loader produces, whatever the file format.
 *
 * Pixels stay uint8 in one flat buffer (N*H*W*C, HWC order, like tfjs' NHWC tensors) so a
 * 60,000-image Fashion-MNIST costs 47 MB instead of 188 MB as float32; batches convert to
 * float32 tensors one at a time (see {@link batches}).
 */
import { NasError } from '../../../shared/errors';

/** Which part of a dataset to load. Validation is carved out of `train` by {@link splitTrainVal}. */
export type Split = 'train' | 'test';

/** Per-channel mean and standard deviation of pixel values scaled to [0, 1]. */
export interface ChannelStats {
  /** One entry per channel (length C). */
  readonly mean: readonly number[];
  /** One entry per channel (length C), all > 0. */
  readonly std: readonly number[];
}

/** A labelled image dataset held in memory. */
export interface ImageDataset {
  /** A short identifier such as `fashion-mnist`, `cifar10`, or a folder's name. */
  readonly name: string;
  /** Which split of the source this is. */
  readonly split: Split;
  /** Image height H in pixels. */
  readonly height: number;
  /** Image width W in pixels. */
  readonly width: number;
  /** Channels C: 1 (grayscale) or 3 (RGB). */
  readonly channels: number;
  /** Number of classes K; every label is in [0, K). */
  readonly numClasses: number;
  /** K human-readable class names, index = label. */
  readonly classNames: readonly string[];
  /** Number of images N. */
  readonly size: number;
  /** uint8 pixels, length N*H*W*C, image-major then row, column, channel (HWC). */
  readonly images: Uint8Array;
  /** uint8 labels, length N, each in [0, numClasses). */
  readonly labels: Uint8Array;
  /** The usual normalisation for this dataset when it is a known one; otherwise undefined (compute it with {@link computeChannelStats}). */
  readonly stats?: ChannelStats | undefined;
}

/** Bytes of one image: H*W*C. */
export function imageBytes(dataset: Pick<ImageDataset, 'height' | 'width' | 'channels'>): number {
  return dataset.height * dataset.width * dataset.channels;
}

/**
 * Checks the invariants of the interface (buffer lengths, label range) so every loader fails
 * the same way on a bug or a corrupt file. `source` names the file or folder for the message.
 */
export function assertValidDataset(dataset: ImageDataset, source: string): void {
  const expected = dataset.size * imageBytes(dataset);
  if (dataset.images.length !== expected) {
    throw new NasError('DATASET_CORRUPT', `${source}: expected ${expected} pixel bytes for ${dataset.size} images of ${dataset.height}x${dataset.width}x${dataset.channels}, found ${dataset.images.length}.`, {
      fix: 'Re-download or re-extract the dataset.',
    });
  }
  if (dataset.labels.length !== dataset.size) {
    throw new NasError('DATASET_CORRUPT', `${source}: expected ${dataset.size} labels (one per image), found ${dataset.labels.length}.`, {
      fix: 'Use the label file that belongs to this image file; re-download the dataset if unsure.',
    });
  }
  if (dataset.classNames.length !== dataset.numClasses) {
    throw new NasError('DATASET_CORRUPT', `${source}: expected ${dataset.numClasses} class names, found ${dataset.classNames.length}.`, {
      fix: 'Give one class name per class.',
    });
  }
  assertLabelsInRange(dataset.labels, dataset.numClasses, source);
}

/** Throws DATASET_CORRUPT naming the first label that is not in [0, numClasses). */
export function assertLabelsInRange(labels: Uint8Array, numClasses: number, source: string): void {
  for (let i = 0; i < labels.length; i++) {
    const label = labels[i] as number;
    if (label >= numClasses) {
      throw new NasError('DATASET_CORRUPT', `${source}: label ${label} at index ${i} is out of range; expected labels 0..${numClasses - 1} (${numClasses} classes).`, {
        fix: `Check that the file belongs to a ${numClasses}-class dataset (or set numClasses in the dataset spec), or re-download it.`,
      });
    }
  }
}

/**
 * A new dataset holding only the images at `indices`, in that order. Copies the pixels, so the
 * source can be garbage-collected afterwards.
 */
export function subsetDataset(dataset: ImageDataset, indices: ArrayLike<number>): ImageDataset {
  const bytes = imageBytes(dataset);
  const images = new Uint8Array(indices.length * bytes);
  const labels = new Uint8Array(indices.length);
  for (let k = 0; k < indices.length; k++) {
    const i = indices[k] as number;
    if (!Number.isInteger(i) || i < 0 || i >= dataset.size) throw new RangeError(`subsetDataset: index ${i} is outside 0..${dataset.size - 1}`);
    images.set(dataset.images.subarray(i * bytes, (i + 1) * bytes), k * bytes);
    labels[k] = dataset.labels[i] as number;
  }
  return { ...dataset, size: indices.length, images, labels };
}

/** How many images of each class: an array of length numClasses. */
export function classCounts(labels: ArrayLike<number>, numClasses: number): number[] {
  const counts = new Array<number>(numClasses).fill(0);
  for (let i = 0; i < labels.length; i++) counts[labels[i] as number]! += 1;
  return counts;
}
