import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DATASET_KINDS } from '../../../electron/engine/data/datasetSpec';
import { DATASET_LOADERS, loadDataset, parseDatasetSpec } from '../../../electron/engine/data/registry';
import { cifarRecord, makeTempDir, patternImages, removeDir, writeIdxSplit } from './fixtures';
import * as fs from 'node:fs';
import * as path from 'node:path';

describe('dataset registry', () => {
  let dir: string;
  beforeEach(() => {
    dir = makeTempDir();
  });
  afterEach(() => removeDir(dir));

  it('has a loader for every kind', () => {
    expect(Object.keys(DATASET_LOADERS).sort()).toEqual([...DATASET_KINDS].sort());
  });

  it('rejects a malformed spec with INVALID_CONFIG', () => {
    expect(() => parseDatasetSpec({ kind: 'idx', split: 'train' })).toThrow(/Invalid dataset spec: path/);
    expect(() => parseDatasetSpec({ kind: 'tfrecord', path: '/x', split: 'train' })).toThrow(/Invalid dataset spec: kind/);
    expect(() => parseDatasetSpec({ kind: 'bundled', split: 'valid' })).toThrow(/split/);
  });

  it('dispatches by kind and applies maxImages', async () => {
    writeIdxSplit(dir, 'train', patternImages(6, 2, 2), [6, 2, 2], Uint8Array.from([0, 0, 0, 1, 1, 2]), false);
    const ds = await loadDataset({ kind: 'idx', path: dir, split: 'train', name: 'kmnist', maxImages: 4 });
    expect(ds.name).toBe('kmnist');
    expect(Array.from(ds.labels)).toEqual([0, 0, 1, 2]);
    fs.writeFileSync(path.join(dir, 'test_batch.bin'), Buffer.concat([cifarRecord([1], () => 0), cifarRecord([2], () => 0)]));
    await expect(loadDataset({ kind: 'cifar10', path: dir, split: 'test' })).resolves.toMatchObject({ size: 2, channels: 3 });
  });
});
