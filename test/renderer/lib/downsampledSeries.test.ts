import { describe, expect, it } from 'vitest';
import { DownsampledSeries } from '../../../renderer/src/lib/downsampledSeries';

describe('DownsampledSeries', () => {
  it('keeps every point while under the cap', () => {
    const series = new DownsampledSeries(8);
    for (let i = 0; i < 7; i++) series.push(i, 10 * i);
    expect(series.points()).toEqual([0, 1, 2, 3, 4, 5, 6].map((i) => [i, 10 * i]));
    expect(series.bucketSize).toBe(1);
  });

  it('halves into exact bucket means at the cap', () => {
    const series = new DownsampledSeries(4);
    for (let i = 0; i < 4; i++) series.push(i, i * i); // y: 0 1 4 9
    expect(series.bucketSize).toBe(2);
    expect(series.points()).toEqual([
      [0.5, 0.5],
      [2.5, 6.5],
    ]);
    series.push(4, 16); // pending partial bucket, shown as its mean
    expect(series.points()).toEqual([
      [0.5, 0.5],
      [2.5, 6.5],
      [4, 16],
    ]);
  });

  it('stays under 2,000 points for 5,000 raw points, each the mean of its bucket', () => {
    const series = new DownsampledSeries(2000);
    for (let i = 0; i < 5000; i++) series.push(i, 2 * i);
    const points = series.points();
    // 2,000 points -> 1,000 of 2; at 4,000 raw -> 1,000 of 4; the last 1,000 raw add 250 of 4.
    expect(series.bucketSize).toBe(4);
    expect(points).toHaveLength(1250);
    expect(points[0]).toEqual([1.5, 3]);
    expect(points[1249]).toEqual([4997.5, 9995]);
    expect(series.total).toBe(5000);
  });

  it('never exceeds the cap over a long run', () => {
    const series = new DownsampledSeries(2000);
    let max = 0;
    for (let i = 0; i < 100_000; i++) {
      series.push(i, Math.sin(i));
      if (i % 997 === 0) max = Math.max(max, series.points().length);
    }
    expect(max).toBeLessThanOrEqual(2000);
    expect(series.points().length).toBeLessThanOrEqual(2000);
  });

  it('skips non-finite values', () => {
    const series = new DownsampledSeries(4);
    series.push(0, Number.NaN);
    series.push(1, 5);
    expect(series.points()).toEqual([[1, 5]]);
    expect(series.total).toBe(1);
  });

  it('rejects an odd or tiny cap', () => {
    expect(() => new DownsampledSeries(3)).toThrow(RangeError);
    expect(() => new DownsampledSeries(0)).toThrow(RangeError);
  });
});
