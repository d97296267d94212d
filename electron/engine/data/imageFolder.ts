/**
 * An image folder: one sub-folder per class holding PNG or JPEG files, classes sorted by name
 * (code-point order, so the labels do not depend on the machine's locale).
 *
 * Two layouts:
 * - `DIR/train/<class>/*` and `DIR/test/<class>/*` (`val` is accepted for `test`): each split
 *   has its own folder; test labels follow the train folder's class list so they agree.
 * - `DIR/<class>/*`: everything is training data; the `test` split is then missing (take a
 *   validation split from the training images instead).
 * All images must have the same size. Grayscale and colour files may be mixed: the dataset is
 * grayscale only when every image is, otherwise gray images are replicated to RGB.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { NasError } from '../../../shared/errors';
import type { ImageDataset, Split } from './imageDataset';
import { balancedIndices } from './balancedSubset';
import { decodeImage } from './decodeImage';
import type { DecodedImage } from './decodeImage';

const IMAGE_EXTENSIONS = new Set(['.png', '.jpg', '.jpeg']);
const byCodePoint = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Sub-folder names of `dir`, sorted, hidden ones (`.git`, `.DS_Store`...) skipped. */
function subfolders(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && !e.name.startsWith('.'))
    .map((e) => e.name)
    .sort(byCodePoint);
}

function isDir(p: string): boolean {
  return fs.existsSync(p) && fs.statSync(p).isDirectory();
}

/** The folder holding the class folders of `split`, and the folder whose classes define the labels. */
function locateSplit(root: string, split: Split): { splitDir: string; classDir: string } {
  if (!isDir(root)) {
    throw new NasError('DATASET_MISSING', `Image folder ${root}: expected a directory with one sub-folder per class, found ${fs.existsSync(root) ? 'a file' : 'nothing'}.`, {
      fix: 'Choose the folder that contains the class folders (or train/ and test/ folders).',
    });
  }
  const trainDir = path.join(root, 'train');
  const hasSplitFolders = isDir(trainDir);
  const testDir = ['test', 'val'].map((n) => path.join(root, n)).find(isDir);
  if (split === 'train') {
    if (hasSplitFolders) return { splitDir: trainDir, classDir: trainDir };
    if (testDir !== undefined) {
      // Without this check the test folder would silently become a class of the training set.
      throw new NasError('DATASET_MISSING', `Image folder ${root}: found ${testDir} but no train/ folder next to it; expected train/<class>/ folders for the training split.`, {
        fix: `Move the training class folders into ${trainDir}/.`,
      });
    }
    return { splitDir: root, classDir: root };
  }
  if (testDir === undefined) {
    throw new NasError('DATASET_MISSING', `Image folder ${root}: expected a test/ (or val/) folder with one sub-folder per class for the test split; found ${subfolders(root).join(', ') || 'no sub-folders'}.`, {
      fix: `Add ${path.join(root, 'test', '<class>')}/ folders (and move the training images under ${path.join(root, 'train')}/), or evaluate on a validation split taken from the training images.`,
    });
  }
  return { splitDir: testDir, classDir: hasSplitFolders ? trainDir : testDir };
}

/** Every image file of `splitDir`, with its label, class by class, files sorted by name. */
function listFiles(splitDir: string, classNames: string[]): { files: string[]; labels: number[] } {
  const files: string[] = [];
  const labels: number[] = [];
  const own = subfolders(splitDir);
  const unknown = own.filter((c) => !classNames.includes(c));
  if (unknown.length > 0) {
    throw new NasError('DATASET_CORRUPT', `Image folder ${splitDir}: class folder(s) ${unknown.join(', ')} are not among the training classes (${classNames.join(', ')}).`, {
      fix: 'Use the same class folder names in train/ and test/.',
    });
  }
  classNames.forEach((name, label) => {
    const dir = path.join(splitDir, name);
    if (!isDir(dir)) return; // a class absent from the test folder is allowed
    const names = fs.readdirSync(dir).filter((f) => IMAGE_EXTENSIONS.has(path.extname(f).toLowerCase())).sort(byCodePoint);
    if (names.length === 0) {
      throw new NasError('DATASET_MISSING', `Image folder ${splitDir}: class folder ${dir} has no .png, .jpg or .jpeg files.`, {
        fix: 'Add images to that class folder or remove it.',
      });
    }
    for (const n of names) {
      files.push(path.join(dir, n));
      labels.push(label);
    }
  });
  return { files, labels };
}

/** Copies `img` into `out` at image slot `k`, replicating gray to RGB when the dataset is colour. */
function pack(img: DecodedImage, out: Uint8Array, k: number, channels: number): void {
  const pixels = img.width * img.height;
  const base = k * pixels * channels;
  if (img.channels === channels) {
    out.set(img.data, base);
    return;
  }
  for (let p = 0; p < pixels; p++) {
    const v = img.data[p] as number;
    out[base + p * 3] = v;
    out[base + p * 3 + 1] = v;
    out[base + p * 3 + 2] = v;
  }
}

/**
 * Loads one split of an image folder.
 * @param maxImages optional cap, applied before decoding (balanced over classes) so a quick run does not decode everything.
 * @returns images uint8 [N, H, W, C] flattened HWC (C = 1 or 3), labels uint8 [N]; no known statistics (`stats` undefined).
 * @throws NasError DATASET_MISSING (no folder, no classes, an empty class, no test folder);
 * DATASET_CORRUPT (an undecodable file, images of different sizes naming the first mismatching file, more than 256 classes).
 */
export async function loadImageFolder(root: string, split: Split, maxImages?: number): Promise<ImageDataset> {
  const { splitDir, classDir } = locateSplit(root, split);
  const classNames = subfolders(classDir);
  if (classNames.length === 0) {
    throw new NasError('DATASET_MISSING', `Image folder ${classDir}: expected one sub-folder per class, found none.`, {
      fix: 'Put the images of each class in their own sub-folder, named after the class.',
    });
  }
  if (classNames.length > 256) {
    throw new NasError('DATASET_CORRUPT', `Image folder ${classDir}: found ${classNames.length} class folders; at most 256 are supported.`, { fix: 'Merge or remove classes.' });
  }
  const listed = listFiles(splitDir, classNames);
  const chosen = maxImages === undefined ? listed.files.map((_, i) => i) : balancedIndices(listed.labels, classNames.length, maxImages);
  const decoded: DecodedImage[] = [];
  let first: { file: string; img: DecodedImage } | undefined;
  for (const i of chosen) {
    const file = listed.files[i] as string;
    const img = decodeImage(await fs.promises.readFile(file), file);
    if (first === undefined) first = { file, img };
    else if (img.width !== first.img.width || img.height !== first.img.height) {
      throw new NasError('DATASET_CORRUPT', `Image folder ${splitDir}: all images must have the same size; ${first.file} is ${first.img.width}x${first.img.height} (width x height) but ${file} is ${img.width}x${img.height}.`, {
        fix: `Resize every image to ${first.img.width}x${first.img.height} (for example with ImageMagick: mogrify -resize ${first.img.width}x${first.img.height}! *.png) or remove the odd one.`,
      });
    }
    decoded.push(img);
  }
  const { width = 0, height = 0 } = first?.img ?? {};
  const channels = decoded.some((d) => d.channels === 3) ? 3 : 1;
  const images = new Uint8Array(decoded.length * width * height * channels);
  decoded.forEach((img, k) => pack(img, images, k, channels));
  return {
    name: path.basename(path.resolve(root)),
    split,
    height,
    width,
    channels,
    numClasses: classNames.length,
    classNames,
    size: decoded.length,
    images,
    labels: Uint8Array.from(chosen, (i) => listed.labels[i] as number),
  };
}
