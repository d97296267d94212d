import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { bundledSampleCandidates, bundledSampleDir, findPackageRoot } from '../../../electron/engine/data/bundled';
import { loadDataset } from '../../../electron/engine/data/registry';
import { classCounts } from '../../../electron/engine/data/imageDataset';
import { makeTempDir, removeDir } from './fixtures';

describe('bundled Fashion-MNIST sample', () => {
  it('loads 6,000 training and 2,000 test images, balanced over the 10 classes', async () => {
    const train = await loadDataset({ kind: 'bundled', split: 'train' });
    const test = await loadDataset({ kind: 'bundled', split: 'test' });
    expect([train.size, train.height, train.width, train.channels, train.numClasses]).toEqual([6000, 28, 28, 1, 10]);
    expect(test.size).toBe(2000);
    expect(classCounts(train.labels, 10)).toEqual(new Array(10).fill(600));
    expect(classCounts(test.labels, 10)).toEqual(new Array(10).fill(200));
    expect(train.name).toBe('fashion-mnist-sample');
    expect(train.classNames[0]).toBe('T-shirt/top');
    expect(train.stats).toEqual({ mean: [0.286], std: [0.353] });
  });

  it('caps with maxImages, still balanced', async () => {
    const small = await loadDataset({ kind: 'bundled', split: 'test', maxImages: 50 });
    expect(small.size).toBe(50);
    expect(classCounts(small.labels, 10)).toEqual(new Array(10).fill(5));
  });

  it('is found from the compiled location too (dist/electron/engine/data)', () => {
    const root = findPackageRoot(__dirname);
    expect(root).toBeDefined();
    const fromDist = path.join(root as string, 'dist', 'electron', 'engine', 'data');
    expect(bundledSampleDir(fromDist)).toBe(path.join(root as string, 'resources', 'data', 'fashion-mnist-sample'));
  });

  it('says where it looked when the sample is absent', () => {
    const dir = makeTempDir();
    try {
      fs.writeFileSync(path.join(dir, 'package.json'), '{}');
      expect(bundledSampleCandidates(dir)[0]).toBe(path.join(dir, 'resources', 'data', 'fashion-mnist-sample'));
      expect(() => bundledSampleDir(dir)).toThrow(/bundled Fashion-MNIST sample was not found; expected it in .*resources/);
    } finally {
      removeDir(dir);
    }
  });
});
