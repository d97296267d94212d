import { describe, expect, it } from 'vitest';
import { splitTrainVal, stratifiedQuotas } from '../../../electron/engine/data/split';
import { classCounts } from '../../../electron/engine/data/imageDataset';
import { balancedIndices } from '../../../electron/engine/data/balancedSubset';

/** 3 classes of sizes 50, 30, 20, interleaved. */
function labels(): Uint8Array {
  const out: number[] = [];
  for (let i = 0; i < 50; i++) out.push(0);
  for (let i = 0; i < 30; i++) out.push(1);
  for (let i = 0; i < 20; i++) out.push(2);
  // Deterministic interleave so classes are not contiguous.
  return Uint8Array.from(out.map((_, i) => out[(i * 37) % 100] as number));
}
const dataset = { labels: labels(), numClasses: 3 };

describe('train/validation split', () => {
  it('is the same for the same seed and different for another seed', () => {
    const a = splitTrainVal(dataset, { valFraction: 0.2, seed: 7 });
    const b = splitTrainVal(dataset, { valFraction: 0.2, seed: 7 });
    const c = splitTrainVal(dataset, { valFraction: 0.2, seed: 8 });
    expect(Array.from(a.val)).toEqual(Array.from(b.val));
    expect(Array.from(a.val)).not.toEqual(Array.from(c.val));
  });

  it('partitions all indices, sorted, with stratified counts', () => {
    const { train, val } = splitTrainVal(dataset, { valFraction: 0.2, seed: 1 });
    expect(val.length).toBe(20);
    expect([...train, ...val].sort((x, y) => x - y)).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect(Array.from(val)).toEqual([...val].sort((x, y) => x - y));
    expect(classCounts(Array.from(val, (i) => dataset.labels[i] as number), 3)).toEqual([10, 6, 4]);
    expect(classCounts(Array.from(train, (i) => dataset.labels[i] as number), 3)).toEqual([40, 24, 16]);
  });

  it('hits an exact validation size with largest-remainder quotas', () => {
    expect(stratifiedQuotas([50, 30, 20], 7)).toEqual([4, 2, 1]); // 3.5, 2.1, 1.4 -> floors 3,2,1, +1 to class 0
    expect(splitTrainVal(dataset, { valSize: 7, seed: 3 }).val.length).toBe(7);
    expect(splitTrainVal(dataset, { valSize: 7, seed: 3, stratified: false }).val.length).toBe(7);
  });

  it('rejects a validation share that leaves no training data', () => {
    expect(() => splitTrainVal(dataset, { valFraction: 1, seed: 0 })).toThrow(/valFraction in \[0, 1\)/);
  });
});

describe('maxImages cap', () => {
  it('takes images round-robin over classes, earliest first', () => {
    const l = [0, 0, 0, 0, 1, 2, 1, 2];
    expect(balancedIndices(l, 3, 5)).toEqual([0, 1, 4, 5, 6]);
    expect(balancedIndices(l, 3, 100)).toHaveLength(8);
  });
});
