/**
 * Rank correlations between a metric and a ground truth (ALGORITHMS.md A3: ABS reports scipy's
 * Kendall tau; DESIGN.md's `tau` command adds Spearman's rho).
 *
 * Kendall tau-b, as scipy.stats.kendalltau (variant 'b', the default), with ties:
 *
 *   tau_b = (C - D) / sqrt((n0 - n1) (n0 - n2))
 *
 * n0 = n(n-1)/2 pairs, n1 pairs tied in x, n2 pairs tied in y, C and D concordant and discordant
 * pairs. Computed in O(n log n) by Knight's method (sort by x then y, count the swaps a merge
 * sort by y needs), so all 15,625 NB201 architectures take milliseconds, not 1.2e8 pair checks.
 *
 * Both return NaN, as scipy does, when an input has a NaN, fewer than two items, or is constant.
 */

function checkLengths(x: ArrayLike<number>, y: ArrayLike<number>): void {
  if (x.length !== y.length) throw new Error(`rank correlation: x has ${x.length} items, y has ${y.length}`);
}

function hasNaN(v: ArrayLike<number>): boolean {
  for (let i = 0; i < v.length; i++) if (Number.isNaN(v[i])) return true;
  return false;
}

/** Pairs tied within runs of equal values of `key` along `order`: sum t(t-1)/2. */
function tiedPairs(order: readonly number[], same: (a: number, b: number) => boolean): number {
  let pairs = 0;
  let run = 1;
  for (let i = 1; i <= order.length; i++) {
    if (i < order.length && same(order[i - 1] as number, order[i] as number)) run++;
    else {
      pairs += (run * (run - 1)) / 2;
      run = 1;
    }
  }
  return pairs;
}

/** Sorts `v` ascending in place (stable merge sort) and returns the strict inversions it removed. */
function mergeSortSwaps(v: number[]): number {
  const buffer = new Array<number>(v.length);
  let swaps = 0;
  for (let width = 1; width < v.length; width *= 2) {
    for (let lo = 0; lo < v.length; lo += 2 * width) {
      const mid = Math.min(lo + width, v.length);
      const hi = Math.min(lo + 2 * width, v.length);
      let i = lo;
      let j = mid;
      let k = lo;
      while (i < mid && j < hi) {
        // Equal values are not inversions: a pair tied in y is neither concordant nor discordant.
        if ((v[i] as number) <= (v[j] as number)) buffer[k++] = v[i++] as number;
        else {
          swaps += mid - i;
          buffer[k++] = v[j++] as number;
        }
      }
      while (i < mid) buffer[k++] = v[i++] as number;
      while (j < hi) buffer[k++] = v[j++] as number;
      for (let t = lo; t < hi; t++) v[t] = buffer[t] as number;
    }
  }
  return swaps;
}

/**
 * Kendall's tau-b of two paired samples (ties handled as scipy.stats.kendalltau).
 * @returns a value in [-1, 1], or NaN (see the module note).
 */
export function kendallTau(x: ArrayLike<number>, y: ArrayLike<number>): number {
  checkLengths(x, y);
  const n = x.length;
  if (n < 2 || hasNaN(x) || hasNaN(y)) return Number.NaN;
  const xv = (i: number) => x[i] as number;
  const yv = (i: number) => y[i] as number;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => xv(a) - xv(b) || yv(a) - yv(b));
  const n1 = tiedPairs(order, (a, b) => xv(a) === xv(b));
  const n3 = tiedPairs(order, (a, b) => xv(a) === xv(b) && yv(a) === yv(b));
  const ys = order.map(yv);
  const swaps = mergeSortSwaps(ys); // ys is now sorted, so its runs give the ties in y
  const n2 = tiedPairs(
    ys.map((_, i) => i),
    (a, b) => ys[a] === ys[b],
  );
  const n0 = (n * (n - 1)) / 2;
  // C - D over pairs untied in both: all pairs, less those tied in x or y (joint ties counted
  // in both, so added back once), less two per discordant pair.
  const concordantMinusDiscordant = n0 - n1 - n2 + n3 - 2 * swaps;
  const denominator = Math.sqrt((n0 - n1) * (n0 - n2));
  return denominator === 0 ? Number.NaN : concordantMinusDiscordant / denominator;
}

/** 1-based ranks with ties given their average rank (scipy.stats.rankdata 'average'). */
export function averageRanks(v: ArrayLike<number>): Float64Array {
  const order = Array.from({ length: v.length }, (_, i) => i).sort((a, b) => (v[a] as number) - (v[b] as number));
  const ranks = new Float64Array(v.length);
  let start = 0;
  while (start < order.length) {
    let end = start + 1;
    while (end < order.length && v[order[end] as number] === v[order[start] as number]) end++;
    const rank = (start + 1 + end) / 2; // mean of ranks start+1 .. end
    for (let k = start; k < end; k++) ranks[order[k] as number] = rank;
    start = end;
  }
  return ranks;
}

/** Pearson's correlation coefficient (NaN when either side is constant). */
export function pearson(x: ArrayLike<number>, y: ArrayLike<number>): number {
  checkLengths(x, y);
  const n = x.length;
  if (n < 2) return Number.NaN;
  let mx = 0;
  let my = 0;
  for (let i = 0; i < n; i++) {
    mx += (x[i] as number) / n;
    my += (y[i] as number) / n;
  }
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = (x[i] as number) - mx;
    const dy = (y[i] as number) - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  return sxx === 0 || syy === 0 ? Number.NaN : Math.max(-1, Math.min(1, sxy / Math.sqrt(sxx * syy)));
}

/** Spearman's rho: Pearson's correlation of the average ranks (scipy.stats.spearmanr). */
export function spearmanRho(x: ArrayLike<number>, y: ArrayLike<number>): number {
  checkLengths(x, y);
  if (hasNaN(x) || hasNaN(y)) return Number.NaN;
  return pearson(averageRanks(x), averageRanks(y));
}
