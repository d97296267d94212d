/**
 * The Fashion-MNIST sample that ships with the app (resources/data/fashion-mnist-sample, made by
 * scripts/make-fashion-sample.js): 6,000 training and 2,000 test images, the default dataset of
 * every preset, so a first run needs no download.
 *
 * Located by walking up from this module's directory to the one holding package.json, which
 * works from source (vitest runs electron/engine/data/*.ts), from the compiled
 * dist/electron/engine/data/, and inside a packaged app whose asar root holds package.json.
 * When electron-builder copies resources/ next to the asar instead (extraResources), the copy
 * under `process.resourcesPath` is found too.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { NasError } from '../../../shared/errors';
import type { ImageDataset, Split } from './imageDataset';
import { loadIdxDataset } from './idxDataset';

/** Folder name of the sample under resources/data/. */
export const BUNDLED_SAMPLE_FOLDER = 'fashion-mnist-sample';
/** `name` of the bundled dataset. */
export const BUNDLED_SAMPLE_NAME = 'fashion-mnist-sample';

/** The nearest directory at or above `start` that holds a package.json, or undefined. */
export function findPackageRoot(start: string): string | undefined {
  let dir = path.resolve(start);
  for (;;) {
    if (fs.existsSync(path.join(dir, 'package.json'))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/** Where the bundled sample may be, most likely first. */
export function bundledSampleCandidates(start: string = __dirname): string[] {
  const candidates: string[] = [];
  const root = findPackageRoot(start);
  if (root !== undefined) candidates.push(path.join(root, 'resources', 'data', BUNDLED_SAMPLE_FOLDER));
  // Set by Electron only; the packaged app's Resources folder.
  const resourcesPath = (process as NodeJS.Process & { resourcesPath?: string }).resourcesPath;
  if (typeof resourcesPath === 'string') {
    candidates.push(path.join(resourcesPath, 'data', BUNDLED_SAMPLE_FOLDER), path.join(resourcesPath, 'resources', 'data', BUNDLED_SAMPLE_FOLDER));
  }
  return candidates;
}

/**
 * The directory of the bundled sample.
 * @throws NasError DATASET_MISSING listing every place searched.
 */
export function bundledSampleDir(start: string = __dirname): string {
  const candidates = bundledSampleCandidates(start);
  const found = candidates.find((dir) => fs.existsSync(path.join(dir, 'train-labels-idx1-ubyte.gz')));
  if (found !== undefined) return found;
  throw new NasError('DATASET_MISSING', `The bundled Fashion-MNIST sample was not found; expected it in ${candidates.join(' or ') || `a resources/data/${BUNDLED_SAMPLE_FOLDER} folder beside package.json (none above ${start})`}.`, {
    fix: 'Reinstall the app, or run `node scripts/make-fashion-sample.js` in a source checkout, or choose another dataset.',
  });
}

/**
 * Loads one split of the bundled sample: uint8 [N, 28, 28, 1] HWC images, uint8 [N] labels,
 * Fashion-MNIST class names and normalisation (mean 0.2860, std 0.3530).
 */
export async function loadBundledSample(split: Split): Promise<ImageDataset> {
  const dataset = await loadIdxDataset(bundledSampleDir(), split, { name: 'fashion-mnist' });
  return { ...dataset, name: BUNDLED_SAMPLE_NAME };
}
