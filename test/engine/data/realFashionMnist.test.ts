/**
 * The one test on the real Fashion-MNIST (Debian's dataset-fashion-mnist), skipped where it is
 * not installed. It reads only the 10,000 test labels (5 KB gzipped).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { IDX_LABELS_MAGIC, readIdxFile } from '../../../electron/engine/data/idx';
import { classCounts } from '../../../electron/engine/data/imageDataset';
import { loadDataset } from '../../../electron/engine/data/registry';
import { SeededRng } from '../../../electron/engine/random/seededRng';

const DEBIAN_DIR = '/usr/share/datasets/fashion-mnist';
const present = fs.existsSync(path.join(DEBIAN_DIR, 't10k-labels-idx1-ubyte.gz'));

describe.skipIf(!present)('real Fashion-MNIST (Debian)', () => {
  it('reads the gzipped test labels: 10,000, 1,000 per class', async () => {
    const labels = await readIdxFile(path.join(DEBIAN_DIR, 't10k-labels-idx1-ubyte.gz'), IDX_LABELS_MAGIC);
    expect(labels.dims).toEqual([10000]);
    expect(classCounts(labels.data, 10)).toEqual(new Array(10).fill(1000));
  });

  it('matches the bundled sample: its test labels follow the selection rule of its README', async () => {
    const labels = (await readIdxFile(path.join(DEBIAN_DIR, 't10k-labels-idx1-ubyte.gz'), IDX_LABELS_MAGIC)).data;
    // README: per class in order, shuffle the class's indices with one SeededRng(2018), keep 200, sort.
    const rng = new SeededRng(2018);
    const chosen: number[] = [];
    for (let c = 0; c < 10; c++) {
      const members = Array.from(labels.keys()).filter((i) => labels[i] === c);
      chosen.push(...rng.shuffle(members).slice(0, 200));
    }
    chosen.sort((a, b) => a - b);
    const sample = await loadDataset({ kind: 'bundled', split: 'test' });
    expect(Array.from(sample.labels)).toEqual(chosen.map((i) => labels[i]));
  });
});
