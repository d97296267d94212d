import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadCifar10, loadCifar100 } from '../../../electron/engine/data/cifar';
import { CIFAR100_CLASSES } from '../../../electron/engine/data/classNames';
import { cifarRecord, makeTempDir, removeDir } from './fixtures';

/** A distinct value for each (image, channel, row, column) that we can predict. */
const value = (n: number, c: number, y: number, x: number): number => (n * 50 + c * 80 + y * 3 + x) % 256;
/** HWC offset of (y, x, c) inside image n of a 32x32x3 dataset. */
const hwc = (n: number, y: number, x: number, c: number): number => n * 3072 + (y * 32 + x) * 3 + c;

describe('CIFAR binary batches', () => {
  let dir: string;
  beforeEach(() => {
    dir = makeTempDir();
  });
  afterEach(() => removeDir(dir));

  it('parses CIFAR-10 records and moves CHW pixels to HWC', async () => {
    const records = [cifarRecord([3], (c, y, x) => value(0, c, y, x)), cifarRecord([9], (c, y, x) => value(1, c, y, x))];
    fs.writeFileSync(path.join(dir, 'test_batch.bin'), Buffer.concat(records));
    const ds = await loadCifar10(dir, 'test');
    expect([ds.size, ds.height, ds.width, ds.channels, ds.numClasses]).toEqual([2, 32, 32, 3, 10]);
    expect(Array.from(ds.labels)).toEqual([3, 9]);
    expect(ds.classNames[3]).toBe('cat');
    // Green (c=1) of row 5, column 7 of the second image: CHW offset 1 + 1024 + 5*32 + 7 in its record.
    expect(ds.images[hwc(1, 5, 7, 1)]).toBe(value(1, 1, 5, 7));
    for (const [n, y, x, c] of [[0, 0, 0, 0], [0, 31, 31, 2], [1, 16, 2, 0], [1, 0, 31, 2]] as const) {
      expect(ds.images[hwc(n, y, x, c)]).toBe(value(n, c, y, x));
    }
  });

  it('reads the five training batches in order, and class names from batches.meta.txt', async () => {
    for (let b = 1; b <= 5; b++) fs.writeFileSync(path.join(dir, `data_batch_${b}.bin`), cifarRecord([b], () => b));
    const names = ['a0', 'a1', 'a2', 'a3', 'a4', 'a5', 'a6', 'a7', 'a8', 'a9'];
    fs.writeFileSync(path.join(dir, 'batches.meta.txt'), `${names.join('\n')}\n\n`);
    const ds = await loadCifar10(dir, 'train');
    expect(Array.from(ds.labels)).toEqual([1, 2, 3, 4, 5]);
    expect(ds.images[hwc(4, 3, 3, 1)]).toBe(5);
    expect(ds.classNames).toEqual(names);
  });

  it('accepts the folder the archive was extracted in', async () => {
    fs.mkdirSync(path.join(dir, 'cifar-10-batches-bin'));
    fs.writeFileSync(path.join(dir, 'cifar-10-batches-bin', 'test_batch.bin'), cifarRecord([0], () => 1));
    await expect(loadCifar10(dir, 'test')).resolves.toMatchObject({ size: 1 });
  });

  it('uses the fine label of CIFAR-100 records', async () => {
    const records = [cifarRecord([4, 72], (c, y, x) => value(0, c, y, x)), cifarRecord([19, 99], (c, y, x) => value(1, c, y, x))];
    fs.writeFileSync(path.join(dir, 'train.bin'), Buffer.concat(records));
    const ds = await loadCifar100(dir, 'train');
    expect(ds.numClasses).toBe(100);
    expect(Array.from(ds.labels)).toEqual([72, 99]);
    expect(ds.classNames[99]).toBe('worm');
    expect(ds.images[hwc(1, 30, 1, 2)]).toBe(value(1, 2, 30, 1));
  });

  it('has 100 CIFAR-100 class names in alphabetical (label) order', () => {
    expect(CIFAR100_CLASSES).toHaveLength(100);
    expect([...CIFAR100_CLASSES].sort()).toEqual(CIFAR100_CLASSES);
    expect(new Set(CIFAR100_CLASSES).size).toBe(100);
  });

  it('rejects a size that is not a multiple of the record size', async () => {
    const file = path.join(dir, 'test_batch.bin');
    fs.writeFileSync(file, Buffer.concat([cifarRecord([1], () => 0), Buffer.alloc(100)]));
    await expect(loadCifar10(dir, 'test')).rejects.toMatchObject({ code: 'DATASET_CORRUPT', message: expect.stringContaining(`${file}: size 3173 bytes is not a positive multiple of the 3073-byte`) });
  });

  it('rejects a missing batch, naming it', async () => {
    for (const b of [1, 2, 4, 5]) fs.writeFileSync(path.join(dir, `data_batch_${b}.bin`), cifarRecord([0], () => 0));
    await expect(loadCifar10(dir, 'train')).rejects.toMatchObject({ code: 'DATASET_MISSING', message: expect.stringMatching(/missing data_batch_3\.bin/) });
  });

  it('rejects a label out of range', async () => {
    fs.writeFileSync(path.join(dir, 'test_batch.bin'), Buffer.concat([cifarRecord([1], () => 0), cifarRecord([10], () => 0)]));
    await expect(loadCifar10(dir, 'test')).rejects.toMatchObject({ code: 'DATASET_CORRUPT', message: expect.stringMatching(/record 1 has label 10; expected 0\.\.9/) });
    fs.writeFileSync(path.join(dir, 'test.bin'), cifarRecord([0, 100], () => 0));
    await expect(loadCifar100(dir, 'test')).rejects.toMatchObject({ code: 'DATASET_CORRUPT', message: expect.stringMatching(/label 100; expected 0\.\.99/) });
  });
});
