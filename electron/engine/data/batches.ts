/**
 * Builds training/evaluation batches one at a time: only the current batch exists as float32
 * (a whole CIFAR-10 as float32 would be 600 MB), and each batch becomes exactly two tensors.
 */
import * as tf from '@tensorflow/tfjs';
import { NasError } from '../../../shared/errors';
import type { SeededRng } from '../random/seededRng';
import type { ChannelStats, ImageDataset } from './imageDataset';
import { imageBytes } from './imageDataset';
import type { Augmentation } from './augment';
import { IDENTITY, sampleTransform, writeTransformed } from './augment';

/** Options of {@link batches}. */
export interface BatchOptions {
  /** Images per batch (the last one may be smaller unless dropLast). */
  batchSize: number;
  /** Visit `indices` in a random order drawn from `rng` (default false: in the given order). */
  shuffle?: boolean | undefined;
  /** Required when shuffling or augmenting; the only source of randomness, so a seed reproduces the order and the augmentations. */
  rng?: SeededRng | undefined;
  /** Per-channel mean/std to apply after scaling to [0, 1]: x = (pixel/255 - mean[c]) / std[c]. Null or absent: x = pixel/255. */
  normalize?: ChannelStats | null | undefined;
  /** Random crop/flip per image (training only); null or absent: none. */
  augment?: Augmentation | null | undefined;
  /** Skip a last, incomplete batch (default false). */
  dropLast?: boolean | undefined;
}

/** One batch. The caller owns both tensors and must dispose them (`tf.dispose([b.x, b.y])`). */
export interface Batch {
  /** float32 [B, H, W, C], normalised and augmented as asked. */
  readonly x: tf.Tensor4D;
  /** int32 [B], class labels in [0, numClasses). */
  readonly y: tf.Tensor1D;
  /** The dataset indices of the B images, in batch order (plain data, nothing to dispose). */
  readonly indices: Int32Array;
}

/** How many batches {@link batches} yields for `n` images. */
export function batchCount(n: number, batchSize: number, dropLast = false): number {
  return dropLast ? Math.floor(n / batchSize) : Math.ceil(n / batchSize);
}

/** `lut[c * 256 + v]` = the float value of byte v in channel c. */
export function pixelLookup(channels: number, normalize: ChannelStats | null | undefined): Float32Array {
  if (normalize && (normalize.mean.length !== channels || normalize.std.length !== channels)) {
    throw new NasError('INVALID_CONFIG', `Normalisation: expected ${channels} mean and std values (one per channel), found ${normalize.mean.length} and ${normalize.std.length}.`, {
      fix: 'Use the statistics of this dataset (normalizationFor(dataset)).',
    });
  }
  const lut = new Float32Array(channels * 256);
  for (let c = 0; c < channels; c++) {
    const mean = normalize ? (normalize.mean[c] as number) : 0;
    const std = normalize ? (normalize.std[c] as number) : 1;
    for (let v = 0; v < 256; v++) lut[c * 256 + v] = (v / 255 - mean) / std;
  }
  return lut;
}

function checkOptions(dataset: ImageDataset, indices: ArrayLike<number>, options: BatchOptions): void {
  if (!Number.isInteger(options.batchSize) || options.batchSize < 1) {
    throw new NasError('INVALID_CONFIG', `Batch size: expected a positive integer, found ${options.batchSize}.`, { fix: 'Set batchSize to 1 or more (64 is typical).' });
  }
  if ((options.shuffle || options.augment) && !options.rng) {
    throw new NasError('INVALID_CONFIG', 'Batches: shuffling or augmenting needs a seeded rng, none was given.', { fix: 'Pass rng: new SeededRng(seed).' });
  }
  for (let k = 0; k < indices.length; k++) {
    const i = indices[k] as number;
    if (!Number.isInteger(i) || i < 0 || i >= dataset.size) {
      throw new NasError('INVALID_CONFIG', `Batches: index ${i} at position ${k} is outside the dataset ${dataset.name} (0..${dataset.size - 1}).`, { fix: 'Use indices from splitTrainVal on this same dataset.' });
    }
  }
}

/**
 * Yields batches over the images at `indices`, building one batch at a time.
 *
 * Ownership: each yielded {@link Batch} holds two new tensors that the caller must dispose;
 * the generator keeps no tensor between yields, so breaking out of the loop early leaks nothing.
 * Randomness: the shuffle is drawn from `rng` when iteration starts (first `next()`), then
 * each image's augmentation in batch order.
 * @param dataset the images (uint8 HWC) and labels.
 * @param indices which images, e.g. `splitTrainVal(...).train`.
 * @throws NasError INVALID_CONFIG for a bad batch size, a missing rng, an index out of range or statistics of the wrong length.
 */
export function* batches(dataset: ImageDataset, indices: ArrayLike<number>, options: BatchOptions): Generator<Batch, void, undefined> {
  checkOptions(dataset, indices, options);
  const lut = pixelLookup(dataset.channels, options.normalize);
  const order = Array.from(indices);
  if (options.shuffle && options.rng) options.rng.shuffle(order);
  const bytes = imageBytes(dataset);
  const { height, width, channels } = dataset;
  const total = batchCount(order.length, options.batchSize, options.dropLast);
  for (let b = 0; b < total; b++) {
    const batchIndices = Int32Array.from(order.slice(b * options.batchSize, (b + 1) * options.batchSize));
    const size = batchIndices.length;
    const x = new Float32Array(size * bytes);
    const y = new Int32Array(size);
    for (let k = 0; k < size; k++) {
      const i = batchIndices[k] as number;
      const t = options.augment && options.rng ? sampleTransform(options.augment, options.rng) : IDENTITY;
      writeTransformed(dataset.images, i * bytes, dataset, t, lut, x, k * bytes);
      y[k] = dataset.labels[i] as number;
    }
    yield { x: tf.tensor4d(x, [size, height, width, channels], 'float32'), y: tf.tensor1d(y, 'int32'), indices: batchIndices };
  }
}
