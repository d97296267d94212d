/**
 * Deterministic train/validation split of a training set: the same seed always gives the same
 * split, so a resumed run and a rerun see the same validation images. Stratified by default
 * (each class keeps its share in both parts), which matters for small or capped datasets.
 */
import { NasError } from '../../../shared/errors';
import { SeededRng } from '../random/seededRng';
import type { ImageDataset } from './imageDataset';

/** Options of {@link splitTrainVal}. Give `valFraction` or `valSize`. */
export interface SplitOptions {
  /** Share of images for validation, in [0, 1). */
  valFraction?: number | undefined;
  /** Exact number of validation images (takes precedence over valFraction). */
  valSize?: number | undefined;
  /** Seed of the {@link SeededRng} that picks the validation images. */
  seed: number;
  /** Keep class proportions in both parts (default true). */
  stratified?: boolean | undefined;
}

/** Indices into the dataset, each part sorted ascending, disjoint, together all of 0..N-1. */
export interface TrainValSplit {
  readonly train: Int32Array;
  readonly val: Int32Array;
}

function validationSize(n: number, options: SplitOptions): number {
  const size = options.valSize ?? Math.round(n * (options.valFraction ?? 0));
  const fractionOk = options.valFraction === undefined || (options.valFraction >= 0 && options.valFraction < 1);
  if (!Number.isInteger(size) || size < 0 || size >= Math.max(n, 1) || !fractionOk) {
    throw new NasError('INVALID_CONFIG', `Validation split: expected valFraction in [0, 1) or valSize in 0..${n - 1} for ${n} training images, found valFraction=${options.valFraction}, valSize=${options.valSize}.`, {
      fix: 'Choose a smaller validation share so that some training images remain.',
    });
  }
  return size;
}

/**
 * Per-class validation quotas summing to `total`, proportional to class sizes; the leftover of
 * rounding goes to the classes with the largest fractional parts (ties: lower class first).
 */
export function stratifiedQuotas(classSizes: readonly number[], total: number): number[] {
  const n = classSizes.reduce((a, b) => a + b, 0);
  const exact = classSizes.map((s) => (n === 0 ? 0 : (s * total) / n));
  const quotas = exact.map(Math.floor);
  let left = total - quotas.reduce((a, b) => a + b, 0);
  const order = exact.map((e, c) => ({ c, frac: e - Math.floor(e) })).sort((a, b) => b.frac - a.frac || a.c - b.c);
  for (const { c } of order) {
    if (left === 0) break;
    if ((quotas[c] as number) < (classSizes[c] as number)) {
      quotas[c]! += 1;
      left -= 1;
    }
  }
  return quotas;
}

/**
 * Splits the images of `dataset` into training and validation indices.
 * Stratified: each class's indices (ascending) are shuffled with one SeededRng(seed), class by
 * class in label order, and the first quota go to validation. Otherwise a seeded permutation of
 * all indices, the first `valSize` to validation.
 */
export function splitTrainVal(dataset: Pick<ImageDataset, 'labels' | 'numClasses'>, options: SplitOptions): TrainValSplit {
  const n = dataset.labels.length;
  const valSize = validationSize(n, options);
  const rng = new SeededRng(options.seed);
  const isVal = new Uint8Array(n);
  if (options.stratified ?? true) {
    const members: number[][] = Array.from({ length: dataset.numClasses }, () => []);
    dataset.labels.forEach((label, i) => members[label]?.push(i));
    const quotas = stratifiedQuotas(members.map((m) => m.length), valSize);
    members.forEach((m, c) => {
      for (const i of rng.shuffle(m).slice(0, quotas[c])) isVal[i] = 1;
    });
  } else {
    for (const i of rng.permutation(n).slice(0, valSize)) isVal[i] = 1;
  }
  const train: number[] = [];
  const val: number[] = [];
  isVal.forEach((v, i) => (v ? val : train).push(i));
  return { train: Int32Array.from(train), val: Int32Array.from(val) };
}
