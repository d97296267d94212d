import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadImageFolder } from '../../../electron/engine/data/imageFolder';
import { jpegBytes, makeTempDir, pngBytes, removeDir, writeFile } from './fixtures';

const grayPng = (v: number): Buffer => pngBytes(4, 3, true, (y, x) => {
  const g = (v + y * 4 + x) % 256;
  return [g, g, g];
});

describe('image folder', () => {
  let dir: string;
  beforeEach(() => {
    dir = makeTempDir();
  });
  afterEach(() => removeDir(dir));

  it('loads grayscale PNGs, classes sorted by name, files sorted within a class', async () => {
    writeFile(dir, ['shoe', 'b.png'], grayPng(100));
    writeFile(dir, ['shoe', 'a.png'], grayPng(50));
    writeFile(dir, ['bag', 'x.png'], grayPng(10));
    writeFile(dir, ['bag', 'notes.txt'], Buffer.from('ignored'));
    const ds = await loadImageFolder(dir, 'train');
    expect(ds.classNames).toEqual(['bag', 'shoe']);
    expect([ds.size, ds.height, ds.width, ds.channels]).toEqual([3, 3, 4, 1]);
    expect(Array.from(ds.labels)).toEqual([0, 1, 1]);
    // Image 1 is shoe/a.png (v = 50); pixel (y=2, x=3) = 50 + 8 + 3.
    expect(ds.images[1 * 12 + 2 * 4 + 3]).toBe(61);
    expect(ds.images[0]).toBe(10);
    expect(ds.stats).toBeUndefined();
  });

  it('loads RGB PNG and JPEG, and replicates a gray image to RGB in a colour dataset', async () => {
    writeFile(dir, ['red', '1.png'], pngBytes(4, 3, false, () => [200, 10, 30]));
    writeFile(dir, ['red', '2.jpg'], jpegBytes(4, 3, [250, 0, 0]));
    writeFile(dir, ['zgray', '1.png'], grayPng(0));
    const ds = await loadImageFolder(dir, 'train');
    expect(ds.channels).toBe(3);
    expect(Array.from(ds.images.subarray(0, 3))).toEqual([200, 10, 30]);
    const jpegPixel = Array.from(ds.images.subarray(36, 39));
    expect(jpegPixel[0]).toBeGreaterThan(235); // lossy: close to (250, 0, 0)
    expect(jpegPixel[1]).toBeLessThan(15);
    // Gray (y=1, x=2) = 6, replicated to three channels.
    expect(Array.from(ds.images.subarray(72 + (1 * 4 + 2) * 3, 72 + (1 * 4 + 2) * 3 + 3))).toEqual([6, 6, 6]);
  });

  it('names the first mismatching file and both sizes', async () => {
    const first = writeFile(dir, ['a', '1.png'], grayPng(0));
    writeFile(dir, ['a', '2.png'], grayPng(1));
    const odd = writeFile(dir, ['b', '1.png'], pngBytes(5, 3, true, () => [0, 0, 0]));
    writeFile(dir, ['b', '2.png'], pngBytes(6, 6, true, () => [0, 0, 0]));
    await expect(loadImageFolder(dir, 'train')).rejects.toMatchObject({
      code: 'DATASET_CORRUPT',
      message: expect.stringContaining(`${first} is 4x3 (width x height) but ${odd} is 5x3`),
    });
  });

  it('uses train/ and test/ folders with the training class list', async () => {
    writeFile(dir, ['train', 'cat', '1.png'], grayPng(0));
    writeFile(dir, ['train', 'dog', '1.png'], grayPng(1));
    writeFile(dir, ['test', 'dog', '1.png'], grayPng(2));
    const test = await loadImageFolder(dir, 'test');
    expect(test.classNames).toEqual(['cat', 'dog']);
    expect(Array.from(test.labels)).toEqual([1]);
    expect((await loadImageFolder(dir, 'train')).size).toBe(2);
  });

  it('caps before decoding, balanced over classes', async () => {
    for (const c of ['a', 'b']) for (let i = 0; i < 3; i++) writeFile(dir, [c, `${i}.png`], grayPng(i));
    writeFile(dir, ['b', 'zz-broken.png'], Buffer.from('not a png')); // never decoded under the cap
    const ds = await loadImageFolder(dir, 'train', 4);
    expect(Array.from(ds.labels)).toEqual([0, 0, 1, 1]);
  });

  it('explains a missing test folder, an empty class and a damaged file', async () => {
    writeFile(dir, ['a', '1.png'], grayPng(0));
    await expect(loadImageFolder(dir, 'test')).rejects.toMatchObject({ code: 'DATASET_MISSING', message: expect.stringContaining('expected a test/ (or val/) folder') });
    fs.mkdirSync(path.join(dir, 'b'));
    await expect(loadImageFolder(dir, 'train')).rejects.toMatchObject({ code: 'DATASET_MISSING', message: expect.stringContaining(`${path.join(dir, 'b')} has no .png, .jpg or .jpeg files`) });
    const bad = writeFile(dir, ['b', '1.png'], Buffer.from('GIF89a'));
    await expect(loadImageFolder(dir, 'train')).rejects.toMatchObject({ code: 'DATASET_CORRUPT', message: expect.stringContaining(`Image ${bad}: expected a PNG`) });
  });
});

describe('JPEG component count', () => {
  it('reads 1 (grayscale) or 3 from the start-of-frame header, after other segments', async () => {
    const { jpegComponents } = await import('../../../electron/engine/data/decodeImage');
    const app0 = [0xff, 0xe0, 0x00, 0x04, 0x00, 0x00];
    const sof = (n: number): number[] => [0xff, 0xc0, 0x00, 0x0b, 0x08, 0x00, 0x03, 0x00, 0x04, n];
    expect(jpegComponents(Uint8Array.from([0xff, 0xd8, ...app0, ...sof(1)]))).toBe(1);
    expect(jpegComponents(Uint8Array.from([0xff, 0xd8, ...app0, ...sof(3)]))).toBe(3);
    expect(jpegComponents(jpegBytes(2, 2, [1, 2, 3]))).toBe(3);
  });
});
