/**
 * CIFAR-10 and CIFAR-100 "binary version" archives (https://www.cs.toronto.edu/~kriz/cifar.html).
 *
 * A record is the label byte(s) then 3072 pixel bytes stored channel-major (1024 red, then 1024
 * green, then 1024 blue, each 32x32 row-major). CIFAR-10 has one label byte (data_batch_1..5.bin,
 * test_batch.bin); CIFAR-100 has a coarse then a fine label byte (train.bin, test.bin), and we
 * use the fine label (100 classes), as NAS-Bench-201 does. Pixels are converted to HWC here,
 * once, so batching never has to transpose.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { NasError } from '../../../shared/errors';
import type { ChannelStats, ImageDataset, Split } from './imageDataset';
import { readDataFile } from './readDataFile';
import { CIFAR100_CLASSES, CIFAR10_CLASSES } from './classNames';
import { CIFAR100_STATS, CIFAR10_STATS } from './stats';

const SIDE = 32;
const PLANE = SIDE * SIDE;
const PIXELS = 3 * PLANE;

/** How one CIFAR variant is laid out on disk. */
interface CifarFormat {
  readonly name: 'cifar10' | 'cifar100';
  /** Label bytes before the pixels of each record. */
  readonly labelBytes: number;
  /** Which of those bytes is the label we use. */
  readonly labelOffset: number;
  readonly numClasses: number;
  /** Sub-folder the official archive extracts to; accepted as a child of the given path. */
  readonly archiveDir: string;
  readonly files: Record<Split, readonly string[]>;
  /** Optional side file with one class name per line. */
  readonly namesFile: string;
  readonly classNames: readonly string[];
  readonly stats: ChannelStats;
}

const CIFAR10: CifarFormat = {
  name: 'cifar10',
  labelBytes: 1,
  labelOffset: 0,
  numClasses: 10,
  archiveDir: 'cifar-10-batches-bin',
  files: { train: ['data_batch_1.bin', 'data_batch_2.bin', 'data_batch_3.bin', 'data_batch_4.bin', 'data_batch_5.bin'], test: ['test_batch.bin'] },
  namesFile: 'batches.meta.txt',
  classNames: CIFAR10_CLASSES,
  stats: CIFAR10_STATS,
};

const CIFAR100: CifarFormat = {
  name: 'cifar100',
  labelBytes: 2,
  labelOffset: 1,
  numClasses: 100,
  archiveDir: 'cifar-100-binary',
  files: { train: ['train.bin'], test: ['test.bin'] },
  namesFile: 'fine_label_names.txt',
  classNames: CIFAR100_CLASSES,
  stats: CIFAR100_STATS,
};

/** Bytes of one record: label bytes + 3072 pixels. */
export function cifarRecordBytes(kind: 'cifar10' | 'cifar100'): number {
  return (kind === 'cifar10' ? CIFAR10 : CIFAR100).labelBytes + PIXELS;
}

/**
 * Parses the records of one batch file into HWC pixels and labels, writing into `images` /
 * `labels` from image `offset` on. Returns the number of records.
 */
function parseRecords(bytes: Uint8Array, format: CifarFormat, file: string, images: Uint8Array, labels: Uint8Array, offset: number): number {
  const record = format.labelBytes + PIXELS;
  const count = bytes.length / record;
  for (let r = 0; r < count; r++) {
    const base = r * record;
    const label = bytes[base + format.labelOffset] as number;
    if (label >= format.numClasses) {
      throw new NasError('DATASET_CORRUPT', `CIFAR file ${file}: record ${r} has label ${label}; expected 0..${format.numClasses - 1} for ${format.name}.`, {
        fix: `Check that this is a ${format.name === 'cifar10' ? 'CIFAR-10' : 'CIFAR-100'} binary file (the other variant has a different record layout), or download it again.`,
      });
    }
    labels[offset + r] = label;
    const src = base + format.labelBytes;
    const dst = (offset + r) * PIXELS;
    // CHW -> HWC: pixel p of channel c moves from c*1024 + p to p*3 + c.
    for (let p = 0; p < PLANE; p++) {
      images[dst + p * 3] = bytes[src + p] as number;
      images[dst + p * 3 + 1] = bytes[src + PLANE + p] as number;
      images[dst + p * 3 + 2] = bytes[src + 2 * PLANE + p] as number;
    }
  }
  return count;
}

/** `dir` itself, or its archive sub-folder when the user pointed at the folder the tarball was extracted in. */
function resolveDir(dir: string, format: CifarFormat, split: Split): string {
  const first = format.files[split][0] as string;
  if (!fs.existsSync(path.join(dir, first)) && fs.existsSync(path.join(dir, format.archiveDir, first))) return path.join(dir, format.archiveDir);
  return dir;
}

async function readClassNames(dir: string, format: CifarFormat): Promise<readonly string[]> {
  const file = path.join(dir, format.namesFile);
  if (!fs.existsSync(file)) return format.classNames;
  const names = (await fs.promises.readFile(file, 'utf8')).split(/\r?\n/).map((s) => s.trim()).filter((s) => s.length > 0);
  if (names.length !== format.numClasses) {
    throw new NasError('DATASET_CORRUPT', `CIFAR class-name file ${file}: expected ${format.numClasses} non-empty lines, found ${names.length}.`, {
      fix: `Restore the original ${format.namesFile} or delete it (the standard names are then used).`,
    });
  }
  return names;
}

async function loadCifar(dir: string, split: Split, format: CifarFormat): Promise<ImageDataset> {
  const root = resolveDir(dir, format, split);
  const files = format.files[split].map((f) => path.join(root, f));
  const missing = files.filter((f) => !fs.existsSync(f));
  if (missing.length > 0) {
    throw new NasError('DATASET_MISSING', `${format.name} ${split} split: expected ${format.files[split].join(', ')} in ${root}; missing ${missing.map((f) => path.basename(f)).join(', ')}.`, {
      fix: `Point the dataset path at the extracted "${format.archiveDir}" folder of the binary (not Python or MATLAB) version of ${format.name === 'cifar10' ? 'CIFAR-10' : 'CIFAR-100'}.`,
    });
  }
  const record = format.labelBytes + PIXELS;
  const contents = await Promise.all(files.map((f) => readDataFile(f)));
  contents.forEach((bytes, i) => {
    if (bytes.length === 0 || bytes.length % record !== 0) {
      throw new NasError('DATASET_CORRUPT', `CIFAR file ${files[i]}: size ${bytes.length} bytes is not a positive multiple of the ${record}-byte ${format.name} record (${format.labelBytes} label byte(s) + 3072 pixels).`, {
        fix: 'The file is truncated or of the other CIFAR variant; download the binary version again.',
      });
    }
  });
  const total = contents.reduce((n, b) => n + b.length / record, 0);
  const images = new Uint8Array(total * PIXELS);
  const labels = new Uint8Array(total);
  let offset = 0;
  contents.forEach((bytes, i) => {
    offset += parseRecords(bytes, format, files[i] as string, images, labels, offset);
  });
  return {
    name: format.name,
    split,
    height: SIDE,
    width: SIDE,
    channels: 3,
    numClasses: format.numClasses,
    classNames: await readClassNames(root, format),
    size: total,
    images,
    labels,
    stats: format.stats,
  };
}

/**
 * Loads CIFAR-10 from its binary batches in `dir` (or in `dir/cifar-10-batches-bin`).
 * train = data_batch_1..5.bin (50,000 images), test = test_batch.bin (10,000).
 * @returns images uint8 [N, 32, 32, 3] flattened HWC, labels uint8 [N] in 0..9.
 * @throws NasError DATASET_MISSING naming missing batch files; DATASET_CORRUPT for a size that is not a multiple of 3073 bytes or a label >= 10.
 */
export function loadCifar10(dir: string, split: Split): Promise<ImageDataset> {
  return loadCifar(dir, split, CIFAR10);
}

/**
 * Loads CIFAR-100 (fine labels) from train.bin / test.bin in `dir` (or in `dir/cifar-100-binary`).
 * @returns images uint8 [N, 32, 32, 3] flattened HWC, labels uint8 [N] in 0..99.
 * @throws NasError DATASET_MISSING for a missing file; DATASET_CORRUPT for a size that is not a multiple of 3074 bytes or a fine label >= 100.
 */
export function loadCifar100(dir: string, split: Split): Promise<ImageDataset> {
  return loadCifar(dir, split, CIFAR100);
}
