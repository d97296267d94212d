import * as fs from 'node:fs';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { NasError } from '../../../shared/errors';
import { IDX_IMAGES_MAGIC, parseIdx } from '../../../electron/engine/data/idx';
import { loadIdxDataset } from '../../../electron/engine/data/idxDataset';
import { idxBytes, makeTempDir, patternImages, removeDir, writeIdxSplit } from './fixtures';

async function caught(promise: Promise<unknown>): Promise<NasError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof NasError) return error;
    throw error;
  }
  throw new Error('expected a NasError, nothing was thrown');
}

describe('IDX reader', () => {
  let dir: string;
  beforeEach(() => {
    dir = makeTempDir();
  });
  afterEach(() => removeDir(dir));

  it.each([false, true])('round-trips hand-made images and labels (gzip %s)', async (gzip) => {
    const images = patternImages(3, 4, 5);
    const labels = Uint8Array.from([2, 0, 9]);
    writeIdxSplit(dir, 'train', images, [3, 4, 5], labels, gzip);
    const ds = await loadIdxDataset(dir, 'train', { name: 'mnist' });
    expect([ds.size, ds.height, ds.width, ds.channels, ds.numClasses]).toEqual([3, 4, 5, 1, 10]);
    expect(Array.from(ds.images)).toEqual(Array.from(images));
    expect(Array.from(ds.labels)).toEqual([2, 0, 9]);
    expect(ds.classNames[2]).toBe('2');
    // pixel (n=2, y=3, x=4) sits at HWC offset ((2*4+3)*5+4)*1.
    expect(ds.images[(2 * 4 + 3) * 5 + 4]).toBe((2 * 31 + 3 * 7 + 4) % 256);
  });

  it('detects gzip by the magic bytes, not the name', async () => {
    // A plain file named .gz and a gzipped file without .gz must both load.
    fs.writeFileSync(path.join(dir, 't10k-images-idx3-ubyte.gz'), idxBytes(0x803, [1, 2, 2], Uint8Array.from([1, 2, 3, 4])));
    fs.writeFileSync(path.join(dir, 't10k-labels-idx1-ubyte'), zlib.gzipSync(idxBytes(0x801, [1], Uint8Array.from([7]))));
    const ds = await loadIdxDataset(dir, 'test');
    expect(Array.from(ds.images)).toEqual([1, 2, 3, 4]);
    expect(Array.from(ds.labels)).toEqual([7]);
  });

  it('knows Fashion-MNIST class names and statistics, guessed from the directory name', async () => {
    const fashion = path.join(dir, 'fashion-mnist');
    fs.mkdirSync(fashion);
    writeIdxSplit(fashion, 'train', patternImages(1, 2, 2), [1, 2, 2], Uint8Array.from([9]), true);
    const ds = await loadIdxDataset(fashion, 'train');
    expect(ds.name).toBe('fashion-mnist');
    expect(ds.classNames[9]).toBe('Ankle boot');
    expect(ds.stats).toEqual({ mean: [0.286], std: [0.353] });
  });

  it('rejects a wrong magic number, naming the file and both magics', async () => {
    writeIdxSplit(dir, 'train', patternImages(1, 2, 2), [1, 2, 2], Uint8Array.from([0]), false);
    // Swap: an image file where the label file belongs.
    const labelFile = path.join(dir, 'train-labels-idx1-ubyte');
    fs.copyFileSync(path.join(dir, 'train-images-idx3-ubyte'), labelFile);
    const error = await caught(loadIdxDataset(dir, 'train'));
    expect(error.code).toBe('DATASET_CORRUPT');
    expect(error.message).toContain(labelFile);
    expect(error.message).toContain('0x00000801');
    expect(error.message).toContain('found 0x00000803');
    expect(error.fix).toBeTruthy();
  });

  it('rejects a truncated file with the expected and found sizes', () => {
    const bytes = idxBytes(0x803, [2, 3, 3], patternImages(2, 3, 3)).subarray(0, 16 + 10);
    expect(() => parseIdx(bytes, IDX_IMAGES_MAGIC, '/x/train-images-idx3-ubyte')).toThrow(/\/x\/train-images-idx3-ubyte: truncated: dimensions 2x3x3 need 18 data bytes .* found 10/);
  });

  it('rejects a gzip stream cut short', async () => {
    writeIdxSplit(dir, 'train', patternImages(20, 8, 8), [20, 8, 8], new Uint8Array(20), true);
    const file = path.join(dir, 'train-images-idx3-ubyte.gz');
    fs.writeFileSync(file, fs.readFileSync(file).subarray(0, 40));
    const error = await caught(loadIdxDataset(dir, 'train'));
    expect(error.code).toBe('DATASET_CORRUPT');
    expect(error.message).toContain(file);
  });

  it('rejects a label count different from the image count', async () => {
    writeIdxSplit(dir, 'train', patternImages(3, 2, 2), [3, 2, 2], Uint8Array.from([0, 1]), false);
    const error = await caught(loadIdxDataset(dir, 'train'));
    expect(error.code).toBe('DATASET_CORRUPT');
    expect(error.message).toMatch(/holds 3 images but .*train-labels-idx1-ubyte holds 2 labels/);
  });

  it('rejects a label >= numClasses', async () => {
    writeIdxSplit(dir, 'train', patternImages(2, 2, 2), [2, 2, 2], Uint8Array.from([3, 10]), false);
    const error = await caught(loadIdxDataset(dir, 'train'));
    expect(error.code).toBe('DATASET_CORRUPT');
    expect(error.message).toMatch(/label 10 at index 1 is out of range; expected labels 0\.\.9/);
    await expect(loadIdxDataset(dir, 'train', { numClasses: 11 })).resolves.toMatchObject({ numClasses: 11 });
  });

  it('names the directory and the expected files when one is missing', async () => {
    writeIdxSplit(dir, 'train', patternImages(1, 2, 2), [1, 2, 2], Uint8Array.from([0]), true);
    const error = await caught(loadIdxDataset(dir, 'test'));
    expect(error.code).toBe('DATASET_MISSING');
    expect(error.message).toContain(dir);
    expect(error.message).toContain('t10k-images-idx3-ubyte.gz');
    expect(error.message).toContain('t10k-images-idx3-ubyte,');
    expect(error.message).toContain('train-images-idx3-ubyte.gz'); // what was found
  });
});
