/**
 * An IDX dataset directory (MNIST, Fashion-MNIST, KMNIST as distributed): four files,
 * `train-images-idx3-ubyte`, `train-labels-idx1-ubyte`, `t10k-images-idx3-ubyte` and
 * `t10k-labels-idx1-ubyte`, each optionally gzipped (`.gz`). Some mirrors write a dot instead
 * of the last dash (`train-images.idx3-ubyte`); both spellings are accepted.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { NasError } from '../../../shared/errors';
import type { ChannelStats, ImageDataset, Split } from './imageDataset';
import { assertLabelsInRange } from './imageDataset';
import { IDX_IMAGES_MAGIC, IDX_LABELS_MAGIC, readIdxFile } from './idx';
import { FASHION_MNIST_CLASSES, KMNIST_CLASSES, MNIST_CLASSES, numericClassNames } from './classNames';
import { FASHION_MNIST_STATS, KMNIST_STATS, MNIST_STATS } from './stats';

/** Options of {@link loadIdxDataset}. */
export interface IdxLoadOptions {
  /** Dataset name; `fashion-mnist`, `mnist` and `kmnist` get their class names and statistics. Default: guessed from the directory name. */
  name?: string | undefined;
  /** Number of classes (labels must be below it). Default 10. */
  numClasses?: number | undefined;
}

const PREFIX: Record<Split, string> = { train: 'train', test: 't10k' };

/** The file names accepted for one split's images or labels, preferred first. */
export function idxFileNames(split: Split, what: 'images' | 'labels'): string[] {
  const stem = `${PREFIX[split]}-${what}`;
  const suffix = what === 'images' ? 'idx3-ubyte' : 'idx1-ubyte';
  const names = [`${stem}-${suffix}`, `${stem}.${suffix}`];
  return names.flatMap((n) => [`${n}.gz`, n]);
}

/** The first of `names` that exists in `dir`, or DATASET_MISSING naming the directory and the expected names. */
function findFile(dir: string, names: string[]): string {
  for (const name of names) {
    const candidate = path.join(dir, name);
    if (fs.existsSync(candidate)) return candidate;
  }
  const exists = fs.existsSync(dir);
  const found = exists ? `found ${describeDir(dir)}` : 'the directory does not exist';
  throw new NasError('DATASET_MISSING', `IDX dataset ${dir}: expected one of ${names.join(', ')}; ${found}.`, {
    fix: 'Point the dataset path at the folder holding the four MNIST-style files (train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte, gzipped or not).',
  });
}

function describeDir(dir: string): string {
  const entries = fs.readdirSync(dir).sort();
  if (entries.length === 0) return 'an empty directory';
  const shown = entries.slice(0, 8).join(', ');
  return `${entries.length} entries: ${shown}${entries.length > 8 ? ', ...' : ''}`;
}

/** Known datasets by name: class names and normalisation. */
const KNOWN: Record<string, { classNames: readonly string[]; stats: ChannelStats }> = {
  'fashion-mnist': { classNames: FASHION_MNIST_CLASSES, stats: FASHION_MNIST_STATS },
  mnist: { classNames: MNIST_CLASSES, stats: MNIST_STATS },
  kmnist: { classNames: KMNIST_CLASSES, stats: KMNIST_STATS },
};

/** `fashion-mnist`, `kmnist` or `mnist` when the directory name says so, else the directory's own name. */
export function guessIdxName(dir: string): string {
  const base = path.basename(path.resolve(dir)).toLowerCase();
  if (/fashion/.test(base)) return 'fashion-mnist';
  if (/kmnist|kuzushiji/.test(base)) return 'kmnist';
  if (/mnist/.test(base)) return 'mnist';
  return base;
}

/**
 * Loads one split of an IDX dataset directory.
 * @returns images uint8 [N, rows, cols, 1] flattened (HWC with C = 1), labels uint8 [N].
 * @throws NasError DATASET_MISSING for a missing file; DATASET_CORRUPT for a wrong magic number,
 * a truncated file, a label count different from the image count, or a label >= numClasses.
 */
export async function loadIdxDataset(dir: string, split: Split, options: IdxLoadOptions = {}): Promise<ImageDataset> {
  const imageFile = findFile(dir, idxFileNames(split, 'images'));
  const labelFile = findFile(dir, idxFileNames(split, 'labels'));
  const [images, labels] = await Promise.all([readIdxFile(imageFile, IDX_IMAGES_MAGIC), readIdxFile(labelFile, IDX_LABELS_MAGIC)]);
  const [n = 0, height = 0, width = 0] = images.dims;
  const labelCount = labels.dims[0] ?? 0;
  if (labelCount !== n) {
    throw new NasError('DATASET_CORRUPT', `IDX dataset ${dir}: ${imageFile} holds ${n} images but ${labelFile} holds ${labelCount} labels; expected one label per image.`, {
      fix: 'The two files come from different datasets or downloads; download both again from the same source.',
    });
  }
  const name = options.name ?? guessIdxName(dir);
  const known = KNOWN[name];
  const numClasses = options.numClasses ?? known?.classNames.length ?? 10;
  assertLabelsInRange(labels.data, numClasses, labelFile);
  const classNames = known && known.classNames.length === numClasses ? known.classNames : numericClassNames(numClasses);
  return {
    name,
    split,
    height,
    width,
    channels: 1,
    numClasses,
    classNames,
    size: n,
    images: images.data,
    labels: labels.data,
    stats: known?.stats,
  };
}
