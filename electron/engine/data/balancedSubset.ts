/**
 * The `maxImages` cap for quick runs. Taking the first N images would be badly skewed for an
 * image folder (sorted by class, so the first N are all class 0); instead take images round-robin
 * over classes, each class in file order. No randomness is needed: the result depends only on
 * the files, so a quick run is reproducible without a seed.
 */
import type { ImageDataset } from './imageDataset';
import { subsetDataset } from './imageDataset';

/**
 * Indices (ascending) of at most `maxImages` items, as balanced over classes as the data allows:
 * round-robin over classes, each class contributing its earliest items first.
 * @param labels one label per item, each in [0, numClasses).
 */
export function balancedIndices(labels: ArrayLike<number>, numClasses: number, maxImages: number): number[] {
  if (maxImages >= labels.length) return Array.from({ length: labels.length }, (_, i) => i);
  const perClass: number[][] = Array.from({ length: numClasses }, () => []);
  for (let i = 0; i < labels.length; i++) perClass[labels[i] as number]?.push(i);
  const chosen: number[] = [];
  for (let round = 0; chosen.length < maxImages; round++) {
    for (const members of perClass) {
      if (round < members.length && chosen.length < maxImages) chosen.push(members[round] as number);
    }
  }
  return chosen.sort((a, b) => a - b);
}

/** The dataset itself when it is within the cap, else a balanced subset (see {@link balancedIndices}). */
export function capDataset(dataset: ImageDataset, maxImages: number | undefined): ImageDataset {
  if (maxImages === undefined || maxImages >= dataset.size) return dataset;
  return subsetDataset(dataset, balancedIndices(dataset.labels, dataset.numClasses, maxImages));
}
