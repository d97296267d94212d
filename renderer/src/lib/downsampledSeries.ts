/**
 * A metric series that stays small however long the run: at most `maxPoints` stored points.
 *
 * Points are averaged in buckets of equal size. The bucket starts at 1 raw point; whenever the
 * stored points reach `maxPoints`, neighbouring pairs are merged (their mean) and the bucket
 * doubles. Because every stored point then covers exactly `bucketSize` raw points, each one is
 * the exact mean of its raw points. New points collect in a pending bucket, which is shown as a
 * last partial point so the chart stays live. Memory and work per point are O(1) amortised.
 */

import { DISPLAY_MAX_POINTS } from '../../../shared/model/displayEvents';

export type Point = [x: number, y: number];

export class DownsampledSeries {
  private xs: number[] = [];
  private ys: number[] = [];
  private bucket = 1;
  private pendingX = 0;
  private pendingY = 0;
  private pendingCount = 0;
  private rawCount = 0;

  /** @param maxPoints even, at least 2 (default: the points per series the host sends, 2,000). */
  constructor(readonly maxPoints = DISPLAY_MAX_POINTS) {
    if (!Number.isInteger(maxPoints) || maxPoints < 2 || maxPoints % 2 !== 0) {
      throw new RangeError(`maxPoints must be an even integer >= 2, got ${maxPoints}`);
    }
  }

  /** Raw points pushed so far (non-finite ones are skipped and not counted). */
  get total(): number {
    return this.rawCount;
  }

  /** Raw points behind each stored point. */
  get bucketSize(): number {
    return this.bucket;
  }

  /**
   * Adds a point. `weight` > 1: the point is already the mean of that many raw points (a display
   * stream: experiments.open, or the start of a live stream, shared/model/displayEvents.ts); it
   * counts as one point here and as `weight` in {@link total}. Such a stream holds fewer than
   * maxPoints points per series, so it is drawn as sent; when live points follow and the series
   * is merged again, a mean and a raw point weigh the same (close enough for a curve; the
   * Curves CSV has the exact values).
   */
  push(x: number, y: number, weight = 1): void {
    if (!Number.isFinite(x) || !Number.isFinite(y)) return;
    this.rawCount += weight;
    this.pendingX += x;
    this.pendingY += y;
    this.pendingCount += 1;
    if (this.pendingCount < this.bucket) return;
    this.xs.push(this.pendingX / this.bucket);
    this.ys.push(this.pendingY / this.bucket);
    this.pendingX = this.pendingY = this.pendingCount = 0;
    if (this.xs.length >= this.maxPoints) this.halve();
  }

  /** The points to draw: the full buckets, then the partial one if any. A fresh array. */
  points(): Point[] {
    const out: Point[] = this.xs.map((x, i) => [x, this.ys[i] as number]);
    if (this.pendingCount > 0) out.push([this.pendingX / this.pendingCount, this.pendingY / this.pendingCount]);
    return out;
  }

  /** The most recent raw-ish value (the partial bucket's mean, else the last point). */
  last(): Point | null {
    const points = this.points();
    return points[points.length - 1] ?? null;
  }

  private halve(): void {
    const xs: number[] = [];
    const ys: number[] = [];
    for (let i = 0; i + 1 < this.xs.length; i += 2) {
      xs.push(((this.xs[i] as number) + (this.xs[i + 1] as number)) / 2);
      ys.push(((this.ys[i] as number) + (this.ys[i + 1] as number)) / 2);
    }
    this.xs = xs;
    this.ys = ys;
    this.bucket *= 2;
  }
}
