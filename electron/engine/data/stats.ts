/**
 * Normalisation statistics: the published per-channel mean/std of the known datasets, and a
 * computation for everything else (image folders).
 */
import type { ChannelStats, ImageDataset } from './imageDataset';
import { imageBytes } from './imageDataset';

/** Fashion-MNIST training set, as ALGORITHMS.md fixes for the `nb201-fashion` preset. */
export const FASHION_MNIST_STATS: ChannelStats = { mean: [0.286], std: [0.353] };
/** MNIST training set (the values of the PyTorch examples). */
export const MNIST_STATS: ChannelStats = { mean: [0.1307], std: [0.3081] };
/** KMNIST training set. */
export const KMNIST_STATS: ChannelStats = { mean: [0.1918], std: [0.3483] };
/** CIFAR-10 training set, RGB; NAS-Bench-201's [125.3, 123.0, 113.9]/255 and [63.0, 62.1, 66.7]/255. */
export const CIFAR10_STATS: ChannelStats = { mean: [0.4914, 0.4822, 0.4465], std: [0.247, 0.2435, 0.2616] };
/** CIFAR-100 training set, RGB; NAS-Bench-201's [129.3, 124.1, 112.4]/255 and [68.2, 65.4, 70.4]/255. */
export const CIFAR100_STATS: ChannelStats = { mean: [0.5071, 0.4865, 0.4409], std: [0.2673, 0.2564, 0.2762] };

/**
 * Mean and (population) standard deviation per channel of pixel/255 over the images at
 * `indices` (all images when omitted). Compute it on the training indices only, so validation
 * and test data do not leak into the normalisation. A channel with zero spread gets std 1 so
 * that normalising never divides by zero.
 */
export function computeChannelStats(dataset: ImageDataset, indices?: ArrayLike<number>): ChannelStats {
  const c = dataset.channels;
  const bytes = imageBytes(dataset);
  const sum = new Float64Array(c);
  const sumSq = new Float64Array(c);
  const count = indices ? indices.length : dataset.size;
  for (let k = 0; k < count; k++) {
    const start = (indices ? (indices[k] as number) : k) * bytes;
    for (let p = 0; p < bytes; p++) {
      const v = (dataset.images[start + p] as number) / 255;
      const ch = p % c;
      sum[ch]! += v;
      sumSq[ch]! += v * v;
    }
  }
  const n = Math.max(1, (count * bytes) / c);
  const mean = Array.from(sum, (s) => s / n);
  const std = Array.from(sumSq, (s, ch) => {
    const variance = s / n - (mean[ch] as number) ** 2;
    return variance > 1e-12 ? Math.sqrt(variance) : 1;
  });
  return { mean, std };
}

/** The dataset's known statistics if it has them, else those computed on `trainIndices`. */
export function normalizationFor(dataset: ImageDataset, trainIndices?: ArrayLike<number>): ChannelStats {
  return dataset.stats ?? computeChannelStats(dataset, trainIndices);
}
