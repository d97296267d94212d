import { describe, expect, it } from 'vitest';
import { averageRanks, kendallTau, spearmanRho } from '../../../electron/engine/metrics/rankCorrelation';
import { SeededRng } from '../../../electron/engine/random/seededRng';

/** Tau-b by definition over all pairs, an independent O(n^2) reference. */
function bruteTauB(x: number[], y: number[]): number {
  let c = 0;
  let d = 0;
  let tx = 0;
  let ty = 0;
  const n = x.length;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const sx = Math.sign((x[i] as number) - (x[j] as number));
      const sy = Math.sign((y[i] as number) - (y[j] as number));
      if (sx === 0) tx++;
      if (sy === 0) ty++;
      if (sx * sy > 0) c++;
      if (sx * sy < 0) d++;
    }
  }
  const n0 = (n * (n - 1)) / 2;
  return (c - d) / Math.sqrt((n0 - tx) * (n0 - ty));
}

describe('Kendall tau-b', () => {
  it('two judges ranking 10 items, three adjacent swaps: tau = (45 - 2*3)/45', () => {
    const x = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    const y = [1, 3, 2, 4, 5, 7, 6, 8, 10, 9];
    expect(kendallTau(x, y)).toBeCloseTo(39 / 45, 12);
  });

  it('the tied example of the scipy docs: C=2, D=6, 2 ties in x, 1 in y -> -4/sqrt(8*9)', () => {
    // Pairs by hand: (0,3) tied in both, (1,4) tied in x; concordant (0,4), (3,4); the other six discordant.
    const x = [12, 2, 1, 12, 2];
    const y = [1, 4, 7, 1, 0];
    expect(kendallTau(x, y)).toBeCloseTo(-4 / Math.sqrt(72), 12);
    expect(kendallTau(x, y)).toBeCloseTo(-0.47140452079103173, 12);
  });

  it('is 1 for identical orders, -1 for reversed, and symmetric', () => {
    const x = [0.3, 0.1, 0.9, 0.5];
    expect(kendallTau(x, x.map((v) => 2 * v + 1))).toBeCloseTo(1, 12);
    expect(kendallTau(x, x.map((v) => -v))).toBeCloseTo(-1, 12);
    expect(kendallTau([1, 2, 3], [2, 1, 3])).toBeCloseTo(kendallTau([2, 1, 3], [1, 2, 3]), 12);
  });

  it('matches the pairwise definition on random data with many ties', () => {
    const rng = new SeededRng(3);
    for (let trial = 0; trial < 20; trial++) {
      const n = 2 + rng.int(200);
      const x = Array.from({ length: n }, () => rng.int(7));
      const y = x.map((v) => Math.floor((v + rng.int(5)) / 2)); // correlated with x, many ties
      const expected = bruteTauB(x, y);
      if (Number.isNaN(expected)) expect(kendallTau(x, y)).toBeNaN();
      else expect(kendallTau(x, y)).toBeCloseTo(expected, 10);
    }
  });

  it('is NaN for constant input, NaN values and fewer than two items; throws on unequal lengths', () => {
    expect(kendallTau([1, 1, 1], [1, 2, 3])).toBeNaN();
    expect(kendallTau([1, Number.NaN, 3], [1, 2, 3])).toBeNaN();
    expect(kendallTau([1], [1])).toBeNaN();
    expect(() => kendallTau([1, 2], [1])).toThrow();
  });

  // Its speed on all 15,625 NB201 architectures, beside the pair count: `npm run bench -- --scoring`.
  it('matches the pairwise definition on 3,000 continuous items (merge-sort swap counts past one level)', () => {
    const rng = new SeededRng(9);
    const x = Array.from({ length: 3_000 }, () => rng.next());
    const y = x.map((v) => v + rng.normal() * 0.3);
    const tau = kendallTau(x, y);
    expect(tau).toBeCloseTo(bruteTauB(x, y), 12);
    expect(tau).toBeGreaterThan(0.3);
  });
});

describe('Spearman rho', () => {
  it('10 items with three adjacent swaps: 1 - 6 * sum d^2 / (n (n^2 - 1)) = 1 - 36/990', () => {
    const x = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    const y = [1, 3, 2, 4, 5, 7, 6, 8, 10, 9];
    expect(spearmanRho(x, y)).toBeCloseTo(1 - 36 / 990, 12);
  });

  it('uses average ranks for ties: x ranks [1, 2.5, 2.5, 4] vs [1, 3, 2, 4] -> 4.5 / sqrt(4.5 * 5)', () => {
    expect([...averageRanks([10, 20, 20, 30])]).toEqual([1, 2.5, 2.5, 4]);
    expect(spearmanRho([10, 20, 20, 30], [1, 3, 2, 4])).toBeCloseTo(4.5 / Math.sqrt(22.5), 12);
  });

  it('is NaN for constant input', () => {
    expect(spearmanRho([2, 2, 2], [1, 2, 3])).toBeNaN();
  });
});
